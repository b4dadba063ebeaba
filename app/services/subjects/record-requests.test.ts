// A data subject's objections, corrections and deletions (C10; Art. 42) in the seeded demo world:
// psb's residents table holds zhangwei (row 2002) and lina (row 2001); amr holds an API grant of it
// and nr a file grant, both delivered before.
import { createHash } from 'node:crypto'
import mongoose from 'mongoose'
import { beforeAll, describe, expect, it } from 'vitest'
import { getQueue } from '#jobs/queues'
import { CatalogEntry } from '#models/catalog-entry'
import { EntryDataset } from '#models/entry-dataset'
import { LedgerEntry } from '#models/ledger-entry'
import { SharingGrant } from '#models/sharing-grant'
import { SubjectRequest, SubjectRequestStep } from '#models/subject-request'
import { User } from '#models/user'
import type { AuthUser } from '~/services/identity/auth.server'
import { decryptField } from '~/services/identity/crypto.server'
import { dataKeys } from '~/services/identity/keys.server'
import { currentDataset, storeEntryDatasetBytes } from '~/services/sharing/datasets.server'
import { contentStore } from '~/services/storage/store.server'
import {
  deliverSharingGrant,
  grantRows,
  issueGrantApiKey,
} from '~/services/sharing/delivery.server'
import { buildVerificationIndex, verifyRecord } from '~/services/verification/verify.server'
import { refusal } from '../../../tests/fixtures/errors'
import { formRequest, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { forgetSubjectIndexes, holdingsOf } from './holdings.server'
import {
  applyRecordChange,
  decideRecordRequest,
  departmentRecordRequests,
  fileRecordRequest,
  myRecordRequests,
  recordForRequest,
  runRecordRequestSweep,
  setRecordRequestDays,
} from './record-requests.server'

async function subject(email: string) {
  const u = (await User.findOne({ email }, { residentIdEnc: 1, residentIdIndex: 1 }).lean())!
  return { id: decryptField(u.residentIdEnc!, dataKeys().field), key: u.residentIdIndex! }
}

const RESIDENTS = '常住人口基本信息'
let psb: AuthUser
let amr: AuthUser
let zhang: AuthUser
let lina: AuthUser
let residentsId: string

/** The person's record in the residents table: the table's id and her row. */
async function residentsRecord(key: string) {
  const held = (await holdingsOf(key)).find((h) => h.entryId === residentsId)
  return held ? { datasetId: held.datasetId, record: held.records[0]! } : null
}

async function amrReads() {
  const grant = (await SharingGrant.findOne({
    catalogEntryId: residentsId,
    granteeOrgId: amr.org!.id,
    mode: 'api',
  }).lean())!
  const { key } = await issueGrantApiKey(amr, String(grant._id))
  return {
    grantId: String(grant._id),
    read: (offset: number, limit: number) =>
      grantRows({ authorization: `Bearer ${key}`, grantId: String(grant._id), offset, limit }),
  }
}

describe('objections, corrections and deletions (C10)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    zhang = await demoUser('zhangwei@demo.gd.example')
    lina = await demoUser('lina@demo.gd.example')
    const entry = (await CatalogEntry.findOne(
      { orgId: psb.org!.id, 'published.title.zh': RESIDENTS },
      { _id: 1 },
    ).lean())!
    residentsId = String(entry._id)
  })

  it('art42 a correction goes to the department holding the record, which grants it with reasons; the new version names the request, she sees the new value, every later copy and API answer has it', async () => {
    const me = await subject('zhangwei@demo.gd.example')
    const before = (await residentsRecord(me.key))!
    // A field amr's grant carries, so its API answers show the correction.
    const granted = (await SharingGrant.findOne({
      catalogEntryId: residentsId,
      granteeOrgId: amr.org!.id,
      mode: 'api',
    }).lean())!.fields
    const field = granted.find((f) => f !== 'gmsfhm')!
    // (With the delimiter in it: the new row quotes it.)
    const value = '更正后的内容, 用于核对'
    const form = await recordForRequest(zhang, before.datasetId, before.record.row)
    // The identifier itself is not correctable; the others are.
    expect(form.fields.find((f) => f.name === 'gmsfhm')).toMatchObject({ correctable: false })
    const filed = await fileRecordRequest(zhang, {
      kind: 'correction',
      datasetId: before.datasetId,
      row: before.record.row,
      field,
      proposed: value,
      reasons: '我已于去年迁居，户籍地址未更新。',
    })
    expect(new Date(filed.dueAt).getTime()).toBeGreaterThan(Date.now())
    expect(
      (await getQueue('notifications').getJob(`subject-request_${filed.requestId}_filed`))?.data,
    ).toMatchObject({ orgId: psb.org!.id, kind: 'subject-request.filed' })
    // The department sees it with the record as it holds it; she sees it pending.
    const inbox = await departmentRecordRequests(psb)
    const mine = inbox.find((r) => r.id === filed.requestId)!
    expect(mine).toMatchObject({ status: 'pending', field })
    expect(mine.record.find((f) => f.name === 'gmsfhm')!.value).toBe(me.id)
    expect((await myRecordRequests(zhang))[0]).toMatchObject({ id: filed.requestId })

    await decideRecordRequest(psb, {
      requestId: filed.requestId,
      decision: 'granted',
      note: '经核对户籍档案，予以更正。',
    })
    const applied = await applyRecordChange(filed.requestId)
    expect(applied).toMatchObject({ requestId: filed.requestId })
    // Again: nothing more happens.
    expect(await applyRecordChange(filed.requestId)).toMatchObject({ skipped: 'applied' })

    const current = (await currentDataset(residentsId))!
    expect(current.cause).toBe(`subject-request:${filed.requestId}`)
    expect(current._id).not.toBe(before.datasetId)
    const stored = await LedgerEntry.findOne({
      eventKey: `catalog-entry.dataset-stored:${current._id}`,
    }).lean()
    expect(stored?.summary).toMatchObject({ cause: `subject-request:${filed.requestId}` })
    expect(
      await LedgerEntry.countDocuments({
        eventKey: mongoose.trusted({
          $in: [
            `subject.record-request-filed:${filed.requestId}`,
            `subject.record-request-decided:${filed.requestId}`,
            `subject.record-changed:${filed.requestId}`,
          ],
        }),
      }),
    ).toBe(3)
    // Her view: the new value; nobody else's row changed (the table has as many rows).
    forgetSubjectIndexes()
    const after = (await residentsRecord(me.key))!
    expect(after.datasetId).toBe(current._id)
    expect(after.record.fields.find((f) => f.name === field)!.value).toBe(value)
    const old = (await EntryDataset.findById(before.datasetId).lean())!
    expect(current.sizeBytes - old.sizeBytes).toBe(
      Buffer.byteLength(`"${value}"`) -
        Buffer.byteLength(before.record.fields.find((f) => f.name === field)!.value),
    )
    // The copies made before are listed to her; their holders are told.
    const view = (await myRecordRequests(zhang)).find((r) => r.id === filed.requestId)!
    expect(view).toMatchObject({ status: 'granted', note: '经核对户籍档案，予以更正。' })
    expect(view.appliedAt).not.toBeNull()
    expect(view.priorCopies.map((c) => c.org.zh)).toContain(amr.org!.name.zh)
    // The next copy of amr's grant is made from the new version, and its API answers have it.
    const { grantId, read } = await amrReads()
    await deliverSharingGrant(grantId)
    const rows = (await read(2000, 5)).rows
    const his = rows.find((r) => r.gmsfhm === me.id)!
    expect(his[field]).toBe(value)
  })

  it('art42 a deletion keeps the record out of every later copy, API answer and verification, and out of a later upload of the old table; she sees where it went before', async () => {
    const me = await subject('lina@demo.gd.example')
    const before = (await residentsRecord(me.key))!
    const filed = await fileRecordRequest(lina, {
      kind: 'deletion',
      datasetId: before.datasetId,
      row: before.record.row,
      reasons: '我已迁出本省，请删除我在常住人口信息中的记录。',
    })
    await decideRecordRequest(psb, {
      requestId: filed.requestId,
      decision: 'granted',
      note: '已核实迁出，删除该记录。',
    })
    await applyRecordChange(filed.requestId)
    forgetSubjectIndexes()
    expect(await residentsRecord(me.key)).toBeNull()
    const current = (await currentDataset(residentsId))!
    expect(current.cause).toBe(`subject-request:${filed.requestId}`)
    // Every later API answer: the whole table read, her identifier nowhere.
    const { grantId, read } = await amrReads()
    await deliverSharingGrant(grantId)
    const all = [
      ...(await read(0, 1000)).rows,
      ...(await read(1000, 1000)).rows,
      ...(await read(2000, 1000)).rows,
    ]
    expect(all.length).toBe(2001)
    expect(all.some((r) => r.gmsfhm === me.id)).toBe(false)
    // A verification of her record no longer finds it.
    await buildVerificationIndex(residentsId)
    const answer = await verifyRecord(amr, { entryId: residentsId, record: { gmsfhm: me.id } })
    expect(answer.found).toBe(false)
    const view = (await myRecordRequests(lina)).find((r) => r.id === filed.requestId)!
    expect(view.priorCopies.length).toBeGreaterThanOrEqual(2)
    expect(
      (
        await getQueue('notifications').getJob(
          `subject-request_${filed.requestId}_prior_sharing-grant_${grantId}`,
        )
      )?.data,
    ).toMatchObject({ orgId: amr.org!.id, kind: 'subject-request.prior-copy-deletion' })

    // The department uploads its old table again, her row in it: stored without her row.
    const old = (await EntryDataset.findById(before.datasetId).lean())!
    const bytes = await contentStore().readAll(old.storageKey)
    const again = await storeEntryDatasetBytes(
      psb,
      residentsId,
      old.fileName,
      bytes,
      new Date(Date.now() + 5000),
    )
    expect(again.sha256).not.toBe(old.sha256)
    const reuploaded = (await currentDataset(residentsId))!
    expect(reuploaded).toMatchObject({
      sha256: again.sha256,
      cause: `subject-request:${filed.requestId}`,
    })
    const kept = (await contentStore().readAll(reuploaded.storageKey)).toString()
    expect(kept).not.toContain(me.id)
    expect(kept.split('\n').length).toBe(bytes.toString().split('\n').length - 1)
    forgetSubjectIndexes()
    expect(await residentsRecord(me.key)).toBeNull()
    // A table without her is stored as it came.
    const lines = bytes.toString().split('\n')
    const plain = `${lines[0]}\n${lines[1]}\n`
    const other = await storeEntryDatasetBytes(
      psb,
      residentsId,
      'plain.csv',
      plain,
      new Date(Date.now() + 10_000),
    )
    expect((await currentDataset(residentsId))!).toMatchObject({
      sha256: createHash('sha256').update(plain).digest('hex'),
      cause: null,
    })
    expect(other.sha256).toBe((await currentDataset(residentsId))!.sha256)
  })

  it('art42 two officers deciding at once make one decision; a refusal says why and she may complain', async () => {
    const me = await subject('zhangwei@demo.gd.example')
    const held = (await holdingsOf(me.key)).find((h) => h.entryId !== residentsId)!
    const filed = await fileRecordRequest(zhang, {
      kind: 'objection',
      datasetId: held.datasetId,
      row: held.records[0]!.row,
      reasons: '该记录被用于与我无关的业务，请停止共享。',
    })
    const results = await Promise.allSettled(
      [0, 1, 2, 3, 4].map((i) =>
        decideRecordRequest(psb, {
          requestId: filed.requestId,
          decision: i % 2 ? 'granted' : 'refused',
          note: `第 ${i} 位工作人员的决定理由。`,
        }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const step = (await SubjectRequestStep.findById(`${filed.requestId}:decide`).lean())!
    const doc = (await SubjectRequest.findById(filed.requestId).lean())!
    expect(doc.status).toBe(step.decision)
    expect(doc.note).toBe(step.note)
    expect(
      await LedgerEntry.countDocuments({
        eventKey: `subject.record-request-decided:${filed.requestId}`,
      }),
    ).toBe(1)
  })

  it('art42 a request about another person’s record, the identifier, the same value or bad input is refused in her language and writes nothing', async () => {
    const me = await subject('zhangwei@demo.gd.example')
    const hers = await subject('lina@demo.gd.example')
    const mine = (await holdingsOf(me.key))[0]!
    const linas = (await holdingsOf(hers.key))[0]!
    const count = await SubjectRequest.countDocuments({})
    const base = {
      datasetId: mine.datasetId,
      row: mine.records[0]!.row,
      reasons: '理由足够长的说明文字。',
    }
    // Lina's row, asked by zhangwei: not his (404, as for a row that does not exist).
    expect(
      (
        await refusal(() =>
          fileRecordRequest(zhang, {
            ...base,
            datasetId: linas.datasetId,
            row: linas.records[0]!.row,
            kind: 'deletion',
          }),
        )
      ).status,
    ).toBe(404)
    expect(
      (await refusal(() => recordForRequest(zhang, linas.datasetId, linas.records[0]!.row))).status,
    ).toBe(404)
    expect(
      (
        await refusal(() =>
          fileRecordRequest(zhang, { ...base, kind: 'correction', field: 'gmsfhm', proposed: '1' }),
        )
      ).code,
    ).toBe('bad_field')
    const current = mine.records[0]!.fields.find((f) => f.name !== 'gmsfhm')!
    expect(
      (
        await refusal(() =>
          fileRecordRequest(zhang, {
            ...base,
            kind: 'correction',
            field: current.name,
            proposed: current.value,
          }),
        )
      ).code,
    ).toBe('same_value')
    // A department or another person cannot act for her.
    expect((await refusal(() => recordForRequest(psb, base.datasetId, base.row))).status).toBe(403)
    // Through the page, in Chinese: a value with a line break, reasons too short.
    const { action } = await import('~/routes/me.requests.new')
    const cookie = await sessionCookieFor('zhangwei@demo.gd.example')
    const response = await settle(() =>
      action({
        request: formRequest(
          `/me/requests/new?dataset=${base.datasetId}&row=${base.row}`,
          {
            ...base,
            row: String(base.row),
            kind: 'correction',
            field: current.name,
            proposed: 'a\nb',
            reasons: '短',
          },
          { cookie, headers: { 'Accept-Language': 'zh-CN' } },
        ),
        params: {},
        context: {},
      }),
    )
    expect(response.status).toBe(400)
    const body = (await response.json()) as { fieldErrors: Record<string, string[]> }
    expect(body.fieldErrors.proposed?.join('')).toContain('换行')
    expect(body.fieldErrors.reasons?.join('')).toContain('太短')
    expect(await SubjectRequest.countDocuments({})).toBe(count)
  })

  it('art42 the clock: the department is reminded 2 working days before, then it and its authority are told it is overdue; the authority sets the deadline', async () => {
    const authority = await demoUser('authority@demo.gd.example')
    await setRecordRequestDays(authority, 3)
    expect((await refusal(() => setRecordRequestDays(psb, 5))).status).toBe(403)
    const me = await subject('zhangwei@demo.gd.example')
    const held = (await holdingsOf(me.key))[0]!
    const filed = await fileRecordRequest(zhang, {
      kind: 'objection',
      datasetId: held.datasetId,
      row: held.records[0]!.row,
      reasons: '请说明该记录的来源和用途。',
    })
    const due = new Date(filed.dueAt)
    // Three working days from now (at least three calendar days away).
    expect(due.getTime() - Date.now()).toBeGreaterThanOrEqual(3 * 86_400_000 - 60_000)
    const job = (suffix: string) =>
      getQueue('notifications').getJob(`subject-request_${filed.requestId}_${suffix}`)
    await runRecordRequestSweep(new Date(due.getTime() - 60_000))
    expect((await job('reminder'))?.data).toMatchObject({ orgId: psb.org!.id })
    await runRecordRequestSweep(new Date(due.getTime() + 60_000))
    expect((await job('overdue'))?.data).toMatchObject({ orgId: psb.org!.id })
    expect((await job('escalated'))?.data).toMatchObject({ orgId: authority.org!.id })
    expect((await myRecordRequests(zhang, new Date(due.getTime() + 60_000)))[0]).toMatchObject({
      id: filed.requestId,
      overdue: true,
    })
    await setRecordRequestDays(authority, 10)
  })
  it('art42 a filing a crash cut short after storing the request is logged and notified by the sweep, once', async () => {
    const me = await subject('zhangwei@demo.gd.example')
    const held = (await holdingsOf(me.key)).find((h) => h.source === 'entry-dataset')!
    // As if the process died right after the insert: no log entry, no notice, no filedSeq.
    const doc = await SubjectRequest.create({
      userId: zhang.id,
      subjectKey: me.key,
      kind: 'objection',
      entryId: held.entryId!,
      orgId: held.orgId,
      datasetId: held.datasetId,
      row: held.records[0]!.row,
      reasons: '请说明该记录的用途。',
      submittedAt: new Date(),
      dueAt: new Date(Date.now() + 20 * 86_400_000),
    })
    const requestId = String(doc._id)
    const logged = () =>
      LedgerEntry.countDocuments({ eventKey: `subject.record-request-filed:${requestId}` })
    expect(await logged()).toBe(0)
    await runRecordRequestSweep()
    await runRecordRequestSweep()
    expect(await logged()).toBe(1)
    expect((await SubjectRequest.findById(requestId).lean())!.filedSeq).not.toBeNull()
    expect(
      (await getQueue('notifications').getJob(`subject-request_${requestId}_filed`))?.data,
    ).toMatchObject({ orgId: psb.org!.id })
  })
})
