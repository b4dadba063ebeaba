// Disputes between public bodies (C13; Art. 51) in Chromium against the production build: psb opens
// a dispute with amr without JavaScript; amr states its position and ends the negotiation; the
// provincial authority coordinates, invites nr to a joint consultation, ends it and submits its
// leaning opinion for decision. The authority notifies amr to rectify (Art. 52) and amr answers.
// The authority's security dashboard shows a failed login and a refused page (Art. 45, 47).
// Screenshots in tests/e2e/artifacts.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zh } from '~/i18n/zh'
import { DEMO_ORGS } from '~/services/demo/seed.server'
import {
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

const signInAs = async (email: string, home: string, javaScriptEnabled = true): Promise<Page> => {
  const o = await signIn(browser, app.baseUrl, email, { home, javaScriptEnabled })
  opened.push(o)
  return o.page
}

const orgName = (key: string) => DEMO_ORGS.find((o) => o.key === key)!.zh

describe('e2e: disputes', () => {
  it('art51 a dispute from its opening to the authority’s leaning opinion, each side on its own page', async () => {
    const m = zh.disputes
    // psb opens it, without JavaScript.
    const psb = await signInAs('psb@demo.gd.example', '/agency', false)
    await psb.getByRole('link', { name: m.nav }).click()
    await psb.waitForURL((url) => url.pathname === '/disputes')
    await psb.getByLabel(m.respondent).selectOption({ label: orgName('amr') })
    await psb.getByLabel(m.matter).selectOption('use')
    await psb
      .getByLabel(m.facts)
      .fill(
        '市场监管局将共享的常住人口数据用于授权范围以外的企业信用评价，超出了共享申请所列用途。',
      )
    await psb.getByLabel(m.documents).fill('共享申请 GD-2026-0117\n数据使用情况说明')
    await psb.getByLabel(m.asks).fill('请对方停止超范围使用并删除相关副本。')
    await psb.screenshot({ path: screenshotPath('dispute-open'), fullPage: true })
    await psb.getByRole('button', { name: m.openSubmit }).click()
    await psb.waitForURL((url) => /^\/disputes\/[0-9a-f]{24}$/.test(url.pathname))
    const path = new URL(psb.url()).pathname
    await psb.getByLabel(m.position).fill('共享授权的用途是企业登记核验，不含信用评价。')
    await psb.getByRole('button', { name: m.positionSubmit }).click()
    await psb.locator('blockquote[data-position="negotiation"]').first().waitFor()

    // amr answers and ends the negotiation: it failed.
    const amr = await signInAs('amr@demo.gd.example', '/agency')
    await amr.goto('/disputes')
    await amr.locator('tr[data-dispute="negotiation"]').getByRole('link').first().click()
    await amr.waitForURL((url) => url.pathname === path)
    await amr.getByLabel(m.position).fill('信用评价属于市场监管职责，属于履职需要。')
    await amr.getByRole('button', { name: m.positionSubmit }).click()
    await expect.poll(() => amr.locator('blockquote[data-position]').count()).toBe(2)
    await amr.getByLabel(m.closeNote).fill('双方未能达成一致。')
    await amr.getByRole('button', { name: m.failedSubmit }).click()
    await amr.locator('section[data-stage="coordination"]').waitFor()

    // The provincial authority coordinates; failing, it invites nr to a joint consultation.
    const authority = await signInAs('authority@demo.gd.example', '/authority')
    await authority.getByRole('link', { name: m.nav }).click()
    await authority.waitForURL((url) => url.pathname === '/disputes')
    await authority.goto(path)
    await authority.locator('section[data-stage="coordination"]').waitFor()
    await authority.getByLabel(orgName('nr')).check()
    await authority.getByLabel(m.closeNote).fill('协调不成，会同有关单位联合会商。')
    await authority.screenshot({ path: screenshotPath('dispute-coordination'), fullPage: true })
    await authority.getByRole('button', { name: m.failedSubmit }).click()
    await authority.locator('section[data-stage="consultation"]').waitFor()
    await authority.getByText(orgName('nr')).first().waitFor()
    await authority.getByLabel(m.closeNote).fill('联合会商仍未解决。')
    await authority.getByRole('button', { name: m.failedSubmit }).click()
    await authority.locator('section[data-stage="opinion"]').waitFor()
    await authority
      .getByLabel(m.claimantReasons, { exact: true })
      .fill('共享申请所列用途为企业登记核验。')
    await authority
      .getByLabel(m.respondentReasons, { exact: true })
      .fill('信用评价属于本部门法定职责。')
    await authority
      .getByLabel(m.leaning, { exact: true })
      .fill('倾向于认定超范围使用，应另行提出共享申请。')
    await authority.getByRole('button', { name: m.opinionSubmit }).click()
    await authority.locator('section[data-stage="submitted"]').waitFor()
    await authority.getByText('倾向于认定超范围使用').waitFor()
    await authority.screenshot({ path: screenshotPath('dispute-opinion'), fullPage: true })

    // psb sees where it stands (its page, reloaded: no JavaScript).
    await expect
      .poll(async () => {
        await psb.reload()
        return psb.locator('section[data-stage="submitted"]').count()
      })
      .toBe(1)
    expect(await psb.locator('li[data-step="consultation"]').textContent()).toContain(
      '联合会商仍未解决',
    )
  }, 120_000)

  it('art52 the authority issues a rectification notice; the body answers it without JavaScript', async () => {
    const m = zh.rectifications
    const authority = await signInAs('authority@demo.gd.example', '/authority')
    await authority.getByRole('link', { name: m.nav }).click()
    await authority.waitForURL((url) => url.pathname === '/rectifications')
    await authority.getByLabel(m.agency).selectOption({ label: orgName('amr') })
    await authority.getByLabel(m.item).selectOption('2')
    await authority
      .getByLabel(m.finding)
      .fill('企业年度报告目录条目的更新频率为每月，但近三个月未更新数据。')
    await authority.getByLabel(m.days).fill('10')
    await authority.getByRole('button', { name: m.issueSubmit }).click()
    await authority.locator('article[data-rectification="issued"]').waitFor()

    const amr = await signInAs('amr@demo.gd.example', '/agency', false)
    await amr.getByRole('link', { name: m.nav }).click()
    await amr.waitForURL((url) => url.pathname === '/rectifications')
    const card = amr.locator('article[data-rectification="issued"]')
    await card.getByLabel(m.measures).fill('已补传近三个月数据，并设置按月自动更新。')
    await amr.screenshot({ path: screenshotPath('rectification-answer'), fullPage: true })
    await card.getByRole('button', { name: m.answerSubmit }).click()
    await amr.locator('article[data-rectification="answered"]').waitFor()

    await authority.reload()
    await authority.getByLabel(m.closeNote).fill('核查属实，整改完成。')
    await authority.getByRole('button', { name: m.closeSubmit }).click()
    await authority.locator('article[data-rectification="closed"]').waitFor()
    await authority.screenshot({ path: screenshotPath('rectification-closed'), fullPage: true })
  }, 120_000)

  it('art45 art47 the authority’s security dashboard shows a failed login and a refused page', async () => {
    const m = zh.security
    // A wrong password on the login page, and a company's staff trying the dashboard.
    const guess = await signInAs('buyer@demo.gd.example', '/buyer')
    expect((await guess.goto('/authority/security'))?.status()).toBe(403)
    const o = await openPage(browser, app.baseUrl, {
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      javaScriptEnabled: false,
    })
    opened.push(o)
    await o.page.goto('/login')
    await o.page.getByLabel(zh.login.email, { exact: true }).fill('lina@demo.gd.example')
    await o.page.getByLabel(zh.login.password, { exact: true }).fill('not-her-password')
    await o.page.locator('main').getByRole('button', { name: zh.login.submit, exact: true }).click()
    await o.page.waitForLoadState()

    const authority = await signInAs('authority@demo.gd.example', '/authority')
    await authority.getByRole('link', { name: m.title }).click()
    await authority.waitForURL((url) => url.pathname === '/authority/security')
    const row = (kind: string) =>
      authority.getByRole('row').filter({ hasText: kind }).first().innerText()
    expect(await row(m.kinds['login-failed'])).toMatch(/[1-9]/)
    expect(await row(m.kinds['permission-denied'])).toMatch(/[1-9]/)
    expect(
      await authority.locator('td.mono').filter({ hasText: 'lina@demo.gd.example' }).count(),
    ).toBeGreaterThan(0)
    await authority.screenshot({ path: screenshotPath('security-dashboard'), fullPage: true })
  }, 120_000)

  it('art50 an IT project: the authority registers it, the unit files its data list, acceptance is refused with the failing items', async () => {
    const m = zh.projects
    const authority = await signInAs('authority@demo.gd.example', '/authority', false)
    await authority.getByRole('link', { name: m.nav }).click()
    await authority.waitForURL((url) => url.pathname === '/projects')
    await authority.getByLabel(m.name).fill('省公安数据共享交换平台（二期）')
    await authority.getByLabel(m.unit).selectOption({ label: orgName('psb') })
    await authority.getByRole('button', { name: m.registerSubmit }).click()
    await authority.locator('article[data-project="open"]').waitFor()

    const psb = await signInAs('psb@demo.gd.example', '/agency', false)
    await psb.goto('/projects')
    const codes = await psb.evaluate(async () => {
      const res = await fetch('/api/v1/catalog/entries?scope=mine&limit=50')
      const body = (await res.json()) as { entries: { code: string; status: string }[] }
      return body.entries.map((e) => `${e.code}:${e.status}`)
    })
    // One approved entry and one still submitted (not catalogued).
    const approved = codes.find((c) => c.endsWith(':approved'))!.split(':')[0]!
    const submitted = codes.find((c) => c.endsWith(':submitted'))!.split(':')[0]!
    await psb.getByLabel(m.entries).fill(`${approved}\n${submitted}`)
    await psb.getByRole('button', { name: m.fileSubmit }).click()
    await psb.locator('tr[data-ok="no"]').first().waitFor()

    // A fresh GET (a reload would post the registration again).
    await authority.goto('/projects')
    await authority.getByRole('button', { name: m.acceptSubmit }).click()
    await authority.getByText(submitted, { exact: false }).first().waitFor()
    expect(await authority.locator('body').innerText()).toContain('不予验收')
    await authority.screenshot({
      path: screenshotPath('project-acceptance-refused'),
      fullPage: true,
    })
  }, 120_000)
})
