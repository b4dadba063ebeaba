// Sharing between agencies (C4; Art. 22–24): an agency asks a source department for data listed in
// the catalog; unconditionally shared data is granted at once (Art. 23 ¶1), conditionally shared
// data waits for the source department's reply within 5 working days (Art. 23 ¶2), which agrees on
// the Art. 24 terms — never more fields than asked — or refuses citing a law, regulation or rule.
// Not-shared data is answered by verification (Art. 23 ¶3), never handed over.
//
// One exported function per rule. A request is an insert under its id; its answer is an insert
// under the same id (SharingDecision, ADR 003), and every step after it — the grant, the ledger
// entry, the request's projection, the notice — is idempotent and reads the stored claim, so a
// retry or a concurrent second reply finishes the first one's work and then hears "already answered".
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { SharingGrant } from '#models/sharing-grant'
import {
  SharingDecision,
  SharingRequest,
  type SharingDecisionDoc,
  type SharingRequestDoc,
} from '#models/sharing-request'
import {
  ART23_REPLY_WORKING_DAYS,
  addWorkingDays,
  endOfChinaDay,
} from '~/services/calendar/working-days.server'
import { Organization } from '#models/organization'
import { authorityOf, notifyOrg } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { assertMinimalFields } from '~/services/research/decisions.server'
import {
  ART46_CITATION,
  grantReviewOf,
  needsGrantReview,
  recordGrantReview,
  type ReviewInput,
  type ReviewView,
} from '~/services/security/confidentiality.server'
import { assertFieldsOffered, assertPeriod } from '~/services/research/requests.server'
import { claim, insertOnce } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import { enqueueGrantDelivery } from './datasets.server'
import type { Art26SharingInput, SharingDecisionInput, SharingRequestInput } from './schemas'

/** Art. 24: the data reaches the requester within 5 working days of the agreement. */
export const ART24_DELIVERY_WORKING_DAYS = 5

export function notFound(): DomainError {
  return new DomainError('not_found', 'error.sharing.notFound', 404)
}

/** Art. 22: sharing is between agencies (enterprises and institutions go through Art. 26 ¶1). */
export function assertAgency(user: AuthUser): NonNullable<AuthUser['org']> {
  assertMay(user, 'create:sharing-request:own-org')
  if (!user.org || user.org.type !== 'agency')
    throw new DomainError('not_agency', 'error.sharing.notAgency', 403)
  return user.org
}

export interface SharableEntry {
  id: string
  sourceOrgId: string
  title: { zh: string; en: string }
  sharingType: 'unconditional' | 'conditional'
  fields: string[]
  /** Art. 46: its grants wait for a confidentiality review (important-grade data). */
  reviewRequired: boolean
}

/**
 * Art. 23: what may be asked for — a listed, published catalog entry that is shared at all. A
 * not-shared entry is refused with the way that remains: verification or comparison (Art. 23 ¶3).
 */
export async function loadSharableEntry(entryId: string): Promise<SharableEntry> {
  if (!isObjectId(entryId)) throw notFound()
  const entry = await CatalogEntry.findById(entryId, { orgId: 1, listed: 1, published: 1 }).lean()
  if (!entry || !entry.listed || !entry.published) throw notFound()
  const sharingType = entry.published.sharingType
  if (sharingType === 'not_shared')
    throw new DomainError('not_shared', 'error.sharing.notShared', 409)
  return {
    id: entryId,
    sourceOrgId: entry.orgId,
    title: { zh: entry.published.title.zh, en: entry.published.title.en },
    sharingType,
    fields: entry.published.fields.map((f) => f.name),
    reviewRequired: needsGrantReview(entry.published.grade),
  }
}

/** A refusal's grounds that name nothing (Art. 23 ¶2 asks for a law, regulation or rule). */
const GENERIC_INSTRUMENTS = [
  '法律法规',
  '相关法律法规',
  '有关法律法规',
  '相关规定',
  '有关规定',
  '国家规定',
  '法律',
  '规定',
  'law',
  'laws',
  'the law',
  'regulation',
  'regulations',
  'relevant laws',
  'relevant regulations',
  'relevant laws and regulations',
  'laws and regulations',
]
const ARTICLE =
  /第[一二三四五六七八九十百千零〇两\d]+条|^(art(icle)?\.?\s*)?\d+[a-z]?(\s*[(（¶]?\s*\d+[)）]?)?$/i

/**
 * Art. 23 ¶2: a refusal cites the law, regulation or rule it rests on — the instrument by name and
 * the article in it. An empty or generic citation ("相关法律法规") is refused.
 */
export function assertCitation(instrument: string, article: string): void {
  const name = instrument.trim()
  const normalized = name
    .replace(/[《》“”"'\s]/g, ' ')
    .trim()
    .toLowerCase()
  if (!name || name.length < 4 || GENERIC_INSTRUMENTS.includes(normalized))
    throw new DomainError('citation_required', 'error.sharing.citationInstrument', 422, {
      instrument: ['error.sharing.citationInstrument'],
    })
  if (!ARTICLE.test(article.trim()))
    throw new DomainError('citation_required', 'error.sharing.citationArticle', 422, {
      article: ['error.sharing.citationArticle'],
    })
}

/** Art. 24 (截止時間): a grant ends in the future and no later than the end asked for. */
export function assertGrantEnd(
  end: Date,
  request: Pick<SharingRequestDoc, 'periodEnd'>,
  now: Date,
) {
  if (end.getTime() <= now.getTime())
    throw new DomainError('bad_end', 'error.sharing.endPast', 422, {
      end: ['error.sharing.endPast'],
    })
  if (end.getTime() > request.periodEnd.getTime())
    throw new DomainError('bad_end', 'error.sharing.endAfterAsked', 422, {
      end: ['error.sharing.endAfterAsked'],
    })
}

/** The authority that coordinates for `orgId` (Art. 22): the one of its level and region. */
export async function coordinatingAuthority(orgId: string): Promise<string | undefined> {
  if (!isObjectId(orgId)) return undefined
  const org = await Organization.findById(orgId, { level: 1, regionCode: 1 }).lean()
  return org?.level && org.regionCode ? authorityOf(org.level, org.regionCode) : undefined
}

/** The approved agencies `authorityOrgId` coordinates (those whose coordinatingAuthority it is). */
export async function agenciesCoordinatedBy(
  authorityOrgId: string | undefined,
): Promise<{ id: string; name: { zh: string; en: string } }[]> {
  if (!authorityOrgId) return []
  const agencies = await Organization.find(
    { type: 'agency', status: 'approved' },
    { name: 1 },
  ).lean()
  const out: { id: string; name: { zh: string; en: string } }[] = []
  for (const a of agencies)
    if ((await coordinatingAuthority(String(a._id))) === authorityOrgId)
      out.push({ id: String(a._id), name: { zh: a.name.zh, en: a.name.en } })
  return out
}

/** The region one level up (GB/T 2260 codes): a county's city, a city's province; none above. */
export function upperRegion(
  level: string,
  regionCode: string,
): { level: 'province' | 'city'; regionCode: string } | null {
  if (level === 'county') return { level: 'city', regionCode: `${regionCode.slice(0, 4)}00` }
  if (level === 'city') return { level: 'province', regionCode: `${regionCode.slice(0, 2)}0000` }
  return null
}

export interface Filing {
  authorityOrgId: string
  relation: 'same' | 'upper'
}

/**
 * Art. 25: a request across levels or regions (requester and source department at a different
 * level, or in a different region) is filed with the requester's same-level authority and the
 * authority one level up. None for a request within one level and region.
 */
export async function art25Filings(requesterOrgId: string, sourceOrgId: string): Promise<Filing[]> {
  const orgs = await Organization.find(
    { _id: mongoose.trusted({ $in: [requesterOrgId, sourceOrgId].filter(isObjectId) }) },
    { level: 1, regionCode: 1 },
  ).lean()
  const requester = orgs.find((o) => String(o._id) === requesterOrgId)
  const source = orgs.find((o) => String(o._id) === sourceOrgId)
  if (!requester?.level || !requester.regionCode || !source) return []
  if (requester.level === source.level && requester.regionCode === source.regionCode) return []
  const filings: Filing[] = []
  const same = await authorityOf(requester.level, requester.regionCode)
  if (same) filings.push({ authorityOrgId: same, relation: 'same' })
  const up = upperRegion(requester.level, requester.regionCode)
  const upper = up ? await authorityOf(up.level, up.regionCode) : undefined
  if (upper && upper !== same) filings.push({ authorityOrgId: upper, relation: 'upper' })
  return filings
}

type Oversight = Pick<
  SharingRequestDoc,
  'requesterOrgId' | 'sourceOrgId' | 'coordinatorOrgId' | 'escalatedTo' | 'filings'
>

/**
 * Which authority oversees a request (Art. 22, 25): the coordinating one (the source department's),
 * the one it was escalated to, and the ones it was filed with. A request stored before coordinators
 * were recorded is overseen by every authority.
 */
export function overseesRequest(user: AuthUser, request: Oversight): boolean {
  const orgId = user.org?.id
  if (!orgId || user.org?.type !== 'authority') return false
  if (!request.coordinatorOrgId) return true
  return (
    orgId === request.coordinatorOrgId ||
    orgId === request.escalatedTo ||
    (request.filings ?? []).some((f) => f.authorityOrgId === orgId)
  )
}

/** Who sees a request: the two agencies, and the authorities that oversee it (Art. 22, 25). */
export function maySee(user: AuthUser, request: Oversight): boolean {
  const orgId = user.org?.id
  return Boolean(
    orgId &&
    (orgId === request.requesterOrgId ||
      orgId === request.sourceOrgId ||
      overseesRequest(user, request)),
  )
}

/** Art. 23 ¶2: the source department replies (its staff holding the permission). */
export function assertMayReply(user: AuthUser, request: Pick<SharingRequestDoc, 'sourceOrgId'>) {
  assertMay(user, 'decide:sharing-request:own-org')
  if (user.org?.id !== request.sourceOrgId)
    throw new DomainError('forbidden', 'error.sharing.notSource', 403)
}

export async function loadSharingRequest(requestId: string) {
  if (!isObjectId(requestId)) throw notFound()
  const request = await SharingRequest.findById(requestId).lean()
  if (!request) throw notFound()
  return request
}

export type SharingRequestLean = Awaited<ReturnType<typeof loadSharingRequest>>

export interface SharingOutcomeResult {
  requestId: string
  status: 'pending' | 'granted' | 'refused'
  replyDueAt: Date | null
  grantId: string | null
  deliveryDueAt: Date | null
}

/**
 * Art. 22–24: an agency asks for an entry's data — scenario, using unit, the duty it serves, the
 * fields (at least one the entry offers; minimal authorization), mode and end. Unconditionally
 * shared data is granted at once with the fields asked for (Art. 23 ¶1); conditionally shared data
 * starts the source department's 5-working-day clock (Art. 23 ¶2). Logged as
 * `sharing-request.submitted` (and `…granted`).
 */
export async function submitSharingRequest(
  user: AuthUser,
  input: SharingRequestInput,
  options: { now?: Date; id?: mongoose.Types.ObjectId } = {},
): Promise<SharingOutcomeResult> {
  const org = assertAgency(user)
  const now = options.now ?? new Date()
  const entry = await loadSharableEntry(input.entryId)
  if (entry.sourceOrgId === org.id)
    throw new DomainError('own_entry', 'error.sharing.ownEntry', 409)
  assertFieldsOffered(input.fields, entry.fields)
  const periodEnd = endOfChinaDay(input.periodEnd)
  assertPeriod(now, periodEnd, now)
  const _id = options.id ?? new mongoose.Types.ObjectId()
  const filings = await art25Filings(org.id, entry.sourceOrgId)
  const { doc } = await insertOnce(
    SharingRequest,
    {
      _id,
      requesterOrgId: org.id,
      requesterUserId: user.id,
      catalogEntryId: entry.id,
      sourceOrgId: entry.sourceOrgId,
      entryTitle: entry.title,
      sharingType: entry.sharingType,
      scenario: input.scenario,
      usingUnit: input.usingUnit,
      duty: input.duty,
      fields: [...new Set(input.fields)],
      mode: input.mode,
      periodEnd,
      replyDueAt:
        entry.sharingType === 'conditional' || entry.reviewRequired
          ? await addWorkingDays(now, ART23_REPLY_WORKING_DAYS)
          : null,
      reviewRequired: entry.reviewRequired,
      status: 'pending',
      coordinatorOrgId: (await coordinatingAuthority(entry.sourceOrgId)) ?? null,
      filings: filings.map((f) => ({ ...f, filedSeq: null })) as never,
      createdAt: now,
    },
    { _id },
  )
  return completeSubmission(doc.toObject() as SharingRequestLean)
}

/** Art. 26 ¶1: who may receive shared data through it — enterprises and institutions. */
const ART26_RECIPIENTS = new Set(['provider', 'buyer', 'research'])

/**
 * Art. 26 ¶1: for a policy or an emergency, the data authority or the source department shares an
 * entry's data with an enterprise or institution, on a cited national law, regulation or rule, by
 * the Art. 23–25 procedure: the request is the enterprise's (it receives the grant), made by the
 * authority (the source department then answers as for an agency) or by the source department
 * itself (granted at once: the sharer is the one who answers). The basis is logged with it.
 */
export async function submitArt26Sharing(
  user: AuthUser,
  input: Art26SharingInput,
  options: { now?: Date; id?: mongoose.Types.ObjectId } = {},
): Promise<SharingOutcomeResult> {
  const now = options.now ?? new Date()
  const entry = await loadSharableEntry(input.entryId)
  const byAuthority =
    user.permissions.has('coordinate:sharing-request:any') && user.org?.type === 'authority'
  const bySource =
    user.permissions.has('decide:sharing-request:own-org') && user.org?.id === entry.sourceOrgId
  if (!byAuthority && !bySource)
    throw new DomainError('forbidden', 'error.sharing.notArt26Sharer', 403)
  assertCitation(input.instrument, input.article)
  const beneficiary = isObjectId(input.beneficiaryOrgId)
    ? await Organization.findById(input.beneficiaryOrgId, { type: 1, status: 1 }).lean()
    : null
  if (!beneficiary || beneficiary.status !== 'approved' || !ART26_RECIPIENTS.has(beneficiary.type))
    throw new DomainError('not_enterprise', 'error.sharing.notEnterprise', 422, {
      beneficiaryOrgId: ['error.sharing.notEnterprise'],
    })
  assertFieldsOffered(input.fields, entry.fields)
  const periodEnd = endOfChinaDay(input.periodEnd)
  assertPeriod(now, periodEnd, now)
  const _id = options.id ?? new mongoose.Types.ObjectId()
  const beneficiaryId = input.beneficiaryOrgId
  const filings = await art25Filings(beneficiaryId, entry.sourceOrgId)
  const basis = { instrument: input.instrument.trim(), article: input.article.trim() }
  const { doc } = await insertOnce(
    SharingRequest,
    {
      _id,
      requesterOrgId: beneficiaryId,
      requesterUserId: user.id,
      catalogEntryId: entry.id,
      sourceOrgId: entry.sourceOrgId,
      entryTitle: entry.title,
      sharingType: entry.sharingType,
      scenario: input.scenario,
      usingUnit: input.usingUnit,
      duty: `${basis.instrument} ${basis.article}`,
      fields: [...new Set(input.fields)],
      mode: input.mode,
      periodEnd,
      replyDueAt:
        (entry.sharingType === 'conditional' && !bySource) || entry.reviewRequired
          ? await addWorkingDays(now, ART23_REPLY_WORKING_DAYS)
          : null,
      reviewRequired: entry.reviewRequired,
      status: 'pending',
      coordinatorOrgId: (await coordinatingAuthority(entry.sourceOrgId)) ?? null,
      filings: filings.map((f) => ({ ...f, filedSeq: null })) as never,
      art26: { purpose: input.purpose, ...basis, initiatedByOrgId: user.org!.id },
      createdAt: now,
    },
    { _id },
  )
  return completeSubmission(doc.toObject() as SharingRequestLean)
}

/**
 * Art. 23 ¶1 and Art. 26 ¶1: answered as it is asked — unconditionally shared data, or data the
 * source department itself shares with an enterprise (its own answer).
 */
export function grantsAtOnce(
  request: Pick<SharingRequestLean, 'sharingType' | 'art26' | 'sourceOrgId'>,
): boolean {
  return (
    request.sharingType === 'unconditional' ||
    request.art26?.initiatedByOrgId === request.sourceOrgId
  )
}

/**
 * The steps after a request is stored, from the stored request alone: log it, then grant an
 * unconditional one (Art. 23 ¶1) or tell the source department its clock runs (Art. 23 ¶2). Safe to
 * run again: the reply sweep finishes a submission a crash left unlogged (`submittedSeq` null).
 */
export async function completeSubmission(
  request: SharingRequestLean,
): Promise<SharingOutcomeResult> {
  const requestId = String(request._id)
  const entryLog = await appendLedger({
    action: 'sharing-request.submitted',
    actor: {
      userId: request.requesterUserId,
      orgId: request.art26?.initiatedByOrgId ?? request.requesterOrgId,
    },
    subjects: [
      `sharing-request:${requestId}`,
      `catalog-entry:${request.catalogEntryId}`,
      `org:${request.requesterOrgId}`,
      `org:${request.sourceOrgId}`,
    ],
    // What was asked, as stored (a repair writes the same digest as the first attempt).
    payload: {
      entryId: request.catalogEntryId,
      scenario: request.scenario,
      usingUnit: request.usingUnit,
      duty: request.duty,
      fields: request.fields,
      mode: request.mode,
      periodEnd: request.periodEnd.toISOString(),
      ...(request.art26 && { art26: request.art26 }),
    },
    summary: {
      // The supervision figures (Art. 23, 52) count the reply against the source department.
      sourceOrgId: request.sourceOrgId,
      sharingType: request.sharingType,
      ...(request.art26 && {
        art26Purpose: request.art26.purpose,
        legalBasis: `${request.art26.instrument} ${request.art26.article}`,
        initiatedByOrgId: request.art26.initiatedByOrgId,
      }),
      fields: request.fields.length,
      mode: request.mode,
      ...(request.replyDueAt && { replyDueAt: request.replyDueAt.toISOString() }),
    },
    eventKey: `sharing-request.submitted:${requestId}`,
  })
  // Art. 25: filed with the requester's same-level and upper-level authorities (once each).
  const filed: { authorityOrgId: string; relation: string; filedSeq: number }[] = []
  for (const filing of request.filings ?? []) {
    const filedEntry = await appendLedger({
      action: 'sharing-request.filed',
      actor: {
        userId: request.requesterUserId,
        orgId: request.art26?.initiatedByOrgId ?? request.requesterOrgId,
      },
      subjects: [
        `sharing-request:${requestId}`,
        `catalog-entry:${request.catalogEntryId}`,
        `org:${request.requesterOrgId}`,
        `org:${request.sourceOrgId}`,
        `org:${filing.authorityOrgId}`,
      ],
      payload: { requestId, authorityOrgId: filing.authorityOrgId, relation: filing.relation },
      summary: { authorityOrgId: filing.authorityOrgId, relation: filing.relation },
      eventKey: `sharing-request.filed:${requestId}:${filing.authorityOrgId}`,
    })
    filed.push({
      authorityOrgId: filing.authorityOrgId,
      relation: filing.relation,
      filedSeq: filedEntry._id,
    })
    await notifyOrg({
      key: `sharing-request:${requestId}:filed:${filing.authorityOrgId}`,
      orgId: filing.authorityOrgId,
      kind: 'sharing-request.filed',
      params: { requestId, title: request.entryTitle.zh },
    })
  }
  // The receipts, all at once and only once every filing is logged (every run writes the same
  // ones: the log keys them); until then the sweep finishes the submission (`submittedSeq` null).
  await SharingRequest.updateOne(
    { _id: request._id },
    { $set: { submittedSeq: entryLog._id, ...(filed.length && { filings: filed }) } },
  )
  return answerOrWait(request)
}

/**
 * The answer the stored facts already give, without the source department's reply: refused when
 * the request's confidentiality review failed (Art. 46); granted when the rule grants at once
 * (Art. 23 ¶1, Art. 26 ¶1) and no review is outstanding; otherwise none yet.
 */
export function answerByRule(
  request: Pick<SharingRequestLean, 'sharingType' | 'art26' | 'sourceOrgId' | 'reviewRequired'>,
  review: Pick<ReviewView, 'outcome'> | null,
): 'refused' | 'granted' | null {
  if (review?.outcome === 'failed') return 'refused'
  if (grantsAtOnce(request) && (!request.reviewRequired || review)) return 'granted'
  return null
}

/**
 * What a logged request waits for, from what is stored: the answer by rule (answerByRule) is
 * claimed and carried out; otherwise it stays pending, the source department told what it has to
 * do. Safe to run again.
 */
export async function answerOrWait(request: SharingRequestLean): Promise<SharingOutcomeResult> {
  const requestId = String(request._id)
  const review = request.reviewRequired ? await grantReviewOf(requestId) : null
  const byRule = answerByRule(request, review)
  if (byRule === 'refused') {
    // Art. 46 with Art. 23 ¶2: the failed review is the refusal, citing the rule it rests on.
    await claim(SharingDecision, {
      _id: request._id,
      outcome: 'refused',
      fields: [],
      mode: null,
      end: null,
      deliveryDueAt: null,
      citation: ART46_CITATION,
      note: review!.note,
      automatic: false,
      decidedAt: new Date(review!.at),
      decidedBy: review!.reviewerUserId,
      decidedByOrgId: request.sourceOrgId,
    } satisfies SharingDecisionDoc)
    const stored = (await SharingDecision.findById(request._id).lean())!
    return completeSharingDecision(request, stored)
  }
  const bySource = request.art26?.initiatedByOrgId === request.sourceOrgId
  if (byRule === 'granted') {
    // Art. 23 ¶1: unconditionally shared data is granted as asked, without a reply (important data
    // once its review passed). The answer is the same claim as a reply's; whoever stores it first,
    // every run completes the stored one.
    const decidedAt = review ? new Date(review.at) : request.createdAt
    await claim(SharingDecision, {
      _id: request._id,
      outcome: 'granted',
      fields: request.fields,
      mode: request.mode,
      end: request.periodEnd,
      deliveryDueAt: await addWorkingDays(decidedAt, ART24_DELIVERY_WORKING_DAYS),
      citation: null,
      note: '',
      automatic: !bySource,
      decidedAt,
      // Unconditional: no person decided, the entry's sharing type did; Art. 26: the sharer did.
      decidedBy: bySource ? request.requesterUserId : 'rule:art23-unconditional',
      decidedByOrgId: request.sourceOrgId,
    } satisfies SharingDecisionDoc)
    const stored = (await SharingDecision.findById(request._id).lean())!
    return completeSharingDecision(request, stored)
  }
  const held = grantsAtOnce(request)
  await notifyOrg({
    key: `sharing-request:${requestId}:${held ? 'review-needed' : 'submitted'}`,
    orgId: request.sourceOrgId,
    kind: held ? 'sharing-request.review-needed' : 'sharing-request.submitted',
    params: { requestId, title: request.entryTitle.zh, dueAt: request.replyDueAt!.toISOString() },
  })
  return {
    requestId,
    status: 'pending',
    replyDueAt: request.replyDueAt ?? null,
    grantId: null,
    deliveryDueAt: null,
  }
}

/** The steps after the answer, from the stored answer alone: safe to run again, by anyone. */
export async function completeSharingDecision(
  request: SharingRequestLean,
  decision: SharingDecisionDoc,
): Promise<SharingOutcomeResult> {
  const requestId = String(request._id)
  const actor = { userId: decision.decidedBy, orgId: decision.decidedByOrgId }
  let grantId: string | null = null
  if (decision.outcome === 'granted') {
    const sourceRef = `sharing-request:${requestId}`
    const { doc: grant } = await insertOnce(
      SharingGrant,
      {
        catalogEntryId: request.catalogEntryId,
        grantorOrgId: request.sourceOrgId,
        granteeOrgId: request.requesterOrgId,
        kind: 'sharing',
        scenario: request.scenario,
        fields: decision.fields,
        mode: decision.mode ?? request.mode,
        start: decision.decidedAt,
        end: decision.end!,
        approvedAt: decision.decidedAt,
        approvedBy: decision.decidedBy,
        sourceRef,
      },
      { sourceRef },
    )
    grantId = String(grant._id)
  }
  const entry = await appendLedger({
    action: decision.outcome === 'granted' ? 'sharing-request.granted' : 'sharing-request.refused',
    actor,
    subjects: [
      `sharing-request:${requestId}`,
      `catalog-entry:${request.catalogEntryId}`,
      `org:${request.requesterOrgId}`,
      `org:${request.sourceOrgId}`,
      ...(grantId ? [`sharing-grant:${grantId}`] : []),
    ],
    payload: {
      fields: decision.fields,
      mode: decision.mode,
      end: decision.end?.toISOString() ?? null,
      citation: decision.citation,
      note: decision.note,
    },
    summary:
      decision.outcome === 'granted'
        ? {
            fields: decision.fields.length,
            mode: decision.mode ?? '',
            end: decision.end!.toISOString(),
            automatic: decision.automatic,
            deliveryDueAt: decision.deliveryDueAt?.toISOString() ?? '',
          }
        : {
            instrument: decision.citation?.instrument ?? '',
            article: decision.citation?.article ?? '',
          },
    eventKey: `sharing-request.${decision.outcome}:${requestId}`,
  })
  const { _id: _ignored, ...answer } = decision
  await SharingRequest.updateOne(
    { _id: request._id },
    {
      $set: {
        status: decision.outcome,
        decision: { ...answer, grantId, ledgerSeq: entry._id },
      },
    },
  )
  // Art. 24: an online grant's copy is made as soon as the entry's data is stored (a lost job is
  // queued again by the sharing sweep while the delivery is missing).
  if (grantId && decision.mode && decision.mode !== 'offline')
    await enqueueGrantDelivery(grantId, request.catalogEntryId).catch((error: unknown) =>
      console.error('[sharing] could not queue the delivery of grant', grantId, error),
    )
  await notifyOrg({
    key: `sharing-request:${requestId}:${decision.outcome}`,
    orgId: request.requesterOrgId,
    kind: `sharing-request.${decision.outcome}`,
    params: { requestId, title: request.entryTitle.zh, ...(grantId ? { grantId } : {}) },
  })
  return {
    requestId,
    status: decision.outcome,
    replyDueAt: request.replyDueAt ?? null,
    grantId,
    deliveryDueAt: decision.deliveryDueAt ?? null,
  }
}

/**
 * Art. 23 ¶2 and Art. 24: the source department agrees — on at most the fields asked for, a mode
 * and an end no later than asked — or refuses citing a law, regulation or rule. One answer per
 * request, however many are sent at once.
 */
export async function replyToSharingRequest(
  user: AuthUser,
  requestId: string,
  input: SharingDecisionInput,
  options: { now?: Date } = {},
): Promise<SharingOutcomeResult> {
  assertMay(user, 'decide:sharing-request:own-org')
  const request = await loadSharingRequest(requestId)
  assertMayReply(user, request)
  const now = options.now ?? new Date()
  const existing = await SharingDecision.findById(request._id).lean()
  if (existing) {
    await completeSharingDecision(request, existing)
    throw new DomainError('already_answered', 'error.sharing.alreadyAnswered', 409)
  }
  const base = {
    _id: request._id,
    note: input.note,
    automatic: false,
    decidedAt: now,
    decidedBy: user.id,
    decidedByOrgId: user.org!.id,
  }
  let decision: SharingDecisionDoc
  if (input.outcome === 'granted') {
    await assertGrantReviewed(request)
    assertMinimalFields(input.fields, request.fields)
    const end = endOfChinaDay(input.end)
    assertGrantEnd(end, request, now)
    decision = {
      ...base,
      outcome: 'granted',
      fields: [...new Set(input.fields)],
      mode: input.mode,
      end,
      deliveryDueAt: await addWorkingDays(now, ART24_DELIVERY_WORKING_DAYS),
      citation: null,
    }
  } else {
    assertCitation(input.instrument, input.article)
    decision = {
      ...base,
      outcome: 'refused',
      fields: [],
      mode: null,
      end: null,
      deliveryDueAt: null,
      citation: { instrument: input.instrument.trim(), article: input.article.trim() },
    }
  }
  if (!(await claim(SharingDecision, decision))) {
    const winner = await SharingDecision.findById(request._id).lean()
    if (winner) await completeSharingDecision(request, winner)
    throw new DomainError('already_answered', 'error.sharing.alreadyAnswered', 409)
  }
  return completeSharingDecision(request, decision)
}

/** Art. 46: important data is granted only after its confidentiality review passed. */
export async function assertGrantReviewed(
  request: Pick<SharingRequestLean, '_id' | 'reviewRequired'>,
): Promise<void> {
  if (!request.reviewRequired) return
  const review = await grantReviewOf(String(request._id))
  if (review?.outcome !== 'passed')
    throw new DomainError('not_reviewed', 'error.confidentiality.grantNotReviewed', 409)
}

/**
 * Art. 46: the source department's confidentiality review of a request for important data, once
 * per request. Passed: the request may be granted (one granted at once by rule is granted now);
 * failed: the request is refused, citing Art. 46, with the reviewer's reasons.
 */
export async function reviewSharingGrant(
  user: AuthUser,
  requestId: string,
  input: ReviewInput,
  options: { now?: Date } = {},
): Promise<SharingOutcomeResult> {
  assertMay(user, 'decide:sharing-request:own-org')
  assertMay(user, 'review:confidentiality:own-org')
  const request = await loadSharingRequest(requestId)
  assertMayReply(user, request)
  if (!request.reviewRequired)
    throw new DomainError('no_review', 'error.confidentiality.notImportant', 409)
  if (request.status !== 'pending' || (await SharingDecision.exists({ _id: request._id })))
    throw new DomainError('already_answered', 'error.sharing.alreadyAnswered', 409)
  const { won } = await recordGrantReview(user, request, input, options.now ?? new Date())
  const result =
    request.submittedSeq == null ? await completeSubmission(request) : await answerOrWait(request)
  if (!won) throw new DomainError('already_reviewed', 'error.confidentiality.alreadyReviewed', 409)
  return result
}

/**
 * Art. 24: the source department withdraws a grant it made, with its reason: access stops at once
 * (the rights check and every delivery read `revokedAt`). Logged once (`sharing-grant.revoked`),
 * and the requesting agency is told; a renewal is a new request.
 */
export async function revokeSharingGrant(
  user: AuthUser,
  requestId: string,
  reason: string,
  now: Date = new Date(),
): Promise<{ grantId: string; revokedAt: Date }> {
  assertMay(user, 'decide:sharing-request:own-org')
  const request = await loadSharingRequest(requestId)
  assertMayReply(user, request)
  const grantId = request.decision?.grantId
  if (request.status !== 'granted' || !grantId)
    throw new DomainError('not_granted', 'error.sharing.notGranted', 409)
  const why = reason.trim()
  if (why.length < 4)
    throw new DomainError('reason_required', 'error.sharing.revokeReason', 422, {
      reason: ['error.sharing.revokeReason'],
    })
  return recordRevocation(requestId, user.id, why, now)
}

/**
 * A revocation is recorded on the request first (a second one keeps the first's time and reason);
 * the grant, the log and the notice follow from that record, and the reply sweep finishes them if
 * a crash cut this short (`decision.revokeSeq` still null). Also used when an emergency collection
 * ends (Art. 40).
 */
export async function recordRevocation(requestId: string, by: string, reason: string, now: Date) {
  await SharingRequest.updateOne(
    { _id: requestId, 'decision.revokedAt': null },
    {
      $set: {
        'decision.revokedAt': now,
        'decision.revokeReason': reason,
        'decision.revokedBy': by,
      },
    },
  )
  return completeRevocation(await loadSharingRequest(requestId))
}

/** The steps after a revocation is recorded on the request: safe to run again, by anyone. */
export async function completeRevocation(
  request: SharingRequestLean,
): Promise<{ grantId: string; revokedAt: Date }> {
  const d = request.decision!
  const grantId = d.grantId!
  const revokedAt = d.revokedAt!
  const requestId = String(request._id)
  await SharingGrant.updateOne({ _id: grantId, revokedAt: null }, { $set: { revokedAt } })
  const entry = await appendLedger({
    action: 'sharing-grant.revoked',
    actor: { userId: d.revokedBy ?? undefined, orgId: request.sourceOrgId },
    subjects: [
      `sharing-grant:${grantId}`,
      `sharing-request:${requestId}`,
      `catalog-entry:${request.catalogEntryId}`,
      `org:${request.requesterOrgId}`,
      `org:${request.sourceOrgId}`,
    ],
    payload: { reason: d.revokeReason },
    summary: { reason: d.revokeReason.slice(0, 500), revokedAt: revokedAt.toISOString() },
    eventKey: `sharing-grant.revoked:${grantId}`,
  })
  await SharingRequest.updateOne(
    { _id: request._id },
    { $set: { 'decision.revokeSeq': entry._id } },
  )
  await notifyOrg({
    key: `sharing-grant:${grantId}:revoked`,
    orgId: request.requesterOrgId,
    kind: 'sharing-grant.revoked',
    params: { requestId, grantId, title: request.entryTitle.zh },
  })
  return { grantId, revokedAt }
}
