// Batch verification (C5; Art. 23 ¶3) against the seeded demo world: psb's residents entry offers
// verification on the resident ID (name and date of birth compared); agencies upload files of
// candidates and get files of match flags — the same answers as one by one, never a value.
import iconv from 'iconv-lite'
import mongoose from 'mongoose'
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { LedgerEntry } from '#models/ledger-entry'
import { VerificationBatch } from '#models/verification-batch'
import { VerificationSetting } from '#models/verification-setting'
import { dataKeys } from '~/services/identity/keys.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { demoResidentsCsv } from '~/services/sharing/seed.server'
import { contentStore } from '~/services/storage/store.server'
import { getEnv } from '~/utils/env.server'
import { refusal } from '../../../tests/fixtures/errors'
import { getRedis } from '~/utils/redis.server'
import { BASE, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  BATCH_CHUNK,
  openBatchResult,
  runVerificationBatch,
  submitVerificationBatchBytes,
  verificationBatch,
} from './batches.server'
import { answerCandidate, loadIndex } from './index.server'

async function resultText(user: AuthUser, batchId: string) {
  const file = await openBatchResult(user, batchId)
  return (await new Response(file.body).text()).replace(/^\uFEFF/, '')
}

function dayKey(orgId: string, entryId: string, now = new Date()) {
  const day = Math.floor(now.getTime() / 86_400_000)
  return `${getEnv().QUEUE_PREFIX}:verify:d:${orgId}:${entryId}:${day}`
}

let psb: AuthUser
let amr: AuthUser
let nr: AuthUser
let provider: AuthUser
let entryId: string
/** The demo residents table's rows: gmsfhm, xm, xb, csrq, mz, hjdz. */
const rows = demoResidentsCsv(2000)
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','))

describe('batch verification (C5)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    nr = await demoUser('nr@demo.gd.example')
    provider = await demoUser('provider@demo.gd.example')
    const entry = await CatalogEntry.findOne(
      { orgId: psb.org!.id, listed: true, 'published.fields.name': 'hjdz' },
      { _id: 1 },
    )
      .sort({ code: 1 })
      .lean()
    entryId = String(entry!._id)
  })

  it('art23 a batch answers every row as a single verification does, and its flags hold no value', async () => {
    // Real records (some with a wrong name, a date in another spelling, a blank name), made up ones.
    const candidates = Array.from({ length: 40 }, (_, i): Record<string, string> => {
      const [id, name, , born] = rows[100 + i]!
      if (i % 5 === 4) return { gmsfhm: `44010119000101${String(i).padStart(4, '0')}`, xm: name! }
      return {
        gmsfhm: id!,
        ...(i % 7 === 3 ? {} : { xm: i % 3 === 0 ? '别人' : name! }),
        csrq: i % 2 ? born!.replace(/-/g, '/') : born!,
      }
    })
    const csv = [
      'gmsfhm,xm,csrq',
      ...candidates.map((c) => [c.gmsfhm, c.xm ?? '', c.csrq ?? ''].join(',')),
    ].join('\r\n')
    // A GB18030 file from a desktop spreadsheet reads the same as UTF-8.
    const batch = await submitVerificationBatchBytes(
      amr,
      entryId,
      'candidates.csv',
      iconv.encode(csv, 'gb18030'),
    )
    expect(batch).toMatchObject({ rows: 40, status: 'queued', repeated: false })
    expect(await runVerificationBatch(batch.id)).toMatchObject({ processed: 40 })
    const done = await verificationBatch(amr, batch.id)
    expect(done).toMatchObject({ status: 'done', processed: 40, hasResult: true })

    const lines = (await resultText(amr, batch.id)).trim().split('\r\n')
    expect(lines[0]).toBe('row,found,gmsfhm,xm,csrq')
    expect(lines).toHaveLength(41)
    // Each row is what a single verification answers (the same function over the same index; the
    // single path's own tests cover it through HTTP).
    const setting = (await VerificationSetting.findById(entryId).lean())!
    const index = await loadIndex(entryId, setting.index!.storageKey, setting.index!.fields)
    const types = Object.fromEntries(
      (await CatalogEntry.findById(entryId, { published: 1 }).lean())!.published!.fields.map(
        (f) => [f.name, f.type],
      ),
    )
    const spec = { entryId, keyFields: setting.index!.keyFields, types }
    let found = 0
    for (const [i, c] of candidates.entries()) {
      const single = answerCandidate(
        dataKeys().verification,
        index,
        spec,
        c as Record<string, string>,
      )
      if (single.found) found++
      const cell = (f: string) => single.fields[f] ?? ''
      expect(lines[i + 1]).toBe(
        [i + 1, single.found, cell('gmsfhm'), cell('xm'), cell('csrq')].join(','),
      )
    }
    expect(done.found).toBe(found)
    expect(found).toBeGreaterThan(20)
    // Neither a stored value nor a value sent comes back.
    const text = lines.join('\n')
    for (const row of rows.slice(100, 140)) {
      expect(text).not.toContain(row[0]!)
      expect(text).not.toContain(row[1]!)
      expect(text).not.toContain(row[5]!)
    }
  })

  it('art23 a batch is logged once per chunk as keyed digests, however often its job runs', async () => {
    const n = BATCH_CHUNK + 5
    const csv = ['gmsfhm', ...Array.from({ length: n }, (_, i) => rows[i % rows.length]![0])]
    const batch = await submitVerificationBatchBytes(nr, entryId, 'many.csv', csv.join('\n'))
    expect(await runVerificationBatch(batch.id)).toMatchObject({ processed: n, found: n })
    const first = (await VerificationBatch.findById(batch.id).lean())!
    // The job is retried after a crash before it finished: the same chunks, the same flags.
    await VerificationBatch.updateOne(
      { _id: batch.id },
      { $set: { status: 'running', resultKey: null } },
    )
    expect(await runVerificationBatch(batch.id)).toMatchObject({ processed: n })
    const again = (await VerificationBatch.findById(batch.id).lean())!
    expect(again.resultSha256).toBe(first.resultSha256)
    // And a finished batch is left as it is.
    expect(await runVerificationBatch(batch.id)).toMatchObject({ skipped: 'done' })

    const logged = await LedgerEntry.find({
      eventKey: mongoose.trusted({
        $in: [
          `verification.batch:${batch.id}:1`,
          `verification.batch:${batch.id}:${BATCH_CHUNK + 1}`,
        ],
      }),
    }).lean()
    expect(logged).toHaveLength(2)
    const calls = logged.map((e) => (e.summary as { calls: number }).calls).sort((a, b) => a - b)
    expect(calls).toEqual([5, BATCH_CHUNK])
    for (const e of logged)
      expect(e).toMatchObject({
        action: 'verification.calls-logged',
        summary: { batchId: batch.id },
      })
    // The ledger keeps the digest of the chunk's query digests, never a query.
    expect(JSON.stringify(logged)).not.toContain(rows[0]![0]!)
  })

  it('art23 the same file again is the same batch, counted once; a batch past the daily limit is refused whole', async () => {
    // (The source department may check records against its own entry like any agency.)
    const gz = psb
    const key = dayKey(gz.org!.id, entryId)
    await getRedis().del(key)
    const csv = ['gmsfhm,xm', ...rows.slice(0, 30).map((r) => `${r[0]},${r[1]}`)].join('\n')
    const first = await submitVerificationBatchBytes(gz, entryId, 'same.csv', csv)
    const second = await submitVerificationBatchBytes(gz, entryId, 'same-again.csv', csv)
    expect(second).toMatchObject({ id: first.id, repeated: true })
    expect(Number(await getRedis().get(key))).toBe(30)

    await getRedis().set(key, getEnv().VERIFY_PER_DAY - 10)
    const over = await refusal(() =>
      submitVerificationBatchBytes(gz, entryId, 'more.csv', `${csv}\n${rows[40]![0]},x`),
    )
    expect(over.status).toBe(429)
    expect(Number(await getRedis().get(key))).toBe(getEnv().VERIFY_PER_DAY - 10)
    expect(await VerificationBatch.countDocuments({ userId: gz.id })).toBe(1)
  })

  it('art23 a file that does not fit the offer is refused with the column or the row at fault', async () => {
    const bad = async (name: string, body: string) =>
      refusal(() => submitVerificationBatchBytes(amr, entryId, name, body))
    const header = await bad('a.csv', `gmsfhm,hjdz\n${rows[0]![0]},广州`)
    expect({ status: header.status, key: header.messageKey }).toEqual({
      status: 400,
      key: 'error.verification.badHeader',
    })
    expect(header.params).toMatchObject({ columns: 'hjdz' })
    expect((await bad('b.csv', `xm\n张三`)).params).toMatchObject({ columns: 'gmsfhm' })
    const row = await bad('c.csv', `gmsfhm,xm\n${rows[0]![0]},a\n${rows[1]![0]},b\n,c`)
    expect({ key: row.messageKey, row: row.params?.row }).toEqual({
      key: 'error.verification.badRow',
      row: 3,
    })
    expect((await bad('d.csv', `gmsfhm,xm\n${rows[0]![0]},a,extra`)).params).toMatchObject({
      row: 1,
    })
    expect((await bad('e.csv', 'gmsfhm\n\n')).messageKey).toBe('error.verification.emptyBatch')
    expect((await bad('f.csv', '')).messageKey).toBe('error.verification.emptyBatch')
    expect((await bad('g.xlsx', `gmsfhm\n${rows[0]![0]}`)).status).toBe(415)
    expect((await bad('h.csv', `gmsfhm\n"${rows[0]![0]}`)).messageKey).toBe(
      'error.verification.badRow',
    )
    // A TSV reads by its tab.
    const tsv = await submitVerificationBatchBytes(
      amr,
      entryId,
      'i.tsv',
      `gmsfhm\txm\n${rows[0]!.slice(0, 2).join('\t')}`,
    )
    expect(tsv.rows).toBe(1)
  })

  it('art23 only agencies submit batches, and only their own staff see a batch and its flags', async () => {
    expect(
      (
        await refusal(() =>
          submitVerificationBatchBytes(provider, entryId, 'p.csv', `gmsfhm\n${rows[0]![0]}`),
        )
      ).status,
    ).toBe(403)
    const mine = await submitVerificationBatchBytes(
      amr,
      entryId,
      'own.csv',
      `gmsfhm\n${rows[2]![0]}`,
    )
    await runVerificationBatch(mine.id)
    expect((await refusal(() => verificationBatch(nr, mine.id))).status).toBe(404)
    expect((await refusal(() => openBatchResult(nr, mine.id))).status).toBe(404)
    expect((await refusal(() => openBatchResult(psb, 'not-an-id'))).status).toBe(404)
    const other = await CatalogEntry.findOne({ orgId: nr.org!.id, listed: true }, { _id: 1 }).lean()
    expect(
      (
        await refusal(() =>
          submitVerificationBatchBytes(amr, String(other!._id), 'x.csv', `gmsfhm\n1`),
        )
      ).status,
    ).toBe(404)
  })

  it('art23 a batch uploads through the page without JavaScript and through the API, in the caller’s language', async () => {
    const page = await import('~/routes/verification.batches._index')
    const api = await import('~/routes/api.v1.verification.batches')
    const status = await import('~/routes/api.v1.verification.batches.$batchId')
    const download = await import('~/routes/verification.batches.$batchId.result')
    const cookie = await sessionCookieFor('amr@demo.gd.example')
    const upload = (path: string, body: string, name = 'page.csv', lang = 'zh') => {
      const form = new FormData()
      form.set('file', new Blob([body], { type: 'text/csv' }), name)
      return new Request(`${BASE}${path}`, {
        method: 'POST',
        body: form,
        headers: { Cookie: cookie, Origin: BASE, 'Accept-Language': lang },
      })
    }
    const posted = await settle(() =>
      page.action({
        request: upload(`/verification/batches?entry=${entryId}`, `gmsfhm\n${rows[7]![0]}`),
        params: {},
        context: {},
      }),
    )
    expect(posted.status).toBe(302)
    const id = /\/verification\/batches\/([0-9a-f]{24})$/.exec(posted.headers.get('Location')!)![1]!
    await runVerificationBatch(id)
    const file = await settle(() =>
      download.loader({
        request: new Request(`${BASE}/verification/batches/${id}/result`, {
          headers: { Cookie: cookie },
        }),
        params: { batchId: id },
        context: {},
      }),
    )
    expect(file.headers.get('Content-Disposition')).toContain('page.verified.csv')
    expect(await file.text()).toContain('1,true,match')

    const refused = await settle(() =>
      page.action({
        request: upload(`/verification/batches?entry=${entryId}`, 'hjdz\nx'),
        params: {},
        context: {},
      }),
    )
    expect(refused.status).toBe(400)
    expect(JSON.stringify(await refused.json())).toContain('文件表头')

    const accepted = await settle(() =>
      api.action({
        request: upload(
          `/api/v1/verification/batches?entry=${entryId}`,
          `gmsfhm\n${rows[8]![0]}`,
          'api.csv',
          'en',
        ),
        params: {},
        context: {},
      }),
    )
    expect(accepted.status).toBe(202)
    const body = (await accepted.json()) as { id: string; status: string }
    expect(body.status).toBe('queued')
    const seen = await settle(() =>
      status.loader({
        request: new Request(`${BASE}/api/v1/verification/batches/${body.id}`, {
          headers: { Cookie: cookie },
        }),
        params: { batchId: body.id },
        context: {},
      }),
    )
    expect(await seen.json()).toMatchObject({ id: body.id, rows: 1 })
    const english = await settle(() =>
      api.action({
        request: upload(
          `/api/v1/verification/batches?entry=${entryId}`,
          'gmsfhm\n',
          'empty.csv',
          'en',
        ),
        params: {},
        context: {},
      }),
    )
    expect(english.status).toBe(400)
    expect(JSON.stringify(await english.json())).toContain('no record to verify')
  })

  it('the storage sweep keeps a batch’s files', async () => {
    const { referencedKeys } = await import('~/services/storage/sweep.server')
    const batch = (await VerificationBatch.findOne({ status: 'done' }).lean())!
    const keys = await referencedKeys()
    expect(keys.has(batch.inputKey)).toBe(true)
    expect(keys.has(batch.resultKey!)).toBe(true)
    expect(await contentStore().readAll(batch.inputKey)).toBeTruthy()
  })
})
