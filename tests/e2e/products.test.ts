// C7 end to end in Chromium against the production build: a provider creates an
// important-grade product, drafts a version on inputs it holds a right to, uploads its file (with
// the progress bar), submits it; the authority sets screening and approves; a buyer finds the
// product in the marketplace and opens its provenance graph. Screenshots in tests/e2e/artifacts/.
import { writeFileSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { en } from '~/i18n/en'
import { zh } from '~/i18n/zh'
import {
  hydrated,
  launchBrowser,
  signIn,
  screenshotPath,
  startApp,
  type OpenedPage,
  type RunningApp,
} from './harness'

let app: RunningApp
let browser: Browser
const opened: OpenedPage[] = []

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  await Promise.all(opened.map((o) => o.context.close().catch(() => undefined)))
  await browser?.close()
  await app?.stop()
}, 30_000)

function track(o: OpenedPage): OpenedPage {
  opened.push(o)
  return o
}

const signInAs = async (email: string, locale: 'zh-CN' | 'en-US') =>
  track(await signIn(browser, app.baseUrl, email, { locale, javaScriptEnabled: true }))

const TITLE = '广州重点企业信用监测指数（端到端测试）'

describe('products end to end', () => {
  it('provider uploads a version, the authority approves it, a buyer opens its provenance graph', async () => {
    // --- provider: a new important-grade product -------------------------------------------
    const provider = await signInAs('provider@demo.gd.example', 'zh-CN')
    const p = provider.page
    await p.goto('/provider/products/new')
    await p.getByLabel(zh.market.form.titleZh).fill(TITLE)
    await p.getByLabel(zh.market.form.titleEn).fill('Guangzhou key enterprise credit index (e2e)')
    await p
      .getByLabel(zh.market.form.descriptionZh)
      .fill('基于企业登记统计数据集与行政处罚公示信息的信用监测指数。')
    await p.getByLabel(zh.market.form.grade).selectOption('important')
    await p.getByLabel(zh.market.form.gradeLevel).selectOption('')
    await p.getByLabel(zh.market.form.planTitleZh).first().fill('年度数据包')
    await p.getByLabel(zh.market.form.amountYuan).first().fill('6800.50')
    await p.getByLabel(zh.market.form.purposeZh).fill('信用风险评估')
    await p.getByLabel(zh.market.form.scenarioZh).fill('授信前尽职调查')
    await Promise.all([
      p.waitForURL(/\/provider\/products\/[0-9a-f]{24}\?created=1$/),
      p.getByRole('button', { name: zh.market.console.create }).click(),
    ])
    const productId = /products\/([0-9a-f]{24})/.exec(p.url())![1]!
    await p.goto('/provider/products')
    await p.screenshot({ path: screenshotPath('products-0-console'), fullPage: true })

    // --- a version on an input without a right is refused, naming it --------------------------
    await p.goto(`/provider/products/${productId}/versions/new`)
    const landUse = p
      .locator('label', { hasText: '土地利用现状调查数据' })
      .locator('input[type=checkbox]')
    await landUse.check()
    await p.getByRole('button', { name: zh.market.versionForm.create }).click()
    await expect
      .poll(() => p.locator('.form-error').textContent())
      .toContain('土地利用现状调查数据')
    await p.screenshot({ path: screenshotPath('products-1-refused-input'), fullPage: true })

    // --- a version on inputs it holds a right to: the authority's statistics (licence) + penalties (open)
    await p
      .locator('label', { hasText: '土地利用现状调查数据' })
      .locator('input[type=checkbox]')
      .uncheck()
    await p
      .locator('label', { hasText: '广东省企业登记统计数据集' })
      .locator('input[type=checkbox]')
      .check()
    await p
      .locator('label', { hasText: '市场监管行政处罚信息' })
      .locator('input[type=checkbox]')
      .check()
    await p.getByLabel(zh.market.versionForm.activityZh).fill('信用指数计算')
    // Art. 38: the provider declares how far a buyer's copy may differ in the index column.
    await p
      .locator('textarea[name=schemaLines]')
      .fill(
        [
          'city_code, 城市代码, City code, code',
          'quarter, 季度, Quarter, string',
          'credit_index, 信用指数, Credit index, decimal, ±0.5',
        ].join('\n'),
      )
    await Promise.all([
      p.waitForURL(/\/versions\/1$/),
      p.getByRole('button', { name: zh.market.versionForm.create }).click(),
    ])
    await hydrated(p)

    // --- upload by XHR with progress (a few MB so the bar shows) -------------------------------
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdpde-e2e-'))
    const file = path.join(dir, 'credit-index-2024.csv')
    const rows = ['city_code,quarter,credit_index']
    for (let i = 0; i < 120_000; i++)
      rows.push(
        `4401${String(i % 100).padStart(2, '0')},2024Q${(i % 4) + 1},${(60 + (i % 400) / 10).toFixed(1)}`,
      )
    writeFileSync(file, rows.join('\r\n') + '\r\n')
    await p.locator('input[type=file]').setInputFiles(file)
    await p.getByRole('button', { name: zh.market.upload.submit, exact: true }).click()
    await expect
      .poll(() => p.locator('[role=status]').allTextContents(), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining('credit-index-2024.csv')]))
    await expect
      .poll(() => p.locator('table').last().textContent())
      .toContain('credit-index-2024.csv')
    await p.screenshot({ path: screenshotPath('products-2-uploaded'), fullPage: true })
    await Promise.all([
      p.waitForURL(/submitted=1/),
      p.getByRole('button', { name: zh.market.console.submit }).click(),
    ])
    await expect.poll(() => p.locator('main h1').textContent()).toContain(zh.market.state.submitted)
    await p.screenshot({ path: screenshotPath('products-3-submitted'), fullPage: true })
    expect(provider.console.hydrationErrors()).toEqual([])

    // --- authority: screening by hand, then approve ---------------------------------------------
    const authority = await signInAs('authority@demo.gd.example', 'zh-CN')
    const a = authority.page
    await a.goto('/authority/listings')
    await a.screenshot({ path: screenshotPath('products-4-queue'), fullPage: true })
    await a.getByRole('link', { name: `${TITLE} v1` }).click()
    await a.waitForURL(/\/authority\/listings\/[0-9a-f]{24}$/)
    await a.getByLabel(zh.market.reviewQueue.screeningNote).fill('已复核：指数数据不含个人信息')
    await Promise.all([
      a.waitForURL(/done=screening/),
      a.getByRole('button', { name: zh.market.reviewQueue.screeningPassed, exact: true }).click(),
    ])
    await a.screenshot({ path: screenshotPath('products-4-review'), fullPage: true })
    await Promise.all([
      a.waitForURL(/done=review/),
      a.getByRole('button', { name: zh.market.reviewQueue.approve }).click(),
    ])
    await expect.poll(() => a.locator('main h1').textContent()).toContain(zh.market.state.published)

    // --- buyer: finds it and opens the provenance graph -----------------------------------------
    const buyer = await signInAs('buyer@demo.gd.example', 'en-US')
    const b = buyer.page
    await b.goto('/market?q=' + encodeURIComponent('信用监测'))
    await b.getByRole('link', { name: 'Guangzhou key enterprise credit index (e2e)' }).click()
    await b.waitForURL(new RegExp(`/market/${productId}$`))
    await expect.poll(() => b.locator('main').textContent()).toContain('6,800.50')
    await b.screenshot({ path: screenshotPath('products-5-product-page'), fullPage: true })
    await b
      .getByRole('link', { name: en.market.product.provenanceOf.replace('{{n}}', '1') })
      .click()
    await b.waitForURL(new RegExp(`/market/${productId}/v/1$`))
    const svg = b.locator('svg[role=group]')
    await expect.poll(() => svg.count()).toBe(1)
    const nodes = await b
      .locator('[data-node]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))
    expect(nodes.filter((n) => n?.startsWith('catalog-entry:')).length).toBeGreaterThanOrEqual(3)
    expect(nodes.filter((n) => n?.startsWith('org:')).length).toBeGreaterThanOrEqual(1)
    expect(await b.locator('main').textContent()).toContain(
      'Guangdong Administration for Market Regulation',
    )
    expect(await b.locator('main').textContent()).toContain(
      en.market.product.toleranceAbsolute.replace('{{delta}}', '0.5'),
    )
    await b.screenshot({ path: screenshotPath('products-6-provenance'), fullPage: true })
    expect(buyer.console.hydrationErrors()).toEqual([])

    // The marketplace with its facets, and a seeded product with several steps of provenance.
    await b.goto('/market')
    await b.screenshot({ path: screenshotPath('products-7-market'), fullPage: true })
    await b.goto('/market?q=' + encodeURIComponent('site-selection'))
    await b
      .getByRole('link', { name: 'Pearl River Delta commercial site-selection scores' })
      .click()
    await b
      .getByRole('link', { name: en.market.product.provenanceOf.replace('{{n}}', '1') })
      .click()
    await b.waitForURL(/\/v\/1$/)
    // The URL changes before the client-side navigation has rendered the graph: wait for it.
    await b.locator('[data-node^="product-version:"]').nth(3).waitFor()
    const multi = await b
      .locator('[data-node]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))
    expect(multi.filter((n) => n?.startsWith('product-version:')).length).toBeGreaterThanOrEqual(4)
    await b.screenshot({ path: screenshotPath('products-8-provenance-multistep'), fullPage: true })

    // The authority's model (Art. 36) and the buyer's seeded run of it: a private derived version.
    await b.goto('/market?kind=model')
    await b.getByRole('link', { name: 'Land-use structure model' }).click()
    await expect.poll(() => b.locator('main').textContent()).toContain(en.market.runs.runTitle)
    await b.screenshot({ path: screenshotPath('products-9-model'), fullPage: true })
    await b.goto('/market/runs')
    await b.screenshot({ path: screenshotPath('products-10-runs'), fullPage: true })
    await b.getByRole('link', { name: en.market.runs.openResult.replace('{{n}}', '1') }).click()
    await b.waitForURL(/\/v\/1$/)
    // The URL changes as the client-side navigation starts; the run's graph renders once its data is in.
    const runVersions = () => b.locator('[data-node^="product-version:"]').count()
    await expect.poll(runVersions).toBe(3)
    await b.screenshot({ path: screenshotPath('products-11-run-provenance'), fullPage: true })
    expect(buyer.console.hydrationErrors()).toEqual([])

    const json = await b.request.get(`/api/v1/products/${productId}/versions/1/provenance`)
    expect(json.status()).toBe(200)
    const doc = (await json.json()) as { entity: Record<string, unknown> }
    expect(Object.keys(doc.entity).some((k) => k.startsWith('gdpde:catalog-entry/'))).toBe(true)
  }, 240_000)
})
