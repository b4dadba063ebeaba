// Desensitizing a failed file from its scan report, in Chromium against the production build
// (C9; Art. 32): the provider sees every column with a suggested method, submits the form,
// and follows the queued job; the authority sets the minimum k per grade; the open portal shows
// the screening of each entry's files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import mongoose from 'mongoose'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProductVersion } from '#models/product-version'
import { ScanLink, ScanReport } from '#models/scan-report'
import { en } from '~/i18n/en'
import { zh } from '~/i18n/zh'
import { scanFile } from '~/services/desensitize/scanner.server'
import { makeResidentId } from '~/services/identity/codes'
import { contentStore } from '~/services/storage/store.server'
import {
  hydrated,
  launchBrowser,
  openPage,
  signIn,
  screenshotPath,
  startApp,
  type OpenedPage,
  type RunningApp,
} from './harness'

let app: RunningApp
let browser: Browser
let reportId = ''
const opened: OpenedPage[] = []
const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-desens-'))

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  // A submitted version of the provider whose file failed its scan, as the scan job leaves it.
  const file = path.join(dir, 'people.csv')
  const rows = Array.from(
    { length: 8 },
    (_, i) =>
      `${['张伟', '李娜', '王芳', '刘洋'][i % 4]},${makeResidentId(`4401061990030${i + 1}123`)},${i % 2 ? '男' : '女'},天河区`,
  )
  const bytes = '姓名,身份证号,性别,区域\n' + rows.join('\n') + '\n'
  writeFileSync(file, bytes)
  const stored = await contentStore().putBytes(bytes)
  const result = await scanFile(file)
  const conn = await mongoose
    .createConnection(process.env.MONGODB_URI!, { dbName: app.dbName })
    .asPromise()
  try {
    const provider = await conn.collection('users').findOne({ email: 'provider@demo.gd.example' })
    const orgId = String(provider!.orgId)
    const Version = conn.model('ProductVersion', ProductVersion.schema, 'product_versions')
    const seeded = await Version.findOne({ ownerOrgId: orgId }).lean()
    const { _id: _ignored, runId: _run, ...rest } = seeded as Record<string, unknown>
    const version = await Version.create({
      ...rest,
      number: 99,
      state: 'blocked',
      blockedReason: 'screening_failed',
      screening: { status: 'failed', source: 'scanner', at: new Date(), note: '' },
      distributions: [
        {
          key: 'people.csv',
          kind: 'file',
          title: { zh: 'people.csv', en: 'people.csv' },
          format: 'CSV',
          fileName: 'people.csv',
          mediaType: 'text/csv',
          sha256: stored.sha256,
          sizeBytes: stored.size,
          storageKey: stored.key,
          endpoint: null,
          scanRequested: true,
          addedAt: new Date(),
        },
      ],
    })
    const Report = conn.model('ScanReport', ScanReport.schema, 'scan_reports')
    const Link = conn.model('ScanLink', ScanLink.schema, 'scan_links')
    const doc = await Report.create({
      fileHash: result.fileHash!,
      schemaHash: result.schemaHash,
      profile: 'raw',
      status: result.status,
      format: result.format ?? undefined,
      encoding: result.encoding ?? undefined,
      bytes: result.bytes,
      blockingFindings: result.blockingFindings,
      result,
      orgId,
      fileRef: contentStore().fileRef(stored.key),
      createdAt: new Date(),
    })
    reportId = String(doc._id)
    const subjectRef = `product-version:${String(version._id)}`
    await Link.create({
      _id: `${subjectRef}|${reportId}`,
      subjectRef,
      reportId,
      status: result.status,
      orgId,
      at: new Date(),
    })
  } finally {
    await conn.close()
  }
}, 240_000)

afterAll(async () => {
  await Promise.all(opened.map((o) => o.context.close().catch(() => undefined)))
  await browser?.close()
  await app?.stop()
  rmSync(dir, { recursive: true, force: true })
}, 30_000)

function track(o: OpenedPage): OpenedPage {
  opened.push(o)
  return o
}

const loginAs = async (email: string, home: string, locale: string, javaScriptEnabled = true) =>
  track(await signIn(browser, app.baseUrl, email, { home, locale, javaScriptEnabled }))

describe('e2e: desensitize from a failed scan report', () => {
  it('art32 the provider picks a method per column and submits without JavaScript; the page follows the job', async () => {
    const o = await loginAs('provider@demo.gd.example', '/provider', 'zh-CN', false)
    const response = await o.page.goto(`/scans/${reportId}`)
    expect(response?.status()).toBe(200)
    const main = o.page.locator('main')
    expect(await main.innerText()).toContain(zh.scan.desensitize.title)
    // Every column is offered; the ID column comes with its suggested mask.
    await expect.poll(() => o.page.locator('select[name^="m_"]').count()).toBe(4)
    expect(await o.page.locator('select[name="m_1"]').inputValue()).toBe('mask')
    expect(await o.page.locator('input[name="head_1"]').inputValue()).toBe('6')
    await o.page.locator('select[name="m_0"]').selectOption('pseudonymize')
    await o.page.getByLabel(`性别: ${zh.scan.desensitize.qi}`).check()
    await o.page.screenshot({ path: screenshotPath('desensitize-form-zh'), fullPage: true })
    await Promise.all([
      o.page.waitForURL((url) => url.searchParams.has('job')),
      main.getByRole('button', { name: zh.scan.desensitize.apply }).click(),
    ])
    // No worker runs in this test: the job waits in the queue and the page says so (and reloads itself).
    expect(await main.innerText()).toContain(zh.scan.desensitize.job.waiting)
    expect(await o.page.locator('meta[http-equiv="refresh"]').count()).toBe(1)
    await o.page.screenshot({ path: screenshotPath('desensitize-queued-zh'), fullPage: true })
  })

  it('art32 the authority sets the minimum k per grade (en)', async () => {
    const o = await loginAs('authority@demo.gd.example', '/authority', 'en-US')
    await o.page.goto('/authority/desensitize-settings')
    await hydrated(o.page)
    const main = o.page.locator('main')
    expect(await main.innerText()).toContain(en.scan.settings.title)
    await o.page.getByLabel(en.scan.settings.general.replace('{{level}}', '2')).fill('8')
    await main.getByRole('button', { name: en.common.save }).click()
    await expect.poll(() => main.innerText()).toContain(en.scan.settings.saved)
    expect(
      await o.page.getByLabel(en.scan.settings.general.replace('{{level}}', '2')).inputValue(),
    ).toBe('8')
    await o.page.screenshot({ path: screenshotPath('desensitize-settings-en'), fullPage: true })
  })

  it('art32 the open portal shows whether each entry’s files passed the scan', async () => {
    const o = await openPage(browser, app.baseUrl, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    opened.push(o)
    await o.page.goto('/open')
    await hydrated(o.page)
    expect(await o.page.locator('[data-screening="passed"]').count()).toBeGreaterThan(0)
    await o.page.screenshot({ path: screenshotPath('open-portal-screening-zh'), fullPage: true })
  })
})
