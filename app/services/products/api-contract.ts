// The products API's entries in the OpenAPI contract (app/services/api/contract.ts spreads them).
import { z } from 'zod'
import type { Endpoint } from '~/services/api/contract'
import { modelRunInput, productInput, versionDraftInput } from './schemas'

const localized = z.object({ zh: z.string(), en: z.string() })

const productSummary = z.object({
  id: z.string(),
  kind: z.string(),
  title: localized,
  description: localized,
  category: z.string(),
  grade: z.object({ tier: z.string(), level: z.number().nullable() }),
  tags: z.array(z.string()),
  ownerOrgId: z.string(),
  ownerName: localized,
  minPriceFen: z.number().int().nullable(),
  priceBand: z.string(),
  formats: z.array(z.string()),
  latestVersion: z.number(),
  publishedAt: z.string(),
})

const versionView = z
  .object({
    id: z.string(),
    productId: z.string(),
    number: z.number(),
    state: z.string(),
    screening: z.object({ status: z.string(), source: z.string().nullable() }).loose(),
    review: z.object({ status: z.string(), reasons: z.array(z.string()) }).loose(),
    distributions: z.array(
      z
        .object({
          key: z.string(),
          format: z.string(),
          sha256: z.string().nullable(),
          sizeBytes: z.number().nullable(),
        })
        .loose(),
    ),
    inputs: z.array(
      z
        .object({
          kind: z.string(),
          ref: z.string(),
          basis: z.string().nullable(),
          digest: z.string().nullable(),
        })
        .loose(),
    ),
    generatedDigest: z.string().nullable(),
  })
  .loose()

const marketQuery = z.object({
  q: z.string().max(200).optional(),
  kind: z.string().optional(),
  category: z.string().optional(),
  grade: z.string().optional(),
  provider: z.string().optional(),
  price: z.enum(['free', 'lt1k', '1k_10k', '10k_100k', 'ge100k', 'none']).optional(),
  tags: z.string().optional(),
  format: z.string().optional(),
  sort: z.enum(['relevance', 'published_desc', 'price_asc', 'price_desc']).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  page: z.coerce.number().int().min(1).optional(),
})

export const productEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/api/v1/products',
    summary:
      'Search listed products with facets (kind, category, grade, provider, price band, tags, format); repeat a facet for several values',
    permission: 'public',
    query: marketQuery,
    response: z.object({
      total: z.number(),
      offset: z.number(),
      limit: z.number(),
      items: z.array(productSummary),
      facets: z.record(
        z.string(),
        z.array(z.object({ value: z.string(), count: z.number() }).loose()),
      ),
    }),
  },
  {
    method: 'post',
    path: '/api/v1/products',
    summary:
      'Create a product of the caller’s organisation (core grade refused; models are the authority’s, Art. 36); prices in integer fen',
    permission: 'create:product:own-org',
    body: productInput,
    response: z.object({ id: z.string() }),
    status: 201,
  },
  {
    method: 'get',
    path: '/api/v1/products/{productId}',
    summary: 'A product with its versions (published; all for its owner and the authority)',
    permission: 'public',
    response: z.object({
      product: z.object({ id: z.string() }).loose(),
      versions: z.array(versionView),
    }),
  },
  {
    method: 'get',
    path: '/api/v1/products/{productId}/versions',
    summary: 'A product’s versions',
    permission: 'public',
    response: z.object({ versions: z.array(versionView) }),
  },
  {
    method: 'post',
    path: '/api/v1/products/{productId}/versions',
    summary:
      'Draft a version with its provenance (inputs, activity); 403 names an input the caller holds no right to (Art. 35, 37)',
    permission: 'create:product:own-org',
    body: versionDraftInput,
    response: z.object({ id: z.string(), number: z.number() }),
    status: 201,
  },
  {
    method: 'get',
    path: '/api/v1/products/{productId}/versions/{number}',
    summary:
      'One version: files and hashes, schema, inputs with the right to each, screening and review',
    permission: 'public',
    response: versionView,
  },
  {
    method: 'post',
    path: '/api/v1/products/{productId}/versions/{number}/files',
    summary:
      'Upload one file into a draft (multipart/form-data, field `file`; streamed, hashed while written; 413 over UPLOAD_MAX_BYTES, 415 wrong type)',
    permission: 'create:product:own-org',
    response: z.object({
      file: z.object({
        key: z.string(),
        fileName: z.string(),
        sha256: z.string(),
        size: z.number(),
        deduplicated: z.boolean(),
      }),
    }),
    status: 201,
  },
  {
    method: 'post',
    path: '/api/v1/products/{productId}/versions/{number}/submit',
    summary:
      'Submit a draft for listing: rights checked again and frozen into the provenance, files scanned, important grade reviewed',
    permission: 'create:product:own-org',
    response: z.object({
      id: z.string(),
      review: z.boolean(),
      outcome: z.enum(['published', 'waiting', 'blocked']),
    }),
  },
  {
    method: 'get',
    path: '/api/v1/products/{productId}/versions/{number}/provenance',
    summary:
      'The version’s provenance as W3C PROV-JSON, back to the source catalog entries and departments (Art. 38)',
    permission: 'public',
    response: z
      .object({
        prefix: z.record(z.string(), z.string()),
        entity: z.record(z.string(), z.unknown()),
        activity: z.record(z.string(), z.unknown()),
        agent: z.record(z.string(), z.unknown()),
      })
      .loose(),
  },
  {
    method: 'post',
    path: '/api/v1/products/{productId}/runs',
    summary:
      'Run a published model (Art. 36) on a data version the caller holds a right to; a job produces a private derived version',
    permission: 'run:model:own-org',
    body: modelRunInput,
    response: z.object({ runId: z.string() }),
    status: 202,
  },
]
