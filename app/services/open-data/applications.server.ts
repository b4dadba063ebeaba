// Art. 32 ¶3: data that may be provided to society only under conditions is opened once the
// conditions are met. An organization applies, stating its purpose and how it meets the
// entry's conditions; the source agency approves or refuses with a reason; an approved
// application unlocks preview and download for that organization.
import {
  OpenDataApplication,
  OpenDataDecision,
  type OpenDataApplicationDoc,
} from '#models/open-data-application'
import {
  getEntryForIndex,
  orgNames,
  type CatalogIndexRecord,
} from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim, connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'

export function applicationId(entryId: string, orgId: string): string {
  return `${entryId}:${orgId}`
}

/** Art. 32: unconditionally open data is for everyone; conditionally open data for approved applicants. */
export async function mayDownload(
  record: CatalogIndexRecord,
  viewer: AuthUser | undefined,
): Promise<boolean> {
  if (record.content.openAttribute === 'open_unconditional') return true
  if (record.content.openAttribute !== 'open_conditional' || !viewer?.org) return false
  if (viewer.org.id === record.orgId) return true
  const application = await applicationOf(record.id, viewer.org.id)
  return application?.status === 'approved'
}

export async function applicationOf(
  entryId: string,
  orgId: string,
): Promise<OpenDataApplicationDoc | null> {
  await connectDb()
  return OpenDataApplication.findById(applicationId(entryId, orgId)).lean()
}

/** Art. 32: an organization applies for conditionally open data, saying how it meets the conditions. */
export async function applyForConditionalData(input: {
  user: AuthUser
  entryId: string
  purpose: string
  conditionsStatement: string
}): Promise<{ id: string }> {
  await connectDb()
  const record = await getEntryForIndex(input.entryId)
  if (!record || record.content.openAttribute === 'not_open')
    throw new DomainError('not_found', 'error.notFound', 404)
  if (record.content.openAttribute !== 'open_conditional') {
    throw new DomainError('not_conditional', 'error.openData.notConditional', 409)
  }
  if (!input.user.org) throw new DomainError('no_org', 'error.openData.needOrganization', 403)
  if (input.user.org.id === record.orgId)
    throw new DomainError('own_entry', 'error.openData.ownEntry', 409)
  const id = applicationId(input.entryId, input.user.org.id)
  if (
    !(await claim(OpenDataApplication, {
      _id: id,
      entryId: input.entryId,
      ownerOrgId: record.orgId,
      applicantOrgId: input.user.org.id,
      applicantUserId: input.user.id,
      purpose: input.purpose,
      conditionsStatement: input.conditionsStatement,
    }))
  )
    throw new DomainError('already_applied', 'error.openData.alreadyApplied', 409)
  await appendLedger({
    action: 'open-data.application-submitted',
    actor: { userId: input.user.id, orgId: input.user.org.id },
    subjects: [`catalog-entry:${input.entryId}`, `org:${record.orgId}`, `org:${input.user.org.id}`],
    payload: {
      entryId: input.entryId,
      purpose: input.purpose,
      conditionsStatement: input.conditionsStatement,
    },
    summary: { entryId: input.entryId },
  })
  return { id }
}

/**
 * Art. 32: the source agency decides whether the applicant meets the conditions. The decision is a
 * claim under a unique key (one decision per application); a refusal states its reason.
 */
export async function decideApplication(input: {
  user: AuthUser
  applicationId: string
  decision: 'approved' | 'refused'
  reason: string
}): Promise<void> {
  await connectDb()
  const application = await OpenDataApplication.findById(input.applicationId).lean()
  if (!application) throw new DomainError('not_found', 'error.notFound', 404)
  if (!input.user.org || input.user.org.id !== application.ownerOrgId)
    throw new DomainError('forbidden', 'error.forbidden', 403)
  if (input.decision === 'refused' && !input.reason.trim()) {
    throw new DomainError('reason_required', 'error.openData.reasonRequired', 400, {
      reason: ['error.openData.reasonRequired'],
    })
  }
  if (
    !(await claim(OpenDataDecision, {
      _id: application._id,
      decision: input.decision,
      reason: input.reason,
      decidedBy: input.user.id,
    }))
  )
    throw new DomainError('already_decided', 'error.openData.alreadyDecided', 409)
  const decision = await OpenDataDecision.findById(application._id).lean()
  await OpenDataApplication.updateOne(
    { _id: application._id },
    {
      $set: {
        status: decision!.decision,
        reason: decision!.reason,
        decidedBy: decision!.decidedBy,
        decidedAt: decision!.at,
      },
    },
  )
  await appendLedger({
    action: `open-data.application-${input.decision}`,
    actor: { userId: input.user.id, orgId: input.user.org.id },
    subjects: [`catalog-entry:${application.entryId}`, `org:${application.applicantOrgId}`],
    payload: { applicationId: application._id, decision: input.decision, reason: input.reason },
    summary: { decision: input.decision },
  })
}

/** The owning agency's applications for one of its entries, newest first (at most 200). */
export async function listApplications(
  user: AuthUser,
  entryId: string,
): Promise<OpenDataApplicationDoc[]> {
  await connectDb()
  const record = await getEntryForIndex(entryId)
  if (!record) throw new DomainError('not_found', 'error.notFound', 404)
  if (!user.org || user.org.id !== record.orgId)
    throw new DomainError('forbidden', 'error.forbidden', 403)
  return OpenDataApplication.find({ entryId }).sort({ createdAt: -1 }).limit(200).lean()
}

export async function applicantNames(
  ids: string[],
): Promise<Map<string, { zh: string; en: string }>> {
  const names = await orgNames(ids)
  return new Map(Object.entries(names))
}
