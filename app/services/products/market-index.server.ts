// The marketplace's search index (C7 "Browse and search products with facets"): one index of
// the search module (app/services/search, the same engine as the catalog), holding every listed
// product. Loaded from the database at first use; kept current in this process by the product
// services (`refreshMarketProduct` after each change) and, so every web process converges, by
// polling the ledger for entries naming `product:<id>`.
import mongoose from 'mongoose'
import { Organization } from '#models/organization'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { ledgerHead, listLedger } from '~/services/ledger/ledger.server'
import { createSearchIndex } from '~/lib/search/engine.server'
import type {
  FacetCount,
  IndexSchema,
  SearchDocument,
  SearchIndex,
  SearchSort,
} from '~/lib/search/types'
import {
  MARKET_FACETS,
  type MarketFacet,
  type MarketSearchParams,
  type MarketSort,
} from './market-params'
import { priceBandOf, type PriceBand } from './price'
import { PRICE_PLAN_KINDS } from '~/vocab/products'
import { isObjectId } from '~/utils/schemas'

export {
  MARKET_FACETS,
  MARKET_SORTS,
  parseMarketSearchParams,
  type MarketSearchParams,
} from './market-params'

export const MARKET_INDEX_SCHEMA: IndexSchema = {
  facets: MARKET_FACETS.map((name) => ({ name, multi: name === 'tags' || name === 'format' })),
  sortKeys: ['published', 'price'],
}

type Localized = { zh: string; en: string }

export interface MarketSummary {
  id: string
  kind: string
  title: Localized
  description: Localized
  category: string
  grade: { tier: string; level: number | null }
  tags: string[]
  ownerOrgId: string
  ownerName: Localized
  minPriceFen: number | null
  priceBand: PriceBand
  planKinds: string[]
  formats: string[]
  latestVersion: number
  publishedAt: string
}

interface MarketState {
  index: SearchIndex
  summaries: Map<string, MarketSummary>
  orgNames: Map<string, Localized>
  ready: Promise<void> | null
  lastSeq: number
  timer: NodeJS.Timeout | null
  polling: Promise<void> | null
}

const REGISTRY = Symbol.for('gdpde.search.market')
const POLL_MS = 5000
const MAX_REPLAY = 5000
const SUMMARY_TEXT = 240

function state(): MarketState {
  const g = globalThis as unknown as Record<symbol, MarketState | undefined>
  return (g[REGISTRY] ??= {
    index: createSearchIndex(MARKET_INDEX_SCHEMA),
    summaries: new Map(),
    orgNames: new Map(),
    ready: null,
    lastSeq: 0,
    timer: null,
    polling: null,
  })
}

function clip(text: string): string {
  const chars = Array.from(text)
  return chars.length > SUMMARY_TEXT ? chars.slice(0, SUMMARY_TEXT).join('') + '…' : text
}

type ProductLean = Awaited<ReturnType<typeof loadProducts>>[number]

async function loadProducts(filter: Record<string, unknown>, limit: number) {
  return Product.find(filter).sort({ _id: 1 }).limit(limit).lean()
}

async function summariesOf(products: ProductLean[]): Promise<MarketSummary[]> {
  const listed = products.filter((p) => p.listed && p.visibility === 'market' && p.latestPublished)
  if (listed.length === 0) return []
  const orgIds = [...new Set(listed.map((p) => p.ownerOrgId))]
  const versionIds = listed.map((p) => p.latestPublished!.versionId)
  const [orgs, versions] = await Promise.all([
    Organization.find({ _id: mongoose.trusted({ $in: orgIds }) }, { name: 1 }).lean(),
    ProductVersion.find(
      { _id: mongoose.trusted({ $in: versionIds }) },
      { distributions: 1 },
    ).lean(),
  ])
  const names = new Map(orgs.map((o) => [String(o._id), { zh: o.name.zh, en: o.name.en }]))
  const formats = new Map(
    versions.map((v) => [
      String(v._id),
      [...new Set(v.distributions.map((d) => d.format.toUpperCase()))],
    ]),
  )
  return listed.map((p) => {
    const prices = p.pricePlans.map((plan) => plan.amountFen)
    const minPriceFen = prices.length ? Math.min(...prices) : null
    return {
      id: String(p._id),
      kind: p.kind,
      title: { zh: p.title.zh, en: p.title.en },
      description: { zh: clip(p.description.zh), en: clip(p.description.en) },
      category: p.category,
      grade: { tier: p.grade.tier, level: p.grade.level ?? null },
      tags: [...p.tags],
      ownerOrgId: p.ownerOrgId,
      ownerName: names.get(p.ownerOrgId) ?? { zh: '', en: '' },
      minPriceFen,
      priceBand: priceBandOf(minPriceFen),
      planKinds: [...new Set(p.pricePlans.map((plan) => plan.kind))].sort(
        (a, b) => PRICE_PLAN_KINDS.indexOf(a as never) - PRICE_PLAN_KINDS.indexOf(b as never),
      ),
      formats: formats.get(p.latestPublished!.versionId) ?? [],
      latestVersion: p.latestPublished!.number,
      publishedAt: p.latestPublished!.publishedAt.toISOString(),
    }
  })
}

export function marketDocument(s: MarketSummary): SearchDocument {
  return {
    id: s.id,
    fields: [
      { text: s.title.zh, weight: 3 },
      { text: s.title.en, weight: 3 },
      { text: s.tags.join(' '), weight: 2 },
      { text: s.description.zh, weight: 1 },
      { text: s.description.en, weight: 1 },
      { text: `${s.ownerName.zh} ${s.ownerName.en}`, weight: 1 },
    ],
    facets: {
      kind: s.kind,
      category: s.category,
      grade: s.grade.tier,
      provider: s.ownerOrgId,
      price: s.priceBand,
      tags: s.tags,
      format: s.formats,
    },
    sortKeys: { published: Date.parse(s.publishedAt), price: s.minPriceFen ?? 0 },
  }
}

function put(s: MarketState, summary: MarketSummary) {
  s.index.upsert(marketDocument(summary))
  s.summaries.set(summary.id, summary)
  s.orgNames.set(summary.ownerOrgId, summary.ownerName)
}

async function loadAll(s: MarketState) {
  const head = await ledgerHead()
  const all: MarketSummary[] = []
  let after: string | undefined
  for (;;) {
    const page = await loadProducts(
      after ? { _id: mongoose.trusted({ $gt: new mongoose.Types.ObjectId(after) }) } : {},
      1000,
    )
    all.push(...(await summariesOf(page)))
    if (page.length < 1000) break
    after = String(page.at(-1)!._id)
  }
  const index = createSearchIndex(MARKET_INDEX_SCHEMA)
  index.replaceAll(all.map(marketDocument))
  s.index = index
  s.summaries = new Map(all.map((x) => [x.id, x]))
  s.orgNames = new Map(all.map((x) => [x.ownerOrgId, x.ownerName]))
  s.lastSeq = head.seq
}

/** Re-reads products into the index (after a change in this process, or named by the ledger). */
export async function refreshMarketProducts(ids: Iterable<string>): Promise<void> {
  const s = state()
  if (!s.ready) return
  await s.ready
  const list = [...new Set(ids)].filter((id) => isObjectId(id))
  if (list.length === 0) return
  const products = await loadProducts({ _id: mongoose.trusted({ $in: list }) }, list.length)
  const summaries = await summariesOf(products)
  const present = new Set(summaries.map((x) => x.id))
  for (const summary of summaries) put(s, summary)
  for (const id of list) {
    if (!present.has(id)) {
      s.index.remove(id)
      s.summaries.delete(id)
    }
  }
}

export function refreshMarketProduct(id: string): Promise<void> {
  return refreshMarketProducts([id]).catch((error: unknown) => {
    console.error('[market] refresh failed:', error instanceof Error ? error.message : error)
  })
}

/** Replays product changes the ledger recorded since the last poll (other processes' writes). */
export async function pollMarketChanges(): Promise<void> {
  const s = state()
  if (!s.ready) return
  s.polling ??= (async () => {
    const head = await ledgerHead()
    if (head.seq === s.lastSeq) return
    if (head.seq - s.lastSeq > MAX_REPLAY) {
      await loadAll(s)
      return
    }
    const ids = new Set<string>()
    let before = head.seq + 1
    outer: while (before > s.lastSeq + 1) {
      const page = await listLedger({ beforeSeq: before, limit: 100 })
      for (const entry of page.entries) {
        if (entry._id <= s.lastSeq) break outer
        for (const subject of entry.subjects)
          if (subject.startsWith('product:')) ids.add(subject.slice(8))
      }
      if (!page.nextBeforeSeq) break
      before = page.nextBeforeSeq
    }
    s.lastSeq = head.seq
    await refreshMarketProducts(ids)
  })().finally(() => {
    s.polling = null
  })
  await s.polling
}

/** The loaded index; the first call loads it and starts following changes. */
export async function ensureMarketIndex(options: { pollMs?: number } = {}): Promise<SearchIndex> {
  const s = state()
  if (!s.ready) {
    s.ready = loadAll(s).catch((error: unknown) => {
      s.ready = null
      throw error
    })
    const pollMs = options.pollMs ?? POLL_MS
    if (pollMs > 0) {
      s.timer = setInterval(() => {
        pollMarketChanges().catch((error: unknown) => {
          console.error('[market] poll failed:', error instanceof Error ? error.message : error)
        })
      }, pollMs)
      s.timer.unref()
    }
  }
  await s.ready
  return s.index
}

/** Forgets the index (tests; the next search loads it again). */
export function stopMarketIndex(): void {
  const g = globalThis as unknown as Record<symbol, MarketState | undefined>
  const s = g[REGISTRY]
  if (s?.timer) clearInterval(s.timer)
  g[REGISTRY] = undefined
}

// ------------------------------------------------------------------------------- search

function sortOf(sort: MarketSort): SearchSort {
  if (sort === 'relevance') return 'relevance'
  if (sort === 'price_asc') return { key: 'price', order: 'asc' }
  if (sort === 'price_desc') return { key: 'price', order: 'desc' }
  return { key: 'published', order: 'desc' }
}

export interface MarketSearchResult {
  total: number
  offset: number
  limit: number
  items: (MarketSummary & { score: number })[]
  facets: Partial<Record<MarketFacet, (FacetCount & { label?: Localized })[]>>
}

/** Faceted, ranked search over listed products (public: listed products are public information). */
export async function searchMarket(params: MarketSearchParams): Promise<MarketSearchResult> {
  const index = await ensureMarketIndex()
  const s = state()
  const result = index.search({
    text: params.q,
    filters: params.filters,
    sort: sortOf(params.sort),
    offset: params.offset,
    limit: params.limit,
  })
  const items = result.hits.flatMap((hit) => {
    const summary = s.summaries.get(hit.id)
    return summary ? [{ ...summary, score: hit.score }] : []
  })
  const facets: MarketSearchResult['facets'] = { ...result.facets }
  if (facets.provider)
    facets.provider = facets.provider.map((f) => ({ ...f, label: s.orgNames.get(f.value) }))
  return { total: result.total, offset: params.offset, limit: params.limit, items, facets }
}
