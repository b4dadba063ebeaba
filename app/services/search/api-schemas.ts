// Query and response schemas of the catalog search, DCAT and CKAN endpoints: routes validate with
// them and the OpenAPI document (services/api/contract.ts) is generated from them.
import { z } from 'zod'
import type { Endpoint } from '~/services/api/contract'
import {
  CATALOG_CATEGORIES,
  DATA_FORMS,
  OPEN_ATTRIBUTES,
  SHARING_TYPES,
  UPDATE_FREQUENCIES,
} from '~/vocab/catalog'
import { objectId as idSchema } from '~/utils/schemas'

/** Entries in one page of the DCAT catalog export. */
export const MAX_CATALOG_PAGE_SIZE = 500

const objectId = idSchema('error.dcat.badCursor')

export const dcatQuery = z.strictObject({
  context: z.enum(['inline', 'remote']).default('inline'),
})

export const dcatCatalogQuery = z.strictObject({
  after: objectId.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CATALOG_PAGE_SIZE).default(100),
  context: z.enum(['inline', 'remote']).default('inline'),
})

const localized = z.object({ zh: z.string(), en: z.string() })

/** Documentation of the search query (the route parses it with parseCatalogSearchParams). */
export const catalogSearchQuery = z.strictObject({
  q: z
    .string()
    .max(200)
    .optional()
    .describe('Words, Chinese (Simplified or Traditional) or English; every word must match'),
  sharingType: z.array(z.enum(SHARING_TYPES)).optional(),
  openAttribute: z.array(z.enum(OPEN_ATTRIBUTES)).optional(),
  grade: z.array(z.enum(['important', 'general'])).optional(),
  department: z.array(idSchema()).optional(),
  level: z.array(z.enum(['province', 'city', 'county'])).optional(),
  region: z.array(z.string().regex(/^44[0-9]{4}$/)).optional(),
  updateFrequency: z.array(z.enum(UPDATE_FREQUENCIES)).optional(),
  tags: z.array(z.string().max(40)).optional(),
  category: z.array(z.enum(CATALOG_CATEGORIES)).optional(),
  dataForm: z.array(z.enum(DATA_FORMS)).optional(),
  format: z.array(z.string().max(20)).optional(),
  sort: z.enum(['relevance', 'modified_desc', 'modified_asc', 'data_updated_desc']).optional(),
  offset: z.number().int().min(0).max(10_000).optional(),
  limit: z.number().int().min(1).max(100).optional(),
})

const facetCount = z.object({ value: z.string(), count: z.number(), label: localized.optional() })

export const catalogSearchResponse = z.object({
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  items: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      title: localized,
      description: localized,
      tags: z.array(z.string()),
      orgId: z.string(),
      orgName: localized,
      level: z.string(),
      regionCode: z.string(),
      category: z.string(),
      dataForm: z.string(),
      sharingType: z.string(),
      openAttribute: z.string(),
      grade: z.string(),
      updateFrequency: z.string(),
      formats: z.array(z.string()),
      version: z.number(),
      publishedAt: z.string(),
      lastDataUpdateAt: z.string().nullable(),
      score: z.number(),
    }),
  ),
  facets: z.record(z.string(), z.array(facetCount)),
})

const jsonLd = z.object({
  '@context': z.unknown(),
  '@graph': z.array(z.record(z.string(), z.unknown())),
})

export const openDataEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/api/v1/catalog/search',
    summary:
      'Faceted, ranked catalog search with facet counts. Anonymous callers see open and conditionally open entries; ' +
      'read:catalog-entry:any sees every listed entry. Repeat a facet parameter for several values.',
    permission: 'public',
    query: catalogSearchQuery,
    response: catalogSearchResponse,
  },
  {
    method: 'get',
    path: '/api/v1/catalog/{id}/dcat',
    summary:
      'One catalog entry as DCAT-3 JSON-LD (dcat:Dataset, Art. 10 fields as gdpde: extension properties)',
    permission: 'public',
    query: dcatQuery,
    response: jsonLd,
  },
  {
    method: 'get',
    path: '/api/v1/catalog.jsonld',
    summary: 'The whole catalog as a DCAT-3 dcat:Catalog, paged by `after` with hydra:next',
    permission: 'public',
    query: dcatCatalogQuery,
    response: jsonLd,
  },
]
