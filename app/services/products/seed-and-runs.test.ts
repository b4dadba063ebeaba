// The demo marketplace seed (idempotent, multi-step provenance back to seeded catalog entries) and
// the model-run job (Art. 36): a buyer runs the authority's model on licensed data.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
process.env.STORAGE_DIR = mkdtempSync(path.join(os.tmpdir(), 'gdpde-seed-'))

import { UnrecoverableError } from 'bullmq'
import { beforeAll, describe, expect, it } from 'vitest'
import { runModel } from '#jobs/processors/run-model'
import { Licence } from '#models/licence'
import { LedgerEntry } from '#models/ledger-entry'
import { ModelRun } from '#models/model-run'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { seedDemoWorld } from '~/services/demo/seed.server'
import { walkProvenance } from '~/services/provenance/walk.server'
import { contentStore } from '~/services/storage/store.server'
import { isDomainError } from '~/utils/errors'
import { demoUser } from '../../../tests/fixtures/products'
import { useTestDb } from '../../../tests/setup/db'
import { requestModelRun } from './model-runs.server'

describe('demo marketplace and model runs', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorld()
  }, 240_000)

  it('seeds the authority’s products and model, two providers’ derived products, and a second run changes nothing', async () => {
    const products = await Product.countDocuments({})
    const versions = await ProductVersion.countDocuments({})
    const ledger = await LedgerEntry.countDocuments({})
    await seedDemoWorld()
    expect(await Product.countDocuments({})).toBe(products)
    expect(await ProductVersion.countDocuments({})).toBe(versions)
    expect(await LedgerEntry.countDocuments({})).toBe(ledger)

    const bySeed = async (key: string) => (await Product.findOne({ seedKey: key }).lean())!
    expect((await bySeed('authority-enterprise-stats')).listed).toBe(true)
    expect((await bySeed('authority-land-use-model')).kind).toBe('model')
    expect((await bySeed('provider1-vitality-index')).latestPublished!.number).toBe(2)
    const pending = await bySeed('provider2-credit-risk')
    expect(pending.listed).toBe(false)
    expect(await ProductVersion.findOne({ productId: String(pending._id) }).lean()).toMatchObject({
      state: 'submitted',
      review: { status: 'pending' },
    })
  })

  it('art38 a provider’s derived product traces back in several steps to seeded catalog entries and their departments', async () => {
    const site = (await Product.findOne({ seedKey: 'provider2-site-selection' }).lean())!
    const graph = await walkProvenance([site.latestPublished!.versionId])
    // site selection ← vitality index ← enterprise statistics ← catalog entries
    expect(graph.stats.depth).toBeGreaterThanOrEqual(2)
    expect(graph.versions.map((v) => v.productTitle.zh)).toEqual(
      expect.arrayContaining([
        '珠三角商业选址评估数据',
        '广东地市企业活力指数（季度）',
        '广东省企业登记统计数据集',
        '广东省区县土地利用地类面积汇总',
      ]),
    )
    expect(graph.catalogEntries.map((e) => e.title.zh)).toEqual(
      expect.arrayContaining([
        '企业登记基本信息',
        '企业年度报告信息',
        '土地利用现状调查数据',
        '建设用地供应信息',
      ]),
    )
    expect(graph.agents.map((a) => a.name.zh)).toEqual(
      expect.arrayContaining(['广东省市场监督管理局', '广东省自然资源厅']),
    )
    const bases = new Set(graph.edges.filter((e) => e.relation === 'used').map((e) => e.basis))
    expect([...bases].sort()).toEqual(['grant', 'licence', 'open'])
  })

  it('art36 the seeded buyer ran the land-use model on licensed data and got a private derived version with provenance', async () => {
    const buyer = await demoUser('buyer@demo.gd.example')
    const run = (await ModelRun.findOne({ requesterOrgId: buyer.org!.id }).lean())!
    expect(run.status).toBe('succeeded')
    const result = (await ProductVersion.findById(run.resultVersionId).lean())!
    expect(result).toMatchObject({
      state: 'private',
      ownerOrgId: buyer.org!.id,
      runId: String(run._id),
    })
    expect(result.provenance.activity.kind).toBe('model_run')
    expect(result.provenance.used.map((u) => u.role).sort()).toEqual(['input', 'model'])
    const bytes = await new Promise<string>((resolve, reject) => {
      let text = ''
      contentStore()
        .read(result.distributions[0]!.storageKey!)
        .setEncoding('utf8')
        .on('data', (d) => (text += d))
        .on('end', () => resolve(text))
        .on('error', reject)
    })
    expect(bytes.split('\r\n')[0]).toMatch(
      /^county_code,county,total_mu,dominant_class,dominant_class_name,share_01/,
    )
    expect(bytes.split('\r\n').filter(Boolean)).toHaveLength(19)
    const graph = await walkProvenance([String(result._id)])
    expect(graph.catalogEntries.map((e) => e.title.zh)).toContain('土地利用现状调查数据')
    expect((await Product.findById(result.productId).lean())!).toMatchObject({
      visibility: 'private',
      listed: false,
    })
  })

  it('art36 the run-model job is idempotent, and refuses a run without a right to the model or the data', async () => {
    const buyer = await demoUser('buyer@demo.gd.example')
    const researcher = await demoUser('researcher@demo.gd.example')
    const model = (await Product.findOne({ seedKey: 'authority-land-use-model' }).lean())!
    const data = (await Product.findOne({ seedKey: 'authority-land-use-parcels' }).lean())!
    const vitality = (await Product.findOne({ seedKey: 'provider1-vitality-index' }).lean())!

    const { runId } = await requestModelRun(
      buyer,
      String(model._id),
      { inputVersionId: data.latestPublished!.versionId, parameters: '{"unit":"ha"}' },
      { enqueue: false },
    )
    const first = await runModel({ runId }, { jobId: 'test-1' })
    await ModelRun.updateOne({ _id: runId }, { $set: { status: 'running' } }) // as if the worker died after the work
    const second = await runModel({ runId }, { jobId: 'test-2' })
    expect(first.status).toBe('succeeded')
    expect(second.resultVersionId).toBe(first.resultVersionId)
    expect(await ProductVersion.countDocuments({ runId })).toBe(1)
    expect(
      await LedgerEntry.countDocuments({
        action: 'product.version.drafted',
        subjects: `product-version:${first.resultVersionId}`,
      }),
    ).toBe(1)

    const refusal = async (run: () => Promise<unknown>) => {
      try {
        await run()
      } catch (error) {
        if (isDomainError(error)) return error
        throw error
      }
      throw new Error('expected a refusal')
    }
    const noModelLicence = await refusal(() =>
      requestModelRun(
        researcher,
        String(model._id),
        { inputVersionId: data.latestPublished!.versionId, parameters: '{}' },
        { enqueue: false },
      ),
    )
    expect(noModelLicence.messageKey).toBe('error.market.right.no_right')
    const noDerivation = await refusal(() =>
      requestModelRun(
        buyer,
        String(model._id),
        { inputVersionId: vitality.latestPublished!.versionId, parameters: '{}' },
        { enqueue: false },
      ),
    )
    expect(noDerivation.messageKey).toBe('error.market.right.derivation_forbidden')

    // The licence to the data ends between the request and the job: the run fails, naming it.
    const { runId: late } = await requestModelRun(
      buyer,
      String(model._id),
      { inputVersionId: data.latestPublished!.versionId, parameters: '{}' },
      { enqueue: false },
    )
    await Licence.updateMany(
      { licenseeOrgId: buyer.org!.id, productId: String(data._id) },
      { $set: { end: new Date(Date.now() - 1000) } },
    )
    expect(await runModel({ runId: late })).toMatchObject({ status: 'failed' })
    expect((await ModelRun.findById(late).lean())!.error).toBe('error.market.right.licence_expired')

    await expect(runModel({ runId: 'not-an-id' })).rejects.toBeInstanceOf(UnrecoverableError)
  })
})
