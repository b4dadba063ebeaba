// Issue 8 regulator console in Chromium against the production build: the regulator filters the
// log, opens an entry with its proof, and downloads the CSV of the filtered view.
import { readFileSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zh } from '~/i18n/zh'
import { DEMO_PASSWORD } from '~/services/demo/seed.server'
import {
  hydrated,
  launchBrowser,
  openPage,
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

describe('e2e: regulator console', () => {
  it('the regulator filters the log, opens an entry with its proof and downloads the CSV', async () => {
    const o = await openPage(browser, app.baseUrl, {
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
    })
    opened.push(o)
    const { page } = o
    const m = zh
    await page.goto('/login')
    await hydrated(page)
    await page.getByLabel(m.login.email, { exact: true }).fill('regulator@demo.gd.example')
    await page.getByLabel(m.login.password, { exact: true }).fill(DEMO_PASSWORD)
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/regulator'),
      page.locator('main').getByRole('button', { name: m.login.submit, exact: true }).click(),
    ])

    await page.getByRole('link', { name: m.regulatorConsole.nav }).click()
    await page.waitForURL((url) => url.pathname === '/regulator/log')
    await page.getByRole('heading', { name: m.regulatorConsole.title }).waitFor()
    await page.getByLabel(m.regulatorConsole.action).selectOption('org.created')
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('action') === 'org.created'),
      page.getByRole('button', { name: m.regulatorConsole.apply }).click(),
    ])
    // The URL changes a moment before React renders the filtered rows: wait for the rows.
    const rows = page.locator('tbody tr')
    const shown = () => rows.locator('td:nth-child(3)').allTextContents()
    await expect.poll(async () => [...new Set(await shown())]).toEqual(['org.created'])
    const actions = await shown()
    await page.screenshot({ path: screenshotPath('regulator-console-log'), fullPage: true })

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: m.regulatorConsole.csv }).click(),
    ])
    const csv = readFileSync((await download.path())!)
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = csv
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toMatch(/^seq,at,action,/)
    expect(lines.length - 1).toBe(actions.length)

    const firstSeq = (await rows.first().locator('td').first().textContent())!.trim()
    await rows.first().getByRole('link', { name: firstSeq, exact: true }).click()
    await page.waitForURL((url) => url.pathname === `/regulator/log/${firstSeq}`)
    await page.screenshot({ path: screenshotPath('regulator-console-entry'), fullPage: true })
    await page.getByRole('heading', { name: m.regulatorConsole.proof }).waitFor({ timeout: 5_000 })
    await page
      .getByRole('heading', { name: m.regulatorConsole.checkpoint })
      .waitFor({ timeout: 5_000 })

    // The products a regulator follows: a searchable list, each leading to its trail of trades.
    await page.goto('/regulator/products')
    await hydrated(page)
    const productRows = page.locator('tbody tr')
    await productRows.first().waitFor()
    const firstTitle = (await productRows.first().locator('td a').textContent())!.trim()
    await page.getByLabel(m.supervision.product.search).fill(firstTitle)
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('q') === firstTitle),
      page.getByRole('button', { name: m.common.search }).click(),
    ])
    await expect.poll(() => productRows.locator('td a').allTextContents()).toContain(firstTitle)
    await page.screenshot({ path: screenshotPath('regulator-products'), fullPage: true })
    await Promise.all([
      page.waitForURL((url) => /^\/regulator\/products\/[0-9a-f]{24}$/.test(url.pathname)),
      productRows.first().locator('td a').click(),
    ])
    expect(o.console.hydrationErrors(), 'hydration errors').toEqual([])
    expect(o.console.unexpected([]), 'console errors').toEqual([])
  }, 120_000)
})
