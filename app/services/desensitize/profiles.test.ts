// The provider's way out of a failed scan, end to end on the run's own database and Redis: a
// submitted version's file fails, the provider chooses methods on the report page (no-JS form),
// the `desensitize-apply` job writes the output and puts it in place of the file, the output's
// scan passes, and the listing sweep publishes the version. And the authority's minimum k.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LedgerEntry } from '#models/ledger-entry'
import { ProductVersion } from '#models/product-version'
import { ScanLink } from '#models/scan-report'
import { closeQueues, getQueue } from '#jobs/queues'
import { desensitizeApply } from '#jobs/processors/desensitize-apply'
import { listingSweep } from '#jobs/processors/listing-sweep'
import { scan } from '#jobs/processors/scan'
import { action as reportAction, loader as reportLoader } from '~/routes/scans.$id'
import {
  action as settingsAction,
  loader as settingsLoader,
} from '~/routes/authority.desensitize-settings'
import { loader as versionLoader } from '~/routes/provider.products.$productId.versions.$number'
import type { AuthUser } from '~/services/identity/auth.server'
import { makeResidentId } from '~/services/identity/codes'
import { createProduct } from '~/services/products/products.server'
import {
  addFileToDraft,
  createDraftVersion,
  submitVersion,
} from '~/services/products/versions.server'
import { contentStore } from '~/services/storage/store.server'
import { BASE, formRequest, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser, productInput, seededEntryId } from '../../../tests/fixtures/products'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import type { DesensitizeOffer } from './profiles.server'
import { minKByGrade } from './settings.server'

const storage = mkdtempSync(path.join(os.tmpdir(), 'desens-profiles-'))
process.env.STORAGE_DIR = storage

const SURNAMES = ['张', '李', '王', '刘', '陈', '杨']
const GIVEN = ['伟', '娜', '芳', '敏', '静', '磊']
const DISTRICTS = ['天河区', '越秀区']
/** 24 people: (性别, 区域) classes of 6 each, so k = 6 holds and k = 7 does not. */
function rawCsv(): string {
  const lines = ['姓名,身份证号,手机号码,出生日期,性别,区域,金额']
  for (let i = 0; i < 24; i++) {
    const birth = `19${70 + i}-0${1 + (i % 9)}-1${i % 10}`
    const id = makeResidentId(`440106${birth.replace(/-/g, '')}${String(100 + i).slice(-3)}`)
    lines.push(
      `${SURNAMES[i % 6]}${GIVEN[(i * 5) % 6]},${id},138${String(10_000_000 + i * 7919).slice(0, 8)},${birth},${i % 2 ? '男' : '女'},${DISTRICTS[Math.floor(i / 2) % 2]},${100 + i}`,
    )
  }
  return lines.join('\n') + '\n'
}

/** What the worker does with the queued jobs of one subject. */
async function queued(name: 'scan' | 'desensitize-apply', subjectRef: string) {
  const jobs = (await getQueue(name).getJobs(['waiting', 'prioritized', 'delayed'])).filter(
    (j) => (j.data as { subjectRef: string }).subjectRef === subjectRef,
  )
  for (const job of jobs) await job.remove()
  return jobs.map((j) => j.data)
}
async function runScans(subjectRef: string) {
  const out = []
  for (const data of await queued('scan', subjectRef)) out.push(await scan(data))
  return out
}

describe('desensitizing a failed file and the minimum k', () => {
  useTestDb()
  let provider: AuthUser
  let cookie: string
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    provider = await demoUser('provider@demo.gd.example')
    cookie = await sessionCookieFor('provider@demo.gd.example')
  })
  afterAll(async () => {
    await closeQueues()
    rmSync(storage, { recursive: true, force: true })
  })

  it('art32 the provider picks methods on the failed report; the job replaces the file, the rescan passes and the version is listed', async () => {
    const open = await seededEntryId('amr', '0001')
    const { id: productId } = await createProduct(
      provider,
      productInput({ grade: { tier: 'general', level: 2 } }),
    )
    const draft = await createDraftVersion(provider, productId, {
      note: { zh: '', en: '' },
      inputs: [{ kind: 'catalog-entry', id: open }],
      activity: { label: { zh: '汇总', en: '' }, description: '', parameters: '{}' },
      schema: [],
    })
    const raw = rawCsv()
    const stored = await contentStore().putBytes(raw)
    await addFileToDraft(provider, productId, draft.number, {
      fileName: 'people.csv',
      extension: 'csv',
      mediaType: 'text/csv',
      stored,
    })
    await submitVersion(provider, productId, draft.number)
    const subject = `product-version:${draft.id}`
    const [first] = await runScans(subject)
    expect(first!.status).toBe('failed')
    await listingSweep({ reason: 'manual' })
    expect(await ProductVersion.findById(draft.id).lean()).toMatchObject({
      state: 'blocked',
      blockedReason: 'screening_failed',
    })
    const reportId = first!.reportId
    // The version page links the failed report.
    const versionPage = await settle(() =>
      versionLoader({
        request: new Request(`${BASE}/provider/products/${productId}/versions/${draft.number}`, {
          headers: { Cookie: cookie },
        }),
        params: { productId, number: String(draft.number) },
        context: {},
      }),
    )
    expect(((await versionPage.json()) as { scanReports: unknown[] }).scanReports).toEqual([
      expect.objectContaining({ reportId, status: 'failed' }),
    ])

    // The report page offers every column, flagged ones with a suggested method.
    const page = await settle(() =>
      reportLoader({
        request: new Request(`${BASE}/scans/${reportId}`, { headers: { Cookie: cookie } }),
        params: { id: reportId },
        context: {},
      }),
    )
    expect(page.status).toBe(200)
    const { offer } = (await page.json()) as { offer: DesensitizeOffer }
    expect(offer.targets.map((t) => t.subject)).toEqual([subject])
    expect(offer.columns.map((c) => c.name)).toEqual([
      '姓名',
      '身份证号',
      '手机号码',
      '出生日期',
      '性别',
      '区域',
      '金额',
    ])
    expect(offer.minK).toBe(5)
    const byName = Object.fromEntries(offer.columns.map((c) => [c.name, c]))
    expect(byName['身份证号']!.spec).toMatchObject({ method: 'mask', keepHead: 6, keepTail: 4 })
    expect(byName['金额']!.spec).toEqual({ method: 'keep' })

    // What a browser without JavaScript posts: the defaults, one change, and two quasi-identifiers.
    const fields: Record<string, string> = { subject, name: 'people-v1' }
    for (const c of offer.columns) {
      fields[`col_${c.index}`] = c.name
      fields[`m_${c.index}`] = c.spec.method
      fields[`head_${c.index}`] = String(c.spec.method === 'mask' ? c.spec.keepHead : 0)
      fields[`tail_${c.index}`] = String(c.spec.method === 'mask' ? c.spec.keepTail : 0)
      fields[`to_${c.index}`] = c.spec.method === 'generalize' ? c.spec.to : 'year'
      fields[`alg_${c.index}`] = 'hmac-sm3'
    }
    fields[`m_${byName['出生日期']!.index}`] = 'generalize'
    fields[`to_${byName['出生日期']!.index}`] = 'year'
    const body = new URLSearchParams(fields)
    body.append('qi', '性别')
    body.append('qi', '区域')
    body.append('removeBelowK', 'on')

    const post = (b: URLSearchParams, c = cookie) =>
      settle(() =>
        reportAction({
          request: new Request(`${BASE}/scans/${reportId}`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/x-www-form-urlencoded',
              Cookie: c,
              Origin: BASE,
            },
            body: b.toString(),
          }),
          params: { id: reportId },
          context: {},
        }),
      )
    // A quasi-identifier cannot be suppressed: 400 with the field named, nothing queued.
    const bad = new URLSearchParams(body)
    bad.set(`m_${byName['区域']!.index}`, 'suppress')
    const refused = await post(bad)
    expect(refused.status).toBe(400)
    expect(
      ((await refused.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors.qi,
    ).toBeDefined()
    // Another provider does not see the report at all.
    expect((await post(body, await sessionCookieFor('provider2@demo.gd.example'))).status).toBe(404)
    expect(await getQueue('desensitize-apply').getJobCounts('waiting')).toMatchObject({
      waiting: 0,
    })

    const sent = await post(body)
    expect(sent.status).toBe(302)
    const jobId = new URL(sent.headers.get('Location')!, BASE).searchParams.get('job')!
    expect(jobId).toMatch(new RegExp(`^desensitize-${reportId}-`))

    // The worker: apply (output, provenance, ledger, the file replaced), then the output's scan.
    const [applyJob] = await queued('desensitize-apply', subject)
    const applied = await desensitizeApply(applyJob)
    // A retried job changes nothing more: one result, the file replaced once, one ledger entry each.
    expect(await desensitizeApply(applyJob)).toMatchObject({
      resultId: applied.resultId,
      created: false,
    })
    const output = (await contentStore().readAll(applied.outputFileRef)).toString('utf8')
    expect(output.split('\n')[0]).toBe('姓名,身份证号,手机号码,出生日期,性别,区域,金额')
    for (const line of raw.split('\n').slice(1, -1)) {
      const [name, id] = line.split(',')
      expect(output).not.toContain(id)
      expect(output).not.toContain(`${name},`)
    }
    expect(output).toContain('440106********')
    const version = await ProductVersion.findById(draft.id).lean()
    expect(version!.distributions[0]).toMatchObject({
      sha256: applied.provenance.outputHash,
      fileName: 'people.desensitized.csv',
      format: 'CSV',
    })
    expect(version!.distributions[0]!.storageKey).not.toBe(stored.key)

    const [rescan] = await runScans(subject)
    expect(rescan).toMatchObject({ status: 'passed', fileHash: applied.provenance.outputHash })
    await listingSweep({ reason: 'manual' })
    expect(await ProductVersion.findById(draft.id).lean()).toMatchObject({
      state: 'published',
      screening: { status: 'passed' },
    })

    // The page shows the outcome: the run, its rescan and the version's screening.
    const after = await settle(() =>
      reportLoader({
        request: new Request(`${BASE}/scans/${reportId}?job=${jobId}`, {
          headers: { Cookie: cookie },
        }),
        params: { id: reportId },
        context: {},
      }),
    )
    const progress = (
      (await after.json()) as {
        progress: {
          job: { state: string } | null
          runs: { scan: { status: string } | null; screening: string }[]
        }
      }
    ).progress
    expect(progress.runs).toHaveLength(1)
    expect(progress.runs[0]).toMatchObject({ scan: { status: 'passed' }, screening: 'passed' })

    const actions = (await LedgerEntry.find({ subjects: subject }).sort({ _id: 1 }).lean()).map(
      (e) => e.action,
    )
    expect(actions).toEqual(
      expect.arrayContaining([
        'scan.failed',
        'desensitize.requested',
        'desensitize.applied',
        'product.version.file_desensitized',
        'scan.passed',
        'product.version.published',
      ]),
    )
    expect(actions.indexOf('product.version.file_desensitized')).toBeLessThan(
      actions.indexOf('scan.passed'),
    )
    for (const once of [
      'desensitize.requested',
      'desensitize.applied',
      'product.version.file_desensitized',
    ])
      expect(actions.filter((a) => a === once)).toHaveLength(1)
    expect(
      await ScanLink.countDocuments({ subjectRef: subject, status: 'passed' }),
    ).toBeGreaterThanOrEqual(1)
  })

  it('art32 the authority raises the minimum k for a grade and a file that passed fails its next scan', async () => {
    const csv =
      [
        '性别,区域,数量',
        ...Array.from(
          { length: 12 },
          (_, i) => `${i % 2 ? '男' : '女'},${i % 4 < 2 ? '天河区' : '越秀区'},${i}`,
        ),
      ].join('\n') + '\n'
    const payload = {
      fileRef: (await contentStore().putBytes(csv)).key,
      subjectRef: 'product-version:kcheck',
      schema: { quasiIdentifiers: ['性别', '区域'], grade: 'general-2' },
    }
    const authority = await sessionCookieFor('authority@demo.gd.example')
    const save = (fields: Record<string, string>, c = authority) =>
      settle(() =>
        settingsAction({
          request: formRequest('/authority/desensitize-settings', fields, { cookie: c }),
          params: {},
          context: {},
        }),
      )

    // Default 5: classes of 3 fail.
    expect((await scan(payload)).status).toBe('failed')
    expect((await save({ k_default: '5', 'k_general-2': '3' })).status).toBe(200)
    expect(await minKByGrade()).toMatchObject({ default: 5, 'general-2': 3 })
    expect((await scan(payload)).status).toBe('passed')
    // Raised to 4 for that grade: the same bytes, the same declarations — judged again, and failed.
    expect((await save({ k_default: '5', 'k_general-2': '4' })).status).toBe(200)
    const again = await scan(payload)
    expect(again).toMatchObject({ status: 'failed', created: true })
    // Another grade still uses the default.
    expect(
      (await scan({ ...payload, schema: { ...payload.schema, grade: 'important' } })).status,
    ).toBe('failed')
    expect((await LedgerEntry.find({ action: 'desensitize.min_k_set' }).lean()).length).toBe(2)

    // Bad input: an unknown grade, k below 2, no default — 400 with a message; a provider is refused.
    expect((await save({ k_default: '5', k_secret: '3' })).status).toBe(400)
    expect((await save({ k_default: '1' })).status).toBe(400)
    expect((await save({ 'k_general-2': '7' })).status).toBe(400)
    expect((await save({ k_default: '5' }, cookie)).status).toBe(403)
    const page = await settle(() =>
      settingsLoader({
        request: new Request(`${BASE}/authority/desensitize-settings`, {
          headers: { Cookie: authority },
        }),
        params: {},
        context: {},
      }),
    )
    expect(((await page.json()) as { table: Record<string, number> }).table).toMatchObject({
      default: 5,
      'general-2': 4,
    })
  })
})
