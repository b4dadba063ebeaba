// The owner's decision on a research request (Art. 26, by the Art. 23–24 procedure): approve with a
// minimal field set and an end date — which issues a free, research-only, non-commercial,
// non-transferable licence through the one licence path (issueLicence) — or refuse with reasons.
//
// A request is decided once: the decision is an insert under `_id` = request id (ADR 003). The
// steps after it (licence, ledger entry, projection, notice) are each idempotent and read the
// stored claim, so whoever comes second — a concurrent decider, or a retry after a crash —
// finishes the winner's decision and then hears "already decided".
import { Product } from '#models/product'
import {
  ResearchDecision,
  ResearchRequest,
  type ResearchDecisionDoc,
} from '#models/research-request'
import { notifyOrg } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import {
  issueLicence,
  termsFromTemplate,
  type LicenceTerms,
} from '~/services/licences/issue.server'
import { isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { endOfChinaDay, loadRequest, mayDecide, type ResearchRequestLean } from './requests.server'
import type { ResearchDecisionInput } from './schemas'

/** Art. 26 (research grants): licensees report their use once a year (Art. 46) unless the product's template says more often. */
export const RESEARCH_USAGE_REPORT_DEFAULT = 'yearly' as const

/** Art. 26 with Art. 23: only the owner of the data (or the authority) decides. */
export function assertMayDecide(user: AuthUser, request: ResearchRequestLean): void {
  if (!mayDecide(user, request)) throw new DomainError('forbidden', 'error.research.notOwner', 403)
}

/**
 * Art. 24 (minimal authorization): the approved fields are a subset of those asked for — the owner
 * may narrow, never widen — and at least one when the request named any.
 */
export function assertMinimalFields(approved: string[], asked: string[]): void {
  const extra = approved.filter((f) => !asked.includes(f))
  if (extra.length)
    throw new DomainError(
      'fields_not_asked',
      'error.research.fieldsNotAsked',
      422,
      { fields: ['error.research.fieldsNotAsked'] },
      { fields: extra.join(', ') },
    )
  if (asked.length > 0 && approved.length === 0)
    throw new DomainError('no_fields', 'error.research.noApprovedFields', 422, {
      fields: ['error.research.noApprovedFields'],
    })
}

/**
 * Art. 24 (截止時間): the grant ends after it starts (in the future, and after the start of the
 * period asked for) and no later than the end of that period.
 */
export function assertGrantEnd(
  end: Date,
  request: Pick<ResearchRequestLean, 'periodStart' | 'periodEnd'>,
  now: Date,
): void {
  if (end.getTime() <= now.getTime())
    throw new DomainError('bad_end', 'error.research.endPast', 422, {
      end: ['error.research.endPast'],
    })
  if (end.getTime() <= request.periodStart.getTime()) {
    throw new DomainError('bad_end', 'error.research.endBeforePeriod', 422, {
      end: ['error.research.endBeforePeriod'],
    })
  }
  if (end.getTime() > request.periodEnd.getTime())
    throw new DomainError('bad_end', 'error.research.endAfterPeriod', 422, {
      end: ['error.research.endAfterPeriod'],
    })
}

/** Art. 26 → Art. 23 ¶2: a refusal states its grounds (the law, regulation or rule it rests on). */
export function assertRefusalReasons(reasons: string): void {
  if (reasons.trim().length < 4)
    throw new DomainError('reasons_required', 'error.research.reasonsRequired', 422, {
      reasons: ['error.research.reasonsRequired'],
    })
}

/**
 * Art. 26: the licence a research grant yields — free (no price plan), research-only,
 * non-commercial, no derivation and no redistribution (non-transferable), limited to the approved
 * fields and ending on the approved date.
 */
export async function researchLicenceTerms(
  request: ResearchRequestLean,
  claim: ResearchDecisionDoc,
): Promise<LicenceTerms> {
  const start = new Date(Math.max(claim.at.getTime(), request.periodStart.getTime()))
  const research = {
    purpose: request.purpose,
    scenario: `${request.project.name} (${request.project.number})`,
    permittedFields: [...claim.fields],
    start,
    end: claim.end!,
    derivationAllowed: false,
    redistribution: false,
    researchOnly: true,
    commercialUse: false,
  }
  if (request.productId) {
    const product = await Product.findById(request.productId, { licenceTemplate: 1 }).lean()
    if (product) {
      const template = termsFromTemplate(product.licenceTemplate, start)
      return {
        ...template,
        ...research,
        usageReport:
          template.usageReport === 'none' ? RESEARCH_USAGE_REPORT_DEFAULT : template.usageReport,
      }
    }
  }
  return { ...research, deliveryMode: 'file_download', usageReport: RESEARCH_USAGE_REPORT_DEFAULT }
}

export interface DecisionResult {
  requestId: string
  outcome: 'approved' | 'refused'
  licenceId: string | null
  ledgerSeq: number
}

/** The steps after the claim, from the claim alone: safe to run again, by anyone. */
export async function completeDecision(
  request: ResearchRequestLean,
  claim: ResearchDecisionDoc,
): Promise<DecisionResult> {
  const requestId = String(request._id)
  const actor = { userId: claim.decidedBy, orgId: claim.decidedByOrgId }
  let licenceId: string | null = null
  if (claim.outcome === 'approved') {
    const issued = await issueLicence({
      source: 'research-grant',
      sourceRef: requestId,
      licenseeOrgId: request.requesterOrgId,
      licensorOrgId: request.ownerOrgId,
      productId: request.productId ?? null,
      versionId: request.versionId ?? null,
      catalogEntryId: request.catalogEntryId ?? null,
      pricePlanKey: null,
      terms: await researchLicenceTerms(request, claim),
      actor,
    })
    licenceId = issued.licenceId
  }
  const entry = await appendLedger({
    action: `research-request.${claim.outcome}`,
    actor,
    subjects: [
      `research-request:${requestId}`,
      request.productId
        ? `product:${request.productId}`
        : `catalog-entry:${request.catalogEntryId}`,
      `org:${request.requesterOrgId}`,
      `org:${request.ownerOrgId}`,
      ...(licenceId ? [`licence:${licenceId}`] : []),
    ],
    payload: {
      fields: claim.fields,
      end: claim.end?.toISOString() ?? null,
      reasons: claim.reasons,
    },
    summary:
      claim.outcome === 'approved'
        ? { fields: claim.fields.length, end: claim.end!.toISOString(), licenceId: licenceId ?? '' }
        : { reasons: claim.reasons.slice(0, 500) },
    eventKey: `research-request.${claim.outcome}:${requestId}`,
  })
  await ResearchRequest.updateOne(
    { _id: request._id },
    {
      $set: {
        status: claim.outcome,
        decision: {
          outcome: claim.outcome,
          fields: claim.fields,
          end: claim.end ?? null,
          reasons: claim.reasons,
          decidedAt: claim.at,
          decidedBy: claim.decidedBy,
          decidedByOrgId: claim.decidedByOrgId,
          licenceId,
          ledgerSeq: entry._id,
        },
      },
    },
  )
  await notifyOrg({
    key: `research-request:${requestId}:${claim.outcome}`,
    orgId: request.requesterOrgId,
    kind: `research-request.${claim.outcome}`,
    params: { requestId, title: request.subjectTitle.zh, ...(licenceId ? { licenceId } : {}) },
  })
  return { requestId, outcome: claim.outcome, licenceId, ledgerSeq: entry._id }
}

/**
 * Art. 26 (Art. 23–24 procedure): the owner approves — minimal fields, an end date — or refuses
 * with reasons. Exactly one decision per request, however many are sent at once.
 */
export async function decideResearchRequest(
  user: AuthUser,
  requestId: string,
  input: ResearchDecisionInput,
  options: { now?: Date } = {},
): Promise<DecisionResult> {
  const request = await loadRequest(requestId)
  assertMayDecide(user, request)
  const now = options.now ?? new Date()
  const existing = await ResearchDecision.findById(String(request._id)).lean()
  if (existing) {
    await completeDecision(request, existing)
    throw new DomainError('already_decided', 'error.research.alreadyDecided', 409)
  }
  let fields: string[] = []
  let end: Date | null = null
  let reasons = ''
  if (input.intent === 'approve') {
    assertMinimalFields(input.fields, request.fields)
    end = endOfChinaDay(input.end)
    assertGrantEnd(end, request, now)
    fields = [...new Set(input.fields)]
  } else {
    assertRefusalReasons(input.reasons)
    reasons = input.reasons.trim()
  }
  const claim: ResearchDecisionDoc = {
    _id: String(request._id),
    outcome: input.intent === 'approve' ? 'approved' : 'refused',
    fields,
    end,
    reasons,
    decidedBy: user.id,
    decidedByOrgId: user.org!.id,
    at: now,
  }
  try {
    await ResearchDecision.create(claim)
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    const winner = await ResearchDecision.findById(String(request._id)).lean()
    if (winner) await completeDecision(request, winner)
    throw new DomainError('already_decided', 'error.research.alreadyDecided', 409)
  }
  return completeDecision(request, claim)
}
