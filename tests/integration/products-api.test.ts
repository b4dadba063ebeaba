// The products JSON API (C7) with an API key: create, draft (refused naming the missing
// right), search with facets, PROV-JSON, model runs; errors as `{error: {code, message}}`.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
process.env.STORAGE_DIR = mkdtempSync(path.join(os.tmpdir(), 'gdpde-api-'))

import { beforeAll, describe, expect, it } from 'vitest'
import { Product } from '#models/product'
import { action as productsAction, loader as productsLoader } from '~/routes/api.v1.products'
import { loader as productLoader } from '~/routes/api.v1.products.$productId'
import { action as versionsAction } from '~/routes/api.v1.products.$productId.versions'
import { loader as provenanceLoader } from '~/routes/api.v1.products.$productId.versions.$number.provenance'
import { action as runsAction } from '~/routes/api.v1.products.$productId.runs'
import { createApiKey } from '~/services/identity/auth.server'
import { productInput, demoUser, seededEntryId } from '../fixtures/products'
import { BASE, jsonRequest, settle } from '../fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

describe('products API', () => {
  useTestDb()
  let providerKey: string
  let buyerKey: string

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    providerKey = (await createApiKey(await demoUser('provider@demo.gd.example'), 'test')).key
    buyerKey = (await createApiKey(await demoUser('buyer@demo.gd.example'), 'test')).key
  }, 240_000)

  it('creates a product and refuses a draft on an input without a right, naming it (403)', async () => {
    const created = await settle(() =>
      productsAction({
        request: jsonRequest('/api/v1/products', productInput(), { bearer: providerKey }),
        params: {},
        context: {},
      }),
    )
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const landUse = await seededEntryId('nr', '0002')
    const refused = await settle(() =>
      versionsAction({
        request: jsonRequest(
          `/api/v1/products/${id}/versions`,
          {
            inputs: [{ kind: 'catalog-entry', id: landUse }],
            activity: { label: { zh: '汇总', en: '' } },
          },
          { bearer: providerKey },
        ),
        params: { productId: id },
        context: {},
      }),
    )
    expect(refused.status).toBe(403)
    const body = (await refused.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('missing_right')
    expect(body.error.message).toContain('土地利用现状调查数据')
    const forged = await settle(() =>
      productsAction({
        request: jsonRequest(
          '/api/v1/products',
          { ...productInput(), ownerOrgId: '0123456789abcdef01234567' },
          { bearer: providerKey },
        ),
        params: {},
        context: {},
      }),
    )
    expect(forged.status).toBe(400)
    const core = await settle(() =>
      productsAction({
        request: jsonRequest(
          '/api/v1/products',
          productInput({ grade: { tier: 'core', level: null } }),
          { bearer: providerKey },
        ),
        params: {},
        context: {},
      }),
    )
    expect(core.status).toBe(422)
  })

  it('searches with facets, serves a product, and its provenance as PROV-JSON', async () => {
    const search = await settle(() =>
      productsLoader({
        request: new Request(`${BASE}/api/v1/products?kind=dataset&grade=general&sort=price_asc`),
        params: {},
        context: {},
      }),
    )
    expect(search.status).toBe(200)
    const result = (await search.json()) as {
      total: number
      items: { id: string; minPriceFen: number }[]
      facets: Record<string, unknown[]>
    }
    expect(result.total).toBeGreaterThanOrEqual(4)
    const prices = result.items.map((i) => i.minPriceFen)
    expect(prices).toEqual([...prices].sort((a, b) => a - b))
    const bad = await settle(() =>
      productsLoader({
        request: new Request(`${BASE}/api/v1/products?colour=red`),
        params: {},
        context: {},
      }),
    )
    expect(bad.status).toBe(400)
    const site = (await Product.findOne({ seedKey: 'provider2-site-selection' }).lean())!
    const product = await settle(() =>
      productLoader({
        request: new Request(`${BASE}/api/v1/products/${site._id}`),
        params: { productId: String(site._id) },
        context: {},
      }),
    )
    expect(((await product.json()) as { versions: unknown[] }).versions).toHaveLength(1)
    const prov = await settle(() =>
      provenanceLoader({
        request: new Request(`${BASE}/api/v1/products/${site._id}/versions/1/provenance`),
        params: { productId: String(site._id), number: '1' },
        context: {},
      }),
    )
    expect(prov.status).toBe(200)
    const doc = (await prov.json()) as {
      entity: Record<string, Record<string, unknown>>
      wasDerivedFrom: Record<string, unknown>
    }
    expect(
      Object.keys(doc.entity).filter((k) => k.startsWith('gdpde:product-version/')).length,
    ).toBeGreaterThanOrEqual(4)
    // Signed out: licence and grant ids are not disclosed.
    expect(
      Object.values(doc.entity).some(
        (e) => (e['prov:type'] as { $: string }).$ === 'gdpde:Licence',
      ),
    ).toBe(false)
    const missing = await settle(() =>
      provenanceLoader({
        request: new Request(`${BASE}/x`),
        params: { productId: String(site._id), number: '9' },
        context: {},
      }),
    )
    expect(missing.status).toBe(404)
  })

  it('art36 queues a model run for a buyer with a licence (202) and refuses one without (403)', async () => {
    const model = (await Product.findOne({ seedKey: 'authority-land-use-model' }).lean())!
    const data = (await Product.findOne({ seedKey: 'authority-land-use-parcels' }).lean())!
    const vitality = (await Product.findOne({ seedKey: 'provider1-vitality-index' }).lean())!
    const ok = await settle(() =>
      runsAction({
        request: jsonRequest(
          `/x`,
          { inputVersionId: data.latestPublished!.versionId, parameters: '{}' },
          { bearer: buyerKey },
        ),
        params: { productId: String(model._id) },
        context: {},
      }),
    )
    expect(ok.status).toBe(202)
    const no = await settle(() =>
      runsAction({
        request: jsonRequest(
          `/x`,
          { inputVersionId: vitality.latestPublished!.versionId, parameters: '{}' },
          { bearer: buyerKey },
        ),
        params: { productId: String(model._id) },
        context: {},
      }),
    )
    expect(no.status).toBe(403)
    expect(((await no.json()) as { error: { code: string } }).error.code).toBe('missing_right')
  })
})
