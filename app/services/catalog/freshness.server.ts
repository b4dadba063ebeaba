// Art. 16: agencies update the data they share as often as their catalog says. Each entry records
// its last data update; the freshness job flags entries whose data is older than their update
// frequency allows (calendar days, FRESHNESS_ALLOWANCE_DAYS), once per stale period.
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { CatalogFreshnessFlag } from '#models/catalog-freshness'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertOwner, emitCatalogChange, loadEntry, orgNames } from './entries.server'
import { notifyOrg } from './notify.server'
import { FRESHNESS_ALLOWANCE_DAYS } from './rules'

const DAY_MS = 24 * 3600 * 1000

interface SweepRow {
  _id: mongoose.Types.ObjectId
  orgId: string
  code: string
  publishedVersion: number
  publishedAt: Date | null
  lastDataUpdateAt: Date | null
  staleSince: Date | null
  published: { updateFrequency: string } | null
}

interface StaleRow {
  _id: mongoose.Types.ObjectId
  orgId: string
  code: string
  staleSince: Date
  lastDataUpdateAt: Date | null
  published: { title: { zh: string; en: string }; updateFrequency: string } | null
}

/** Art. 16: when an entry's data is next due for an update; null for irregular updates. */
export function freshnessDueAt(entry: {
  lastDataUpdateAt?: Date | null
  publishedAt?: Date | null
  updateFrequency: string
}): Date | null {
  const allowance = FRESHNESS_ALLOWANCE_DAYS[entry.updateFrequency]
  const base = entry.lastDataUpdateAt ?? entry.publishedAt
  if (allowance == null || !base) return null
  return new Date(base.getTime() + allowance * DAY_MS)
}

/** Art. 16: the owning agency (person or program) records that the data was updated. */
export async function recordDataUpdate(input: {
  user: AuthUser
  entryId: string
  at?: Date
  note?: string
}) {
  const entry = await loadEntry(input.entryId)
  assertOwner(input.user, entry)
  if (entry.publishedVersion < 1)
    throw new DomainError('not_published', 'error.catalog.notPublished', 409)
  const now = new Date()
  const at = input.at ?? now
  if (at.getTime() > now.getTime() + 5 * 60_000)
    throw new DomainError('future_update', 'error.catalog.futureUpdate', 400, {
      at: ['error.catalog.futureUpdate'],
    })
  if (entry.lastDataUpdateAt && at < entry.lastDataUpdateAt) {
    return {
      id: input.entryId,
      lastDataUpdateAt: entry.lastDataUpdateAt.toISOString(),
      changed: false,
    }
  }
  await CatalogEntry.updateOne(
    { _id: entry._id },
    { $set: { lastDataUpdateAt: at, staleSince: null } },
  )
  await appendLedger({
    action: 'catalog.data_updated',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: [`catalog-entry:${input.entryId}`],
    payload: { at: at.toISOString(), note: input.note ?? '' },
    summary: { code: entry.code },
  })
  await emitCatalogChange(input.entryId)
  return { id: input.entryId, lastDataUpdateAt: at.toISOString(), changed: true }
}

/**
 * The freshness job (Art. 16): walks approved entries in `_id` batches and flags each one whose
 * data is overdue for an update: a flag claim keyed by (entry, last update), then the entry's
 * `staleSince`, a ledger entry and a notice to the agency. A rerun changes nothing.
 */
export async function runFreshnessSweep(
  now: Date = new Date(),
  batchSize = 500,
): Promise<{ checked: number; flagged: number }> {
  let after: mongoose.Types.ObjectId | undefined
  let checked = 0
  let flagged = 0
  for (;;) {
    const rows = await CatalogEntry.find(after ? { _id: mongoose.trusted({ $gt: after }) } : {}, {
      orgId: 1,
      code: 1,
      publishedVersion: 1,
      publishedAt: 1,
      lastDataUpdateAt: 1,
      staleSince: 1,
      'published.updateFrequency': 1,
    })
      .sort({ _id: 1 })
      .limit(batchSize)
      .lean<SweepRow[]>()
    for (const e of rows) {
      if (e.publishedVersion < 1 || !e.published) continue
      checked++
      const dueAt = freshnessDueAt({
        lastDataUpdateAt: e.lastDataUpdateAt,
        publishedAt: e.publishedAt,
        updateFrequency: e.published.updateFrequency,
      })
      if (!dueAt || now <= dueAt || e.staleSince) continue
      const entryId = String(e._id)
      const flagId = `${entryId}:${e.lastDataUpdateAt ? e.lastDataUpdateAt.toISOString() : 'never'}`
      const fresh = await claim(CatalogFreshnessFlag, {
        _id: flagId,
        entryId,
        orgId: e.orgId,
        updateFrequency: e.published.updateFrequency,
        lastDataUpdateAt: e.lastDataUpdateAt ?? null,
        dueAt,
        flaggedAt: now,
      })
      await CatalogEntry.updateOne(
        { _id: e._id, lastDataUpdateAt: e.lastDataUpdateAt ?? null },
        { $set: { staleSince: dueAt } },
      )
      if (fresh) {
        flagged++
        await appendLedger({
          action: 'catalog.stale_flagged',
          subjects: [`catalog-entry:${entryId}`, `org:${e.orgId}`],
          payload: {
            dueAt: dueAt.toISOString(),
            lastDataUpdateAt: e.lastDataUpdateAt?.toISOString() ?? null,
          },
          summary: { code: e.code, updateFrequency: e.published.updateFrequency },
        })
        await notifyOrg({
          key: `catalog-stale:${flagId}`,
          orgId: e.orgId,
          kind: 'catalog.stale',
          params: { entryId, code: e.code, dueAt: dueAt.toISOString() },
        })
      }
      await emitCatalogChange(entryId)
    }
    if (rows.length < batchSize) break
    after = rows.at(-1)!._id
  }
  return { checked, flagged }
}

/** Stale entries for a dashboard (one agency's, or all), capped. */
export async function listStaleEntries(scope: { orgId?: string }, limit = 200) {
  const rows = await CatalogEntry.find(
    { staleSince: mongoose.trusted({ $ne: null }), ...(scope.orgId ? { orgId: scope.orgId } : {}) },
    {
      code: 1,
      orgId: 1,
      staleSince: 1,
      lastDataUpdateAt: 1,
      'published.title': 1,
      'published.updateFrequency': 1,
    },
  )
    .sort({ _id: 1 })
    .limit(limit)
    .lean<StaleRow[]>()
  const names = await orgNames(rows.map((r) => r.orgId))
  return rows.map((r) => ({
    entryId: String(r._id),
    code: r.code,
    title: { zh: r.published?.title.zh ?? '', en: r.published?.title.en ?? '' },
    orgId: r.orgId,
    orgName: names[r.orgId] ?? { zh: '', en: '' },
    updateFrequency: r.published?.updateFrequency ?? 'irregular',
    lastDataUpdateAt: r.lastDataUpdateAt ? r.lastDataUpdateAt.toISOString() : null,
    staleSince: r.staleSince.toISOString(),
  }))
}
