// The catalog review flow in Chromium against the production build (C2, Art. 10, 13): an
// agency drafts a conditional entry without conditions (refused, message shown), completes it and
// submits; the authority returns it; the agency sees the reason, fixes it; the authority approves.
// Then the overdue dashboard, the calendar page and an English page, and the form without JavaScript.
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

const loginAs = async (email: string, home: string, locale = 'zh-CN', javaScriptEnabled = true) =>
  track(await signIn(browser, app.baseUrl, email, { home, locale, javaScriptEnabled }))

function clean(o: OpenedPage) {
  expect(o.console.hydrationErrors(), 'hydration errors').toEqual([])
  expect(o.console.unexpected([/status of 4(09|22)\b/]), 'console errors').toEqual([])
}

const TITLE = '企业纳税信用等级评价结果'

describe('e2e: catalog review flow', () => {
  it('art13 agency is refused without conditions, fixes, submits; authority returns, then approves', async () => {
    const agency = await loginAs('amr@demo.gd.example', '/agency')
    const a = agency.page
    await a.screenshot({ path: screenshotPath('catalog-01-agency-home'), fullPage: true })

    await a.goto('/catalog/new')
    await hydrated(a)
    await a.getByLabel(zh.catalog.form.titleZh, { exact: true }).fill(TITLE)
    await a
      .getByLabel(zh.catalog.form.titleEn, { exact: true })
      .fill('Enterprise tax credit ratings')
    await a
      .getByLabel(zh.catalog.form.descriptionZh, { exact: true })
      .fill('按年度评定的企业纳税信用级别（A/B/M/C/D）。')
    await a.getByLabel(`${zh.catalog.form.fieldName} 1`, { exact: true }).fill('tyshxydm')
    await a
      .getByLabel(`${zh.catalog.form.fieldLabelZh} 1`, { exact: true })
      .fill('统一社会信用代码')
    await a.getByLabel(`${zh.catalog.form.fieldName} 2`, { exact: true }).fill('nsxydj')
    await a.getByLabel(`${zh.catalog.form.fieldLabelZh} 2`, { exact: true }).fill('纳税信用级别')
    await a
      .getByLabel(zh.catalog.form.legalBasis, { exact: true })
      .fill('《纳税信用管理办法（试行）》')
    await a.getByLabel(zh.catalog.form.sharingType, { exact: true }).selectOption('conditional')
    await a
      .getByLabel(zh.catalog.form.sharingBasis, { exact: true })
      .fill('《纳税信用管理办法（试行）》第三十条')
    await a.getByLabel(zh.catalog.form.gradeLevel, { exact: true }).selectOption('2')
    await Promise.all([
      a.waitForURL(/\/catalog\/[0-9a-f]{24}\/edit\?refused=1$/),
      a.getByRole('button', { name: zh.catalog.form.saveAndSubmit }).click(),
    ])
    await expect
      .poll(() => a.locator('.notice.warn').first().textContent())
      .toContain('有条件共享须写明共享条件（第十三条）。')
    await a.screenshot({
      path: screenshotPath('catalog-02-refused-without-conditions'),
      fullPage: true,
    })
    const entryId = new URL(a.url()).pathname.split('/')[2]!

    await hydrated(a)
    await a
      .getByLabel(zh.catalog.form.sharingConditions, { exact: true })
      .fill('仅向金融监管和招投标监管部门提供，用于信用核查。')
    await Promise.all([
      a.waitForURL(`**/catalog/${entryId}?submitted=1`),
      a.getByRole('button', { name: zh.catalog.form.saveAndSubmit }).click(),
    ])
    await expect
      .poll(() => a.locator('.notice').first().textContent())
      .toContain(zh.catalog.form.submitted)
    await a.screenshot({ path: screenshotPath('catalog-03-submitted'), fullPage: true })

    const authority = await loginAs('authority@demo.gd.example', '/authority')
    const r = authority.page
    await r.screenshot({ path: screenshotPath('catalog-04-authority-home'), fullPage: true })
    await r.goto('/catalog/review')
    await hydrated(r)
    await r.screenshot({ path: screenshotPath('catalog-05-review-queue'), fullPage: true })
    await r.getByRole('link', { name: TITLE }).click()
    await r.waitForURL(`**/catalog/${entryId}`)
    await hydrated(r)
    await r
      .getByLabel(zh.catalog.decide.reasons, { exact: true })
      .fill('请写明可共享的具体部门范围。')
    await r.getByRole('button', { name: zh.catalog.decide.return, exact: true }).click()
    await expect
      .poll(() => r.locator('.notice').first().textContent())
      .toContain(zh.catalog.decide.returned)
    await r.screenshot({ path: screenshotPath('catalog-06-returned-by-authority'), fullPage: true })

    await a.goto('/catalog/mine')
    await hydrated(a)
    await expect
      .poll(() => a.locator('main').textContent())
      .toContain('请写明可共享的具体部门范围。')
    await a.screenshot({ path: screenshotPath('catalog-07-agency-sees-reason'), fullPage: true })
    await a.goto(`/catalog/${entryId}/edit`)
    await hydrated(a)
    await a
      .getByLabel(zh.catalog.form.sharingScope, { exact: true })
      .selectOption('specified_agencies')
    await a
      .getByLabel(zh.catalog.form.sharingScopeNote, { exact: true })
      .fill('省地方金融管理局、省公共资源交易中心')
    await Promise.all([
      a.waitForURL(`**/catalog/${entryId}?submitted=1`),
      a.getByRole('button', { name: zh.catalog.form.saveAndSubmit }).click(),
    ])

    await r.goto(`/catalog/${entryId}`)
    await hydrated(r)
    await r.screenshot({ path: screenshotPath('catalog-08-resubmitted-with-diff'), fullPage: true })
    await r.getByRole('button', { name: zh.catalog.decide.approve, exact: true }).click()
    await expect
      .poll(() => r.locator('.notice').first().textContent())
      .toContain(zh.catalog.decide.approved)
    await r.reload()
    await hydrated(r)
    expect(await r.locator('main h1 .badge').first().textContent()).toContain(
      zh.catalog.status.approved,
    )
    await r.screenshot({ path: screenshotPath('catalog-09-approved'), fullPage: true })

    await r.goto('/catalog/overdue')
    await hydrated(r)
    expect(await r.locator('main').textContent()).toContain(zh.catalog.deadlines.overdue)
    await r.screenshot({ path: screenshotPath('catalog-10-overdue-dashboard'), fullPage: true })
    await r.goto('/catalog/calendar')
    await hydrated(r)
    expect(await r.locator('main').textContent()).toContain(zh.catalog.cal.sample)
    await r.screenshot({ path: screenshotPath('catalog-11-calendar') })
    clean(agency)
    clean(authority)
  }, 180_000)

  it('the catalog in English, and the entry form without JavaScript keeps the values on a refusal', async () => {
    const o = await loginAs('psb@demo.gd.example', '/agency', 'en-US', false)
    const p = o.page
    await p.goto('/catalog')
    expect(await p.locator('main h1').textContent()).toBe(en.catalog.title)
    await p.screenshot({ path: screenshotPath('catalog-12-browse-en'), fullPage: true })
    await p.goto('/catalog/new')
    await p.getByLabel(en.catalog.form.titleZh, { exact: true }).fill('无脚本测试目录项')
    await p.getByLabel(`${en.catalog.form.fieldName} 1`, { exact: true }).fill('bad name!')
    await p.getByLabel(`${en.catalog.form.fieldLabelZh} 1`, { exact: true }).fill('错误字段')
    await p.getByRole('button', { name: en.catalog.form.save }).click()
    await p.waitForLoadState('load')
    expect(await p.locator('main').textContent()).toContain(en.error.catalog.fieldName)
    // React 18.3's renderToPipeableStream can leak NUL bytes where a multi-byte character meets its
    // 2048-byte buffer edge (facebook/react#26228, fixed only in React 19); the browser shows them as
    // U+FFFD. That is app/entry.server.tsx's to strip (reported); here only the echoed text is checked.
    const echoed = await p.getByLabel(en.catalog.form.titleZh, { exact: true }).inputValue()
    expect(echoed.replaceAll(String.fromCharCode(0), '').replaceAll('\ufffd', '')).toBe(
      '无脚本测试目录项',
    )
    await p.screenshot({ path: screenshotPath('catalog-13-no-js-refusal-en'), fullPage: true })
  }, 120_000)

  it('art46 an entry that opens data is refused until the agency records its confidentiality review, without JavaScript', async () => {
    const o = await loginAs('amr@demo.gd.example', '/agency', 'zh-CN', false)
    const p = o.page
    const c = zh.confidentiality
    await p.goto('/catalog/new')
    await p.getByLabel(zh.catalog.form.titleZh, { exact: true }).fill('企业年报抽查结果')
    await p.getByLabel(zh.catalog.form.titleEn, { exact: true }).fill('Annual report spot checks')
    await p
      .getByLabel(zh.catalog.form.descriptionZh, { exact: true })
      .fill('企业年度报告抽查的结果与处理情况。')
    await p.getByLabel(`${zh.catalog.form.fieldName} 1`, { exact: true }).fill('tyshxydm')
    await p
      .getByLabel(`${zh.catalog.form.fieldLabelZh} 1`, { exact: true })
      .fill('统一社会信用代码')
    await p.getByLabel(zh.catalog.form.legalBasis, { exact: true }).fill('《企业信息公示暂行条例》')
    await p.getByLabel(zh.catalog.form.gradeLevel, { exact: true }).selectOption('1')
    await p
      .getByLabel(zh.catalog.form.openAttribute, { exact: true })
      .selectOption('open_unconditional')
    await p.getByRole('button', { name: zh.catalog.form.saveAndSubmit }).click()
    await p.waitForURL(/\/catalog\/[0-9a-f]{24}\/edit\?refused=1$/)
    expect(await p.locator('main').textContent()).toContain(
      zh.error.confidentiality.openingNotReviewed,
    )
    const entryId = new URL(p.url()).pathname.split('/')[2]!
    await p.screenshot({ path: screenshotPath('confidentiality-01-refused'), fullPage: true })

    await p.getByRole('link', { name: c.goReview }).click()
    await p.waitForURL((url) => url.pathname === `/catalog/${entryId}`)
    const panel = p.locator('#confidentiality')
    expect(await panel.textContent()).toContain(c.notReviewed)
    await panel
      .getByLabel(c.note)
      .fill('经审查，拟开放内容为依法公示信息，不涉及国家秘密和商业秘密。')
    await panel.getByRole('button', { name: c.record }).click()
    await p.waitForLoadState('load')
    await p.goto(`/catalog/${entryId}`)
    expect(await p.locator('#confidentiality').textContent()).toContain(c.outcomes.passed)
    await p.screenshot({ path: screenshotPath('confidentiality-02-passed'), fullPage: true })
    await p.getByRole('button', { name: zh.catalog.entry.submit, exact: true }).click()
    await p.waitForLoadState('load')
    expect(await p.locator('main').textContent()).toContain(zh.catalog.form.submitted)
  }, 120_000)
})
