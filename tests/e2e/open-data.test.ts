// The public open-data portal in Chromium against the production build (C6, Art. 32–34): a
// visitor without an account searches (Simplified and Traditional Chinese), narrows by a facet,
// opens an entry with its preview and download, sees a conditionally open entry's conditions,
// reads the yearly open catalog and comments without JavaScript; the authority reads the comment.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { en } from '~/i18n/en'
import { zh } from '~/i18n/zh'
import { DEMO_PASSWORD } from '~/services/demo/seed.server'
import { get as httpGet } from 'node:http'
import { gunzipSync } from 'node:zlib'
import {
  hydrated,
  launchBrowser,
  openPage,
  screenshotPath,
  signIn,
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

async function visitor(locale = 'zh-CN', javaScriptEnabled = true) {
  const o = await openPage(browser, app.baseUrl, {
    locale,
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled,
  })
  opened.push(o)
  return o
}

function clean(o: OpenedPage) {
  expect(o.console.hydrationErrors(), 'hydration errors').toEqual([])
  expect(o.console.unexpected([/status of 40[0-9]\b/]), 'console errors').toEqual([])
}

describe('e2e: open-data portal', () => {
  it('art33 a visitor searches in Simplified and Traditional Chinese, filters by a facet, previews and downloads', async () => {
    const o = await visitor()
    const { page } = o
    await page.goto('/open')
    await hydrated(page)
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe(zh.openData.title)
    await page.screenshot({ path: screenshotPath('open-01-portal'), fullPage: true })

    await page.getByLabel(zh.openData.searchLabel).fill('企业登记')
    await Promise.all([
      page.waitForURL(/q=/),
      page.getByRole('button', { name: zh.openData.search, exact: true }).click(),
    ])
    // The URL can change a moment before the new results render: wait for them.
    await expect
      .poll(async () =>
        (await page.locator('.results h3').allTextContents()).every((t) => /企业|登记/.test(t)),
      )
      .toBe(true)
    const simplified = await page.locator('.results h3').allTextContents()
    expect(simplified.length).toBeGreaterThan(0)
    await page.screenshot({ path: screenshotPath('open-02-search'), fullPage: true })

    await page.goto(`/open?q=${encodeURIComponent('企業登記')}`)
    await hydrated(page)
    expect(await page.locator('.results h3').allTextContents()).toEqual(simplified)

    await page.goto('/open')
    await hydrated(page)
    const facet = page
      .locator('fieldset', { hasText: zh.openData.facets.openAttribute })
      .getByLabel(zh.catalog.openAttribute.open_unconditional)
    await facet.check()
    await Promise.all([
      page.waitForURL(/openAttribute=open_unconditional/),
      page.getByRole('button', { name: zh.openData.applyFilters }).click(),
    ])
    const badges = await page.locator('.results .badges .badge').first().textContent()
    expect(badges).toBe(zh.catalog.openAttribute.open_unconditional)

    await page.locator('.results h3 a').first().click()
    await page.waitForURL(/\/open\/entries\/[0-9a-f]{24}$/)
    await hydrated(page)
    await expect.poll(() => page.locator('.preview table tbody tr').count()).toBe(10)
    await page.screenshot({ path: screenshotPath('open-03-entry'), fullPage: true })
    const href = await page
      .getByRole('link', { name: zh.openData.entry.download })
      .first()
      .getAttribute('href')
    const file = await page.request.get(href!)
    expect(file.status()).toBe(200)
    expect(file.headers()['content-disposition']).toMatch(/attachment/)
    clean(o)
  })

  it('art32 a conditionally open entry shows its conditions and how to apply', async () => {
    const o = await visitor('en-US')
    const { page } = o
    await page.goto('/open?openAttribute=open_conditional')
    await hydrated(page)
    await page.locator('.results h3 a').first().click()
    await page.waitForURL(/\/open\/entries\//)
    await hydrated(page)
    await expect
      .poll(() => page.getByRole('heading', { name: en.openData.conditional.title }).count())
      .toBe(1)
    await expect
      .poll(() => page.getByRole('link', { name: en.openData.conditional.signIn }).count())
      .toBe(1)
    await page.screenshot({ path: screenshotPath('open-04-conditional-en'), fullPage: true })
    clean(o)
  })

  it('art34 the yearly open catalog is public; a comment is sent without JavaScript and the authority reads it', async () => {
    const o = await visitor('zh-CN', false)
    const { page } = o
    await page.goto('/open/catalog')
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toContain(
      String(new Date().getFullYear()),
    )
    await page.screenshot({ path: screenshotPath('open-05-yearly'), fullPage: true })
    await page.goto('/open/comments')
    await page
      .getByLabel(zh.openData.comments.body)
      .fill('建议开放公交实时到站数据（端到端测试）。')
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: zh.openData.comments.submit }).click(),
    ])
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe(zh.openData.comments.thanks)
    await page.screenshot({ path: screenshotPath('open-06-comment-sent'), fullPage: true })

    const a = await visitor()
    await a.page.goto('/login')
    await hydrated(a.page)
    await a.page.getByLabel(zh.login.email, { exact: true }).fill('authority@demo.gd.example')
    await a.page.getByLabel(zh.login.password, { exact: true }).fill(DEMO_PASSWORD)
    await Promise.all([
      a.page.waitForURL((url) => url.pathname === '/authority'),
      a.page.locator('main').getByRole('button', { name: zh.login.submit, exact: true }).click(),
    ])
    await a.page.goto('/authority/open-data')
    await hydrated(a.page)
    await expect
      .poll(() => a.page.getByText('建议开放公交实时到站数据（端到端测试）。').count())
      .toBe(1)
    await a.page.screenshot({ path: screenshotPath('open-07-authority'), fullPage: true })
    clean(a)
  })
})

// The search API is answered in front of Express and Remix (server/public-api.ts, ADR 024): the
// same answers, permissions and messages as the route, through the production server.
describe('e2e: catalog search API over HTTP', () => {
  const search = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}/api/v1/catalog/search${query}`, { headers, redirect: 'manual' })

  it('art32 anonymous callers get open entries only; a staff session widens to the listed catalog', async () => {
    const anonymous = await search('?limit=100')
    expect(anonymous.status).toBe(200)
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/json/)
    const open = (await anonymous.json()) as { total: number; items: { openAttribute: string }[] }
    expect(open.items.length).toBeGreaterThan(5)
    expect(open.items.every((i) => i.openAttribute !== 'not_open')).toBe(true)

    const staff = await signIn(browser, app.baseUrl, 'authority@demo.gd.example')
    opened.push(staff)
    const cookie = (await staff.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
    const listed = (await (await search('?limit=100', { Cookie: cookie })).json()) as {
      total: number
      facets: { openAttribute: { value: string }[] }
    }
    expect(listed.total).toBeGreaterThan(open.total)
    expect(listed.facets.openAttribute.map((f) => f.value)).toContain('not_open')
  })

  it('refuses a bad API key with 401 and bad facets with 400, in the caller’s language', async () => {
    const badKey = await search('', { Authorization: 'Bearer not-a-key', 'Accept-Language': 'en' })
    expect(badKey.status).toBe(401)
    expect(JSON.stringify(await badKey.json())).toMatch(/[A-Za-z]/)
    const en400 = await search('?sharingType=sometimes', { 'Accept-Language': 'en' })
    expect(en400.status).toBe(400)
    expect(JSON.stringify(await en400.json())).toMatch(/sharingType.*sometimes/)
    const zh400 = await search('?limit=100000', { 'Accept-Language': 'zh-CN' })
    expect(zh400.status).toBe(400)
    expect(JSON.stringify(await zh400.json())).toMatch(/[\u4e00-\u9fff]/)
  })

  it('compresses for clients that accept gzip, and leaves other methods to the route', async () => {
    const plain = await (await search('?limit=50')).text()
    const raw = await new Promise<{ encoding?: string; vary?: string; body: Buffer }>(
      (resolve, reject) => {
        const url = new URL(`${app.baseUrl}/api/v1/catalog/search?limit=50`)
        httpGet(url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              encoding: res.headers['content-encoding'],
              vary: res.headers.vary,
              body: Buffer.concat(chunks),
            }),
          )
        }).on('error', reject)
      },
    )
    expect(raw.encoding).toBe('gzip')
    expect(raw.vary).toMatch(/Accept-Encoding/)
    expect(gunzipSync(raw.body).toString('utf8')).toBe(plain)
    const post = await fetch(`${app.baseUrl}/api/v1/catalog/search`, {
      method: 'POST',
      headers: { 'Accept-Language': 'en' },
    })
    expect(post.status).toBe(405)
  })
})
