// The desensitization scan report page in Chromium against the production build (C9;
// Art. 32): the provider who asked sees each finding, where, and the suggested method, in Chinese
// and English; another provider gets a 404.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import mongoose from 'mongoose'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ScanLink, ScanReport } from '#models/scan-report'
import { en } from '~/i18n/en'
import { zh } from '~/i18n/zh'
import { scanFile } from '~/services/desensitize/scanner.server'
import { declaredSchemaSchema } from '~/services/desensitize/schemas'
import { makeResidentId } from '~/services/identity/codes'
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
let reportId = ''
const opened: OpenedPage[] = []
const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-scan-'))

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  // A failed scan of a small file, recorded in the app's database as the scan job records it.
  const file = path.join(dir, 'people.csv')
  const rows = Array.from(
    { length: 8 },
    (_, i) =>
      `${['张伟', '李娜', '王芳', '刘洋'][i % 4]},${makeResidentId(`4401061990030${i + 1}123`)},男,3${i % 2}`,
  )
  writeFileSync(file, '姓名,身份证号,性别,年龄\n' + rows.join('\n') + '\n')
  const schema = declaredSchemaSchema.parse({
    columns: [{ name: '身份证号', personal: false }],
    quasiIdentifiers: ['性别', '年龄'],
  })
  const result = await scanFile(file, { schema })
  const conn = await mongoose
    .createConnection(process.env.MONGODB_URI!, { dbName: app.dbName })
    .asPromise()
  try {
    const provider = await conn.collection('users').findOne({ email: 'provider@demo.gd.example' })
    const orgId = String(provider!.orgId)
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
      fileRef: 'people.csv',
      createdAt: new Date('2026-11-20T08:00:00Z'),
    })
    reportId = String(doc._id)
    await Link.create({
      _id: `product-version:pv1|${reportId}`,
      subjectRef: 'product-version:pv1',
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

const loginAs = async (email: string, home: string, locale: string) =>
  track(await signIn(browser, app.baseUrl, email, { home, locale }))

describe('e2e: scan report page', () => {
  it('art32 the provider sees each finding, where, and the suggested method (zh)', async () => {
    const o = await loginAs('provider@demo.gd.example', '/provider', 'zh-CN')
    const response = await o.page.goto(`/scans/${reportId}`)
    expect(response?.status()).toBe(200)
    await hydrated(o.page)
    const text = await o.page.locator('main').innerText()
    expect(text).toContain(zh.scan.title)
    expect(text).toContain(zh.scan.failed)
    expect(text).toContain(zh.scan.detectors.resident_id)
    expect(text).toContain(zh.scan.declaredNotPersonal)
    expect(text).toMatch(/2 3 4 5 6/)
    expect(text).toContain(zh.scan.kTitle)
    await o.page.screenshot({ path: screenshotPath('scan-report-zh'), fullPage: true })
    expect(o.console.hydrationErrors()).toEqual([])
    expect(o.console.unexpected()).toEqual([])
  })

  it('the same report in English, and hidden from another provider', async () => {
    const o = await loginAs('provider@demo.gd.example', '/provider', 'en-US')
    await o.page.goto(`/scans/${reportId}`)
    await hydrated(o.page)
    expect(await o.page.locator('main').innerText()).toContain(en.scan.detectors.person_name)
    await o.page.screenshot({ path: screenshotPath('scan-report-en'), fullPage: true })
    const other = await loginAs('provider2@demo.gd.example', '/provider', 'zh-CN')
    const refused = await other.page.goto(`/scans/${reportId}`)
    expect(refused?.status()).toBe(404)
  })
})
