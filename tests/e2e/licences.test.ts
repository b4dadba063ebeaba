// Licences and delivery in Chromium against the production build (C8; Art. 24, 38; issue 8
// fingerprint look-up): the buyer's licence list and licence page (terms in plain words, the
// fingerprinted copy and its signed download link) in Chinese and English, the download itself,
// the regulator tracing a leaked two thirds of the buyer's copy back to the buyer's licence, and an API
// licence whose rows come from its own fingerprinted copy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Delivery } from '#models/delivery'
import { Licence } from '#models/licence'
import { Product } from '#models/product'
import { en } from '~/i18n/en'
import { zh } from '~/i18n/zh'
import { deliverLicence } from '~/services/delivery/deliver.server'
import { issueLicence, termsFromTemplate } from '~/services/licences/issue.server'
import { contentStore } from '~/services/storage/store.server'
import { connectDb, disconnectDb } from '~/utils/db.server'
import { closeRedis } from '~/utils/redis.server'
import { closeQueues } from '#jobs/queues'
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
let licenceId = ''
let copyKey = ''
const opened: OpenedPage[] = []
const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-licences-'))

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  // The delivery job's own service, run here against the app's database and content store (the
  // e2e server runs no worker): the buyer's seeded licence to the land-use data gets its copy.
  process.env.MONGODB_DB = app.dbName
  await connectDb()
  const licence = await Licence.findOne({ sourceRef: 'demo:buyer-land-use-parcels' }).lean()
  licenceId = String(licence!._id)
  const out = await deliverLicence(licenceId)
  copyKey = (await Delivery.findById(out.deliveries[0]!.id).lean())!.storageKey!
}, 240_000)

afterAll(async () => {
  await Promise.all(opened.map((o) => o.context.close().catch(() => undefined)))
  await browser?.close()
  await closeQueues()
  await closeRedis()
  await disconnectDb()
  await app?.stop()
  rmSync(dir, { recursive: true, force: true })
}, 30_000)

function track(o: OpenedPage): OpenedPage {
  opened.push(o)
  return o
}

const loginAs = async (email: string, home: string, locale: string) =>
  track(await signIn(browser, app.baseUrl, email, { home, locale }))

describe('e2e: licences and delivery', () => {
  it('art38 the buyer reads its licence in plain words and downloads its fingerprinted copy (zh)', async () => {
    const o = await loginAs('buyer@demo.gd.example', '/buyer', 'zh-CN')
    await o.page.goto('/licences')
    await hydrated(o.page)
    expect(await o.page.locator('main').innerText()).toContain(zh.licences.title)
    await o.page.screenshot({ path: screenshotPath('licences-list-zh'), fullPage: true })

    const response = await o.page.goto(`/licences/${licenceId}`)
    expect(response?.status()).toBe(200)
    await hydrated(o.page)
    const text = await o.page.locator('main').innerText()
    expect(text).toContain(zh.licences.termsTitle)
    expect(text).toContain(zh.licences.redistributionNo)
    expect(text).toContain(zh.licences.fingerprintNotice)
    await o.page.screenshot({ path: screenshotPath('licence-page-zh'), fullPage: true })

    const href = await o.page.getByRole('link', { name: zh.licences.download }).getAttribute('href')
    expect(href).toMatch(new RegExp(`^/licences/${licenceId}/download/`))
    const file = await o.page.request.get(href!)
    expect(file.status()).toBe(200)
    expect(Buffer.from(await file.body())).toEqual(await contentStore().readAll(copyKey))
    // A tampered link is refused with a message.
    const forged = await o.page.request.get(
      href!.replace(/expires=(\d+)/, (_, n: string) => `expires=${Number(n) + 60}`),
    )
    expect(forged.status()).toBe(403)
    expect(await forged.text()).toContain('签名')
    expect(o.console.hydrationErrors()).toEqual([])
    expect(o.console.unexpected()).toEqual([])
  })

  it('the same licence page in English', async () => {
    const o = await loginAs('buyer@demo.gd.example', '/buyer', 'en-US')
    await o.page.goto(`/licences/${licenceId}`)
    await hydrated(o.page)
    const text = await o.page.locator('main').innerText()
    expect(text).toContain(en.licences.termsTitle)
    expect(text).toContain(en.licences.toleranceTitle)
    await o.page.screenshot({ path: screenshotPath('licence-page-en'), fullPage: true })
    expect(o.console.hydrationErrors()).toEqual([])
  })

  it('art38 the regulator traces a leaked two thirds of the buyer’s copy to the buyer’s licence', async () => {
    const copy = (await contentStore().readAll(copyKey)).toString('utf8').trim().split(/\r?\n/)
    const leak = path.join(dir, 'leaked.csv')
    writeFileSync(
      leak,
      [
        copy[0],
        ...copy
          .slice(1)
          .filter((_, i) => i % 3 !== 0)
          .reverse(),
      ].join('\n') + '\n',
    )
    const o = await loginAs('regulator@demo.gd.example', '/regulator', 'zh-CN')
    await o.page.goto('/regulator/fingerprint')
    await hydrated(o.page)
    await o.page.locator('input[name=file]').setInputFiles(leak)
    await o.page.getByRole('button', { name: zh.licences.lookupRun }).click()
    await o.page.locator('main table').getByText(licenceId).waitFor()
    const text = await o.page.locator('main').innerText()
    expect(text).toContain(licenceId)
    expect(text).toContain('佛山智造金融服务有限公司')
    await o.page.screenshot({ path: screenshotPath('fingerprint-lookup-zh'), fullPage: true })
    expect(o.console.hydrationErrors()).toEqual([])
  })

  it('art38 an API licence: the buyer issues its key on the page and reads rows from its own fingerprinted copy, which has no download (en)', async () => {
    const seeded = (await Licence.findOne({ sourceRef: 'demo:buyer-land-use-parcels' }).lean())!
    const product = (await Product.findById(seeded.productId).lean())!
    const { licenceId: apiLicence } = await issueLicence({
      source: 'order',
      sourceRef: 'e2e:api-licence',
      licenseeOrgId: seeded.licenseeOrgId,
      licensorOrgId: seeded.licensorOrgId,
      productId: seeded.productId ?? null,
      versionId: null,
      catalogEntryId: null,
      pricePlanKey: product.pricePlans[0]?.key ?? null,
      callsQuota: 5,
      terms: termsFromTemplate(product.licenceTemplate, new Date(Date.now() - 86_400_000), {
        deliveryMode: 'api',
      }),
      actor: { orgId: seeded.licensorOrgId },
    })
    await deliverLicence(apiLicence)
    const copy = (await Delivery.findOne({ licenceId: apiLicence, kind: 'api' }).lean())!
    expect(copy.fingerprinted).toBe(true)

    const o = await loginAs('buyer@demo.gd.example', '/buyer', 'en-US')
    await o.page.goto(`/licences/${apiLicence}`)
    await hydrated(o.page)
    const text = await o.page.locator('main').innerText()
    expect(text).toContain(en.licences.apiCopyNote)
    expect(text).toContain(en.licences.apiTitle)
    expect(await o.page.getByRole('link', { name: en.licences.download }).count()).toBe(0)
    await o.page.getByRole('button', { name: en.licences.apiIssue }).click()
    const key = (await o.page.locator('.secret').innerText()).trim()
    expect(key).toMatch(/^gdpl_/)
    await o.page.screenshot({ path: screenshotPath('licence-api-en'), fullPage: true })

    const rows = await o.page.request.get(`/api/v1/licences/${apiLicence}/rows?limit=3`, {
      headers: { Authorization: `Bearer ${key}` },
    })
    expect(rows.status()).toBe(200)
    const body = (await rows.json()) as {
      fields: string[]
      rows: Record<string, string>[]
      calls: { used: number; quota: number }
    }
    expect(body.fields).toEqual(copy.fields)
    const mine = (await contentStore().readAll(copy.storageKey!))
      .toString('utf8')
      .trim()
      .split(/\r?\n/)
    expect(body.rows.map((r) => body.fields.map((f) => r[f]).join(','))).toEqual(mine.slice(1, 4))
    expect(body.calls).toEqual({ used: 1, quota: 5 })
    expect(o.console.hydrationErrors()).toEqual([])
    expect(o.console.unexpected()).toEqual([])
  })

  it('art38 the authority revokes the licence; the buyer’s download link stops working at once', async () => {
    const buyer = await loginAs('buyer@demo.gd.example', '/buyer', 'en-US')
    await buyer.page.goto(`/licences/${licenceId}`)
    await hydrated(buyer.page)
    const href = await buyer.page
      .getByRole('link', { name: en.licences.download })
      .getAttribute('href')
    const authority = await loginAs('authority@demo.gd.example', '/authority', 'en-US')
    await authority.page.goto(`/licences/${licenceId}`)
    await hydrated(authority.page)
    await authority.page
      .getByLabel(en.licences.revokeReason)
      .fill('Redistributed without permission (test)')
    await authority.page.getByRole('button', { name: en.licences.revoke }).click()
    await authority.page.getByText(en.licences.standing.revoked, { exact: true }).first().waitFor()
    await authority.page.screenshot({ path: screenshotPath('licence-revoked-en'), fullPage: true })
    const refused = await buyer.page.request.get(href!, { headers: { 'Accept-Language': 'en' } })
    expect(refused.status()).toBe(403)
    expect(await refused.text()).toBe(en.error.licences.revoked)
  })
})
