// The catalog's search index in this process (C6, issue 4 "Search"; ADR 013): loaded from the
// database at first use, batched by `_id`; kept current by the catalog's change events in this
// process; and, so that every web process converges, by polling the ledger head — every catalog
// change appends a ledger entry naming `catalog-entry:<id>` — plus a rebuild generation in Redis
// that `npm run search:rebuild` bumps.
//
// The state lives on globalThis: the Remix server bundle and code loaded from source (the server,
// the benchmark, the rebuild tool) each have their own copy of this module but share one index.
import {
  getEntryForIndex,
  listEntriesForIndex,
  onCatalogChange,
  type CatalogIndexRecord,
} from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { ledgerHead, listLedger } from '~/services/ledger/ledger.server'
import { getEnv } from '~/utils/env.server'
import { getRedis } from '~/utils/redis.server'
import {
  CATALOG_INDEX_SCHEMA,
  catalogSearchDocument,
  catalogSummary,
  OPEN_SCOPE,
  PUBLIC_OPEN_ATTRIBUTES,
  type CatalogFacet,
  type CatalogSummary,
} from './catalog-documents'
import { createSearchIndex } from '~/lib/search/engine.server'
import { sortOf, type CatalogSearchParams } from './params'
import type { FacetCount, FacetFilter, SearchIndex, IndexStats } from '~/lib/search/types'

const LOAD_BATCH = 1000
const DEFAULT_POLL_MS = 5000
/** More ledger entries than this since the last poll: reload everything instead of replaying. */
const MAX_REPLAY = 5000
const LEDGER_PAGE = 100

interface CatalogIndexState {
  index: SearchIndex
  summaries: Map<string, CatalogSummary>
  orgNames: Map<string, { zh: string; en: string }>
  /** Lower-case catalog code → entry id (CKAN package names). */
  codes: Map<string, string>
  ready: Promise<void> | null
  source: 'none' | 'database' | 'fixed'
  lastSeq: number
  rebuildGeneration: string | null
  /** Entries refreshed in the last poll, read once more in the next (a write may land after its ledger entry). */
  recheck: Set<string>
  timer: NodeJS.Timeout | null
  polling: Promise<void> | null
  unsubscribe: (() => void) | null
  loadedAt: Date | null
  loadMs: number
  lastPollAt: Date | null
}

const REGISTRY = Symbol.for('gdpde.search.catalog')

function freshState(): CatalogIndexState {
  return {
    index: createSearchIndex(CATALOG_INDEX_SCHEMA),
    summaries: new Map(),
    orgNames: new Map(),
    codes: new Map(),
    ready: null,
    source: 'none',
    lastSeq: 0,
    rebuildGeneration: null,
    recheck: new Set(),
    timer: null,
    polling: null,
    unsubscribe: null,
    loadedAt: null,
    loadMs: 0,
    lastPollAt: null,
  }
}

function state(): CatalogIndexState {
  const g = globalThis as unknown as Record<symbol, CatalogIndexState | undefined>
  return (g[REGISTRY] ??= freshState())
}

function rebuildKey(): string {
  return `${getEnv().QUEUE_PREFIX}:search:catalog:rebuild`
}

function put(s: CatalogIndexState, record: CatalogIndexRecord): void {
  s.index.upsert(catalogSearchDocument(record))
  s.summaries.set(record.id, catalogSummary(record))
  s.orgNames.set(record.orgId, record.orgName)
  s.codes.set(record.code.toLowerCase(), record.id)
}

function replaceAll(s: CatalogIndexState, records: CatalogIndexRecord[]): void {
  const index = createSearchIndex(CATALOG_INDEX_SCHEMA)
  index.replaceAll(records.map(catalogSearchDocument))
  s.index = index
  s.summaries = new Map(records.map((r) => [r.id, catalogSummary(r)]))
  s.orgNames = new Map(records.map((r) => [r.orgId, r.orgName]))
  s.codes = new Map(records.map((r) => [r.code.toLowerCase(), r.id]))
}

/** Every listed entry, read in `_id` order in batches (cheap on MongoDB and on the dev database). */
async function readAll(): Promise<CatalogIndexRecord[]> {
  const records: CatalogIndexRecord[] = []
  let after: string | undefined
  for (;;) {
    const page = await listEntriesForIndex(after, LOAD_BATCH)
    records.push(...page.records)
    if (!page.nextAfterId) return records
    after = page.nextAfterId
  }
}

async function readRebuildGeneration(): Promise<string | null> {
  try {
    return await getRedis().get(rebuildKey())
  } catch {
    return null
  }
}

async function loadFromDatabase(s: CatalogIndexState): Promise<void> {
  const started = performance.now()
  // The ledger head first: a change made while loading shows up in the first poll.
  const head = await ledgerHead()
  const generation = await readRebuildGeneration()
  replaceAll(s, await readAll())
  s.lastSeq = head.seq
  s.rebuildGeneration = generation
  s.loadedAt = new Date()
  s.loadMs = Math.round(performance.now() - started)
}

async function refresh(s: CatalogIndexState, ids: Iterable<string>): Promise<void> {
  for (const id of ids) {
    const record = await getEntryForIndex(id)
    if (record) put(s, record)
    else {
      const code = s.summaries.get(id)?.code
      if (code) s.codes.delete(code.toLowerCase())
      s.index.remove(id)
      s.summaries.delete(id)
    }
  }
}

/** Catalog entries named by ledger entries after `afterSeq`, or null when there are too many. */
async function changedSince(afterSeq: number, headSeq: number): Promise<Set<string> | null> {
  if (headSeq - afterSeq > MAX_REPLAY) return null
  const ids = new Set<string>()
  let before = headSeq + 1
  while (before > afterSeq + 1) {
    const page = await listLedger({ beforeSeq: before, limit: LEDGER_PAGE })
    for (const entry of page.entries) {
      if (entry._id <= afterSeq) return ids
      for (const subject of entry.subjects)
        if (subject.startsWith('catalog-entry:')) ids.add(subject.slice(14))
    }
    if (!page.nextBeforeSeq) break
    before = page.nextBeforeSeq
  }
  return ids
}

let lastPoll = { refreshed: 0, rebuilt: false }

/** One poll: replay catalog changes recorded in the ledger since the last one, or rebuild on request. */
export async function pollCatalogChanges(): Promise<{ refreshed: number; rebuilt: boolean }> {
  const s = state()
  if (s.source !== 'database') return { refreshed: 0, rebuilt: false }
  s.polling ??= (async () => {
    const generation = await readRebuildGeneration()
    const head = await ledgerHead()
    const recheck = s.recheck
    s.recheck = new Set()
    let ids: Set<string> | null = new Set()
    if (generation !== s.rebuildGeneration) ids = null
    else if (head.seq !== s.lastSeq) ids = await changedSince(s.lastSeq, head.seq)
    if (ids === null) {
      await loadFromDatabase(s)
      lastPoll = { refreshed: 0, rebuilt: true }
    } else {
      await refresh(s, new Set([...ids, ...recheck]))
      s.recheck = ids
      s.lastSeq = head.seq
      lastPoll = { refreshed: ids.size + recheck.size, rebuilt: false }
    }
    s.lastPollAt = new Date()
  })().finally(() => {
    s.polling = null
  })
  await s.polling
  return lastPoll
}

/**
 * The loaded index; the first call loads it from the database and starts following changes: this
 * process's change events at once, other processes' through the ledger every `pollMs` (0: never).
 */
export async function ensureCatalogIndex(
  options: { pollMs?: number; events?: boolean } = {},
): Promise<SearchIndex> {
  const s = state()
  if (!s.ready) {
    s.source = 'database'
    // `events: false` follows the ledger alone, as a process where the change happened is not (tests).
    if (options.events !== false)
      s.unsubscribe = onCatalogChange((change) => {
        // After the load (a change during it is in the database the load reads, or in the next poll).
        void s.ready
          ?.then(() => refresh(s, [change.entryId]))
          .catch((error: unknown) => {
            console.error(
              '[search] refresh failed:',
              error instanceof Error ? error.message : error,
            )
          })
      })
    s.ready = loadFromDatabase(s).catch((error: unknown) => {
      // Not loaded: the next call starts over (and following changes restarts with it).
      s.ready = null
      s.source = 'none'
      s.unsubscribe?.()
      s.unsubscribe = null
      if (s.timer) clearInterval(s.timer)
      s.timer = null
      throw error
    })
    const pollMs = options.pollMs ?? DEFAULT_POLL_MS
    if (pollMs > 0) {
      s.timer = setInterval(() => {
        pollCatalogChanges().catch((error: unknown) => {
          console.error('[search] poll failed:', error instanceof Error ? error.message : error)
        })
      }, pollMs)
      s.timer.unref()
    }
  }
  await s.ready
  return s.index
}

/** Reloads this process's index from the database now. */
export async function rebuildCatalogIndex(): Promise<IndexStats & { loadMs: number }> {
  const s = state()
  if (s.source !== 'database' || !s.ready) await ensureCatalogIndex()
  else await loadFromDatabase(s)
  return { ...s.index.stats(), loadMs: s.loadMs }
}

/** Asks every web process to reload its index at its next poll. */
export async function requestCatalogRebuild(): Promise<number> {
  return getRedis().incr(rebuildKey())
}

/** Serves a fixed set of records with no database (the benchmark's servers). */
export function useFixedCatalogIndex(records: CatalogIndexRecord[]): IndexStats {
  stopCatalogIndex()
  const s = state()
  replaceAll(s, records)
  s.source = 'fixed'
  s.ready = Promise.resolve()
  s.loadedAt = new Date()
  return s.index.stats()
}

/** Stops following changes and forgets the index (tests, shutdown). */
export function stopCatalogIndex(): void {
  const g = globalThis as unknown as Record<symbol, CatalogIndexState | undefined>
  const s = g[REGISTRY]
  if (s?.timer) clearInterval(s.timer)
  s?.unsubscribe?.()
  g[REGISTRY] = undefined
}

export function catalogIndexStatus() {
  const s = state()
  return {
    source: s.source,
    loadedAt: s.loadedAt?.toISOString() ?? null,
    loadMs: s.loadMs,
    lastSeq: s.lastSeq,
    lastPollAt: s.lastPollAt?.toISOString() ?? null,
    ...s.index.stats(),
  }
}

// ------------------------------------------------------------------------- searching

export type CatalogAudience = 'listed' | 'open'

/**
 * Who sees what (Art. 32–33 and the catalog's visibility rule): staff holding
 * `read:catalog-entry:any` search the whole listed catalog; everyone else — the public portal, the
 * CKAN API, anonymous API callers — only open and conditionally open entries.
 */
export function catalogAudience(user: AuthUser | undefined): CatalogAudience {
  return user?.permissions.has('read:catalog-entry:any') ? 'listed' : 'open'
}

function scopeOf(audience: CatalogAudience): readonly FacetFilter[] | undefined {
  return audience === 'listed' ? undefined : OPEN_SCOPE
}

export interface CatalogSearchResult {
  total: number
  offset: number
  limit: number
  items: (CatalogSummary & { score: number })[]
  facets: Partial<Record<CatalogFacet, (FacetCount & { label?: { zh: string; en: string } })[]>>
}

export async function searchCatalog(
  params: CatalogSearchParams,
  audience: CatalogAudience,
  options: { facets?: readonly CatalogFacet[]; facetLimit?: number } = {},
): Promise<CatalogSearchResult> {
  const index = await ensureCatalogIndex()
  return searchLoaded(index, params, audience, options)
}

/** The search itself, synchronous once the index is loaded (the benchmark's bare server calls it). */
export function searchLoaded(
  index: SearchIndex,
  params: CatalogSearchParams,
  audience: CatalogAudience,
  options: { facets?: readonly CatalogFacet[]; facetLimit?: number } = {},
): CatalogSearchResult {
  const s = state()
  const result = index.search({
    text: params.q,
    filters: params.filters,
    scope: scopeOf(audience),
    sort: sortOf(params.sort),
    offset: params.offset,
    limit: params.limit,
    facets: options.facets,
    facetLimit: options.facetLimit,
  })
  const items = result.hits.flatMap((hit) => {
    const summary = s.summaries.get(hit.id)
    return summary ? [{ ...summary, score: hit.score }] : []
  })
  const facets: CatalogSearchResult['facets'] = { ...result.facets }
  if (facets.department) {
    facets.department = facets.department.map((f) => ({ ...f, label: s.orgNames.get(f.value) }))
  }
  return { total: result.total, offset: params.offset, limit: params.limit, items, facets }
}

/** An entry's summary when the audience may see it (else null). */
export async function catalogSummaryFor(
  id: string,
  audience: CatalogAudience,
): Promise<CatalogSummary | null> {
  await ensureCatalogIndex()
  const summary = state().summaries.get(id) ?? null
  if (!summary) return null
  if (
    audience === 'open' &&
    !(PUBLIC_OPEN_ATTRIBUTES as readonly string[]).includes(summary.openAttribute)
  )
    return null
  return summary
}

/** The entry id for a CKAN package name (the catalog code, lower case) or an id. */
export async function catalogIdForName(nameOrId: string): Promise<string | null> {
  await ensureCatalogIndex()
  const s = state()
  if (s.summaries.has(nameOrId)) return nameOrId
  return s.codes.get(nameOrId.toLowerCase()) ?? null
}

/** Every entry the audience may see, in `_id` order, paged (CKAN package_list, DCAT catalog). */
export async function listCatalogSummaries(
  audience: CatalogAudience,
  page: { offset: number; limit: number },
): Promise<{ total: number; items: CatalogSummary[] }> {
  await ensureCatalogIndex()
  const visible = [...state().summaries.values()]
    .filter(
      (s) =>
        audience === 'listed' ||
        (PUBLIC_OPEN_ATTRIBUTES as readonly string[]).includes(s.openAttribute),
    )
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { total: visible.length, items: visible.slice(page.offset, page.offset + page.limit) }
}

/** Departments (organizations) that own at least one entry the audience may see. */
export async function catalogDepartments(
  audience: CatalogAudience,
): Promise<{ id: string; name: { zh: string; en: string }; count: number }[]> {
  const index = await ensureCatalogIndex()
  const result = index.search({
    scope: scopeOf(audience),
    offset: 0,
    limit: 0,
    facets: ['department'],
    facetLimit: 10_000,
  })
  const names = state().orgNames
  return (result.facets.department ?? []).map((f) => ({
    id: f.value,
    name: names.get(f.value) ?? { zh: f.value, en: f.value },
    count: f.count,
  }))
}
