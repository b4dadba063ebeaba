// Art. 17: agencies govern the quality of their data. Anyone using an entry raises a data-quality
// issue; the source department resolves it with a recorded outcome (a claim: resolved once).
import mongoose from 'mongoose'
import { QualityIssue, QualityResolution, type QualityIssueDoc } from '#models/quality-issue'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { loadEntry, orgNames } from './entries.server'
import { entryAccess } from './grading.server'
import { notifyOrg } from './notify.server'
import type { QUALITY_KINDS, QUALITY_OUTCOMES } from '~/vocab/catalog'

type QualityKind = (typeof QUALITY_KINDS)[number]
type QualityOutcome = (typeof QUALITY_OUTCOMES)[number]

/**
 * Art. 17: a user of an entry raises a quality issue; the entry's source department is told. Art. 9,
 * 45: an important entry's card-only reader (no need for its data) cannot raise one on it.
 */
export async function raiseQualityIssue(input: {
  user: AuthUser
  entryId: string
  kind: QualityKind
  fieldName?: string
  description: string
}) {
  const entry = await loadEntry(input.entryId)
  const access = await entryAccess(input.user, entry)
  if (access === 'none' || entry.publishedVersion < 1)
    throw new DomainError('not_found', 'error.notFound', 404)
  if (access === 'restricted')
    throw new DomainError('grade_restricted', 'error.catalog.gradeRestricted', 403)
  if (input.fieldName && !(entry.published?.fields ?? []).some((f) => f.name === input.fieldName)) {
    throw new DomainError('unknown_field', 'error.catalog.unknownField', 400, {
      fieldName: ['error.catalog.unknownField'],
    })
  }
  const issue = await QualityIssue.create({
    entryId: input.entryId,
    orgId: entry.orgId,
    kind: input.kind,
    fieldName: input.fieldName ?? '',
    description: input.description,
    raisedByUserId: input.user.id,
    raisedByOrgId: input.user.org?.id ?? null,
  })
  const id = String(issue._id)
  await appendLedger({
    action: 'quality.raised',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: [`quality-issue:${id}`, `catalog-entry:${input.entryId}`, `org:${entry.orgId}`],
    payload: { kind: input.kind, fieldName: input.fieldName ?? '', description: input.description },
    summary: { kind: input.kind, code: entry.code },
  })
  await notifyOrg({
    key: `quality:${id}:raised`,
    orgId: entry.orgId,
    kind: 'quality.raised',
    params: { issueId: id, entryId: input.entryId, code: entry.code },
  })
  return { id }
}

/** Art. 17: the source department resolves an issue once, recording the outcome and a note. */
export async function resolveQualityIssue(input: {
  user: AuthUser
  issueId: string
  outcome: QualityOutcome
  note: string
}) {
  const issue = mongoose.isValidObjectId(input.issueId)
    ? await QualityIssue.findById(input.issueId).lean()
    : null
  if (!issue) throw new DomainError('not_found', 'error.notFound', 404)
  if (input.user.org?.id !== issue.orgId) throw new DomainError('forbidden', 'error.forbidden', 403)
  const at = new Date()
  if (
    !(await claim(QualityResolution, {
      _id: input.issueId,
      outcome: input.outcome,
      note: input.note,
      byUserId: input.user.id,
      at,
    }))
  )
    throw new DomainError('already_resolved', 'error.catalog.alreadyResolved', 409)
  await QualityIssue.updateOne(
    { _id: issue._id },
    {
      $set: {
        status: 'resolved',
        resolution: { outcome: input.outcome, note: input.note, byUserId: input.user.id, at },
      },
    },
  )
  await appendLedger({
    action: 'quality.resolved',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: [`quality-issue:${input.issueId}`, `catalog-entry:${issue.entryId}`],
    payload: { outcome: input.outcome, note: input.note },
    summary: { outcome: input.outcome },
  })
  if (issue.raisedByOrgId) {
    await notifyOrg({
      key: `quality:${input.issueId}:resolved`,
      orgId: issue.raisedByOrgId,
      kind: 'quality.resolved',
      params: { issueId: input.issueId, entryId: issue.entryId, outcome: input.outcome },
    })
  }
  return { id: input.issueId, outcome: input.outcome }
}

function issueView(i: QualityIssueDoc & { _id: mongoose.Types.ObjectId }) {
  return {
    id: String(i._id),
    entryId: i.entryId,
    orgId: i.orgId,
    kind: i.kind,
    fieldName: i.fieldName ?? '',
    description: i.description,
    raisedByOrgId: i.raisedByOrgId ?? null,
    raisedAt: i.raisedAt.toISOString(),
    status: i.status,
    resolution: i.resolution
      ? {
          outcome: i.resolution.outcome,
          note: i.resolution.note,
          at: i.resolution.at.toISOString(),
        }
      : null,
  }
}

export type QualityIssueView = ReturnType<typeof issueView>

/** Issues by source department or by entry, paged by `_id`. */
export async function listQualityIssues(
  scope: { orgId?: string; entryId?: string; raisedByOrgId?: string },
  query: { after?: string; limit: number },
) {
  const rows = await QualityIssue.find({
    ...(scope.orgId ? { orgId: scope.orgId } : {}),
    ...(scope.entryId ? { entryId: scope.entryId } : {}),
    ...(scope.raisedByOrgId ? { raisedByOrgId: scope.raisedByOrgId } : {}),
    ...(query.after && mongoose.isValidObjectId(query.after)
      ? { _id: mongoose.trusted({ $gt: new mongoose.Types.ObjectId(query.after) }) }
      : {}),
  })
    .sort({ _id: 1 })
    .limit(query.limit + 1)
    .lean()
  const items = rows.slice(0, query.limit).map((r) => issueView(r))
  const names = await orgNames(items.flatMap((i) => [i.orgId, i.raisedByOrgId ?? '']))
  return { items, nextAfter: rows.length > query.limit ? items.at(-1)!.id : null, orgNames: names }
}
