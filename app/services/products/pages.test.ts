// The page data of the marketplace, the console and the review queue on the seeded demo world:
// what each viewer sees (and does not), facets, the provenance picture and PROV-JSON.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
process.env.STORAGE_DIR = mkdtempSync(path.join(os.tmpdir(), 'gdpde-pages-'))

import { beforeAll, describe, expect, it } from 'vitest'
import { Product } from '#models/product'
import { createI18n } from '~/i18n/config'
import { demoUser } from '../../../tests/fixtures/products'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import { inputCandidates, versionConsoleData, consoleProductData } from './console.server'
import { listingQueue } from './listing.server'
import { stopMarketIndex } from './market-index.server'
import { listRuns } from './model-runs.server'
import {
  marketPageData,
  productPageData,
  provenanceDocument,
  versionPageData,
} from './pages.server'

const t = Object.assign(createI18n('zh').t, { locale: 'zh' as const })
const req = (q: string) => new Request(`http://localhost/market${q}`)

describe('marketplace and console pages', () => {
  useTestDb()

  beforeAll(async () => {
    stopMarketIndex()
    await seedDemoWorldFromTemplate()
  }, 240_000)

  it('searches listed products with facets; private results and unreviewed products are not listed', async () => {
    const all = await marketPageData(undefined, req(''), t)
    const titles = all.result.items.map((i) => i.title.zh)
    expect(titles).toEqual(
      expect.arrayContaining([
        '广东省企业登记统计数据集',
        '土地利用结构分析模型',
        '珠三角商业选址评估数据',
      ]),
    )
    expect(titles).not.toContain('重点行业企业信用风险画像')
    expect(titles.some((x) => x.startsWith('模型运行结果'))).toBe(false)
    expect(all.result.facets.kind!.map((f) => f.value).sort()).toEqual(['dataset', 'model'])
    expect(all.result.facets.provider!.every((f) => f.label?.zh)).toBe(true)
    const models = await marketPageData(undefined, req('?kind=model'), t)
    expect(models.result.items.map((i) => i.title.zh)).toEqual(['土地利用结构分析模型'])
    const cheap = await marketPageData(undefined, req('?price=lt1k&sort=price_asc'), t)
    expect(cheap.result.items.every((i) => i.minPriceFen !== null && i.minPriceFen < 100_000)).toBe(
      true,
    )
    const text = await marketPageData(undefined, req('?q=' + encodeURIComponent('企业活力')), t)
    expect(text.result.items[0]!.title.zh).toBe('广东地市企业活力指数（季度）')
    await expect(marketPageData(undefined, req('?grade=core'), t)).rejects.toMatchObject({
      status: 400,
    })
    await expect(marketPageData(undefined, req('?ownerOrgId=x'), t)).rejects.toMatchObject({
      status: 400,
    })
  })

  it('a product page shows versions, price plans and licence terms; an unlisted product is a 404 to others', async () => {
    const stats = (await Product.findOne({ seedKey: 'authority-enterprise-stats' }).lean())!
    const page = await productPageData(undefined, String(stats._id), t)
    expect(page.product.pricePlans.map((p) => p.amountFen)).toEqual([200_000, 30_000])
    expect(page.versions.map((v) => v.state)).toEqual(['published'])
    const pending = (await Product.findOne({ seedKey: 'provider2-credit-risk' }).lean())!
    await expect(productPageData(undefined, String(pending._id), t)).rejects.toMatchObject({
      status: 404,
    })
    await expect(
      productPageData(await demoUser('provider@demo.gd.example'), String(pending._id), t),
    ).rejects.toMatchObject({ status: 404 })
    const own = await productPageData(
      await demoUser('provider2@demo.gd.example'),
      String(pending._id),
      t,
    )
    expect(own.versions.map((v) => v.state)).toEqual(['submitted'])
    const byAuthority = await productPageData(
      await demoUser('authority@demo.gd.example'),
      String(pending._id),
      t,
    )
    expect(byAuthority.versions).toHaveLength(1)
    const model = (await Product.findOne({ seedKey: 'authority-land-use-model' }).lean())!
    const forBuyer = await productPageData(
      await demoUser('buyer@demo.gd.example'),
      String(model._id),
      t,
    )
    expect(forBuyer.canRun).toBe(true)
    expect(forBuyer.runnable.map((r) => r.title.zh)).toEqual(['广东省区县土地利用地类面积汇总'])
  })

  it('art38 the provenance page draws departments, entries and versions in columns; the public sees not-open entries only by department', async () => {
    const site = (await Product.findOne({ seedKey: 'provider2-site-selection' }).lean())!
    const page = await versionPageData(
      await demoUser('buyer@demo.gd.example'),
      String(site._id),
      1,
      t,
    )
    const kinds = page.picture.nodes.map((n) => n.kind)
    expect(kinds.filter((k) => k === 'root')).toHaveLength(1)
    expect(kinds).toEqual(expect.arrayContaining(['department', 'catalog', 'version']))
    const column = (kind: string) =>
      Math.max(...page.picture.nodes.filter((n) => n.kind === kind).map((n) => n.column))
    expect(column('department')).toBe(0)
    expect(column('catalog')).toBe(1)
    expect(page.picture.nodes.find((n) => n.kind === 'root')!.column).toBe(page.picture.columns - 1)
    expect(page.picture.edges.length).toBeGreaterThanOrEqual(page.picture.nodes.length - 1)
    expect(page.rows[0]!.used.length).toBe(3)
    // nr-0002 land use survey is conditionally open, so the public sees it; an entry that is not open is hidden.
    const publicView = await versionPageData(undefined, String(site._id), 1, t)
    expect(publicView.audience).toBe('public')
    expect(publicView.rows.flatMap((r) => r.used).every((u) => u.basisRef === null)).toBe(true)
    const doc = (await provenanceDocument(undefined, String(site._id), 1, 'https://x.example')) as {
      entity: Record<string, unknown>
    }
    expect(Object.keys(doc.entity).filter((k) => k.startsWith('gdpde:catalog-entry/')).length).toBe(
      page.counts.entries,
    )
  })

  it('the console lists inputs with the right held now; version, queue and runs pages load', async () => {
    const provider = await demoUser('provider@demo.gd.example')
    const candidates = await inputCandidates(provider)
    const byTitle = (title: string) => candidates.find((c) => c.title.zh === title)
    expect(byTitle('企业登记基本信息')).toMatchObject({ ok: true, right: 'open' })
    expect(byTitle('土地利用现状调查数据')).toMatchObject({ ok: false, right: 'no_right' })
    expect(byTitle('广东省企业登记统计数据集')).toMatchObject({
      ok: true,
      right: 'licence',
      kind: 'product-version',
    })
    const vitality = (await Product.findOne({ seedKey: 'provider1-vitality-index' }).lean())!
    const consolePage = await consoleProductData(provider, String(vitality._id))
    expect(consolePage.versions.map((v) => v.number)).toEqual([2, 1])
    const versionPage = await versionConsoleData(provider, String(vitality._id), 2)
    expect(Object.values(versionPage.inputTitles).map((x) => x.zh)).toEqual(
      expect.arrayContaining(['广东省企业登记统计数据集 v1']),
    )
    const queue = await listingQueue(await demoUser('authority@demo.gd.example'), {
      filter: 'review',
      limit: 20,
    })
    expect(queue.items.map((i) => i.product?.title.zh)).toContain('重点行业企业信用风险画像')
    const runs = await listRuns(await demoUser('buyer@demo.gd.example'), { limit: 20 })
    expect(runs.items[0]).toMatchObject({ status: 'succeeded' })
    expect(runs.items[0]!.result).not.toBeNull()
  })
})
