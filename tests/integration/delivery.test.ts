// Integration (issue 6 Licences & Delivery): real FerretDB, real Redis, the real worker process.
// Delivery of a seeded licence yields a fingerprinted copy traced back to it; Art. 24 projection;
// enforcement at use (expiry, revocation, link signature); the API quota; the expiry sweep; and a
// worker SIGKILLed mid-file then restarted leaves exactly one delivery, one ledger entry, one copy.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const storage = mkdtempSync(path.join(os.tmpdir(), 'gdpde-delivery-'))
process.env.STORAGE_DIR = storage
const prefix = `test-delivery-${process.env.VITEST_POOL_ID ?? 0}-${Date.now()}`
process.env.QUEUE_PREFIX = prefix

import { DelayedError, Worker, type Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Delivery } from '#models/delivery'
import { Licence, LicenceEvent } from '#models/licence'
import { LedgerEntry } from '#models/ledger-entry'
import { OpenDataFile } from '#models/open-data-file'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { closeQueues, getQueue } from '#jobs/queues'
import { deliver } from '#jobs/processors/deliver'
import { licenceSweep } from '#jobs/processors/licence-sweeps'
import { loader as downloadLoader } from '~/routes/licences.$licenceId.download.$key'
import { loader as rowsLoader } from '~/routes/api.v1.licences.$licenceId.rows'
import {
  action as licenceAction,
  loader as licenceLoader,
} from '~/routes/licences.$licenceId._index'
import { action as fingerprintAction } from '~/routes/regulator.fingerprint'
import { computeReport, periodOf } from '~/services/supervision/figures.server'
import { loader as odrlLoader } from '~/routes/licences.$licenceId.odrl[.]json'
import { callQuota, issueLicenceApiKey } from '~/services/delivery/api-access.server'
import { deliverLicence, enqueueMissingDeliveries } from '~/services/delivery/deliver.server'
import { identifyLeak } from '~/services/delivery/fingerprint/identify.server'
import { syntheticCsv } from '~/services/delivery/fingerprint/testing/synthetic'
import { signDownloadLink } from '~/services/delivery/links.server'
import { identifyAgainstDeliveries } from '~/services/delivery/lookup.server'
import { expireDueLicences, reinstateAfterExtension } from '~/services/licences/expiry.server'
import { issueLicence, termsFromTemplate } from '~/services/licences/issue.server'
import { revokeLicence } from '~/services/licences/revoke.server'
import { contentStore } from '~/services/storage/store.server'
import { dbName } from '~/utils/db.server'
import { createRedis, getRedis } from '~/utils/redis.server'
import { BASE, demoEmail, formRequest, sessionCookieFor, settle } from '../fixtures/auth'
import { demoUser } from '../fixtures/products'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const DAY = 86_400_000

async function seededLicence(sourceRef: string) {
  const l = await Licence.findOne({ sourceRef }).lean()
  if (!l) throw new Error(`no seeded licence ${sourceRef}`)
  return l
}

async function product(seedKey: string) {
  const p = await Product.findOne({ seedKey }).lean()
  if (!p) throw new Error(`no seeded product ${seedKey}`)
  return p
}

let counter = 0
/** A licence issued the way orders and research grants issue them (it enqueues its delivery job, which no worker here takes). */
async function licenceFor(
  seedKey: string,
  holderEmail: string,
  overrides: Parameters<typeof termsFromTemplate>[2] = {},
  plan?: string,
  callsQuota?: number,
) {
  const p = await product(seedKey)
  const holder = await demoUser(holderEmail)
  const issued = await issueLicence({
    source: 'order',
    sourceRef: `test:${++counter}:${Date.now()}`,
    licenseeOrgId: holder.org!.id,
    licensorOrgId: p.ownerOrgId,
    productId: String(p._id),
    versionId: null,
    catalogEntryId: null,
    pricePlanKey: plan ?? p.pricePlans[0]?.key ?? null,
    ...(callsQuota !== undefined ? { callsQuota } : {}),
    terms: termsFromTemplate(p.licenceTemplate, new Date(Date.now() - DAY), overrides),
    actor: { orgId: p.ownerOrgId },
  })
  return issued.licenceId
}

function storedCopy(key: string): Promise<Buffer> {
  return contentStore().readAll(key)
}

describe('licences and delivery', () => {
  useTestDb()
  let buyerCookie: string

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    buyerCookie = await sessionCookieFor(demoEmail('buyer_staff'))
  })
  afterAll(async () => {
    await closeQueues()
  })

  it('art38 a seeded file licence is delivered as a fingerprinted copy that identifyLeak traces to that licence', async () => {
    const buyer = await seededLicence('demo:buyer-land-use-parcels')
    const provider2 = await seededLicence('demo:provider2-land-use-parcels')
    const [a, b] = [
      await deliverLicence(String(buyer._id)),
      await deliverLicence(String(provider2._id)),
    ]
    expect(a.deliveries).toHaveLength(1)
    expect(b.deliveries).toHaveLength(1)
    const copy = (await Delivery.findById(a.deliveries[0]!.id).lean())!
    expect(copy).toMatchObject({ kind: 'file', status: 'completed', fingerprinted: true })
    expect(copy.marks).toBeGreaterThan(20)
    const version = (await ProductVersion.findById(copy.versionId).lean())!
    const original = await storedCopy(version.distributions[0]!.storageKey!)
    const mine = await storedCopy(copy.storageKey!)
    // Same length, same header and identifiers; only tolerated digits differ, by one.
    expect(mine.length).toBe(original.length)
    expect(mine).not.toEqual(original)
    const diffs = [...mine].flatMap((byte, i) =>
      byte === original[i] ? [] : [[byte, original[i]!]],
    )
    expect(diffs.every(([x, y]) => Math.abs(x! - y!) === 1 && x! >= 0x30 && x! <= 0x39)).toBe(true)

    // A leak of two thirds of the buyer's rows, re-sorted, written out again. (Half of this
    // 126-row table holds 22–33 marks, depending on the key: with the fewest, all matching stays
    // just above the 1e-6 accusation threshold — about one key in a hundred. Two thirds holds 30+.)
    const lines = mine.toString('utf8').trim().split('\r\n')
    const leakRows = lines
      .slice(1)
      .filter((_, i) => i % 3 !== 2)
      .reverse()
    const leakFile = path.join(storage, 'leak.csv')
    writeFileSync(leakFile, [lines[0], ...leakRows].join('\n'))
    const direct = await identifyLeak({
      file: leakFile,
      spec: JSON.parse(copy.fingerprintSpec!),
      candidates: [String(buyer._id), String(provider2._id)],
    })
    expect(direct.ranked[0]).toMatchObject({ licenceId: String(buyer._id), accused: true })
    expect(direct.ranked[1]!.accused).toBe(false)
    const fromDb = await identifyAgainstDeliveries(leakFile, { productId: copy.productId! })
    expect(fromDb.candidates).toBe(2)
    expect(fromDb.ranked[0]).toMatchObject({
      licenceId: String(buyer._id),
      accused: true,
      licenseeOrgId: buyer.licenseeOrgId,
    })
    expect(fromDb.ranked[0]!.falseAccusationProbability).toBeLessThan(1e-6)
    expect(fromDb.ranked[1]!.accused).toBe(false)

    // The command line resolves against the database's deliveries too.
    const cli = spawnSync(
      path.join(root, 'node_modules/.bin/tsx'),
      ['tools/fingerprint-identify.ts', leakFile, '--product', copy.productId!],
      {
        cwd: root,
        env: { ...process.env, MONGODB_DB: dbName() },
        encoding: 'utf8',
        timeout: 60_000,
      },
    )
    expect(cli.status, cli.stderr).toBe(0)
    expect(cli.stdout).toContain(`traced to ${String(buyer._id)}`)

    // Art. 52(5): the regulator's look-up logs its outcome, which the supervision report counts.
    const form = new FormData()
    form.set('product', copy.productId!)
    form.set('file', new Blob([readFileSync(leakFile)], { type: 'text/csv' }), 'leak.csv')
    const regulator = await sessionCookieFor('regulator@demo.gd.example')
    const looked = await settle(() =>
      fingerprintAction({
        request: new Request(`${BASE}/regulator/fingerprint`, {
          method: 'POST',
          body: form,
          headers: { Cookie: regulator },
        }),
        params: {},
        context: {},
      }),
    )
    const { result } = (await looked.json()) as {
      result: { querySeq: number; top: { licenceId: string; accused: boolean }[] }
    }
    expect(result.top[0]).toMatchObject({ licenceId: String(buyer._id), accused: true })
    const outcome = (await LedgerEntry.findOne({
      action: 'fingerprint.lookup',
      eventKey: `fingerprint.lookup:${result.querySeq}`,
    }).lean())!
    expect(outcome.subjects).toEqual(
      expect.arrayContaining([
        `licence:${String(buyer._id)}`,
        `org:${buyer.licenseeOrgId}`,
        `product:${copy.productId}`,
      ]),
    )
    expect(outcome.summary).toMatchObject({ matched: true, licenceId: String(buyer._id) })
    const report = computeReport({
      scope: 'all',
      period: periodOf(new Date(outcome.at.getTime() + 8 * 3600_000).toISOString().slice(0, 7)),
      entries: [
        {
          _id: outcome._id,
          at: outcome.at,
          action: outcome.action,
          subjects: outcome.subjects,
          summary: outcome.summary,
        },
      ],
      audits: [],
      calendar: new Map(),
    })
    expect(
      report.orgs.find((o) => o.orgId === buyer.licenseeOrgId)!.figures.violationsLeak.value,
    ).toBe(1)

    // Delivered again (a replayed job): nothing new.
    const again = await deliverLicence(String(buyer._id))
    expect(again.deliveries.map((d) => d.created)).toEqual([false])
    expect(
      await LedgerEntry.countDocuments({
        action: 'delivery.completed',
        subjects: `delivery:${copy._id}`,
      }),
    ).toBe(1)
  })

  it('art24 a licence that permits some fields receives only those columns, still fingerprinted', async () => {
    const id = await licenceFor('authority-land-use-parcels', 'buyer@demo.gd.example', {
      permittedFields: ['county_code', 'land_class', 'area_ha'],
    })
    const out = await deliverLicence(id)
    const d = (await Delivery.findById(out.deliveries[0]!.id).lean())!
    expect(d.fields).toEqual(['county_code', 'land_class', 'area_ha'])
    expect(d.droppedFields).toEqual(['county', 'land_class_name'])
    expect(d.fingerprinted).toBe(true)
    const text = (await storedCopy(d.storageKey!)).toString('utf8')
    const [header, first] = text.split('\r\n')
    expect(header).toBe('county_code,land_class,area_ha')
    expect(first!.split(',')).toHaveLength(3)
    expect(text).not.toContain('广州市')
  })

  it('art38 an expired licence stops the download (410), a revoked one too (403), a forged link never works', async () => {
    const id = await licenceFor('authority-land-use-parcels', 'buyer@demo.gd.example')
    const out = await deliverLicence(id)
    const d = (await Delivery.findById(out.deliveries[0]!.id).lean())!
    const licence = (await Licence.findById(id).lean())!
    const link = signDownloadLink({ licenceId: id, key: d.key, _id: d._id }, licence.end)
    const get = (href: string, cookie = buyerCookie) =>
      settle(() =>
        downloadLoader({
          request: new Request(BASE + href, {
            headers: { Cookie: cookie, 'Accept-Language': 'en' },
          }),
          params: { licenceId: id, key: d.key },
          context: {},
        }),
      )

    const ok = await get(link.href)
    expect(ok.status).toBe(200)
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(await storedCopy(d.storageKey!))
    expect(
      await LedgerEntry.countDocuments({
        action: 'delivery.downloaded',
        subjects: `licence:${id}`,
      }),
    ).toBe(1)

    const forged = link.href.replace(/sig=[0-9a-f]/, (m) =>
      m.endsWith('0') ? m.slice(0, -1) + '1' : m.slice(0, -1) + '0',
    )
    expect((await get(forged)).status).toBe(403)
    // Another org's staff cannot use the buyer's link.
    expect((await get(link.href, await sessionCookieFor('provider@demo.gd.example'))).status).toBe(
      404,
    )

    // The licence's end passes (the same link, still within its own lifetime).
    await Licence.updateOne({ _id: id }, { $set: { end: new Date(Date.now() - 1000) } })
    const expired = await get(link.href)
    expect(expired.status).toBe(410)
    expect(await expired.text()).toContain('expired')

    // The sweep records it once and tells both sides.
    const swept = await expireDueLicences()
    expect(swept.licenceIds).toContain(id)
    await expireDueLicences()
    expect(await LicenceEvent.countDocuments({ licenceId: id, kind: 'expired' })).toBe(1)
    expect((await Licence.findById(id).lean())!.status).toBe('expired')
    expect(
      await LedgerEntry.countDocuments({ action: 'licence.expired', subjects: `licence:${id}` }),
    ).toBe(1)
    const queue: Queue = getQueue('notifications')
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized'])
    const keys = jobs.map((j) => (j.data as { key: string }).key)
    const endIso = (await Licence.findById(id).lean())!.end.toISOString()
    expect(keys).toEqual(
      expect.arrayContaining([
        `licence-expired:${id}:${endIso}:licensee`,
        `licence-expired:${id}:${endIso}:licensor`,
      ]),
    )

    const other = await licenceFor('authority-land-use-parcels', 'buyer@demo.gd.example')
    const otherOut = await deliverLicence(other)
    const od = (await Delivery.findById(otherOut.deliveries[0]!.id).lean())!
    const otherLink = signDownloadLink(
      { licenceId: other, key: od.key, _id: od._id },
      new Date(Date.now() + DAY),
    )
    await revokeLicence(other, 'test', {})
    const revoked = await settle(() =>
      downloadLoader({
        request: new Request(BASE + otherLink.href, { headers: { Cookie: buyerCookie } }),
        params: { licenceId: other, key: od.key },
        context: {},
      }),
    )
    expect(revoked.status).toBe(403)
  })

  it('art38 the licence sweep asks for the delivery of licences in force that have none (seeded ones too)', async () => {
    const seeded = await seededLicence('demo:buyer-vitality-no-derivation')
    const result = await licenceSweep({})
    expect(result.deliveriesRequested).toBeGreaterThan(0)
    const queue: Queue = getQueue('delivery')
    expect(await queue.getJobState(`delivery-${String(seeded._id)}`)).toBe('waiting')
    await expect(licenceSweep({ at: 'yesterday' })).rejects.toMatchObject({
      name: 'UnrecoverableError',
    })
  })

  it('art38 a licence page states the terms and serves ODRL; strangers see nothing', async () => {
    const buyer = await seededLicence('demo:buyer-land-use-parcels')
    const id = String(buyer._id)
    const page = await settle(() =>
      licenceLoader({
        request: new Request(`${BASE}/licences/${id}`, { headers: { Cookie: buyerCookie } }),
        params: { licenceId: id },
        context: {},
      }),
    )
    expect(page.status).toBe(200)
    const body = (await page.json()) as {
      side: string
      deliveries: { link: { href: string } | null }[]
      issuedSeq: number | null
    }
    expect(body.side).toBe('licensee')
    expect(body.deliveries[0]!.link!.href).toMatch(
      new RegExp(`^/licences/${id}/download/[^?]+\\?expires=\\d+&sig=[0-9a-f]{64}$`),
    )
    const odrl = await settle(() =>
      odrlLoader({
        request: new Request(`${BASE}/licences/${id}/odrl.json`, {
          headers: { Cookie: buyerCookie },
        }),
        params: { licenceId: id },
        context: {},
      }),
    )
    const policy = (await odrl.json()) as {
      '@type': string
      prohibition: { action: string }[]
      permission: { action: string }[]
    }
    expect(policy['@type']).toBe('Agreement')
    expect(policy.prohibition.map((p) => p.action)).toContain('distribute')
    expect(policy.permission.map((p) => p.action)).toEqual(
      expect.arrayContaining(['use', 'derive']),
    )
    // The regulator reads any licence; another buyer-side org (the university) does not see it.
    const researcher = await sessionCookieFor('researcher@demo.gd.example')
    const hidden = await settle(() =>
      licenceLoader({
        request: new Request(`${BASE}/licences/${id}`, { headers: { Cookie: researcher } }),
        params: { licenceId: id },
        context: {},
      }),
    )
    expect(hidden.status).toBe(404)
  })

  it('art38 the data API checks the licence at each call and counts calls atomically against the quota (429)', async () => {
    const vitality = await product('provider1-vitality-index')
    const planIndex = vitality.pricePlans.findIndex((p) => p.kind === 'per_call')
    const planKey = vitality.pricePlans[planIndex]!.key
    // Bought with a quota of 3; the seller raises the plan's quota afterwards: the licence keeps 3.
    const id = await licenceFor(
      'provider1-vitality-index',
      'buyer@demo.gd.example',
      { deliveryMode: 'api', permittedFields: ['city', 'vitality_index'] },
      planKey,
      3,
    )
    await Product.updateOne(
      { _id: vitality._id },
      { $set: { [`pricePlans.${planIndex}.callsQuota`]: 1000 } },
    )
    // A per-call licence issued before the quota was recorded falls back to its plan; other plans have none.
    expect(
      await callQuota({ productId: String(vitality._id), pricePlanKey: planKey, callsQuota: null }),
    ).toBe(1000)
    const oneOff = vitality.pricePlans.find((p) => p.kind !== 'per_call')!.key
    expect(
      await callQuota({ productId: String(vitality._id), pricePlanKey: oneOff, callsQuota: null }),
    ).toBeNull()
    await deliverLicence(id)
    expect(await Delivery.countDocuments({ licenceId: id, kind: 'api' })).toBe(1)
    const call = (bearer: string, query = '?limit=2') =>
      settle(() =>
        rowsLoader({
          request: new Request(`${BASE}/api/v1/licences/${id}/rows${query}`, {
            headers: { Authorization: `Bearer ${bearer}` },
          }),
          params: { licenceId: id },
          context: {},
        }),
      )
    // The licensee issues the key on the licence page (shown once); a second issue replaces it.
    const issue = () =>
      settle(() =>
        licenceAction({
          request: formRequest(`/licences/${id}`, { intent: 'issue-key' }, { cookie: buyerCookie }),
          params: { licenceId: id },
          context: {},
        }),
      )
    const first = (await (await issue()).json()) as { newKey: string }
    expect(first.newKey).toMatch(/^gdpl_[0-9a-f]{16}_/)
    const page = (await (
      await settle(() =>
        licenceLoader({
          request: new Request(`${BASE}/licences/${id}`, { headers: { Cookie: buyerCookie } }),
          params: { licenceId: id },
          context: {},
        }),
      )
    ).json()) as {
      api: { quota: number; keys: unknown[] }
      canIssueKey: boolean
    }
    expect(page.api.quota).toBe(3)
    expect(page.api.keys).toHaveLength(1)
    expect(page.canIssueKey).toBe(true)
    // The provider (licensor) cannot issue the buyer's key.
    const providerCookie = await sessionCookieFor('provider@demo.gd.example')
    const refused = await settle(() =>
      licenceAction({
        request: formRequest(
          `/licences/${id}`,
          { intent: 'issue-key' },
          { cookie: providerCookie },
        ),
        params: { licenceId: id },
        context: {},
      }),
    )
    expect(refused.status).toBe(404)
    const { key } = await issueLicenceApiKey(await demoUser('buyer@demo.gd.example'), id)
    expect((await call(first.newKey)).status).toBe(401)

    expect((await call('gdpl_0000000000000000_' + 'x'.repeat(43))).status).toBe(401)
    // Ten at once against a quota of three: exactly three succeed.
    const results = await Promise.all(Array.from({ length: 10 }, () => call(key)))
    expect(results.filter((r) => r.status === 200)).toHaveLength(3)
    expect(results.filter((r) => r.status === 429)).toHaveLength(7)
    const okBody = (await results.find((r) => r.status === 200)!.json()) as {
      fields: string[]
      rows: Record<string, string>[]
    }
    expect(okBody.fields).toEqual(['city', 'vitality_index'])
    expect(okBody.rows).toHaveLength(2)
    expect(Object.keys(okBody.rows[0]!)).toEqual(['city', 'vitality_index'])

    await getRedis().del(`${prefix}:licence-calls:${id}`)
    expect((await call(key)).status).toBe(200)
    await revokeLicence(id, 'test', {})
    expect((await call(key)).status).toBe(403)
  })

  it('art38 an API licence reads its rows from its own fingerprinted copy, never downloadable; rows leaked from the API trace back to it', async () => {
    const seeded = await seededLicence('demo:buyer-land-use-parcels')
    const parcels = (await Product.findById(seeded.productId).lean())!
    const id = await licenceFor(
      parcels.seedKey!,
      'buyer@demo.gd.example',
      { deliveryMode: 'api' },
      undefined,
      10,
    )
    const { key } = await issueLicenceApiKey(await demoUser('buyer@demo.gd.example'), id)
    const call = (query: string, language = 'zh-CN') =>
      settle(() =>
        rowsLoader({
          request: new Request(`${BASE}/api/v1/licences/${id}/rows${query}`, {
            headers: { Authorization: `Bearer ${key}`, 'Accept-Language': language },
          }),
          params: { licenceId: id },
          context: {},
        }),
      )

    // Before the delivery job has made the copy: 409 in the caller's language, and no call counted.
    const early = await call('?limit=5', 'en')
    expect(early.status).toBe(409)
    expect(((await early.json()) as { error: { message: string } }).error.message).toMatch(
      /still being delivered/,
    )
    expect(await getRedis().get(`${prefix}:licence-calls:${id}`)).toBeNull()

    await deliverLicence(id)
    const copy = (await Delivery.findOne({ licenceId: id, kind: 'api' }).lean())!
    expect(copy).toMatchObject({ status: 'completed', fingerprinted: true })
    expect(copy.marks).toBeGreaterThan(20)
    const page = (await (await call('?limit=1000')).json()) as {
      fields: string[]
      rows: Record<string, string>[]
    }
    expect(page.fields).toEqual(copy.fields)
    // Every row served is the copy's, and the copy differs from the original only in marked digits.
    const mine = (await storedCopy(copy.storageKey!)).toString('utf8').trim().split('\r\n')
    expect(page.rows.map((r) => page.fields.map((f) => r[f]).join(','))).toEqual(mine.slice(1))
    const version = (await ProductVersion.findById(copy.versionId).lean())!
    const original = await storedCopy(
      version.distributions.find((d) => d.fileName === copy.fileName)!.storageKey!,
    )
    expect(original.length).toBe((await storedCopy(copy.storageKey!)).length)
    expect(original.toString('utf8').trim().split('\r\n')).not.toEqual(mine)

    // A file put together from what the API returned is traced to this licence, not to another
    // buyer's copy of the same table.
    await deliverLicence(String(seeded._id))
    const leakFile = path.join(storage, 'api-leak.csv')
    writeFileSync(
      leakFile,
      [page.fields.join(','), ...page.rows.map((r) => page.fields.map((f) => r[f]).join(','))].join(
        '\n',
      ),
    )
    const traced = await identifyAgainstDeliveries(leakFile, { productId: String(parcels._id) })
    expect(traced.candidates).toBeGreaterThan(1)
    expect(traced.ranked[0]).toMatchObject({ licenceId: id, accused: true })
    expect(traced.ranked[1]!.accused).toBe(false)

    // The copy is not offered for download, and a link signed for it anyway is refused.
    const licencePage = (await (
      await settle(() =>
        licenceLoader({
          request: new Request(`${BASE}/licences/${id}`, { headers: { Cookie: buyerCookie } }),
          params: { licenceId: id },
          context: {},
        }),
      )
    ).json()) as {
      deliveries: { kind: string; link: unknown }[]
    }
    expect(licencePage.deliveries.find((d) => d.kind === 'api')!.link).toBeNull()
    const link = signDownloadLink(
      { licenceId: id, key: copy.key, _id: copy._id },
      new Date(Date.now() + DAY),
    )
    const [href, qs] = link.href.split('?')
    const refused = await settle(() =>
      downloadLoader({
        request: new Request(`${BASE}${href}?${qs}`, { headers: { Cookie: buyerCookie } }),
        params: { licenceId: id, key: copy.key },
        context: {},
      }),
    )
    expect(refused.status).toBe(404)
  })

  it('art26 a catalog-entry licence gets the open files as they are, or offline delivery; a model-run licence needs none', async () => {
    const model = await seededLicence('demo:buyer-land-use-model')
    const run = await deliverLicence(String(model._id))
    expect(run.deliveries.map((d) => d.kind)).toEqual(['model_run'])
    const withFiles = (await OpenDataFile.distinct('entryId')) as string[]
    const [open] = withFiles
    const closed = await CatalogEntry.findOne(
      { _id: mongoose.trusted({ $nin: withFiles }) },
      { _id: 1, orgId: 1 },
    ).lean()
    const holder = await demoUser('researcher@demo.gd.example')
    const grant = async (entryId: string, licensorOrgId: string) =>
      (
        await issueLicence({
          source: 'research-grant',
          sourceRef: `test:entry:${entryId}`,
          licenseeOrgId: holder.org!.id,
          licensorOrgId,
          productId: null,
          versionId: null,
          catalogEntryId: entryId,
          pricePlanKey: null,
          terms: {
            purpose: '科研',
            scenario: '论文',
            permittedFields: [],
            deliveryMode: 'file_download',
            start: new Date(Date.now() - DAY),
            end: new Date(Date.now() + DAY),
            derivationAllowed: false,
            redistribution: false,
            researchOnly: true,
            commercialUse: false,
            usageReport: 'none',
          },
          actor: { orgId: licensorOrgId },
        })
      ).licenceId
    const offline = await deliverLicence(await grant(String(closed!._id), closed!.orgId))
    expect(offline.deliveries.map((d) => d.kind)).toEqual(['offline'])
    const openEntry = (await CatalogEntry.findById(open, { orgId: 1 }).lean())!
    const openLicence = await grant(open!, openEntry.orgId)
    const files = await deliverLicence(openLicence)
    expect(files.deliveries.length).toBeGreaterThan(0)
    expect(files.deliveries.every((d) => d.kind === 'open-file')).toBe(true)
    // The researcher downloads the open file through the licence's signed link.
    const d = (await Delivery.findById(files.deliveries[0]!.id).lean())!
    const link = signDownloadLink(
      { licenceId: openLicence, key: d.key, _id: d._id },
      new Date(Date.now() + DAY),
    )
    const cookie = await sessionCookieFor('researcher@demo.gd.example')
    const res = await settle(() =>
      downloadLoader({
        request: new Request(BASE + link.href, { headers: { Cookie: cookie } }),
        params: { licenceId: openLicence, key: d.key },
        context: {},
      }),
    )
    expect(res.status).toBe(200)
    expect((await res.arrayBuffer()).byteLength).toBe(d.sizeBytes)
  })

  it('art38 a file that is not a table is delivered as it is, and says so', async () => {
    const id = await licenceFor('authority-land-use-model', 'buyer@demo.gd.example', {
      deliveryMode: 'file_download',
    })
    const out = await deliverLicence(id)
    const d = (await Delivery.findById(out.deliveries[0]!.id).lean())!
    const version = (await ProductVersion.findById(d.versionId).lean())!
    expect(d).toMatchObject({
      kind: 'file',
      fingerprinted: false,
      fingerprintNote: 'not_a_table',
      storageKey: version.distributions[0]!.storageKey,
    })
  })

  it('art24 a file that cannot be projected is not handed over whole to a licence with limited fields', async () => {
    const id = await licenceFor('authority-land-use-model', 'buyer@demo.gd.example', {
      deliveryMode: 'file_download',
      permittedFields: ['county_code'],
    })
    const out = await deliverLicence(id)
    const d = (await Delivery.findById(out.deliveries[0]!.id).lean())!
    expect(d).toMatchObject({
      status: 'completed',
      fingerprintNote: 'not_projectable',
      storageKey: null,
    })
  })

  it('art38 the sweep retries a failed delivery job and redelivers a half-done one; waiting for screening backs off for minutes', async () => {
    const queue: Queue = getQueue('delivery')
    const connection = createRedis({ forWorker: true })
    // Taken by hand, as a worker would (no processor): the test decides how each run ends.
    const hand = new Worker('delivery', null, { connection, prefix })
    const take = async (licenceId: string, token: string) => {
      const jobId = `delivery-${licenceId}`
      await (await queue.getJob(jobId))?.remove()
      // lifo: taken before the other waiting deliveries of this file.
      await queue.add('delivery', { licenceId }, { jobId, lifo: true, attempts: 1 })
      const job = (await hand.getNextJob(token))!
      expect(job.id).toBe(jobId)
      return job
    }
    try {
      const id = await licenceFor('authority-land-use-parcels', 'buyer@demo.gd.example')
      const jobId = `delivery-${id}`
      // Its attempts spent: the job stays failed, and the old sweep's re-add under its id did nothing.
      await (await take(id, 't1')).moveToFailed(new Error('storage down'), 't1')
      expect(await queue.getJobState(jobId)).toBe('failed')
      const now = Date.now()
      expect(await enqueueMissingDeliveries(new Date(now))).toBeGreaterThanOrEqual(0)
      expect(await queue.getJobState(jobId)).toBe('failed') // not every minute: it just failed
      await enqueueMissingDeliveries(new Date(now + 16 * 60_000))
      expect(await queue.getJobState(jobId)).toBe('waiting')
      expect((await queue.getJob(jobId))!.attemptsMade).toBe(0)

      // Delivered, then a claim left half-done (its job completed nonetheless): not counted as delivered.
      await deliverLicence(id)
      await (await take(id, 't2')).moveToCompleted('done', 't2', false)
      await enqueueMissingDeliveries(new Date(now + 16 * 60_000))
      expect(await queue.getJobState(jobId)).toBe('completed') // completed delivery: left alone
      await Delivery.updateMany(
        { licenceId: id },
        { $set: { status: 'claimed', claimedAt: new Date(now - 20 * 60_000) } },
      )
      await enqueueMissingDeliveries(new Date(now))
      expect(await queue.getJobState(jobId)).toBe('completed') // not every minute: it just ran
      await enqueueMissingDeliveries(new Date(now + 16 * 60_000))
      expect(await queue.getJobState(jobId)).toBe('waiting')

      // No version yet (transient): the job is put back for a minute, not failed within seconds.
      const waiting = await licenceFor('authority-land-use-parcels', 'buyer@demo.gd.example')
      await Licence.updateOne(
        { _id: waiting },
        { $set: { versionId: new mongoose.Types.ObjectId().toString() } },
      )
      const job = await take(waiting, 't3')
      const before = Date.now()
      await expect(deliver(job.data, job)).rejects.toBeInstanceOf(DelayedError)
      expect(await queue.getJobState(job.id!)).toBe('delayed')
      const delayedUntil = (await queue.getJob(job.id!))!
      expect(delayedUntil.timestamp + delayedUntil.delay).toBeGreaterThan(before + 55_000) // a minute, not the queue's seconds
      await delayedUntil.remove()
    } finally {
      await hand.close()
      connection.disconnect()
    }
  })

  it('art24 a licence expired by the sweep and then renewed is active again, and its real end is recorded as a second expiry', async () => {
    const id = await licenceFor('authority-land-use-parcels', 'buyer@demo.gd.example')
    const firstEnd = new Date(Date.now() - 60_000)
    await Licence.updateOne({ _id: id }, { $set: { end: firstEnd } })
    expect((await expireDueLicences()).licenceIds).toContain(id)
    expect((await Licence.findById(id).lean())!.status).toBe('expired')
    // A renewal invoice paid late moves the end forward (as orders' extendLicence does: `$max`).
    await Licence.updateOne({ _id: id }, { $max: { end: new Date(Date.now() + DAY) } })
    expect(await reinstateAfterExtension(id)).toBe('active')
    expect((await Licence.findById(id).lean())!.status).toBe('active')
    await expireDueLicences()
    expect(await LicenceEvent.countDocuments({ licenceId: id, kind: 'expired' })).toBe(1)

    // The renewed period ends: recorded as its own expiry (event and ledger entry keyed by the end).
    const secondEnd = new Date(Date.now() - 1000)
    await Licence.updateOne({ _id: id }, { $set: { end: secondEnd } })
    await expireDueLicences()
    await expireDueLicences()
    expect((await Licence.findById(id).lean())!.status).toBe('expired')
    const events = await LicenceEvent.find({ licenceId: id, kind: 'expired' })
      .sort({ at: 1 })
      .lean()
    expect(events.map((e) => e._id)).toEqual([
      `${id}:expired:${firstEnd.toISOString()}`,
      `${id}:expired:${secondEnd.toISOString()}`,
    ])
    expect(
      await LedgerEntry.countDocuments({ action: 'licence.expired', subjects: `licence:${id}` }),
    ).toBe(2)

    // Renewed again without anyone calling reinstateAfterExtension: the sweep itself reinstates.
    await Licence.updateOne({ _id: id }, { $max: { end: new Date(Date.now() + DAY) } })
    expect((await expireDueLicences()).reinstated).toBeGreaterThanOrEqual(1)
    expect((await Licence.findById(id).lean())!.status).toBe('active')
  })

  describe('a worker killed mid-delivery (SIGKILL) and restarted', () => {
    let child: ChildProcess | undefined
    afterAll(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })

    function startWorker(log: { text: string }) {
      // Node itself with tsx's loader, not the `tsx` CLI: the CLI runs the script in a child process
      // of its own, which a SIGKILL of the CLI would leave running (a stray worker on this file's database).
      const c = spawn(process.execPath, ['--import', 'tsx', 'jobs/worker.ts'], {
        cwd: root,
        env: { ...process.env, MONGODB_DB: dbName(), QUEUE_PREFIX: prefix, STORAGE_DIR: storage },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      c.stdout!.on('data', (d) => (log.text += d))
      c.stderr!.on('data', (d) => (log.text += d))
      return c
    }

    function storeFiles(): string[] {
      const dir = path.join(storage, 'sha256')
      return existsSync(dir)
        ? readdirSync(dir, { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile() && !e.name.endsWith('.key'))
            .map((e) => path.join(e.parentPath, e.name))
        : []
    }

    it('art38 yields exactly one delivery record, one ledger entry and one stored copy', async () => {
      // A file large enough that the copy takes a while, as the version's file.
      const parcels = await product('authority-land-use-parcels')
      const version = (await ProductVersion.findOne({
        productId: String(parcels._id),
        state: 'published',
      }).lean())!
      const big = await contentStore().putBytes(syntheticCsv(400_000, 7))
      await ProductVersion.updateOne(
        { _id: version._id },
        {
          $set: {
            distributions: version.distributions.map((d, i) =>
              i === 0
                ? {
                    ...d,
                    fileName: 'registry.csv',
                    storageKey: big.key,
                    sha256: big.sha256,
                    sizeBytes: big.size,
                  }
                : d,
            ),
          },
        },
      )
      const before = new Set(storeFiles())
      const id = await licenceFor('authority-land-use-parcels', 'provider2@demo.gd.example')
      const distKey = version.distributions[0]!.key
      // The attempt's temporary file: `<name>.<pid>.<uuid>.part`.
      const name = `delivery-${createHash('sha256').update(`${id}:${distKey}`).digest('hex').slice(0, 32)}.`
      const partSize = () => {
        const tmp = path.join(storage, '.tmp')
        const file = existsSync(tmp) ? readdirSync(tmp).find((f) => f.startsWith(name)) : undefined
        return file ? statSync(path.join(tmp, file)).size : 0
      }

      const log = { text: '' }
      child = startWorker(log)
      // Kill as soon as the copy is half-written.
      const deadline = Date.now() + 90_000
      let seen = 0
      while (Date.now() < deadline) {
        seen = partSize()
        if (seen > 1024 * 1024) break
        await new Promise((r) => setImmediate(r))
      }
      child.kill('SIGKILL')
      await new Promise((r) => child!.once('exit', r))
      expect(seen, log.text).toBeGreaterThan(1024 * 1024)
      expect(seen).toBeLessThan(big.size)
      expect((await Delivery.findOne({ licenceId: id }).lean())!.status).toBe('claimed')
      expect(
        await LedgerEntry.countDocuments({
          action: 'delivery.completed',
          subjects: `licence:${id}`,
        }),
      ).toBe(0)

      // What BullMQ does after the dead worker's lock runs out (30 s) and a stalled-jobs check runs
      // (every 30 s), done at once: the lock is gone and the job is marked as stalled.
      const jobId = `delivery-${id}`
      const redis = getRedis()
      await redis.del(`${prefix}:delivery:${jobId}:lock`, `${prefix}:delivery:stalled-check`)
      await redis.sadd(`${prefix}:delivery:stalled`, jobId)

      child = startWorker(log)
      const queue: Queue = getQueue('delivery')
      for (;;) {
        const state = await queue.getJobState(jobId)
        if (state === 'completed' || state === 'failed') break
        if (Date.now() > deadline) throw new Error(`delivery still ${state}:\n${log.text}`)
        await sleep(100)
      }
      expect(await queue.getJobState(jobId), log.text).toBe('completed')
      child.kill('SIGTERM')
      await new Promise((r) => child!.once('exit', r))

      const deliveries = await Delivery.find({ licenceId: id }).lean()
      expect(deliveries).toHaveLength(1)
      expect(deliveries[0]).toMatchObject({ status: 'completed', fingerprinted: true })
      expect(
        await LedgerEntry.countDocuments({
          action: 'delivery.completed',
          subjects: `licence:${id}`,
        }),
      ).toBe(1)
      // New files in the store: this delivery's copy, and the copies the worker made meanwhile for
      // other licences (the sweep asked for the seeded ones) — nothing else, no second copy.
      const others = await Delivery.find(
        { licenceId: mongoose.trusted({ $ne: id }), storageKey: mongoose.trusted({ $ne: null }) },
        { storageKey: 1 },
      ).lean()
      const otherFiles = new Set(others.map((d) => contentStore().storedPath(d.storageKey!)))
      const added = storeFiles().filter((f) => !before.has(f) && !otherFiles.has(f))
      expect(added).toHaveLength(1)
      expect(added[0]).toBe(contentStore().storedPath(deliveries[0]!.storageKey!))
      expect(
        createHash('sha256')
          .update(await contentStore().readAll(deliveries[0]!.storageKey!))
          .digest('hex'),
      ).toBe(deliveries[0]!.sha256)
      // The killed attempt's half-written file is gone (the rerun removed it).
      expect(readdirSync(path.join(storage, '.tmp')).filter((f) => f.startsWith(name))).toEqual([])
    }, 150_000)
  })
})
