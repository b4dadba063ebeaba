// Search parameters of the catalog search (the JSON API and the portal's search form), validated
// before they reach the index: unknown parameters, unknown facets, values outside a facet's
// vocabulary and absurd page sizes are refused with a message naming the culprit. Shared by
// browser and server (no Node imports). Messages are i18n keys.
import {
  CATALOG_CATEGORIES,
  DATA_FORMS,
  GRADE_TIERS,
  OPEN_ATTRIBUTES,
  SHARING_TYPES,
  UPDATE_FREQUENCIES,
} from '~/vocab/catalog'
import { DomainError } from '~/utils/errors'
import { CATALOG_FACETS, type CatalogFacet } from './catalog-documents'
import type { FacetFilter, SearchSort } from '~/lib/search/types'
import { OBJECT_ID } from '~/utils/schemas'

export const ADMIN_LEVELS = ['province', 'city', 'county'] as const
export const MAX_PAGE_SIZE = 100
/** Deepest result a page may reach (offset + limit); beyond it, narrow the search. */
export const MAX_RESULT_WINDOW = 10_000
export const MAX_QUERY_LENGTH = 200
export const MAX_VALUES_PER_FACET = 20

/** Each facet's vocabulary: a fixed list, or a pattern for open-ended values. */
export const FACET_VOCABULARY: Record<CatalogFacet, readonly string[] | RegExp> = {
  sharingType: SHARING_TYPES,
  openAttribute: OPEN_ATTRIBUTES,
  // Core data is never listed, so it can never be found either.
  grade: GRADE_TIERS.filter((t) => t !== 'core'),
  department: OBJECT_ID,
  level: ADMIN_LEVELS,
  // GB/T 2260 codes of Guangdong: 44 + four digits.
  region: /^44[0-9]{4}$/,
  updateFrequency: UPDATE_FREQUENCIES,
  // Printable text without markup characters (\p{Cc}: control characters).
  tags: /^[^\p{Cc}<>"]{1,40}$/u,
  category: CATALOG_CATEGORIES,
  dataForm: DATA_FORMS,
  format: /^[A-Za-z0-9.+-]{1,20}$/,
}

export const SORTS = ['relevance', 'modified_desc', 'modified_asc', 'data_updated_desc'] as const
export type SortName = (typeof SORTS)[number]

export function sortOf(name: SortName): SearchSort {
  switch (name) {
    case 'relevance':
      return 'relevance'
    case 'modified_desc':
      return { key: 'modified', order: 'desc' }
    case 'modified_asc':
      return { key: 'modified', order: 'asc' }
    case 'data_updated_desc':
      return { key: 'dataUpdated', order: 'desc' }
  }
}

export interface CatalogSearchParams {
  q: string
  filters: Partial<Record<CatalogFacet, string[]>>
  sort: SortName
  offset: number
  limit: number
}

function bad(field: string, key: string, params?: Record<string, unknown>): never {
  throw new DomainError('invalid_search', key, 400, { [field]: [key] }, params)
}

function integer(
  raw: string | null,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === null || raw === '') return fallback
  if (!/^-?[0-9]{1,9}$/.test(raw)) bad(field, 'error.search.notANumber', { field })
  const n = Number(raw)
  if (n < min || n > max) bad(field, 'error.search.outOfRange', { field, min, max })
  return n
}

/** Checks one facet value against the vocabulary; throws a 400 naming facet and value. */
export function checkFacetValue(facet: string, value: string): void {
  if (!(CATALOG_FACETS as readonly string[]).includes(facet))
    bad(facet, 'error.search.unknownFacet', { facet })
  const vocabulary = FACET_VOCABULARY[facet as CatalogFacet]
  const ok = vocabulary instanceof RegExp ? vocabulary.test(value) : vocabulary.includes(value)
  if (!ok) bad(facet, 'error.search.unknownFacetValue', { facet, value: value.slice(0, 60) })
}

export function checkFilters(filters: Record<string, readonly string[]>): FacetFilter {
  for (const [facet, values] of Object.entries(filters)) {
    if (values.length > MAX_VALUES_PER_FACET)
      bad(facet, 'error.search.tooManyValues', { facet, max: MAX_VALUES_PER_FACET })
    for (const v of values) checkFacetValue(facet, v)
  }
  return filters
}

/**
 * `q`, one parameter per facet (repeat it for several values: `tags=交通&tags=统计`), `sort`,
 * `offset`/`limit` (or `page` for the portal). Anything else is refused.
 */
export function parseCatalogSearchParams(
  params: URLSearchParams,
  options: { defaultLimit?: number; allowPage?: boolean } = {},
): CatalogSearchParams {
  const known = new Set<string>([
    'q',
    'sort',
    'offset',
    'limit',
    ...CATALOG_FACETS,
    ...(options.allowPage ? ['page'] : []),
  ])
  for (const key of new Set(params.keys())) {
    if (!known.has(key)) bad(key, 'error.search.unknownParameter', { name: key.slice(0, 40) })
  }
  const q = (params.get('q') ?? '').trim()
  if (q.length > MAX_QUERY_LENGTH) bad('q', 'error.search.queryTooLong', { max: MAX_QUERY_LENGTH })
  const filters: Partial<Record<CatalogFacet, string[]>> = {}
  for (const facet of CATALOG_FACETS) {
    const values = [
      ...new Set(
        params
          .getAll(facet)
          .map((v) => v.trim())
          .filter(Boolean),
      ),
    ]
    if (values.length) filters[facet] = values
  }
  checkFilters(filters)
  const sortRaw = params.get('sort') || (q ? 'relevance' : 'modified_desc')
  if (!(SORTS as readonly string[]).includes(sortRaw))
    bad('sort', 'error.search.unknownSort', { sorts: SORTS.join(', ') })
  const limit = integer(params.get('limit'), 'limit', options.defaultLimit ?? 20, 1, MAX_PAGE_SIZE)
  let offset = integer(params.get('offset'), 'offset', 0, 0, MAX_RESULT_WINDOW)
  if (options.allowPage && params.has('page'))
    offset = (integer(params.get('page'), 'page', 1, 1, MAX_RESULT_WINDOW) - 1) * limit
  if (offset + limit > MAX_RESULT_WINDOW)
    bad('offset', 'error.search.windowTooDeep', { max: MAX_RESULT_WINDOW })
  return { q, filters, sort: sortRaw as SortName, offset, limit }
}
