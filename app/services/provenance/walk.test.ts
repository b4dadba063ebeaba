// Art. 38: the provenance walk back to the source catalog entries and their departments, its
// PROV-JSON, and its cost on a graph of depth 10 × width 100.
import { beforeAll, describe, expect, it } from 'vitest'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { productInput, seededEntryId } from '../../../tests/fixtures/products'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import { toProvJson } from './prov-json.server'
import { walkProvenance } from './walk.server'

type Used = { kind: 'catalog-entry' | 'product-version'; ref: string }

let productId: string
const ORG = '0123456789abcdef01234567'

function versionDoc(id: mongoose.Types.ObjectId, number: number, used: Used[], lineage?: string[]) {
  const now = new Date()
  return {
    _id: id,
    productId,
    ownerOrgId: ORG,
    number,
    note: { zh: '', en: '' },
    distributions: [
      {
        key: 'data.csv',
        kind: 'file',
        title: { zh: 'data', en: 'data' },
        format: 'CSV',
        sha256: 'a'.repeat(64),
        sizeBytes: 10,
        addedAt: now,
      },
    ],
    provenance: {
      activity: {
        kind: 'upload',
        label: { zh: '汇总', en: 'Aggregation' },
        description: '',
        parameters: '{}',
        startedAt: now,
        endedAt: now,
      },
      agent: { orgId: ORG, userId: null },
      used: used.map((u) => ({
        ...u,
        role: 'input',
        basis: u.kind === 'catalog-entry' ? 'open' : 'licence',
        basisRef: null,
        version: 1,
        digest: 'b'.repeat(64),
        digestOf: 'content',
      })),
      generatedDigest: 'c'.repeat(64),
    },
    state: 'published',
    lineage: lineage ?? [],
    lineageComplete: lineage !== undefined,
    createdBy: 'test',
    createdAt: now,
  }
}

describe('provenance walk', () => {
  useTestDb()
  let e1: string
  let e2: string
  let e3: string

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    e1 = await seededEntryId('amr', '0001')
    e2 = await seededEntryId('amr', '0004')
    e3 = await seededEntryId('nr', '0004')
    const p = await Product.create({
      ownerOrgId: ORG,
      createdBy: 'test',
      ...productInput(),
      pricePlans: [],
    })
    productId = String(p._id)
  }, 180_000)

  it('art38 walks a multi-step graph back to the catalog entries and their source departments, reading shared inputs once', async () => {
    const [r, a, b, c] = [0, 1, 2, 3].map(() => new mongoose.Types.ObjectId())
    await ProductVersion.insertMany([
      versionDoc(r!, 1, [
        { kind: 'product-version', ref: String(a) },
        { kind: 'product-version', ref: String(b) },
      ]),
      versionDoc(a!, 2, [
        { kind: 'product-version', ref: String(c) },
        { kind: 'catalog-entry', ref: e1 },
      ]),
      versionDoc(b!, 3, [
        { kind: 'product-version', ref: String(c) },
        { kind: 'catalog-entry', ref: e2 },
      ]),
      versionDoc(c!, 4, [
        { kind: 'catalog-entry', ref: e1 },
        { kind: 'catalog-entry', ref: e3 },
      ]),
    ])
    const graph = await walkProvenance([String(r)])
    expect(graph.versions.map((v) => v.number).sort()).toEqual([1, 2, 3, 4])
    expect(graph.versions.find((v) => v.id === String(c))!.depth).toBe(2)
    expect(graph.catalogEntries.map((e) => e.id).sort()).toEqual([e1, e2, e3].sort())
    const used = graph.edges
      .filter((e) => e.relation === 'used')
      .map((e) => `${e.from.slice(-4)}>${e.to.slice(-4)}`)
    expect(used).toHaveLength(8)
    // The source department of each entry is its owning agency, named.
    const amrEntry = await CatalogEntry.findById(e1, { orgId: 1 }).lean()
    const nrEntry = await CatalogEntry.findById(e3, { orgId: 1 }).lean()
    const sources = graph.edges.filter((e) => e.relation === 'source').map((e) => e.to)
    expect(sources.sort()).toEqual(
      [`org:${amrEntry!.orgId}`, `org:${amrEntry!.orgId}`, `org:${nrEntry!.orgId}`].sort(),
    )
    const amr = graph.agents.find((g) => g.orgId === amrEntry!.orgId)
    expect(amr!.name.zh).toBe('广东省市场监督管理局')
    expect(graph.catalogEntries.find((e) => e.id === e1)!.title.zh).toBe('企业登记基本信息')
    expect(graph.versions.find((v) => v.id === String(r))!.productTitle.zh).toBe('测试数据产品')
    // 3 levels of versions + products + catalog entries + organisations.
    expect(graph.stats.queries).toBe(6)
    expect(graph.stats.truncated).toBe(false)
  })

  it('art38 the provenance is PROV-JSON: entities, activities, agents and their relations', async () => {
    const [r, a] = [0, 1].map(() => new mongoose.Types.ObjectId())
    await ProductVersion.insertMany([
      versionDoc(r!, 11, [{ kind: 'product-version', ref: String(a) }]),
      versionDoc(a!, 12, [{ kind: 'catalog-entry', ref: e1 }]),
    ])
    const doc = toProvJson(await walkProvenance([String(r)]), 'https://x.example') as Record<
      string,
      Record<string, Record<string, unknown>>
    >
    expect(doc.prefix).toMatchObject({ prov: 'http://www.w3.org/ns/prov#' })
    expect(Object.keys(doc.entity!).sort()).toEqual(
      [
        `gdpde:catalog-entry/${e1}`,
        `gdpde:product-version/${a}`,
        `gdpde:product-version/${r}`,
      ].sort(),
    )
    expect(Object.keys(doc.activity!)).toHaveLength(2)
    expect(Object.values(doc.used!).map((u) => u['prov:entity'])).toEqual(
      expect.arrayContaining([`gdpde:product-version/${a}`, `gdpde:catalog-entry/${e1}`]),
    )
    expect(Object.values(doc.wasDerivedFrom!)).toContainEqual({
      'prov:generatedEntity': `gdpde:product-version/${r}`,
      'prov:usedEntity': `gdpde:product-version/${a}`,
      'prov:activity': `gdpde:activity/${r}`,
    })
    const entry = doc.entity![`gdpde:catalog-entry/${e1}`]!
    expect(entry['gdpde:code']).toMatch(/^GD-440000-/)
    expect(
      Object.values(doc.wasAttributedTo!).some(
        (a) => a['prov:entity'] === `gdpde:catalog-entry/${e1}`,
      ),
    ).toBe(true)
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc)
  })

  it('art38 walks a graph of depth 10 and width 100 quickly: one query for the whole lineage, or one per level without it', async () => {
    const WIDTH = 100
    const DEPTH = 10
    const levels = Array.from({ length: DEPTH }, () =>
      Array.from({ length: WIDTH }, () => new mongoose.Types.ObjectId()),
    )
    // Lineages bottom-up, as drafting computes them: inputs plus their lineages.
    const lineage = new Map<string, string[]>()
    const usedOf = new Map<string, Used[]>()
    for (let k = DEPTH - 1; k >= 0; k--) {
      levels[k]!.forEach((id, i) => {
        const next = levels[k + 1]
        const used: Used[] = next
          ? [
              { kind: 'product-version', ref: String(next[i]) },
              { kind: 'product-version', ref: String(next[(i + 1) % WIDTH]) },
            ]
          : [{ kind: 'catalog-entry', ref: [e1, e2, e3][i % 3]! }]
        usedOf.set(String(id), used)
        const ids = new Set<string>()
        for (const u of used)
          if (u.kind === 'product-version')
            [u.ref, ...lineage.get(u.ref)!].forEach((x) => ids.add(x))
        lineage.set(String(id), [...ids])
      })
    }
    const root = new mongoose.Types.ObjectId()
    const legacyRoot = new mongoose.Types.ObjectId()
    const rootUsed = levels[0]!.map((id) => ({ kind: 'product-version' as const, ref: String(id) }))
    const allIds = levels.flat().map(String)
    const docs = [versionDoc(root, 100, rootUsed, allIds), versionDoc(legacyRoot, 101, rootUsed)]
    levels.forEach((level, k) =>
      level.forEach((id, i) =>
        docs.push(
          versionDoc(id, 1000 + k * WIDTH + i, usedOf.get(String(id))!, lineage.get(String(id))),
        ),
      ),
    )
    await ProductVersion.insertMany(docs)

    const byLineage = await walkProvenance([String(root)])
    const byLevel = await walkProvenance([String(legacyRoot)])
    for (const graph of [byLineage, byLevel]) {
      expect(graph.versions).toHaveLength(1 + DEPTH * WIDTH)
      expect(graph.stats.depth).toBe(DEPTH)
      expect(graph.catalogEntries).toHaveLength(3)
      expect(graph.edges.filter((e) => e.relation === 'used')).toHaveLength(
        WIDTH + (DEPTH - 1) * WIDTH * 2 + WIDTH,
      )
    }
    // Root lookup + the whole lineage in one `$in` + products + catalog entries + organisations.
    expect(byLineage.stats.queries).toBe(5)
    // Root lookup + one `$in` per level + products + catalog entries + organisations.
    expect(byLevel.stats.queries).toBe(1 + DEPTH + 3)
    console.info(
      `provenance walk depth ${DEPTH} × width ${WIDTH}: ${byLineage.versions.length} versions, ${byLineage.edges.length} edges — ` +
        `with lineage ${byLineage.stats.queries} queries ${byLineage.stats.ms} ms; level by level ${byLevel.stats.queries} queries ${byLevel.stats.ms} ms (FerretDB dev database, shared 2-core machine)`,
    )
    expect(byLineage.stats.ms).toBeLessThan(5000)

    const limited = await walkProvenance([String(root)], { maxDepth: 3 })
    expect(limited.stats.truncated).toBe(true)
    expect(limited.versions).toHaveLength(1 + 3 * WIDTH)
  }, 90_000) // inserting 1,002 versions on the dev database takes most of it on a loaded 2-core machine
})
