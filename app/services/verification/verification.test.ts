// Verification without disclosure (C5; Art. 23 ¶3, 45) against the seeded demo world: psb offers
// verification on its residents entry (the demo world stored the table); agencies verify records
// and hear match / mismatch / not found per field, never a value; limits, enumeration and the log.
import mongoose from 'mongoose'
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { LedgerEntry } from '#models/ledger-entry'
import { VerificationSetting } from '#models/verification-setting'
import type { AuthUser } from '~/services/identity/auth.server'
import { demoResidentsCsv } from '~/services/sharing/seed.server'
import { contentStore } from '~/services/storage/store.server'
import { getEnv } from '~/utils/env.server'
import { isDomainError, type DomainError } from '~/utils/errors'
import { refusal } from '../../../tests/fixtures/errors'
import { getRedis } from '~/utils/redis.server'
import { jsonRequest, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  buildVerificationIndex,
  drainVerificationLog,
  setVerification,
  verificationLogStream,
  verifyRecord,
} from './verify.server'

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

describe('verification without disclosure (C5)', () => {
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
    await getRedis().del(verificationLogStream())
    await setVerification(psb, entryId, {
      keyFields: ['gmsfhm'],
      checkFields: ['xm', 'csrq'],
      enabled: true,
    })
    // The demo world built the index already; a rebuild of the same data and fields is a no-op.
    expect(await buildVerificationIndex(entryId)).toMatchObject({ skipped: 'up_to_date' })
    // (The made-up residents, and the demo's two data subjects.)
    expect((await VerificationSetting.findById(entryId).lean())!.index?.records).toBe(2002)
  })

  it('art23 answers match, mismatch or not found per field — a date in another spelling still matches', async () => {
    const [id, name, , born] = rows[5]!
    expect(
      await verifyRecord(amr, {
        entryId,
        record: { gmsfhm: id!.toLowerCase(), xm: name!, csrq: born!.replace(/-/g, '/') },
      }),
    ).toEqual({ entryId, found: true, fields: { gmsfhm: 'match', xm: 'match', csrq: 'match' } })
    expect(await verifyRecord(amr, { entryId, record: { gmsfhm: id!, xm: '别人' } })).toEqual({
      entryId,
      found: true,
      fields: { gmsfhm: 'match', xm: 'mismatch' },
    })
    expect(
      await verifyRecord(amr, { entryId, record: { gmsfhm: '440101190001010000', xm: name! } }),
    ).toEqual({ entryId, found: false, fields: { gmsfhm: 'not_found', xm: 'not_found' } })
  })

  it('art23 never returns a stored value: property over random candidates, real and made up', async () => {
    const outcomes = new Set(['match', 'mismatch', 'not_found'])
    let seed = 42
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 100; i++) {
      const row = rows[Math.floor(rand() * rows.length)]!
      const record: Record<string, string> = {
        gmsfhm: rand() < 0.7 ? row[0]! : `4401${Math.floor(rand() * 1e13)}`,
      }
      if (rand() < 0.8) record.xm = rand() < 0.5 ? row[1]! : `名${Math.floor(rand() * 1e4)}`
      if (rand() < 0.5) record.csrq = rand() < 0.5 ? row[3]! : '2001-02-03'
      const answer = await verifyRecord(nr, { entryId, record })
      expect(Object.keys(answer).sort()).toEqual(['entryId', 'fields', 'found'])
      expect(Object.keys(answer.fields).sort()).toEqual(Object.keys(record).sort())
      for (const v of Object.values(answer.fields)) expect(outcomes.has(v)).toBe(true)
      // Nothing of the stored row travels back, whatever was asked.
      const text = JSON.stringify(answer)
      // (The one-character sex and ethnicity codes are left out: any JSON holds a "1".)
      const [storedId, storedName, , storedBorn, , storedAddress] = row
      for (const stored of [storedId!, storedName!, storedBorn!, storedAddress!])
        if (!Object.values(record).includes(stored)) expect(text).not.toContain(stored)
    }
  })

  it('art23 the index and the log hold keyed digests only: no stored value in the file or the ledger', async () => {
    const setting = (await VerificationSetting.findById(entryId).lean())!
    const bytes = await contentStore().readAll(setting.index!.storageKey)
    for (const row of rows.slice(0, 50)) {
      expect(bytes.includes(Buffer.from(row[0]!))).toBe(false)
      expect(bytes.includes(Buffer.from(row[1]!))).toBe(false)
    }
    const callsLogged = async () =>
      (
        await LedgerEntry.find({
          action: 'verification.calls-logged',
          eventKey: mongoose.trusted({ $regex: '^verification\\.calls-logged:' }),
        }).lean()
      ).reduce((n, e) => n + Number((e.summary as { calls: number }).calls), 0)
    // (The demo world's own verification was logged when it was seeded.)
    const before = await callsLogged()
    const drained = await drainVerificationLog()
    expect(drained.calls).toBeGreaterThanOrEqual(100)
    // (The drained calls; a batch logs its own chunks.)
    const logged = await LedgerEntry.find({
      action: 'verification.calls-logged',
      eventKey: mongoose.trusted({ $regex: '^verification\\.calls-logged:' }),
    }).lean()
    expect((await callsLogged()) - before).toBe(drained.calls)
    expect(JSON.stringify(logged)).not.toContain(rows[5]![0]!)
    // Drained once: a second run finds nothing left.
    expect((await drainVerificationLog()).calls).toBe(0)
  })

  it('art23 only agencies verify, only named fields, only where offered; the API answers in the caller’s language', async () => {
    expect(
      (await refusal(() => verifyRecord(provider, { entryId, record: { gmsfhm: rows[0]![0]! } })))
        .status,
    ).toBe(403)
    const extra = await refusal(() =>
      verifyRecord(amr, { entryId, record: { gmsfhm: rows[0]![0]!, hjdz: 'x' } }),
    )
    expect(extra.status).toBe(400)
    const other = await CatalogEntry.findOne({ orgId: nr.org!.id, listed: true }, { _id: 1 }).lean()
    expect(
      (await refusal(() => verifyRecord(amr, { entryId: String(other!._id), record: { a: '1' } })))
        .status,
    ).toBe(404)
    const { action } = await import('~/routes/api.v1.verification')
    const cookie = await sessionCookieFor('amr@demo.gd.example')
    const ok = await settle(() =>
      action({
        request: jsonRequest(
          '/api/v1/verification',
          { entryId, record: { gmsfhm: rows[1]![0]!, xm: rows[1]![1]! } },
          { cookie },
        ),
        params: {},
        context: {},
      }),
    )
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ found: true, fields: { xm: 'match' } })
    const bad = await settle(() =>
      action({
        request: jsonRequest('/api/v1/verification', { entryId, record: {} }, { cookie }),
        params: {},
        context: {},
      }),
    )
    expect(bad.status).toBe(400)
  })

  it('art23 the per-minute limit holds under 50 concurrent calls', async () => {
    const now = new Date()
    const minute = Math.floor(now.getTime() / 60_000)
    const key = `${getEnv().QUEUE_PREFIX}:verify:m:${amr.org!.id}:${entryId}:${minute}`
    await getRedis().set(key, getEnv().VERIFY_PER_MINUTE - 20, 'EX', 120)
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        verifyRecord(amr, { entryId, record: { gmsfhm: rows[i]![0]! } }, now),
      ),
    )
    const answered = results.filter((r) => r.status === 'fulfilled').length
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as DomainError).status === 429,
    ).length
    expect({ answered, limited }).toEqual({ answered: 20, limited: 30 })
  })

  it('art45 walking through consecutive IDs is throttled and raised to the authority once', async () => {
    const gz = await demoUser('gzhealth@demo.gd.example')
    const now = new Date()
    let throttled = 0
    for (let i = 0; i < 70; i++) {
      const id = `44010119900101${String(1000 + i).padStart(4, '0')}`
      try {
        await verifyRecord(gz, { entryId, record: { gmsfhm: id } }, now)
      } catch (error) {
        if (isDomainError(error) && error.code === 'throttled') throttled++
        else throw error
      }
    }
    expect(throttled).toBeGreaterThan(0)
    expect(
      await LedgerEntry.countDocuments({
        action: 'verification.enumeration-suspected',
        subjects: `org:${gz.org!.id}`,
      }),
    ).toBe(1)
    // A real record is refused too while throttled.
    expect(
      (await refusal(() => verifyRecord(gz, { entryId, record: { gmsfhm: rows[0]![0]! } }, now)))
        .code,
    ).toBe('throttled')
  })
})

describe('verification digests', () => {
  it('the precomputed HMAC gives the bytes of createHmac', async () => {
    const { createHmac } = await import('node:crypto')
    const { keyDigest, fieldDigest } = await import('./index.server')
    const secret = Buffer.alloc(32, 9)
    const key = keyDigest(secret, 'e1', ['A', 'B'])
    expect(key).toEqual(createHmac('sha256', secret).update('k\0e1\0A\0B').digest().subarray(0, 16))
    expect(fieldDigest(secret, 'e1', key, 'xm', '张三')).toEqual(
      createHmac('sha256', secret)
        .update('f\0e1\0xm\0')
        .update(key)
        .update('\0张三')
        .digest()
        .subarray(0, 8),
    )
  })
})
