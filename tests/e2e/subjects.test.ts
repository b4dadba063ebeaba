// Data subjects (C10; Art. 39, 42, 43) in Chromium against the production build, with the job
// worker running: a person registers and the authority's desk confirms her; lina sees where her data
// is held and downloads a copy; zhangwei asks psb to correct a record, psb grants it, and he sees
// the new value and the notice; a complaint is filed and accepted. Screenshots in
// tests/e2e/artifacts.
import mongoose from 'mongoose'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zh } from '~/i18n/zh'
import { makeResidentId } from '~/services/identity/codes'
import { DEMO_PASSWORD } from '~/services/demo/seed.server'
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
  // The worker makes the subject's copy and applies a granted correction.
  app = await startApp({ worker: true })
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  await Promise.all(opened.map((o) => o.context.close().catch(() => undefined)))
  await browser?.close()
  await app?.stop()
}, 30_000)

const signInAs = async (email: string, home: string): Promise<Page> => {
  const o = await signIn(browser, app.baseUrl, email, { home })
  opened.push(o)
  return o.page
}

/** One document of the app's database. */
async function findOne(collection: string, filter: Record<string, unknown>) {
  const connection = mongoose.createConnection(process.env.MONGODB_URI!, { dbName: app.dbName })
  try {
    await connection.asPromise()
    return await connection.db!.collection(collection).findOne(filter)
  } finally {
    await connection.close()
  }
}

describe('e2e: data subjects', () => {
  it('art41 a person authorizes a company to read two fields, then revokes it; the company sees both — without JavaScript', async () => {
    const h = zh.home.subject
    const buyerUser = (await findOne('users', { email: 'buyer@demo.gd.example' }))!
    const buyerOrg = (await findOne('organizations', {
      _id: new mongoose.Types.ObjectId(String(buyerUser.orgId)),
    }))!
    const o = await signIn(browser, app.baseUrl, 'lina@demo.gd.example', {
      home: '/me',
      javaScriptEnabled: false,
    })
    opened.push(o)
    const person = o.page
    const card = person.locator('article[data-holding]', { hasText: '居民身份证签发信息' })
    await card.getByRole('link', { name: h.authorizeAsk }).click()
    await person.waitForURL((url) => url.pathname === '/me/authorizations/new')
    await person.getByLabel(h.authorizeUscc).fill(String(buyerOrg.uscc))
    await person.getByLabel('有效期截止日期', { exact: true }).check()
    await person.getByLabel(h.authorizePurpose).fill('租车时核验身份证是否在有效期内')
    const end = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10)
    await person.getByLabel(h.authorizeEnd, { exact: true }).fill(end)
    await person.screenshot({ path: screenshotPath('subject-authorize-form'), fullPage: true })
    await person.getByRole('button', { name: h.authorizeSubmit }).click()
    await person.getByText(h.authorizationGranted).waitFor()
    const row = person.locator('#authorizations tr[data-authorization="active"]', {
      hasText: '租车时核验',
    })
    await row.waitFor()
    await person.screenshot({ path: screenshotPath('subject-authorizations'), fullPage: true })
    await row.getByRole('button', { name: h.authorizationRevoke }).click()
    await person.getByText(h.authorizationRevoked).waitFor()
    await person
      .locator('#authorizations tr[data-authorization="revoked"]', { hasText: '租车时核验' })
      .waitFor()

    const company = await signInAs('buyer@demo.gd.example', '/buyer')
    await company.goto('/subject-authorizations')
    await company.locator('tr[data-authorization="revoked"]', { hasText: '租车时核验' }).waitFor()
    await company.screenshot({ path: screenshotPath('org-authorizations'), fullPage: true })
  }, 120_000)

  it('art42 a person asks for a correction without JavaScript; the department grants it; she sees the new value and the notice', async () => {
    const h = zh.home.subject
    const o = await signIn(browser, app.baseUrl, 'zhangwei@demo.gd.example', {
      home: '/me',
      javaScriptEnabled: false,
    })
    opened.push(o)
    const person = o.page
    const card = person.locator('article[data-holding]', { hasText: '居民身份证签发信息' })
    await card.getByRole('link', { name: h.requestAsk }).click()
    await person.waitForURL((url) => url.pathname === '/me/requests/new')
    await person.getByLabel(h.requestField).selectOption('qfjg')
    await person.getByLabel(h.requestProposed).fill('广州市公安局越秀区分局')
    // Long enough for the browser's own check, too short once the server trims the spaces.
    await person.getByLabel(h.requestReasons).fill(`${' '.repeat(10)}短`)
    await person.getByRole('button', { name: h.requestSubmit }).click()
    await person.getByText(zh.error.subject.tooShort).waitFor()
    expect(await person.getByLabel(h.requestProposed).inputValue()).toBe('广州市公安局越秀区分局')
    await person
      .getByLabel(h.requestReasons)
      .fill('我的身份证由越秀区分局签发，记录中的签发机关有误。')
    await person.screenshot({ path: screenshotPath('subject-request-form'), fullPage: true })
    await person.getByRole('button', { name: h.requestSubmit }).click()
    await person.getByText(h.requestFiled).waitFor()
    await person
      .locator('#requests tr[data-request="pending"]', {
        hasText: '签发机关 → 广州市公安局越秀区分局',
      })
      .waitFor()

    const psb = await signInAs('psb@demo.gd.example', '/agency')
    await psb.getByRole('link', { name: zh.recordRequestsDesk.nav }).click()
    await psb.waitForURL((url) => url.pathname === '/agency/subject-requests')
    const request = psb.locator('article[data-request="pending"]', {
      hasText: '广州市公安局越秀区分局',
    })
    await request
      .getByLabel(zh.recordRequestsDesk.note)
      .fill('经核对制证档案，签发机关确为越秀区分局。')
    await psb.screenshot({ path: screenshotPath('subject-requests-desk'), fullPage: true })
    await request.getByRole('button', { name: zh.recordRequestsDesk.grant, exact: true }).click()
    await psb.getByText(zh.recordRequestsDesk.decided).waitFor()

    // The worker makes the new version of the table; his page shows the new value, and the request
    // as in effect, once it has (the page has no JavaScript: reload until then).
    const value = card.locator('tr[data-field="qfjg"] td').nth(1)
    const applied = person.locator('#requests tr[data-request="granted"]', {
      hasText: h.requestApplied,
    })
    await expect
      .poll(
        async () => {
          await person.reload()
          return [await value.textContent(), await applied.count()]
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toEqual(['广州市公安局越秀区分局', 1])
    await person.screenshot({ path: screenshotPath('subject-request-applied'), fullPage: true })
    // The notice is written by the worker's notifications job: reload until it is there.
    const notice = person.getByText(zh.notifications.kinds['subject-request.applied-correction'])
    await expect
      .poll(
        async () => {
          await person.goto('/notifications')
          return notice.count()
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1)
    await person.screenshot({ path: screenshotPath('subject-notices'), fullPage: true })
  }, 150_000)

  // (Here, where the worker runs: the subject's copy is made by a job.) psb's tables hold lina's
  // records; without JavaScript she sees them, asks for a copy and downloads it.
  it('art42 a data subject sees where her data is held and downloads a copy, without JavaScript', async () => {
    const h = zh.home.subject
    const o = await signIn(browser, app.baseUrl, 'lina@demo.gd.example', {
      home: '/me',
      javaScriptEnabled: false,
    })
    opened.push(o)
    const lina = o.page
    await lina.getByRole('heading', { name: h.holdings }).waitFor()
    // psb's transfer and ID-card tables, and the residents table unless the test above replaced it.
    expect(await lina.locator('[data-holding]').count()).toBeGreaterThanOrEqual(2)
    // The copies of the residents table delivered to amr and nr held her record.
    expect(await lina.locator('tr[data-use="sharing-delivery"]').count()).toBeGreaterThanOrEqual(2)
    await lina.getByRole('button', { name: h.copyAsk }).click()
    await lina.getByText(h.copyAsked).waitFor()
    // The page refreshes itself until the worker has made the copy.
    await lina.getByRole('link', { name: 'CSV' }).waitFor({ timeout: 60_000 })
    await lina.screenshot({ path: screenshotPath('subject-home-copy'), fullPage: true })
    const csv = await lina.request.get(
      `${app.baseUrl}${await lina.getByRole('link', { name: 'CSV' }).getAttribute('href')}`,
    )
    expect(csv.status()).toBe(200)
    expect(await csv.text()).toContain('居民身份证签发信息')
  }, 120_000)

  it('art39 a person registers, the desk checks her card and gives her a code, she confirms it — without JavaScript', async () => {
    const r = zh.register
    const residentId = makeResidentId('44010419920202123')
    const visitor = await openPage(browser, app.baseUrl, {
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      javaScriptEnabled: false,
    })
    opened.push(visitor)
    const v = visitor.page
    await v.goto('/register')
    await v.getByRole('link', { name: r.forPersons }).click()
    await v.waitForURL((url) => url.pathname === '/register/subject')
    await v.getByLabel(r.displayName).fill('王芳')
    await v.getByLabel(r.subject.residentId).fill(residentId)
    await v.getByLabel(r.email).fill('wangfang@example.cn')
    await v.getByLabel(r.password).fill(DEMO_PASSWORD)
    await v.getByRole('button', { name: r.submit }).click()
    await v.getByText(r.subject.done).waitFor()

    const o = await signIn(browser, app.baseUrl, 'wangfang@example.cn', {
      home: '/me',
      javaScriptEnabled: false,
    })
    opened.push(o)
    const person = o.page
    await person.getByRole('heading', { name: zh.home.subject.confirmTitle }).waitFor()
    expect(await person.getByRole('heading', { name: zh.home.subject.holdings }).count()).toBe(0)

    const desk = await signInAs('authority@demo.gd.example', '/authority')
    await desk.getByRole('link', { name: zh.identityDesk.nav }).click()
    await desk.waitForURL((url) => url.pathname === '/authority/identity-desk')
    const row = desk.locator('tr[data-subject="wangfang@example.cn"]')
    await row.getByLabel(zh.identityDesk.onCard).fill(residentId)
    await row.getByRole('button', { name: zh.identityDesk.issue }).click()
    const code = (await desk.locator('[data-code]').getAttribute('data-code'))!
    expect(code).toMatch(/^\d{6}$/)
    await desk.screenshot({ path: screenshotPath('identity-desk'), fullPage: true })

    await person.getByLabel(zh.home.subject.code).fill(code)
    await person.getByRole('button', { name: zh.home.subject.confirm }).click()
    await person.getByText(zh.home.subject.confirmed).waitFor()
    await person.getByRole('heading', { name: zh.home.subject.holdings }).waitFor()
    await person.screenshot({ path: screenshotPath('subject-confirmed'), fullPage: true })
  }, 120_000)

  it('art43 a data subject complains about a department; the provincial authority accepts it — without JavaScript', async () => {
    const h = zh.home.subject
    const o = await signIn(browser, app.baseUrl, 'zhangwei@demo.gd.example', {
      home: '/me',
      javaScriptEnabled: false,
    })
    opened.push(o)
    const person = o.page
    await person.getByRole('link', { name: h.complaintNew }).click()
    await person.waitForURL((url) => url.pathname === '/me/complaints/new')
    await person.getByLabel(h.respondent).selectOption({ label: '广东省自然资源厅' })
    // Long enough for the browser's own check, too short once the server trims the spaces.
    await person.getByLabel(h.facts).fill(`${' '.repeat(20)}太短`)
    await person.getByLabel(h.remedy).fill('请依法处理。')
    await person.getByRole('button', { name: h.submitComplaint }).click()
    // Too short: the form comes back with the message and what was typed.
    await person.getByText(zh.error.subject.tooShort).waitFor()
    expect(await person.getByLabel(h.remedy).inputValue()).toBe('请依法处理。')
    await person
      .getByLabel(h.facts)
      .fill('不动产登记中心使用共享数据时超出了同意的用途，把我的户籍地址用于与登记无关的比对。')
    await person.getByRole('button', { name: h.submitComplaint }).click()
    await person.getByText(h.complaintFiled).waitFor()
    expect(await person.locator('tr[data-complaint="submitted"]').count()).toBe(1)

    const desk = await signInAs('authority@demo.gd.example', '/authority')
    await desk.getByRole('link', { name: zh.complaintsDesk.nav }).click()
    await desk.waitForURL((url) => url.pathname === '/authority/complaints')
    const complaint = desk.locator('article[data-complaint="submitted"]', {
      hasText: '不动产登记中心',
    })
    await complaint.getByRole('button', { name: zh.complaintsDesk.accept, exact: true }).click()
    await desk.getByText(h.complaintStatus.accepted).first().waitFor()
    await desk.screenshot({ path: screenshotPath('complaints-desk'), fullPage: true })
    await person.reload()
    expect(await person.locator('tr[data-complaint="accepted"]').count()).toBe(1)
    await person.screenshot({ path: screenshotPath('subject-complaints'), fullPage: true })
  }, 120_000)
  it('art40 an agency declares an emergency collection and ends it; the worker seals it and the page shows the signed report', async () => {
    const e = zh.emergency
    const demo = (await findOne('emergency_collections', {}))!
    const entryId = String(demo.entryIds[0])
    const psb = await signInAs('psb@demo.gd.example', '/agency')
    await psb.getByRole('link', { name: e.nav }).click()
    await psb.waitForURL((url) => url.pathname === '/agency/emergency-collections')
    // The demo world's collection: ended, sealed, reported.
    await psb.locator('article[data-emergency="ended"] [data-report]').first().waitFor()
    await psb.getByLabel(e.event).fill('暴雨内涝期间的转移安置人员登记')
    await psb.getByLabel(e.instrument).fill('《中华人民共和国突发事件应对法》')
    await psb.getByLabel(e.article, { exact: true }).fill('第五十五条')
    await psb.locator(`input[name="entryIds"][value="${entryId}"]`).check()
    const end = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10)
    await psb.getByLabel(e.endsOn).fill(end)
    await psb.getByRole('button', { name: e.declareSubmit }).click()
    await psb.getByText(e.declared).waitFor()
    const mine = psb.locator('article[data-emergency]', { hasText: '暴雨内涝' })
    await mine.getByRole('button', { name: e.end }).click()
    await psb.getByText(e.ended).waitFor()
    await expect
      .poll(
        async () => {
          await psb.reload()
          return mine.locator('[data-report]').count()
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1)
    await psb.screenshot({ path: screenshotPath('emergency-collections'), fullPage: true })
  }, 120_000)
})
