// C12 in Chromium against the production build, with JavaScript switched off: the authority
// opens a supervision report whose charts were drawn on the server, notifies the yearly ranking,
// and downloads the PDF.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zh } from '~/i18n/zh'
import { DEMO_PASSWORD } from '~/services/demo/seed.server'
import {
  launchBrowser,
  openPage,
  ROOT,
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

/** `npm run supervision:report` against the app's database; returns the report id. */
function generate(period: string): string {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_DB: app.dbName,
    NODE_ENV: 'production',
    PASSWORD_SCRYPT_LOG2N: '17',
  }
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key]
  const out = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['tools/supervision-report.ts', period],
    { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 },
  )
  expect(out.status, out.stderr).toBe(0)
  return /^(?:generated|unchanged) (\S+)$/m.exec(out.stdout)![1]!
}

describe('e2e: supervision reports', () => {
  it('the authority reads a report with server-drawn charts, notifies the ranking and downloads the PDF', async () => {
    const now = new Date(Date.now() + 8 * 3600 * 1000).toISOString()
    const monthly = generate(now.slice(0, 7))
    const yearly = generate(now.slice(0, 4))
    const o = await openPage(browser, app.baseUrl, {
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      javaScriptEnabled: false,
      acceptDownloads: true,
    })
    opened.push(o)
    const { page } = o
    const m = zh
    await page.goto('/login')
    await page.getByLabel(m.login.email, { exact: true }).fill('authority@demo.gd.example')
    await page.getByLabel(m.login.password, { exact: true }).fill(DEMO_PASSWORD)
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/authority'),
      page.locator('main').getByRole('button', { name: m.login.submit, exact: true }).click(),
    ])
    await page.getByRole('link', { name: `${m.supervision.nav} →` }).click()
    await page.waitForURL((url) => url.pathname === '/supervision/reports')
    await page.locator(`a[href="/supervision/reports/${monthly}"]`).first().click()
    await page
      .getByRole('heading', {
        name: m.supervision.reportTitle
          .replace('{{kind}}', m.supervision.kind.monthly)
          .replace('{{period}}', now.slice(0, 7)),
      })
      .waitFor()
    // The catalog chart arrived as SVG in the HTML: no script ran.
    const bars = page.locator('figure.chart svg rect.visx-bar')
    expect(await bars.count()).toBeGreaterThan(0)
    await page.screenshot({ path: screenshotPath('supervision-report-monthly'), fullPage: true })

    await page.goto(`/supervision/reports/${yearly}`)
    await page.getByRole('heading', { name: m.supervision.ranking }).waitFor()
    await page.getByRole('button', { name: m.supervision.notify }).click()
    await page.getByRole('status').filter({ hasText: '已通报' }).waitFor()
    await page.screenshot({ path: screenshotPath('supervision-report-yearly'), fullPage: true })

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: m.supervision.downloadPdf }).click(),
    ])
    expect(
      readFileSync(await download.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')

    // A regeneration request queues a job whose progress the list shows.
    await page.goto('/supervision/reports')
    await page.getByLabel(m.supervision.period).fill(now.slice(0, 7))
    await Promise.all([
      page.waitForURL((url) => url.searchParams.has('queued')),
      page.getByRole('button', { name: m.supervision.generateSubmit }).click(),
    ])
    await page.locator('progress').first().waitFor()
    await page.screenshot({ path: screenshotPath('supervision-report-list'), fullPage: true })
  }, 120_000)

  it('the regulator follows a product from its log entry to its trades', async () => {
    const o = await openPage(browser, app.baseUrl, {
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      javaScriptEnabled: false,
    })
    opened.push(o)
    const { page } = o
    const m = zh
    await page.goto('/login')
    await page.getByLabel(m.login.email, { exact: true }).fill('regulator@demo.gd.example')
    await page.getByLabel(m.login.password, { exact: true }).fill(DEMO_PASSWORD)
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/regulator'),
      page.locator('main').getByRole('button', { name: m.login.submit, exact: true }).click(),
    ])
    await page.goto('/regulator/log?action=licence.issued')
    await page.locator('tbody tr td a').first().click()
    await page.waitForURL((url) => /^\/regulator\/log\/\d+$/.test(url.pathname))
    await page.getByRole('link', { name: m.supervision.product.follow }).first().click()
    await page.waitForURL((url) => /^\/regulator\/products\/[0-9a-f]{24}$/.test(url.pathname))
    const actions = await page.locator('tbody tr td:nth-child(3)').allTextContents()
    expect(actions).toContain('licence.issued')
    await page.screenshot({ path: screenshotPath('regulator-product-trades'), fullPage: true })
  }, 60_000)
})
