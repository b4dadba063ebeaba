// Sharing between agencies (C4; Art. 22–24) in Chromium against the production build: the public
// security department asks the market regulator for its conditionally shared individual-business
// registrations from the entry's page; the regulator agrees on fewer fields than asked; the
// requester sees the grant and its terms. Screenshots in tests/e2e/artifacts.
import mongoose from 'mongoose'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zh } from '~/i18n/zh'
import {
  launchBrowser,
  screenshotPath,
  signIn,
  startApp,
  type OpenedPage,
  type RunningApp,
} from './harness'

let app: RunningApp
let browser: Browser
const opened: OpenedPage[] = []
const s = zh.sharing

beforeAll(async () => {
  // The worker builds the verification index the source department asks for.
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

/** One document of the app's database (the pages have no search by title or mode). */
async function findOne(collection: string, filter: Record<string, unknown>) {
  const connection = mongoose.createConnection(process.env.MONGODB_URI!, { dbName: app.dbName })
  try {
    await connection.asPromise()
    return await connection.db!.collection(collection).findOne(filter)
  } finally {
    await connection.close()
  }
}

async function entryIdByTitle(title: string): Promise<string> {
  return String((await findOne('catalog_entries', { 'published.title.zh': title }))!._id)
}

describe('e2e: sharing between agencies', () => {
  it('art24 an agency requests a conditional entry; the source department agrees on fewer fields', async () => {
    const entryId = await entryIdByTitle('个体工商户登记信息')
    const psb = await signInAs('psb@demo.gd.example', '/agency')
    await psb.getByRole('navigation', { name: 'main' }).getByRole('link', { name: s.nav }).click()
    await psb.waitForURL((url) => url.pathname === '/sharing')
    await psb.goto(`/catalog/${entryId}`)
    await psb.getByRole('link', { name: s.linkFromEntry }).click()
    await psb.waitForURL((url) => url.pathname === '/sharing/requests/new')
    await psb.getByLabel(s.scenario).fill('“证照分离”改革后对个体工商户经营场所的协同核查')
    await psb.getByLabel(s.usingUnit).fill('广东省公安厅治安管理局')
    await psb.getByLabel(s.duty).fill('《中华人民共和国治安管理处罚法》规定的治安管理职责')
    for (const f of ['tyshxydm', 'jyzxm', 'jycs'])
      await psb.locator(`input[name="fields"][value="${f}"]`).check()
    await psb.getByLabel(s.mode).selectOption('offline')
    await psb.screenshot({ path: screenshotPath('sharing-request-form'), fullPage: true })
    await Promise.all([
      psb.waitForURL((url) => /^\/sharing\/requests\/[0-9a-f]{24}$/.test(url.pathname)),
      psb.getByRole('button', { name: s.new.submit }).click(),
    ])
    const requestPath = new URL(psb.url()).pathname
    await psb.getByText(s.new.sent).waitFor()
    expect(await psb.locator('main h1').textContent()).toContain(s.status.pending)

    const amr = await signInAs('amr@demo.gd.example', '/agency')
    await amr.goto('/sharing')
    await amr.locator(`a[href="${requestPath}"]`).click()
    await amr.waitForURL((url) => url.pathname === requestPath)
    // Minimal authorization: the operator's name is not needed for a premises check.
    await amr.locator('input[name="fields"][value="jyzxm"]').uncheck()
    await amr.screenshot({ path: screenshotPath('sharing-reply'), fullPage: true })
    await amr.getByRole('button', { name: s.reply.agree }).click()
    await amr.getByText(s.answered.granted).waitFor()

    await psb.goto(requestPath)
    const main = psb.locator('main')
    await main.getByRole('heading', { name: s.decision.granted }).waitFor()
    const granted = main.locator('section').filter({ hasText: s.decision.granted })
    expect(await granted.textContent()).toContain('统一社会信用代码、经营场所')
    expect(await granted.textContent()).not.toContain('经营者姓名')
    expect(await main.textContent()).toContain(s.noPassOn)
    await psb.screenshot({ path: screenshotPath('sharing-granted'), fullPage: true })

    // Art. 23 ¶4: the hand-over on an encrypted drive is recorded under the offline grant.
    const h = s.handover
    await amr.goto(requestPath)
    await amr.getByLabel(h.rows).fill('3560')
    await amr.getByLabel(h.contentSha256).fill('9f'.repeat(32))
    await amr.getByLabel(h.medium).fill('加密U盘（编号 GD-2026-021）')
    await amr
      .getByLabel(h.handedOverAt)
      .fill(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10))
    await amr.getByLabel(h.handedOverBy).fill('林科长（数据管理科）')
    await amr.getByLabel(h.receivedBy).fill('黄警官（治安管理局）')
    await amr.getByRole('button', { name: h.record }).click()
    await amr.getByText(h.recorded).waitFor()
    await amr.getByRole('heading', { name: h.list }).waitFor()
    await amr.getByText(s.decision.delivered, { exact: true }).waitFor()
    // The form is empty again for the next hand-over.
    expect(await amr.getByLabel(h.rows).inputValue()).toBe('')
    await amr.screenshot({ path: screenshotPath('sharing-handover'), fullPage: true })

    // Art. 24: the source department withdraws the grant with its reason; the requester sees it.
    await amr.goto(requestPath)
    await amr.getByLabel(s.revoke.reason).fill('核查任务已结束')
    await amr.getByRole('button', { name: s.revoke.title }).click()
    await amr.getByText(s.revoke.done).waitFor()
    await psb.goto(requestPath)
    await psb.getByText(s.revoke.revoked).waitFor()
    expect(await psb.locator('main').textContent()).toContain('核查任务已结束')
  }, 180_000)

  it('art22 the authority sees the overdue request and records its coordination, without JavaScript', async () => {
    const o = await signIn(browser, app.baseUrl, 'authority@demo.gd.example', {
      home: '/authority',
      javaScriptEnabled: false,
    })
    opened.push(o)
    const page = o.page
    await page.getByRole('link', { name: s.coordination.title }).click()
    await page.waitForURL((url) => url.pathname === '/authority/sharing')
    const rows = page.locator('main tbody tr')
    expect(await rows.count()).toBeGreaterThanOrEqual(1)
    await rows.first().getByLabel(s.coordination.note).fill('已约谈数源部门，要求三个工作日内答复')
    await rows.first().getByRole('button', { name: s.coordination.record }).click()
    await page.getByText(s.coordination.recorded).waitFor()
    await page.screenshot({ path: screenshotPath('sharing-coordination'), fullPage: true })
    await rows.first().getByRole('link').first().click()
    await page.getByText('已约谈数源部门，要求三个工作日内答复').waitFor()

    // Art. 26 ¶1: for an emergency the authority shares an entry with an enterprise, citing the law.
    const a = s.art26
    const entryId = await entryIdByTitle('个体工商户登记信息')
    await page.goto(`/catalog/${entryId}`)
    await page.getByRole('link', { name: a.link }).click()
    await page.waitForURL((url) => url.pathname === '/sharing/art26')
    await page.getByLabel(a.beneficiary).selectOption({ label: '广州数智科技有限公司' })
    await page.getByLabel(a.purposes.emergency).check()
    await page.getByLabel(a.instrument).fill('《中华人民共和国突发事件应对法》')
    await page.getByLabel(s.reply.article).fill('第五十二条')
    await page.getByLabel(s.scenario).fill('台风过后向受灾个体工商户发放应急补贴')
    await page.getByLabel(s.usingUnit).fill('应急补贴发放系统运营组')
    await page.locator('input[name="fields"]').first().check()
    await page.getByLabel(s.mode).selectOption('offline')
    await page.screenshot({ path: screenshotPath('sharing-art26-form'), fullPage: true })
    await page.getByRole('button', { name: a.submit }).click()
    await page.waitForURL((url) => /^\/sharing\/requests\/[0-9a-f]{24}$/.test(url.pathname))
    expect(await page.locator('main').textContent()).toContain(
      '《中华人民共和国突发事件应对法》 第五十二条',
    )
    await page.screenshot({ path: screenshotPath('sharing-art26-request'), fullPage: true })
  }, 120_000)

  it('art24 the requesting agencies receive their own copies: a file download and an API key; the source stores new data', async () => {
    const a = s.access
    // nr's file grant of psb's residents data (the demo world stored the table and delivered it).
    const fileRequest = await findOne('sharing_requests', {
      'decision.mode': 'file',
      status: 'granted',
    })
    const nr = await signInAs('nr@demo.gd.example', '/agency')
    await nr.goto(`/sharing/requests/${String(fileRequest!._id)}`)
    await nr.getByRole('heading', { name: a.title }).waitFor()
    const [download] = await Promise.all([
      nr.waitForEvent('download'),
      nr.getByRole('link', { name: /residents-demo\.csv/ }).click(),
    ])
    const body = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8')
    expect(body.split('\n')[0]).toBe('gmsfhm,csrq')
    await nr.screenshot({ path: screenshotPath('sharing-file-grant'), fullPage: true })

    // amr's API grant: the key is shown once, and the API answers with it (granted fields only).
    const apiRequest = await findOne('sharing_requests', {
      'decision.mode': 'api',
      status: 'granted',
      'decision.automatic': false,
    })
    const amr = await signInAs('amr@demo.gd.example', '/agency')
    await amr.goto(`/sharing/requests/${String(apiRequest!._id)}`)
    await amr.getByRole('button', { name: a.issueKey }).click()
    await amr.getByText(a.keyIssued).waitFor()
    const key = (await amr.locator('code.mono').textContent())!.trim()
    expect(key).toMatch(/^gdsg_/)
    await amr.screenshot({ path: screenshotPath('sharing-api-grant'), fullPage: true })
    const grantId = String(apiRequest!.decision.grantId)
    const res = await fetch(`${app.baseUrl}/api/v1/sharing/grants/${grantId}/rows?limit=2`, {
      headers: { Authorization: `Bearer ${key}` },
    })
    expect(res.status).toBe(200)
    const page = (await res.json()) as { fields: string[]; rows: unknown[] }
    expect(page.fields).toEqual(apiRequest!.decision.fields)
    expect(page.rows).toHaveLength(2)

    // psb, the source department, replaces the table from the entry's data page.
    const psb = await signInAs('psb@demo.gd.example', '/agency')
    await psb.goto(`/catalog/${String(fileRequest!.catalogEntryId)}/dataset`)
    await psb.locator('input[type=file]').setInputFiles({
      name: 'residents-2026-12.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'gmsfhm,xm,xb,csrq,mz,hjdz\n440101199001011234,示例,1,1990-01-01,01,广州\n',
      ),
    })
    await psb.getByRole('button', { name: s.dataset.upload }).click()
    await psb.getByText(s.dataset.stored.split('，')[0]!).waitFor()
    await psb.locator('main').getByText('residents-2026-12.csv').waitFor()
    await psb.screenshot({ path: screenshotPath('sharing-dataset'), fullPage: true })
  }, 180_000)

  it('art23 the source department offers verification; another agency verifies a record from the page and sees only match / mismatch', async () => {
    const v = zh.verification
    const entryId = await entryIdByTitle('常住人口基本信息')
    const psb = await signInAs('psb@demo.gd.example', '/agency')
    await psb.goto(`/catalog/${entryId}`)
    await psb.getByRole('link', { name: v.settings.title }).click()
    await psb.waitForURL((url) => url.pathname === `/catalog/${entryId}/verification`)
    await psb.getByLabel(`${v.keyFields}: 公民身份号码`).check()
    await psb.getByLabel(`${v.checkFields}: 姓名`).check()
    await psb.getByLabel(`${v.checkFields}: 出生日期`).check()
    await psb.getByRole('button', { name: v.settings.save }).click()
    await psb.getByText(v.settings.saved).waitFor()
    // The worker builds the index from the table stored above (one record; the demo world's
    // index of the earlier table had 2,000).
    await expect
      .poll(
        async () => {
          await psb.reload()
          return psb.getByText(v.settings.ready.replace('{{records}}', '1')).count()
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBeGreaterThan(0)
    await psb.screenshot({ path: screenshotPath('verification-settings'), fullPage: true })

    // amr, without JavaScript, verifies the resident in the table psb stored above: the name
    // matches, the date of birth given is wrong.
    const o = await signIn(browser, app.baseUrl, 'amr@demo.gd.example', {
      home: '/agency',
      javaScriptEnabled: false,
    })
    opened.push(o)
    const amr = o.page
    await amr.getByRole('navigation', { name: 'main' }).getByRole('link', { name: v.nav }).click()
    await amr.waitForURL((url) => url.pathname === '/verification')
    await amr.goto(`/verification?entry=${entryId}`)
    await amr.getByLabel('公民身份号码').fill('440101199001011234')
    await amr.getByLabel('姓名').fill('示例')
    await amr.getByLabel('出生日期').fill('1990/01/02')
    await amr.getByRole('button', { name: v.submit }).click()
    await amr.getByText(v.found, { exact: true }).waitFor()
    expect(await amr.locator('tr[data-field="xm"]').textContent()).toContain(v.answers.match)
    expect(await amr.locator('tr[data-field="csrq"]').textContent()).toContain(v.answers.mismatch)
    // Nothing stored travels back: not the real date of birth, not the address.
    const text = await amr.locator('main').textContent()
    expect(text).not.toContain('1990-01-01')
    expect(text).not.toContain('广州')
    await amr.screenshot({ path: screenshotPath('verification-result'), fullPage: true })

    // The API (answered by the web process's front, without Remix's matching) with the same
    // session: same answer; a cross-site post with that session is refused.
    const api = `${app.baseUrl}/api/v1/verification`
    const data = { entryId, record: { gmsfhm: '440101199001011234', xm: '别人' } }
    const same = await amr.request.post(api, { data, headers: { Origin: app.baseUrl } })
    expect(same.status()).toBe(200)
    expect(await same.json()).toEqual({
      entryId,
      found: true,
      fields: { gmsfhm: 'match', xm: 'mismatch' },
    })
    const crossSite = await amr.request.post(api, {
      data,
      headers: { Origin: 'https://evil.example' },
    })
    expect(crossSite.status()).toBe(403)
    expect((await amr.request.post(api, { data: { entryId } })).status()).toBe(400)

    // Batch mode, still without JavaScript: a file of three records → a file of flags.
    await amr.goto('/verification')
    await amr.getByRole('link', { name: v.batch.nav }).click()
    await amr.waitForURL((url) => url.pathname === '/verification/batches')
    await amr.goto(`/verification/batches?entry=${entryId}`)
    await amr.locator('input[type=file]').setInputFiles({
      name: '核验名单.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'gmsfhm,xm,csrq\r\n440101199001011234,示例,1990/01/02\r\n440101199001011234,别人,\r\n440101190001019999,某某,2000-01-01\r\n',
      ),
    })
    await amr.getByRole('button', { name: v.batch.upload }).click()
    await amr.waitForURL((url) => /^\/verification\/batches\/[0-9a-f]{24}$/.test(url.pathname))
    // The page refreshes itself while the worker answers; the flags appear when it is done.
    await amr.getByRole('link', { name: v.batch.download }).waitFor({ timeout: 60_000 })
    await amr.screenshot({ path: screenshotPath('verification-batch'), fullPage: true })
    const flags = await amr.request.get(
      `${app.baseUrl}${await amr.getByRole('link', { name: v.batch.download }).getAttribute('href')}`,
    )
    expect(flags.status()).toBe(200)
    expect(
      (await flags.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toEqual([
      'row,found,gmsfhm,xm,csrq',
      '1,true,match,match,mismatch',
      '2,true,match,mismatch,',
      '3,false,not_found,not_found,not_found',
    ])
    await amr.goto('/verification/batches')
    await amr.locator('tr[data-batch]', { hasText: '核验名单.csv' }).waitFor()
    await amr.screenshot({ path: screenshotPath('verification-batches'), fullPage: true })
  }, 180_000)

  it('art46 important data: the source department cannot agree before its confidentiality review; after it, the sealed approval names the review', async () => {
    const c = zh.confidentiality
    const entryId = await entryIdByTitle('常住人口基本信息')
    const amr = await signInAs('amr@demo.gd.example', '/agency')
    await amr.goto(`/sharing/requests/new?entry=${entryId}`)
    await amr.getByLabel(s.scenario).fill('企业法定代表人身份核验')
    await amr.getByLabel(s.usingUnit).fill('广东省市场监督管理局登记注册处')
    await amr.getByLabel(s.duty).fill('《中华人民共和国市场主体登记管理条例》规定的登记审查职责')
    for (const f of ['gmsfhm', 'xm'])
      await amr.locator(`input[name="fields"][value="${f}"]`).check()
    await Promise.all([
      amr.waitForURL((url) => /^\/sharing\/requests\/[0-9a-f]{24}$/.test(url.pathname)),
      amr.getByRole('button', { name: s.new.submit }).click(),
    ])
    const requestPath = new URL(amr.url()).pathname
    expect(await amr.locator('#confidentiality').textContent()).toContain(c.notReviewed)

    const psb = await signInAs('psb@demo.gd.example', '/agency')
    await psb.goto(requestPath)
    await psb.getByRole('button', { name: s.reply.agree }).click()
    await psb.getByText(zh.error.confidentiality.grantNotReviewed).waitFor()
    const panel = psb.locator('#confidentiality')
    await panel.getByLabel(c.note).fill('申请数据项限于登记审查所需的身份核验，不涉及国家秘密。')
    await panel.getByRole('button', { name: c.record }).click()
    await psb.getByText(c.recorded.passed).waitFor()
    await psb.screenshot({
      path: screenshotPath('confidentiality-03-grant-review'),
      fullPage: true,
    })
    await psb.getByRole('button', { name: s.reply.agree }).click()
    await psb.getByText(s.answered.granted).waitFor()

    await amr.goto(requestPath)
    await amr.getByRole('heading', { name: s.decision.granted }).waitFor()
    expect(await amr.locator('#confidentiality').textContent()).toContain(c.outcomes.passed)
    const [download] = await Promise.all([
      amr.waitForEvent('download'),
      amr.getByRole('link', { name: s.sealed }).click(),
    ])
    const sealed = JSON.parse(
      await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'),
    ) as { document: { confidentialityReview?: { outcome: string } } }
    expect(sealed.document.confidentialityReview?.outcome).toBe('passed')
    await amr.screenshot({ path: screenshotPath('confidentiality-04-granted'), fullPage: true })
  }, 180_000)
})
