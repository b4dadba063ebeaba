// Research public-interest access (Art. 26) and usage reports (Art. 46) in Chromium against the
// production build, JavaScript switched off: the university asks for the vitality index, the
// provider narrows the fields and approves, the university reports its use for the current period.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zh } from '~/i18n/zh'
import {
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
const r = zh.research

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

const signInAs = async (email: string, home: string): Promise<Page> =>
  track(await signIn(browser, app.baseUrl, email, { home, javaScriptEnabled: false })).page

describe('e2e: research access and usage reports', () => {
  it('a university requests, the provider approves minimal fields, the university reports its use', async () => {
    const researcher = await signInAs('researcher@demo.gd.example', '/research')
    await researcher.screenshot({ path: screenshotPath('research-home'), fullPage: true })
    await researcher.goto('/market?q=企业活力指数')
    await researcher.getByRole('link', { name: '广东地市企业活力指数（季度）' }).first().click()
    await researcher.getByRole('link', { name: r.requestAccess }).click()
    await researcher.waitForURL((url) => url.pathname === '/research/requests/new')
    await researcher
      .getByLabel(r.purpose)
      .fill('研究地市企业活力与营商环境政策的关系（课堂教学与论文）。')
    await researcher.getByLabel(r.projectName).fill('营商环境政策评估')
    await researcher.getByLabel(r.projectNumber).fill('YH-2026-007')
    await researcher.getByLabel(r.people).fill('何教授，项目负责人\n李同学，硕士研究生')
    for (const f of ['city_code', 'quarter', 'vitality_index', 'penalties'])
      await researcher.locator(`input[name="fields"][value="${f}"]`).check()
    await researcher.getByLabel(r.ethicsRef).fill('YH-IRB-2026-099')
    await researcher.screenshot({ path: screenshotPath('research-request-form'), fullPage: true })
    await Promise.all([
      researcher.waitForURL((url) => /^\/research\/requests\/[0-9a-f]{24}$/.test(url.pathname)),
      researcher.getByRole('button', { name: r.new.submit }).click(),
    ])
    const requestPath = new URL(researcher.url()).pathname
    await researcher.getByRole('status').filter({ hasText: r.detail.submitted }).waitFor()
    await researcher.screenshot({
      path: screenshotPath('research-request-submitted'),
      fullPage: true,
    })

    const provider = await signInAs('provider@demo.gd.example', '/provider')
    await provider.getByRole('link', { name: r.home.inboxPending }).click()
    await provider.waitForURL((url) => url.pathname === '/research/inbox')
    // The seeded request and the new one.
    expect(await provider.locator('a[href^="/research/requests/"]').count()).toBeGreaterThanOrEqual(
      2,
    )
    await provider.screenshot({ path: screenshotPath('research-inbox'), fullPage: true })
    await provider.goto(requestPath)
    // Minimal authorization: the provider drops `penalties` from what was asked.
    await provider.locator('input[name="fields"][value="penalties"]').uncheck()
    await Promise.all([
      provider.waitForURL((url) => url.searchParams.has('decided')),
      provider.getByRole('button', { name: r.decide.approveButton }).click(),
    ])
    await provider.getByText(r.detail.licenceTerms).waitFor()
    expect(await provider.locator('code', { hasText: 'penalties' }).count()).toBe(1) // only in the request's list, not in the grant
    await provider.screenshot({ path: screenshotPath('research-request-approved'), fullPage: true })
    await provider.goto('/provider')
    await provider.getByRole('heading', { name: r.usage.overdueTitle }).waitFor()
    await provider.screenshot({ path: screenshotPath('provider-home-research'), fullPage: true })

    await researcher.goto(requestPath)
    await researcher.getByRole('link', { name: r.detail.usageReports }).click()
    await researcher.waitForURL((url) => url.pathname.startsWith('/usage-reports/'))
    await researcher
      .getByLabel(r.usage.usage)
      .fill('本期用于课堂教学案例和一篇工作论文的初步分析。')
    await Promise.all([
      researcher.waitForURL((url) => url.searchParams.has('submitted')),
      researcher.getByRole('button', { name: r.usage.submit }).click(),
    ])
    await researcher.getByRole('status').filter({ hasText: r.usage.submitted }).waitFor()
    await researcher.screenshot({ path: screenshotPath('usage-report-submitted'), fullPage: true })

    const authority = await signInAs('authority@demo.gd.example', '/authority')
    await authority.getByRole('heading', { name: r.usage.overdueTitle }).waitFor()
    await authority.screenshot({ path: screenshotPath('authority-home-research'), fullPage: true })
  }, 180_000)
})
