// Orders and payment by bank transfer (C8; Art. 24, 38) in Chromium against the production
// build, JavaScript switched off: the buyer orders the enterprise statistics with the licence
// template's purpose and scenario and sees the remittance reference; the authority confirms the
// transfer (a wrong amount first, refused); the buyer's order is paid with its licence and receipts;
// the real worker (started beside the server) delivers the fingerprinted copy and the buyer downloads it.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { en } from '~/i18n/en'
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
const o = zh.orders

beforeAll(async () => {
  app = await startApp({ worker: true })
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  await Promise.all(opened.map((p) => p.context.close().catch(() => undefined)))
  await browser?.close()
  await app?.stop()
}, 30_000)

function track(o: OpenedPage): OpenedPage {
  opened.push(o)
  return o
}

const signInAs = async (
  email: string,
  home: string,
  locale: 'zh-CN' | 'en-US' = 'zh-CN',
): Promise<Page> =>
  track(await signIn(browser, app.baseUrl, email, { home, locale, javaScriptEnabled: false })).page

describe('e2e: buying by bank transfer', () => {
  it('the buyer orders, the authority confirms the transfer, the order is paid with a licence', async () => {
    const buyer = await signInAs('buyer@demo.gd.example', '/buyer')
    await buyer.getByRole('link', { name: o.buy, exact: true }).click()
    await buyer.waitForURL((url) => url.pathname === '/market')
    await buyer.goto('/market?q=企业登记统计')
    await buyer.getByRole('link', { name: '广东省企业登记统计数据集' }).first().click()
    await buyer.locator('#buy-product').click()
    await buyer.waitForURL((url) => /^\/market\/[0-9a-f]{24}\/order$/.test(url.pathname))
    expect(await buyer.locator('#order-purpose').inputValue()).not.toBe('')
    await buyer.locator('#order-scenario').fill('佛山市制造业企业授信前的行业景气分析')
    await buyer.locator('input[name="method"][value="bank_transfer"]').check()
    await buyer.screenshot({ path: screenshotPath('orders-form'), fullPage: true })
    await Promise.all([
      buyer.waitForURL((url) => /^\/orders\/[0-9a-f]{24}$/.test(url.pathname)),
      buyer.locator('#place-order').click(),
    ])
    const orderPath = new URL(buyer.url()).pathname
    const ref = (await buyer.locator('#remittance-ref').textContent())!.trim()
    expect(ref).toMatch(/^GD[2-9A-Z]{10}$/)
    expect(await buyer.locator('#order-status').textContent()).toBe(o.statuses.awaiting_payment)
    await buyer.screenshot({ path: screenshotPath('orders-awaiting-transfer'), fullPage: true })

    const authority = await signInAs('authority@demo.gd.example', '/authority')
    await authority.getByRole('link', { name: o.links.awaiting }).first().click()
    await authority.waitForURL((url) => url.pathname === '/authority/payments')
    const row = authority.locator(`tr[data-remittance-ref="${ref}"]`)
    await row.getByPlaceholder(o.awaiting.received).fill('1999.99')
    await row.getByPlaceholder(o.bankReference).fill('ICBC-20261127-8841')
    await row.getByRole('button', { name: o.awaiting.confirm }).click()
    await authority.getByRole('alert').filter({ hasText: zh.error.orders.amountMismatch }).waitFor()
    await authority.screenshot({
      path: screenshotPath('orders-transfer-amount-mismatch'),
      fullPage: true,
    })
    const row2 = authority.locator(`tr[data-remittance-ref="${ref}"]`)
    await row2.getByPlaceholder(o.awaiting.received).fill('2,000.00')
    await row2.getByPlaceholder(o.bankReference).fill('ICBC-20261127-8841')
    await Promise.all([
      authority.waitForURL((url) => url.searchParams.has('confirmed')),
      row2.getByRole('button', { name: o.awaiting.confirm }).click(),
    ])
    await authority.screenshot({
      path: screenshotPath('orders-transfer-confirmed'),
      fullPage: true,
    })

    await buyer.goto(orderPath)
    expect(await buyer.locator('#order-status').textContent()).toBe(o.statuses.paid)
    expect(await buyer.locator('#order-licence-link').getAttribute('href')).toMatch(
      /^\/licences\/[0-9a-f]{24}$/,
    )
    expect(await buyer.locator('#payments-table').textContent()).toContain('ICBC-20261127-8841')
    expect(await buyer.locator('#order-receipts .receipt').count()).toBe(2)
    await buyer.screenshot({ path: screenshotPath('orders-paid'), fullPage: true })
    await buyer.goto('/orders')
    await buyer.screenshot({ path: screenshotPath('orders-list'), fullPage: true })

    // Art. 38: the delivery job (the worker beside the server) makes the buyer's fingerprinted copy;
    // the licence page then offers its signed, expiring link, and the download is the data.
    await buyer.goto(orderPath)
    await buyer.locator('#order-licence-link').click()
    await buyer.waitForURL((url) => /^\/licences\/[0-9a-f]{24}$/.test(url.pathname))
    const licencePath = new URL(buyer.url()).pathname
    const downloadLink = buyer.getByRole('link', { name: zh.licences.download }).first()
    await expect
      .poll(
        async () => {
          await buyer.goto(licencePath)
          return downloadLink.count()
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBeGreaterThan(0)
    await buyer.screenshot({ path: screenshotPath('orders-licence-delivered'), fullPage: true })
    const href = (await downloadLink.getAttribute('href'))!
    expect(href).toMatch(new RegExp(`^${licencePath}/download/`))
    const response = await buyer.request.get(href)
    expect(response.status()).toBe(200)
    const body = await response.text()
    expect(body.split('\n').filter((line) => line.trim() !== '').length).toBeGreaterThan(1)

    // The worker's notice of the delivery is in the buyer's notification centre, counted in the
    // header until read; marking all read (without JavaScript) clears the count.
    const n = zh.notifications
    await expect
      .poll(
        async () => {
          await buyer.goto('/notifications')
          return buyer
            .getByRole('link', { name: n.kinds['licence.delivered'].split('（')[0]! })
            .count()
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBeGreaterThan(0)
    expect(await buyer.locator('header .badge.count').count()).toBe(1)
    await buyer.screenshot({ path: screenshotPath('notifications'), fullPage: true })
    await buyer.getByRole('button', { name: n.readAll }).click()
    await buyer.getByText(n.marked.split(' ')[0]!).first().waitFor()
    expect(await buyer.locator('header .badge.count').count()).toBe(0)

    // The regulator reads the same order in English, with no buttons to change it.
    const regulator = await signInAs('regulator@demo.gd.example', '/regulator', 'en-US')
    await regulator.goto(orderPath)
    expect(await regulator.locator('#order-status').textContent()).toBe(en.orders.statuses.paid)
    expect(
      await regulator.locator('#refund-form, #cancel-form, #confirm-transfer-form').count(),
    ).toBe(0)
    await regulator.screenshot({ path: screenshotPath('orders-paid-regulator-en'), fullPage: true })
  }, 120_000)
})
