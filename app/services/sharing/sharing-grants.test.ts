// Online sharing (C4; Art. 24, 46 ¶3, 52 (五)) against the seeded demo world: the source department
// stores its entry's data; each API or file grant gets its own copy with only the granted fields,
// fingerprinted for the grantee; access is checked at every call; the delivery clock escalates.
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { Delivery } from '#models/delivery'
import { EntryDataset } from '#models/entry-dataset'
import { LedgerEntry } from '#models/ledger-entry'
import { SharingRequest } from '#models/sharing-request'
import { chinaDate } from '~/services/calendar/working-days.server'
import { identifyAgainstDeliveries } from '~/services/delivery/lookup.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { contentStore } from '~/services/storage/store.server'
import { type DomainError } from '~/utils/errors'
import { refusal } from '../../../tests/fixtures/errors'
import { getRedis } from '~/utils/redis.server'
import { BASE, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { runSharingDeliverySweep } from './clocks.server'
import { overdueSharingRequests } from './coordination.server'
import { storeEntryDatasetBytes } from './datasets.server'
import {
  deliverSharingGrant,
  grantCallsKey,
  grantRows,
  GRANT_CALLS_PER_MINUTE,
  issueGrantApiKey,
} from './delivery.server'
import {
  replyToSharingRequest,
  reviewSharingGrant,
  revokeSharingGrant,
  submitSharingRequest,
} from './requests.server'
import { REVIEW_NOTE } from '../../../tests/fixtures/catalog'
import type { SharingMode } from '~/vocab/sharing'

const DAY = 86_400_000
const ymd = (offsetDays: number) => chinaDate(new Date(Date.now() + offsetDays * DAY))

let psb: AuthUser
let amr: AuthUser
let nr: AuthUser
/** psb's residents entry (conditional): gmsfhm, xm, xb, csrq, mz, hjdz. */
let residents: { id: string; fields: string[] }

/** A residents table of `rows` records (every catalogued field, plus one extra column). */
function residentsCsv(rows: number): string {
  const lines = ['gmsfhm,xm,xb,csrq,mz,hjdz,bz']
  for (let i = 0; i < rows; i++) {
    const id = `4401${String(1000000000000 + i * 7919).slice(-13)}X`.slice(0, 18)
    const day = `19${50 + (i % 50)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
    lines.push(`${id},姓名${i},${1 + (i % 2)},${day},01,广州市天河区某路${i}号,备注${i}`)
  }
  return lines.join('\n') + '\n'
}

/** amr asks psb for residents data; psb agrees on `fields` in `mode`. Returns the request and grant. */
async function agreedGrant(mode: SharingMode, fields: string[]) {
  const asked = await submitSharingRequest(amr, {
    entryId: residents.id,
    scenario: '企业开办登记中核验法定代表人身份',
    usingUnit: '广东省市场监督管理局登记注册处',
    duty: '《市场主体登记管理条例》第十七条：核验登记申请人身份',
    fields: ['gmsfhm', 'xm', 'csrq', 'hjdz'],
    mode,
    periodEnd: ymd(120),
  })
  // Art. 46: residents data is important; psb reviews the request before it agrees.
  await reviewSharingGrant(psb, asked.requestId, { outcome: 'passed', note: REVIEW_NOTE })
  const agreed = await replyToSharingRequest(psb, asked.requestId, {
    outcome: 'granted',
    fields,
    mode,
    end: ymd(90),
    note: '',
  })
  return { requestId: asked.requestId, grantId: agreed.grantId! }
}

describe('online sharing grants (C4, Art. 24)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    nr = await demoUser('nr@demo.gd.example')
    const entry = await CatalogEntry.findOne(
      { orgId: psb.org!.id, listed: true, 'published.fields.name': 'hjdz' },
      { published: 1 },
    ).lean()
    residents = { id: String(entry!._id), fields: entry!.published!.fields.map((f) => f.name) }
  })

  it('art24 a table that lacks a catalogued field is refused, and only the source department stores data', async () => {
    const before = await EntryDataset.countDocuments()
    const missing = await refusal(() =>
      storeEntryDatasetBytes(psb, residents.id, 'r.csv', 'gmsfhm,xm\n1,2\n'),
    )
    expect(missing.status).toBe(422)
    expect(missing.messageKey).toBe('error.sharing.datasetFieldsMissing')
    expect(missing.params).toMatchObject({ fields: 'xb, csrq, mz, hjdz' })
    const notSource = await refusal(() =>
      storeEntryDatasetBytes(amr, residents.id, 'r.csv', residentsCsv(3)),
    )
    expect(notSource.status).toBe(403)
    expect(await EntryDataset.countDocuments()).toBe(before)
  })

  it('art24 a file grant gets its own copy with only the granted fields, fingerprinted and traced back to it (art46 art52)', async () => {
    const { requestId, grantId } = await agreedGrant('file', ['gmsfhm', 'csrq', 'hjdz'])
    const stored = await storeEntryDatasetBytes(
      psb,
      residents.id,
      'residents.csv',
      residentsCsv(4000),
    )
    expect(stored.columns).toContain('bz')
    const outcome = await deliverSharingGrant(grantId)
    expect(outcome.created).toBe(true)
    // Exactly once: a rerun finds the same copy.
    expect(await deliverSharingGrant(grantId)).toMatchObject({
      deliveryId: outcome.deliveryId,
      created: false,
    })
    const delivery = (await Delivery.findById(outcome.deliveryId).lean())!
    expect(delivery).toMatchObject({
      status: 'completed',
      licenceId: `grant:${grantId}`,
      fields: ['gmsfhm', 'csrq', 'hjdz'],
      fingerprinted: true,
      rows: 4000,
    })
    const copy = (await contentStore().readAll(delivery.storageKey!)).toString('utf8')
    expect(copy.split('\n')[0]).toBe('gmsfhm,csrq,hjdz')
    expect(copy).not.toContain('姓名')
    // The delivery clock is met and the copy is in the log, once.
    const request = (await SharingRequest.findById(requestId).lean())!
    expect(request.decision?.deliveredAt).toBeInstanceOf(Date)
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-grant.delivered',
        subjects: `sharing-grant:${grantId}`,
      }),
    ).toBe(1)
    // A leak of the copy names the receiving agency's grant.
    const traced = await identifyAgainstDeliveries(
      await contentStore().source(delivery.storageKey!),
    )
    expect(traced.ranked[0]).toMatchObject({
      licenceId: `grant:${grantId}`,
      licenseeOrgId: amr.org!.id,
      accused: true,
    })
  })

  it('art24 the download is the grantee’s alone, while the grant is in force, and every one is logged', async () => {
    const { requestId, grantId } = await agreedGrant('file', ['gmsfhm', 'xm'])
    await deliverSharingGrant(grantId)
    const { loader } = await import('~/routes/sharing.grants.$grantId.download')
    const get = async (email: string) => {
      const cookie = await sessionCookieFor(email)
      return settle(() =>
        loader({
          request: new Request(`${BASE}/sharing/grants/${grantId}/download`, {
            headers: { Cookie: cookie },
          }),
          params: { grantId },
          context: {},
        }),
      )
    }
    const ok = await get('amr@demo.gd.example')
    expect(ok.status).toBe(200)
    expect((await ok.text()).split('\n')[0]).toBe('gmsfhm,xm')
    expect((await get('nr@demo.gd.example')).status).toBe(404)
    expect((await get('psb@demo.gd.example')).status).toBe(404)
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-grant.accessed',
        subjects: `sharing-grant:${grantId}`,
      }),
    ).toBe(1)
    await revokeSharingGrant(psb, requestId, '业务场景已变更，停止共享')
    const after = await get('amr@demo.gd.example')
    expect(after.status).toBe(403)
    expect(await after.text()).toMatch(/撤销/)
  })

  it('art24 the API answers the granted fields only; a bad key is 401, an ended or revoked grant 403 at the next call', async () => {
    const { requestId, grantId } = await agreedGrant('api', ['gmsfhm', 'csrq'])
    await deliverSharingGrant(grantId)
    // Only the requesting agency issues the key.
    expect((await refusal(() => issueGrantApiKey(nr, grantId))).status).toBe(404)
    const { key } = await issueGrantApiKey(amr, grantId)
    const call = (authorization: string | null, now?: Date) =>
      grantRows({ authorization, grantId, offset: 10, limit: 5, now })
    const page = await call(`Bearer ${key}`)
    expect(page.fields).toEqual(['gmsfhm', 'csrq'])
    expect(page.rows).toHaveLength(5)
    expect(Object.keys(page.rows[0]!)).toEqual(['gmsfhm', 'csrq'])
    expect((await refusal(() => call(`Bearer ${key}x`))).status).toBe(401)
    expect((await refusal(() => call(null))).status).toBe(401)
    const ended = await refusal(() => call(`Bearer ${key}`, new Date(Date.now() + 100 * DAY)))
    expect(ended).toMatchObject({ status: 403, code: 'grant_expired' })
    await revokeSharingGrant(psb, requestId, '数据使用超出约定场景')
    const revoked = await refusal(() => call(`Bearer ${key}`))
    expect(revoked).toMatchObject({ status: 403, code: 'grant_revoked' })
  })

  it('art24 the API limits calls per grant and minute, and the limit holds under 50 concurrent calls', async () => {
    const { grantId } = await agreedGrant('api', ['gmsfhm'])
    await deliverSharingGrant(grantId)
    const { key } = await issueGrantApiKey(amr, grantId)
    const now = new Date()
    // 20 calls left this minute, 50 at once: exactly 20 answered.
    await getRedis().set(grantCallsKey(grantId, now), GRANT_CALLS_PER_MINUTE - 20, 'EX', 120)
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        grantRows({ authorization: `Bearer ${key}`, grantId, offset: 0, limit: 1, now }),
      ),
    )
    const answered = results.filter((r) => r.status === 'fulfilled').length
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as DomainError).status === 429,
    ).length
    expect({ answered, limited }).toEqual({ answered: 20, limited: 30 })
  })

  it('art24 an agreed grant not delivered within 5 working days is escalated to the authority, once', async () => {
    // nr's entries have no stored data: the file grant waits.
    const nrEntry = await CatalogEntry.findOne(
      { orgId: nr.org!.id, listed: true, 'published.sharingType': 'conditional' },
      { published: 1 },
    ).lean()
    const entryId = String(nrEntry!._id)
    const fields = nrEntry!.published!.fields.map((f) => f.name).slice(0, 1)
    const asked = await submitSharingRequest(amr, {
      entryId,
      scenario: '用地审批中核对不动产信息',
      usingUnit: '广东省市场监督管理局',
      duty: '《市场主体登记管理条例》第十二条',
      fields,
      mode: 'file',
      periodEnd: ymd(120),
    })
    const agreed = await replyToSharingRequest(nr, asked.requestId, {
      outcome: 'granted',
      fields,
      mode: 'file',
      end: ymd(90),
      note: '',
    })
    // Nothing to deliver before the data is stored.
    expect(await deliverSharingGrant(agreed.grantId!)).toMatchObject({ skipped: 'no_data' })
    const due = agreed.deliveryDueAt!
    await runSharingDeliverySweep(new Date(due.getTime() - 1000))
    expect(
      (await SharingRequest.findById(asked.requestId).lean())!.decision?.deliveryEscalatedAt,
    ).toBeNull()
    const after = new Date(due.getTime() + 1000)
    await runSharingDeliverySweep(after)
    await runSharingDeliverySweep(after)
    const request = (await SharingRequest.findById(asked.requestId).lean())!
    expect(request.decision?.deliveryEscalatedAt).toBeInstanceOf(Date)
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-grant.delivery-overdue',
        subjects: `sharing-request:${asked.requestId}`,
      }),
    ).toBe(1)
    const authority = await demoUser('authority@demo.gd.example')
    const { items } = await overdueSharingRequests(authority, after)
    expect(items.find((i) => i.id === asked.requestId)).toMatchObject({ clock: 'delivery' })
  })

  it('art24 a stored table a crash left unlogged is finished by the sweep: logged once, its grants queued', async () => {
    const { EntryDataset } = await import('#models/entry-dataset')
    const { repairSharing, REPAIR_AFTER_MS } = await import('./clocks.server')
    const stored = await contentStore().putBytes(residentsCsv(10))
    const _id = `${residents.id}:${stored.sha256}`
    const uploadedAt = new Date(Date.now() - 2 * REPAIR_AFTER_MS)
    await EntryDataset.create({
      _id,
      entryId: residents.id,
      orgId: psb.org!.id,
      fileName: 'cut-short.csv',
      storageKey: stored.key,
      sha256: stored.sha256,
      sizeBytes: stored.size,
      header: ['gmsfhm', 'xm', 'xb', 'csrq', 'mz', 'hjdz', 'bz'],
      uploadedBy: psb.id,
      uploadedAt,
    })
    const first = await repairSharing()
    expect(first.datasets).toBe(1)
    expect((await EntryDataset.findById(_id).lean())!.ledgerSeq).toEqual(expect.any(Number))
    expect((await repairSharing()).datasets).toBe(0)
    expect(
      await LedgerEntry.countDocuments({ eventKey: `catalog-entry.dataset-stored:${_id}` }),
    ).toBe(1)
  })
})
