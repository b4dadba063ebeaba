// Art. 11: when the legal basis or statutory duties behind an entry change, the agency updates
// its catalog within 15 working days and the authority reviews within 5. Deadlines count working
// days on the authority's calendar. The sweep (jobs/processors/catalog-deadlines.ts) warns before
// each deadline and marks overdue items; the dashboards list them.
import mongoose from 'mongoose'
import { CatalogDeadline, type CatalogDeadlineDoc } from '#models/catalog-deadline'
import { CatalogEntry } from '#models/catalog-entry'
import { Organization } from '#models/organization'
import { addWorkingDays, workingDaysBetween } from '~/services/calendar/working-days.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { emitCatalogChange, isAuthority, isOwner, loadEntry, orgNames } from './entries.server'
import { authorityOf, notifyOrg } from './notify.server'

/** Art. 11 ¶1: the agency updates its catalog within 15 working days. */
export const AGENCY_UPDATE_WORKING_DAYS = 15
/** Art. 11 ¶2: the authority reviews within 5 working days. */
export const AUTHORITY_REVIEW_WORKING_DAYS = 5
/** Warnings go out when this many working days (and then 1) are left. */
export const WARN_AT_WORKING_DAYS = [3, 1] as const

export function deadlineId(entryId: string, publishedVersion: number) {
  return `${entryId}:v${publishedVersion}`
}

async function project(
  doc: Pick<
    CatalogDeadlineDoc,
    | '_id'
    | 'entryId'
    | 'phase'
    | 'agencyDueAt'
    | 'reviewDueAt'
    | 'agencyOverdueAt'
    | 'reviewOverdueAt'
  >,
) {
  const overdue =
    doc.phase === 'agency'
      ? Boolean(doc.agencyOverdueAt)
      : doc.phase === 'review'
        ? Boolean(doc.reviewOverdueAt)
        : false
  await CatalogEntry.updateOne(
    { _id: doc.entryId },
    {
      $set: {
        deadline:
          doc.phase === 'done'
            ? null
            : {
                deadlineId: doc._id,
                phase: doc.phase,
                agencyDueAt: doc.agencyDueAt,
                reviewDueAt: doc.reviewDueAt ?? null,
                overdue,
              },
      },
    },
  )
}

/**
 * Art. 11: the owning agency or the authority marks an approved entry's legal basis as changed.
 * That starts the agency's 15-working-day clock. Marked once per published version.
 */
export async function markLegalBasisChanged(input: {
  user: AuthUser
  entryId: string
  reason: string
  now?: Date
}) {
  const entry = await loadEntry(input.entryId)
  if (!isOwner(input.user, entry) && !isAuthority(input.user))
    throw new DomainError('forbidden', 'error.forbidden', 403)
  if (entry.publishedVersion < 1)
    throw new DomainError('not_published', 'error.catalog.notPublished', 409)
  const now = input.now ?? new Date()
  const id = deadlineId(input.entryId, entry.publishedVersion)
  const agencyDueAt = await addWorkingDays(now, AGENCY_UPDATE_WORKING_DAYS)
  const doc = {
    _id: id,
    entryId: input.entryId,
    orgId: entry.orgId,
    level: entry.level,
    reason: input.reason,
    markedAt: now,
    markedBy: input.user.id,
    phase: 'agency' as const,
    agencyDueAt,
    reviewDueAt: null,
    agencyOverdueAt: null,
    reviewOverdueAt: null,
  }
  if (!(await claim(CatalogDeadline, doc)))
    throw new DomainError('already_marked', 'error.catalog.alreadyMarked', 409)
  await project(doc)
  await appendLedger({
    action: 'catalog.legal_basis_changed',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: [`catalog-entry:${input.entryId}`, `org:${entry.orgId}`, `catalog-deadline:${id}`],
    payload: { reason: input.reason, agencyDueAt: agencyDueAt.toISOString() },
    summary: { code: entry.code, agencyDueAt: agencyDueAt.toISOString() },
  })
  await notifyOrg({
    key: `catalog-deadline:${id}:marked`,
    orgId: entry.orgId,
    kind: 'catalog.legal_basis_changed',
    params: { entryId: input.entryId, code: entry.code, dueAt: agencyDueAt.toISOString() },
  })
  await emitCatalogChange(input.entryId)
  return { deadlineId: id, agencyDueAt }
}

/** Art. 11 ¶2: the agency's submission starts the authority's 5-working-day review clock. */
export async function onEntrySubmitted(entryId: string, at: Date) {
  const entry = await CatalogEntry.findById(entryId, { deadline: 1 }).lean()
  const id = entry?.deadline?.deadlineId
  if (!id) return
  const doc = await CatalogDeadline.findById(id).lean()
  if (!doc || doc.phase !== 'agency') return
  const reviewDueAt = await addWorkingDays(at, AUTHORITY_REVIEW_WORKING_DAYS)
  await CatalogDeadline.updateOne(
    { _id: id },
    { $set: { phase: 'review', agencySubmittedAt: doc.agencySubmittedAt ?? at, reviewDueAt } },
  )
  await project({ ...doc, phase: 'review', reviewDueAt })
}

/** Approval ends the Art. 11 obligation; a return hands it back to the agency (its due date stands). */
export async function onEntryDecided(entryId: string, outcome: 'approved' | 'returned', at: Date) {
  const entry = await CatalogEntry.findById(entryId, { deadline: 1 }).lean()
  const id = entry?.deadline?.deadlineId
  if (!id) return
  const doc = await CatalogDeadline.findById(id).lean()
  if (!doc || doc.phase !== 'review') return
  const phase = outcome === 'approved' ? 'done' : 'agency'
  await CatalogDeadline.updateOne({ _id: id }, { $set: { phase, reviewedAt: at } })
  await project({ ...doc, phase })
}

export interface SweepResult {
  open: number
  warned: number
  overdue: number
}

/**
 * The deadlines job: for every open Art. 11 obligation, warn the party whose clock runs when 3
 * and 1 working days are left, and mark it overdue once the deadline passed (logged once).
 * Idempotent: notices carry keys, and an overdue mark is set once.
 */
export async function runDeadlineSweep(now: Date = new Date()): Promise<SweepResult> {
  const open = await CatalogDeadline.find({
    phase: mongoose.trusted({ $in: ['agency', 'review'] }),
  }).lean()
  const result: SweepResult = { open: open.length, warned: 0, overdue: 0 }
  for (const doc of open) {
    const phase = doc.phase as 'agency' | 'review'
    const dueAt = phase === 'agency' ? doc.agencyDueAt : doc.reviewDueAt
    if (!dueAt) continue
    const entry = await CatalogEntry.findById(doc.entryId, { code: 1, regionCode: 1 }).lean()
    const authorityId = await authorityOf(doc.level, entry?.regionCode ?? '440000')
    const notifyTo = phase === 'agency' ? doc.orgId : authorityId
    const params = {
      entryId: doc.entryId,
      code: entry?.code ?? '',
      phase,
      dueAt: dueAt.toISOString(),
    }
    if (now > dueAt) {
      const already = phase === 'agency' ? doc.agencyOverdueAt : doc.reviewOverdueAt
      if (already) continue
      const field = phase === 'agency' ? 'agencyOverdueAt' : 'reviewOverdueAt'
      const marked = await CatalogDeadline.updateOne(
        { _id: doc._id, [field]: null },
        { $set: { [field]: now } },
      )
      if (marked.modifiedCount === 0) continue
      result.overdue++
      await project({ ...doc, [field]: now })
      await appendLedger({
        action: 'catalog.deadline_overdue',
        subjects: [
          `catalog-entry:${doc.entryId}`,
          `org:${doc.orgId}`,
          `catalog-deadline:${doc._id}`,
        ],
        payload: { phase, dueAt: dueAt.toISOString() },
        summary: { phase, code: entry?.code ?? '' },
      })
      await notifyOrg({
        key: `catalog-deadline:${doc._id}:${phase}:overdue`,
        orgId: doc.orgId,
        kind: 'catalog.deadline_overdue',
        params,
      })
      if (authorityId)
        await notifyOrg({
          key: `catalog-deadline:${doc._id}:${phase}:overdue:authority`,
          orgId: authorityId,
          kind: 'catalog.deadline_overdue',
          params,
        })
      await emitCatalogChange(doc.entryId)
      continue
    }
    const left = await workingDaysBetween(now, dueAt)
    const threshold = WARN_AT_WORKING_DAYS.filter((w) => left <= w).at(-1)
    if (threshold === undefined) continue
    await notifyOrg({
      key: `catalog-deadline:${doc._id}:${phase}:warn${threshold}`,
      orgId: notifyTo,
      kind: 'catalog.deadline_warning',
      params: { ...params, workingDaysLeft: left },
    })
    result.warned++
  }
  return result
}

export interface DeadlineRow {
  id: string
  entryId: string
  code: string
  title: { zh: string; en: string }
  orgId: string
  orgName: { zh: string; en: string }
  phase: 'agency' | 'review'
  reason: string
  markedAt: string
  dueAt: string
  overdue: boolean
  workingDaysLeft: number
}

/** Open Art. 11 obligations for a dashboard: one agency's, or every one of an authority's level. */
export async function listOpenDeadlines(
  scope: { orgId?: string; level?: string },
  now: Date = new Date(),
): Promise<DeadlineRow[]> {
  const open = await CatalogDeadline.find({
    phase: mongoose.trusted({ $in: ['agency', 'review'] }),
    ...(scope.orgId ? { orgId: scope.orgId } : {}),
    ...(scope.level ? { level: scope.level } : {}),
  })
    .sort({ _id: 1 })
    .limit(500)
    .lean()
  const entries = await CatalogEntry.find(
    { _id: mongoose.trusted({ $in: open.map((d) => d.entryId) }) },
    { code: 1, content: 1 },
  ).lean()
  const byId = new Map(entries.map((e) => [String(e._id), e]))
  const names = await orgNames(open.map((d) => d.orgId))
  const rows: DeadlineRow[] = []
  for (const d of open) {
    const phase = d.phase as 'agency' | 'review'
    const dueAt = (phase === 'agency' ? d.agencyDueAt : d.reviewDueAt) ?? d.agencyDueAt
    const e = byId.get(d.entryId)
    rows.push({
      id: d._id,
      entryId: d.entryId,
      code: e?.code ?? '',
      title: { zh: e?.content.title.zh ?? '', en: e?.content.title.en ?? '' },
      orgId: d.orgId,
      orgName: names[d.orgId] ?? { zh: '', en: '' },
      phase,
      reason: d.reason,
      markedAt: d.markedAt.toISOString(),
      dueAt: dueAt.toISOString(),
      overdue: now > dueAt,
      workingDaysLeft: await workingDaysBetween(now, dueAt),
    })
  }
  return rows.sort((a, b) => a.dueAt.localeCompare(b.dueAt))
}

/** The open obligations a user answers for: the authority's level, or the user's own agency. */
export async function deadlinesFor(user: AuthUser, now: Date = new Date()): Promise<DeadlineRow[]> {
  if (user.org?.type === 'authority') {
    const org = await Organization.findById(user.org.id, { level: 1 }).lean()
    return listOpenDeadlines({ level: org?.level ?? 'province' }, now)
  }
  return user.org ? listOpenDeadlines({ orgId: user.org.id }, now) : []
}
