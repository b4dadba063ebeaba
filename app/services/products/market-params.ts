// The marketplace search's parameters (C7), shared by the page (browser) and the server:
// facets, sorts, and the parser that refuses unknown parameters and facet values (400).
import { DomainError } from '~/utils/errors'
import { PRICE_BANDS } from './price'
import { PRODUCT_CATEGORIES, PRODUCT_KINDS } from '~/vocab/products'
import { OBJECT_ID } from '~/utils/schemas'

export const MARKET_FACETS = [
  'kind',
  'category',
  'grade',
  'provider',
  'price',
  'tags',
  'format',
] as const
export type MarketFacet = (typeof MARKET_FACETS)[number]
export const MARKET_SORTS = ['relevance', 'published_desc', 'price_asc', 'price_desc'] as const
export type MarketSort = (typeof MARKET_SORTS)[number]

const FACET_VOCABULARY: Record<MarketFacet, readonly string[] | RegExp> = {
  kind: PRODUCT_KINDS,
  category: PRODUCT_CATEGORIES,
  grade: ['important', 'general'],
  provider: OBJECT_ID,
  price: PRICE_BANDS,
  // eslint-disable-next-line no-control-regex -- refuses control characters in tag filters
  tags: /^[^\u0000-\u001f<>"]{1,40}$/u,
  format: /^[A-Za-z0-9.+-]{1,20}$/,
}

export interface MarketSearchParams {
  q: string
  filters: Partial<Record<MarketFacet, string[]>>
  sort: MarketSort
  offset: number
  limit: number
}

function bad(field: string, key: string, params?: Record<string, unknown>): never {
  throw new DomainError('invalid_search', key, 400, { [field]: [key] }, params)
}

/**
 * `q`, one parameter per facet (repeat for several values), `sort`, `page` or `offset`/`limit`.
 * Unknown parameters, facet values outside the vocabulary and absurd pages are refused (400).
 */
export function parseMarketSearchParams(
  params: URLSearchParams,
  options: { defaultLimit?: number } = {},
): MarketSearchParams {
  const known = new Set<string>(['q', 'sort', 'offset', 'limit', 'page', ...MARKET_FACETS])
  for (const key of new Set(params.keys()))
    if (!known.has(key)) bad(key, 'error.search.unknownParameter', { name: key.slice(0, 40) })
  const q = (params.get('q') ?? '').trim()
  if (q.length > 200) bad('q', 'error.search.queryTooLong', { max: 200 })
  const filters: MarketSearchParams['filters'] = {}
  for (const facet of MARKET_FACETS) {
    const values = [
      ...new Set(
        params
          .getAll(facet)
          .map((v) => v.trim())
          .filter(Boolean),
      ),
    ]
    if (values.length > 20) bad(facet, 'error.search.tooManyValues', { facet, max: 20 })
    for (const v of values) {
      const vocab = FACET_VOCABULARY[facet]
      if (!(vocab instanceof RegExp ? vocab.test(v) : vocab.includes(v)))
        bad(facet, 'error.search.unknownFacetValue', { facet, value: v.slice(0, 60) })
    }
    if (values.length) filters[facet] = values
  }
  const sortRaw = params.get('sort') || (q ? 'relevance' : 'published_desc')
  if (!(MARKET_SORTS as readonly string[]).includes(sortRaw))
    bad('sort', 'error.search.unknownSort', { sorts: MARKET_SORTS.join(', ') })
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = params.get(name)
    if (raw === null || raw === '') return fallback
    if (!/^[0-9]{1,6}$/.test(raw)) bad(name, 'error.search.notANumber', { field: name })
    const n = Number(raw)
    if (n < min || n > max) bad(name, 'error.search.outOfRange', { field: name, min, max })
    return n
  }
  const limit = int('limit', options.defaultLimit ?? 20, 1, 100)
  let offset = int('offset', 0, 0, 10_000)
  if (params.has('page')) offset = (int('page', 1, 1, 500) - 1) * limit
  return { q, filters, sort: sortRaw as MarketSort, offset, limit }
}
