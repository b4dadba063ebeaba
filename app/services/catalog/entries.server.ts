// C2 catalog entries: agencies draft and edit their entries (Art. 10); the views the pages,
// the API and other capabilities read; and the change feed the search index follows.
//
// For the search / portal / CKAN / DCAT capabilities:
// - `onCatalogChange(listener)` → unsubscribe. After every state change of an entry, in this
//   process, listeners get `{entryId, kind}`: 'upserted' when the entry is listed (it has an
//   approved version and is not core-graded) — re-read it with `getEntryForIndex` — else 'removed'.
// - `listEntriesForIndex(afterId?, limit)` → `{records, nextAfterId}`: listed entries in `_id`
//   order for loading an index at start (a page may hold fewer than `limit`; stop at null).
import { EventEmitter } from 'node:events'
import mongoose from 'mongoose'
import { CatalogEntry, type CatalogContent } from '#models/catalog-entry'
import { Organization } from '#models/organization'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { entryAccess, grantedEntryIds, indexableContent, restrictedContent } from './grading.server'
import { isListable } from './rules'
import type { ContentInput } from './schemas'
import { cursorPageOf } from '~/utils/listing.server'

// --- change feed ---------------------------------------------------------------------------

export interface CatalogChange {
  entryId: string
  kind: 'upserted' | 'removed'
}

const changes = new EventEmitter()
changes.setMaxListeners(50)

/** Subscribe to entry changes in this process; returns the unsubscribe function. */
export function onCatalogChange(listener: (change: CatalogChange) => void): () => void {
  const wrapped = (change: CatalogChange) => {
    try {
      listener(change)
    } catch (error) {
      console.error(
        '[catalog] change listener failed:',
        error instanceof Error ? error.message : error,
      )
    }
  }
  changes.on('change', wrapped)
  return () => {
    changes.off('change', wrapped)
  }
}

/** Emitted by every service that changes an entry, after the change is stored. */
export async function emitCatalogChange(entryId: string): Promise<void> {
  const entry = await CatalogEntry.findById(entryId, { listed: 1 }).lean()
  changes.emit('change', {
    entryId,
    kind: entry?.listed ? 'upserted' : 'removed',
  } satisfies CatalogChange)
}

// --- loading and access ---------------------------------------------------------------------

export type EntryDoc = NonNullable<Awaited<ReturnType<typeof findEntry>>>

async function findEntry(entryId: string) {
  if (!mongoose.isValidObjectId(entryId)) return null
  return CatalogEntry.findById(entryId).lean()
}

export async function loadEntry(entryId: string): Promise<EntryDoc> {
  const entry = await findEntry(entryId)
  if (!entry) throw new DomainError('not_found', 'error.notFound', 404)
  return entry
}

export function isAuthority(user: AuthUser): boolean {
  return user.org?.type === 'authority'
}

export function isOwner(user: AuthUser, entry: { orgId: string }): boolean {
  return Boolean(user.org && user.org.id === entry.orgId)
}

/** The agency that owns an entry is the only one that edits, submits or updates it. */
export function assertOwner(user: AuthUser, entry: { orgId: string }): void {
  if (!isOwner(user, entry)) throw new DomainError('forbidden', 'error.forbidden', 403)
}

// --- create / edit ------------------------------------------------------------------------

async function assertDepartments(departments: NonNullable<ContentInput['departments']>) {
  const ids = [...new Set(Object.values(departments))]
  const found = await Organization.find(
    { _id: mongoose.trusted({ $in: ids }), type: 'agency', status: 'approved' },
    { _id: 1 },
  ).lean()
  if (found.length !== ids.length) {
    const known = new Set(found.map((o) => String(o._id)))
    const fields: Record<string, string[]> = {}
    for (const [role, id] of Object.entries(departments))
      if (!known.has(id)) fields[role] = ['error.catalog.unknownDepartment']
    throw new DomainError('unknown_department', 'error.catalog.unknownDepartment', 400, fields)
  }
}

function toContent(input: ContentInput, orgId: string): CatalogContent {
  const departments = input.departments ?? { collecting: orgId, verifying: orgId, providing: orgId }
  return { ...input, departments } as CatalogContent
}

async function nextCode(
  org: { uscc: string; regionCode?: string | null },
  orgId: string,
  attempt: number,
) {
  const count = await CatalogEntry.countDocuments({ orgId })
  const serial = String(count + 1 + attempt).padStart(4, '0')
  return `GD-${org.regionCode ?? '440000'}-${org.uscc.slice(8, 16)}-${serial}`
}

/** Art. 10: an agency drafts an entry of its own catalog. */
export async function createDraft(input: {
  user: AuthUser
  content: ContentInput
  code?: string
}): Promise<{ id: string; code: string }> {
  const { user } = input
  if (user.org?.type !== 'agency') throw new DomainError('forbidden', 'error.forbidden', 403)
  const org = await Organization.findById(user.org.id).lean()
  if (!org) throw new DomainError('forbidden', 'error.forbidden', 403)
  const content = toContent(input.content, user.org.id)
  await assertDepartments(content.departments)
  const now = new Date()
  for (let attempt = 0; attempt < 20; attempt++) {
    // A fixed code (the demo seed) is tried once; a duplicate then means it already exists.
    if (input.code && attempt > 0)
      throw new DomainError('code_taken', 'error.catalog.codeTaken', 409)
    const code = input.code ?? (await nextCode(org, user.org.id, attempt))
    try {
      const created = await CatalogEntry.create({
        code,
        orgId: user.org.id,
        level: org.level ?? 'province',
        regionCode: org.regionCode ?? '440000',
        status: 'draft',
        revision: 1,
        round: 0,
        content,
        createdBy: user.id,
        createdAt: now,
        updatedAt: now,
      })
      const id = String(created._id)
      await appendLedger({
        action: 'catalog.draft_created',
        actor: { userId: user.id, orgId: user.org.id },
        subjects: [`catalog-entry:${id}`, `org:${user.org.id}`],
        payload: { code, content },
        summary: {
          code,
          sharingType: content.sharingType,
          openAttribute: content.openAttribute,
          grade: content.grade.tier,
        },
      })
      await emitCatalogChange(id)
      return { id, code }
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
  }
  throw new Error('could not allocate a catalog code')
}

/**
 * Art. 10–11: the owning agency edits the working copy. Editing an approved entry starts the
 * next revision (its approval will be a new version); a submitted entry is locked until decided.
 */
export async function updateDraft(input: {
  user: AuthUser
  entryId: string
  content: ContentInput
}) {
  const entry = await loadEntry(input.entryId)
  assertOwner(input.user, entry)
  if (entry.status === 'submitted') throw new DomainError('locked', 'error.catalog.locked', 409)
  const content = toContent(input.content, entry.orgId)
  await assertDepartments(content.departments)
  const startsRevision = entry.status === 'approved'
  const revision = startsRevision ? entry.publishedVersion + 1 : entry.revision
  await CatalogEntry.updateOne(
    { _id: entry._id },
    {
      $set: {
        content,
        status: startsRevision ? 'draft' : entry.status,
        revision,
        round: startsRevision ? 0 : entry.round,
        updatedAt: new Date(),
      },
    },
  )
  await appendLedger({
    action: 'catalog.draft_updated',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: [`catalog-entry:${input.entryId}`],
    payload: { revision, content },
    summary: { code: entry.code, revision },
  })
  await emitCatalogChange(input.entryId)
  return { id: input.entryId, revision }
}

// --- views ----------------------------------------------------------------------------------

type Localized = { zh: string; en: string }

export async function orgNames(ids: string[]): Promise<Record<string, Localized>> {
  const unique = [...new Set(ids.filter((id) => mongoose.isValidObjectId(id)))]
  if (unique.length === 0) return {}
  const orgs = await Organization.find(
    { _id: mongoose.trusted({ $in: unique }) },
    { name: 1 },
  ).lean()
  return Object.fromEntries(orgs.map((o) => [String(o._id), { zh: o.name.zh, en: o.name.en }]))
}

/** Content as plain JSON (what pages, the API and the index read). */
export function plainContent(c: CatalogContent) {
  return {
    title: { zh: c.title.zh ?? '', en: c.title.en ?? '' },
    description: { zh: c.description.zh ?? '', en: c.description.en ?? '' },
    tags: [...(c.tags ?? [])],
    category: c.category,
    dataForm: c.dataForm,
    fields: (c.fields ?? []).map((f) => ({
      name: f.name,
      label: { zh: f.label.zh ?? '', en: f.label.en ?? '' },
      type: f.type,
      description: f.description ?? '',
      personal: Boolean(f.personal),
      sensitive: Boolean(f.sensitive),
      tradeSecret: Boolean(f.tradeSecret),
      dataItemCode: f.dataItemCode ?? null,
    })),
    sharingType: c.sharingType,
    sharingBasis: c.sharingBasis ?? '',
    sharingConditions: c.sharingConditions ?? '',
    sharingScope: c.sharingScope,
    sharingScopeNote: c.sharingScopeNote ?? '',
    openAttribute: c.openAttribute,
    openConditions: c.openConditions ?? '',
    rightHolderConsent: Boolean(c.rightHolderConsent),
    screeningRef: c.screeningRef ?? null,
    distributions: (c.distributions ?? []).map((d) => ({
      key: d.key,
      title: { zh: d.title.zh ?? '', en: d.title.en ?? '' },
      format: d.format,
      accessUrl: d.accessUrl ?? null,
      downloadRef: d.downloadRef ?? null,
      desensitized: Boolean(d.desensitized),
    })),
    updateFrequency: c.updateFrequency,
    departments: {
      collecting: c.departments.collecting,
      verifying: c.departments.verifying,
      providing: c.departments.providing,
    },
    grade: { tier: c.grade.tier, level: c.grade.level ?? null },
    legalBasis: c.legalBasis ?? '',
  }
}

export type PlainContent = ReturnType<typeof plainContent>

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)

/** The whole entry as its owner or the authority sees it. */
export function entryView(e: EntryDoc) {
  return {
    id: String(e._id),
    code: e.code,
    orgId: e.orgId,
    level: e.level,
    regionCode: e.regionCode,
    status: e.status,
    revision: e.revision,
    round: e.round,
    pendingStep: e.pendingStep ?? null,
    content: plainContent(e.content),
    publishedVersion: e.publishedVersion,
    published: e.published ? plainContent(e.published) : null,
    publishedAt: iso(e.publishedAt),
    notSharedFiledAt: iso(e.notSharedFiledAt),
    listed: e.listed,
    returnReasons: [...(e.returnReasons ?? [])],
    returnedAt: iso(e.returnedAt),
    lastDataUpdateAt: iso(e.lastDataUpdateAt),
    staleSince: iso(e.staleSince),
    deadline: e.deadline
      ? {
          deadlineId: e.deadline.deadlineId,
          phase: e.deadline.phase,
          agencyDueAt: e.deadline.agencyDueAt.toISOString(),
          reviewDueAt: iso(e.deadline.reviewDueAt),
          overdue: Boolean(e.deadline.overdue),
        }
      : null,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  }
}

export type EntryView = ReturnType<typeof entryView>

/** What a reader outside the owner and the authority sees: the approved version only. */
export function publicEntryView(e: EntryDoc) {
  const full = entryView(e)
  return {
    ...full,
    status: 'approved' as const,
    content: full.published!,
    returnReasons: [],
    returnedAt: null,
    pendingStep: null,
    revision: full.publishedVersion,
    round: 0,
  }
}

/** Art. 9, 45: the card an organisation without a need sees of an important entry. */
function restrictedView<V extends EntryView>(view: V): V & { restricted: true } {
  return {
    ...view,
    content: restrictedContent(view.content),
    published: view.published ? restrictedContent(view.published) : null,
    restricted: true,
  }
}

/**
 * One entry for the signed-in user, or 404 when they may not see it (not even that it exists).
 * Art. 9, 45: an important entry shows its details only to organisations with a need
 * (`restricted` otherwise: a card without description, fields or files).
 */
export async function getEntryForUser(user: AuthUser, entryId: string) {
  const entry = await loadEntry(entryId)
  const access = await entryAccess(user, entry)
  if (access === 'none') throw new DomainError('not_found', 'error.notFound', 404)
  const full = access === 'full'
  const restricted = access === 'restricted'
  const base = full ? entryView(entry) : publicEntryView(entry)
  const view = restricted ? restrictedView(base) : base
  const c = view.content
  const names = await orgNames([
    entry.orgId,
    c.departments.collecting,
    c.departments.verifying,
    c.departments.providing,
  ])
  return {
    entry: view,
    orgNames: names,
    fullView: full,
    owner: isOwner(user, entry),
    restricted,
  }
}

/** Art. 9, 45: a page that shows an entry's details (a version, a diff) refuses a card-only reader. */
export async function getEntryDetailsForUser(user: AuthUser, entryId: string) {
  const found = await getEntryForUser(user, entryId)
  if (found.restricted)
    throw new DomainError('grade_restricted', 'error.catalog.gradeRestricted', 403)
  return found
}

export interface Page<T> {
  items: T[]
  nextAfter: string | null
  /** How many the whole list holds (every page). */
  total: number
}

function afterFilter(after?: string) {
  return after && mongoose.isValidObjectId(after)
    ? { _id: mongoose.trusted({ $gt: new mongoose.Types.ObjectId(after) }) }
    : {}
}

async function entriesPage(
  filter: Record<string, unknown>,
  after: string | undefined,
  limit: number,
) {
  const page = await cursorPageOf(CatalogEntry, filter, { after, limit })
  return { ...page, items: page.items as EntryDoc[] }
}

/** An agency's own catalog, every status, paged by `_id`. */
export async function listOwnEntries(
  user: AuthUser,
  query: { after?: string; limit: number },
): Promise<Page<EntryView>> {
  if (!user.org) return { items: [], nextAfter: null, total: 0 }
  const page = await entriesPage({ orgId: user.org.id }, query.after, query.limit)
  return { items: page.items.map(entryView), nextAfter: page.nextAfter, total: page.total }
}

/**
 * The approved, listed catalog as other agencies and market players browse it, paged by `_id`.
 * Art. 9, 45: an important entry is a card unless the viewer has a need (entryAccess).
 */
export async function listPublishedEntries(
  viewer: AuthUser | undefined,
  query: {
    after?: string
    limit: number
    orgId?: string
  },
) {
  const page = await entriesPage(
    { listed: true, ...(query.orgId ? { orgId: query.orgId } : {}) },
    query.after,
    query.limit,
  )
  const granted =
    viewer?.org && page.items.some((e) => e.published?.grade.tier === 'important')
      ? await grantedEntryIds(viewer.org.id)
      : new Set<string>()
  const items = await Promise.all(
    page.items.map(async (e) => {
      const view = publicEntryView(e)
      return (await entryAccess(viewer, e, granted)) === 'restricted' ? restrictedView(view) : view
    }),
  )
  return {
    items,
    nextAfter: page.nextAfter,
    total: page.total,
    orgNames: await orgNames(items.map((i) => i.orgId)),
  }
}

/** The authority's view of every entry of its level (any status), paged by `_id`. */
export async function listEntriesForAuthority(query: {
  after?: string
  limit: number
  level: string
  regionCode: string
}) {
  const page = await entriesPage(
    { level: query.level, regionCode: query.regionCode },
    query.after,
    query.limit,
  )
  const items = page.items.map(entryView)
  return {
    items,
    nextAfter: page.nextAfter,
    total: page.total,
    orgNames: await orgNames(items.map((i) => i.orgId)),
  }
}

// --- index feed -------------------------------------------------------------------------

export interface CatalogIndexRecord {
  id: string
  code: string
  orgId: string
  orgName: Localized
  level: string
  regionCode: string
  version: number
  publishedAt: string
  lastDataUpdateAt: string | null
  stale: boolean
  notSharedFiled: boolean
  content: PlainContent
}

function indexRecord(e: EntryDoc, names: Record<string, Localized>): CatalogIndexRecord | null {
  if (!e.listed || !e.published || !isListable(e.published)) return null
  return {
    id: String(e._id),
    code: e.code,
    orgId: e.orgId,
    orgName: names[e.orgId] ?? { zh: '', en: '' },
    level: e.level,
    regionCode: e.regionCode,
    version: e.publishedVersion,
    publishedAt: e.publishedAt!.toISOString(),
    lastDataUpdateAt: iso(e.lastDataUpdateAt),
    stale: Boolean(e.staleSince),
    notSharedFiled: Boolean(e.notSharedFiledAt),
    // Art. 9, 45: the index feeds search, the open portal, CKAN and DCAT — important entries as a card.
    content: indexableContent(plainContent(e.published)),
  }
}

/**
 * Listed entries in `_id` order for building a search index. Scans `limit` entries after
 * `afterId` and returns the listed ones; `nextAfterId` is null when the catalog is exhausted.
 */
export async function listEntriesForIndex(
  afterId: string | undefined,
  limit: number,
): Promise<{ records: CatalogIndexRecord[]; nextAfterId: string | null }> {
  const size = Math.min(Math.max(Math.trunc(limit) || 1, 1), 5000)
  const rows = await CatalogEntry.find(afterFilter(afterId)).sort({ _id: 1 }).limit(size).lean()
  const names = await orgNames(rows.map((r) => r.orgId))
  const records = rows
    .map((r) => indexRecord(r, names))
    .filter((r): r is CatalogIndexRecord => r !== null)
  return { records, nextAfterId: rows.length === size ? String(rows.at(-1)!._id) : null }
}

/** The index record of one entry, or null when it must not be indexed (not listed). */
export async function getEntryForIndex(entryId: string): Promise<CatalogIndexRecord | null> {
  const entry = await findEntry(entryId)
  if (!entry) return null
  return indexRecord(entry, await orgNames([entry.orgId]))
}

/** Agencies a form may name as collecting / verifying / providing department. */
export async function listAgencies() {
  const orgs = await Organization.find(
    { type: 'agency', status: 'approved' },
    { name: 1, level: 1, regionCode: 1 },
  )
    .sort({ _id: 1 })
    .limit(500)
    .lean()
  return orgs.map((o) => ({
    id: String(o._id),
    name: { zh: o.name.zh, en: o.name.en },
    level: o.level ?? 'province',
    regionCode: o.regionCode ?? '',
  }))
}
