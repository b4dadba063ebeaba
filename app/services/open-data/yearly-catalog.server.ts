// Art. 34: the provincial open-data catalog, compiled by the authority, adjusted every year, with
// the year's open-data priorities decided after hearing the public. An edition is a snapshot of
// the open entries when it was published; a later revision of the same year supersedes it.
import mongoose from 'mongoose'
import {
  OpenCatalogEdition,
  OpenCatalogItem,
  type OpenCatalogEditionDoc,
} from '#models/open-catalog-edition'
import { listEntriesForIndex } from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { distributionFormats } from '~/services/search/catalog-documents'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'

const SNAPSHOT_BATCH = 500

export function editionId(year: number, revision: number): string {
  return `${year}:r${revision}`
}

function itemId(edition: string, position: number): string {
  return `${edition}:${String(position).padStart(7, '0')}`
}

/**
 * Art. 34: the authority publishes the year's open catalog — every listed entry that is open or
 * conditionally open — with its priorities. Publishing again in the same year is the yearly
 * adjustment: a new revision. Only the authority holds `manage:open-catalog:any`.
 */
export async function publishOpenCatalogEdition(input: {
  user: AuthUser
  year: number
  priorities: { zh: string; en: string }
}): Promise<{ id: string; revision: number; entryCount: number }> {
  await connectDb()
  assertMay(input.user, 'manage:open-catalog:any')
  const latest = await OpenCatalogEdition.findOne({ year: input.year })
    .sort({ revision: -1 })
    .lean()
  const revision = (latest?.revision ?? 0) + 1
  const id = editionId(input.year, revision)
  try {
    await OpenCatalogEdition.create({
      _id: id,
      year: input.year,
      revision,
      priorities: input.priorities,
      entryCount: 0,
      publishedBy: input.user.id,
    })
  } catch (error) {
    // Someone published this revision a moment ago: theirs stands.
    if (isDuplicateKey(error))
      throw new DomainError('edition_exists', 'error.openData.editionExists', 409)
    throw error
  }
  let position = 0
  let after: string | undefined
  for (;;) {
    const page = await listEntriesForIndex(after, SNAPSHOT_BATCH)
    const items = page.records
      .filter((r) => r.content.openAttribute !== 'not_open')
      .map((r) => ({
        _id: itemId(id, position++),
        editionId: id,
        entryId: r.id,
        code: r.code,
        version: r.version,
        title: { zh: r.content.title.zh, en: r.content.title.en },
        orgId: r.orgId,
        orgName: { zh: r.orgName.zh || r.orgId, en: r.orgName.en },
        openAttribute: r.content.openAttribute,
        updateFrequency: r.content.updateFrequency,
        formats: distributionFormats(r),
      }))
    if (items.length) {
      // Idempotent on retry: item ids are positions in the edition.
      await OpenCatalogItem.bulkWrite(
        items.map((item) => ({
          replaceOne: { filter: { _id: item._id }, replacement: item, upsert: true },
        })),
      )
    }
    if (!page.nextAfterId) break
    after = page.nextAfterId
  }
  await OpenCatalogEdition.updateOne(
    { _id: id },
    { $set: { entryCount: position, complete: true } },
  )
  await appendLedger({
    action: 'open-data.catalog-published',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: [`open-catalog:${id}`],
    payload: { year: input.year, revision, entryCount: position, priorities: input.priorities },
    summary: { year: input.year, revision, entryCount: position },
  })
  return { id, revision, entryCount: position }
}

/** Every edition, newest year and revision first. */
export async function listEditions(): Promise<OpenCatalogEditionDoc[]> {
  await connectDb()
  return OpenCatalogEdition.find({ complete: true })
    .sort({ year: -1, revision: -1 })
    .limit(200)
    .lean()
}

/** The year's catalog: its newest complete revision, or null. */
export async function currentEdition(year: number): Promise<OpenCatalogEditionDoc | null> {
  await connectDb()
  return OpenCatalogEdition.findOne({ year, complete: true }).sort({ revision: -1 }).lean()
}

/** Items of an edition in catalog order, paged by `_id`. */
export async function editionItems(edition: string, page: { after?: string; limit: number }) {
  await connectDb()
  const from = page.after && page.after.startsWith(`${edition}:`) ? page.after : `${edition}:`
  const rows = await OpenCatalogItem.find({
    _id: mongoose.trusted({ $gt: from, $lt: `${edition};` }),
  })
    .sort({ _id: 1 })
    .limit(page.limit + 1)
    .lean()
  const items = rows.slice(0, page.limit)
  return { items, nextAfter: rows.length > page.limit ? items.at(-1)!._id : null }
}
