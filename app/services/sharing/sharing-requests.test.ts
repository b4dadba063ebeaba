// Sharing between agencies (C4; Art. 22–24) against the seeded demo world: who may ask, for what,
// the unconditional grant, the source department's reply within 5 working days, minimal
// authorization, cited refusals, one answer per request, and the log.
import mongoose from 'mongoose'
import { beforeAll, describe, expect, it } from 'vitest'
import { CalendarDay } from '#models/calendar-day'
import { CatalogEntry } from '#models/catalog-entry'
import { LedgerEntry } from '#models/ledger-entry'
import { SharingGrant } from '#models/sharing-grant'
import { SharingDecision, SharingRequest } from '#models/sharing-request'
import { SharingHandover } from '#models/sharing-handover'
import {
  chinaDate,
  invalidateCalendarCache,
  workingDaysBetween,
} from '~/services/calendar/working-days.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { holdsRightToDerive } from '~/services/licences/rights.server'
import { type DomainError } from '~/utils/errors'
import { refusal } from '../../../tests/fixtures/errors'
import { formRequest, jsonRequest, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser } from '../../../tests/fixtures/products'
import { REVIEW_NOTE } from '../../../tests/fixtures/catalog'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { getQueue } from '#jobs/queues'
import { Organization } from '#models/organization'
import { REPAIR_AFTER_MS, repairSharing, runSharingReplySweep } from './clocks.server'
import { recordOfflineHandover } from './handovers.server'
import {
  commentOnFiling,
  filingsInbox,
  overdueSharingRequests,
  recordCoordination,
} from './coordination.server'
import { sharingListPage, sharingRequestPage } from './pages.server'
import { sharingListQuery } from './schemas'
import {
  replyToSharingRequest,
  reviewSharingGrant,
  revokeSharingGrant,
  submitArt26Sharing,
  submitSharingRequest,
} from './requests.server'
import type { SharingRequestInput } from './schemas'
import type { SharingType } from '~/vocab/catalog'

/** Art. 35: whether the org may use the entry now (the grant is what the rights check reads). */
const mayUse = async (user: AuthUser, entryId: string) =>
  (
    await holdsRightToDerive(
      user.org!.id,
      { kind: 'catalog-entry', id: entryId },
      new Date(),
      'run',
    )
  ).ok

const DAY = 86_400_000
const ymd = (offsetDays: number) => chinaDate(new Date(Date.now() + offsetDays * DAY))

let psb: AuthUser
let amr: AuthUser
let nr: AuthUser
let provider: AuthUser
let authority: AuthUser
interface Entry {
  id: string
  fields: string[]
}
/** A listed entry of `orgId` with the given sharing type. */
async function entryOf(user: AuthUser, sharingType: SharingType): Promise<Entry> {
  const entry = await CatalogEntry.findOne(
    { orgId: user.org!.id, listed: true, 'published.sharingType': sharingType },
    { published: 1 },
  ).lean()
  if (!entry) throw new Error(`no ${sharingType} entry of ${user.email}`)
  return { id: String(entry._id), fields: entry.published!.fields.map((f) => f.name) }
}

function input(entry: Entry, overrides: Partial<SharingRequestInput> = {}): SharingRequestInput {
  return {
    entryId: entry.id,
    scenario: '企业开办“一网通办”中核验经营场所信息',
    usingUnit: '广东省公安厅政务服务处',
    duty: '《广东省公共数据管理办法》第二十二条：履行企业登记协同监管职责',
    fields: entry.fields.slice(0, 2),
    mode: 'api',
    periodEnd: ymd(90),
    ...overrides,
  }
}

describe('sharing between agencies (C4)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    nr = await demoUser('nr@demo.gd.example')
    provider = await demoUser('provider@demo.gd.example')
    authority = await demoUser('authority@demo.gd.example')
  })

  it('art22 only an agency requests shared data; a company is refused and nothing is written', async () => {
    const entry = await entryOf(amr, 'conditional')
    const before = await SharingRequest.countDocuments()
    const error = await refusal(() => submitSharingRequest(provider, input(entry)))
    expect(error.status).toBe(403)
    expect(await SharingRequest.countDocuments()).toBe(before)
  })

  it('art23 an unconditionally shared entry is granted at once with the fields asked for, logged', async () => {
    const entry = await entryOf(amr, 'unconditional')
    const asked = entry.fields.slice(0, 2)
    const result = await submitSharingRequest(psb, input(entry, { fields: asked, mode: 'file' }))
    expect(result).toMatchObject({ status: 'granted', replyDueAt: null })
    const grant = await SharingGrant.findById(result.grantId).lean()
    expect(grant).toMatchObject({
      catalogEntryId: entry.id,
      grantorOrgId: amr.org!.id,
      granteeOrgId: psb.org!.id,
      kind: 'sharing',
      fields: asked,
      mode: 'file',
    })
    // The data reaches the requester within 5 working days (Art. 24).
    expect(await workingDaysBetween(grant!.approvedAt, result.deliveryDueAt!)).toBe(5)
    expect(await mayUse(psb, entry.id)).toBe(true)
    const actions = (
      await LedgerEntry.find({ subjects: `sharing-request:${result.requestId}` }).lean()
    ).map((e) => e.action)
    expect(actions).toEqual(['sharing-request.submitted', 'sharing-request.granted'])
    const decision = await SharingDecision.findById(result.requestId).lean()
    expect(decision).toMatchObject({ automatic: true, decidedBy: 'rule:art23-unconditional' })
  })

  it('art23 a not-shared entry is refused with verification offered instead', async () => {
    const notShared = await CatalogEntry.findOne(
      { listed: true, 'published.sharingType': 'not_shared' },
      { _id: 1 },
    ).lean()
    const entry = { id: String(notShared!._id), fields: [] }
    const error = await refusal(() => submitSharingRequest(psb, input(entry)))
    expect(error).toMatchObject({ status: 409, messageKey: 'error.sharing.notShared' })
  })

  it('art24 a request names fields the entry offers, at least one, and an end in the future', async () => {
    const entry = await entryOf(amr, 'conditional')
    expect(
      await refusal(() => submitSharingRequest(psb, input(entry, { fields: ['no_such_field'] }))),
    ).toMatchObject({ status: 422, fields: { fields: expect.any(Array) } })
    expect(
      await refusal(() => submitSharingRequest(psb, input(entry, { fields: [] }))),
    ).toMatchObject({ status: 422 })
    expect(
      await refusal(() => submitSharingRequest(psb, input(entry, { periodEnd: ymd(-1) }))),
    ).toMatchObject({ status: 422 })
    expect(
      await refusal(() => submitSharingRequest(amr, input(entry))), // its own data
    ).toMatchObject({ status: 409, messageKey: 'error.sharing.ownEntry' })
  })

  it('art23 a conditionally shared entry waits for the reply, due 5 working days later across a holiday and an adjusted workday', async () => {
    const entry = await entryOf(amr, 'conditional')
    // A Monday; that Wednesday a holiday, the Saturday an adjusted workday.
    const monday = new Date('2031-03-03T10:00:00+08:00')
    await CalendarDay.create([
      { _id: '2031-03-05', year: 2031, kind: 'off', name: 'test holiday', source: 'authority' },
      { _id: '2031-03-08', year: 2031, kind: 'work', name: 'test workday', source: 'authority' },
    ])
    invalidateCalendarCache()
    try {
      const result = await submitSharingRequest(psb, input(entry, { periodEnd: '2031-12-31' }), {
        now: monday,
      })
      expect(result.status).toBe('pending')
      // Tue 4, (Wed 5 off), Thu 6, Fri 7, Sat 8 (worked), (Sun 9), Mon 10 → due the end of Mon 10.
      expect(chinaDate(result.replyDueAt!)).toBe('2031-03-10')
      expect(
        await SharingGrant.countDocuments({ sourceRef: `sharing-request:${result.requestId}` }),
      ).toBe(0)
    } finally {
      await CalendarDay.deleteMany({ _id: mongoose.trusted({ $in: ['2031-03-05', '2031-03-08'] }) })
      invalidateCalendarCache()
    }
  })

  it('art24 the source department agrees on fewer fields than asked, never more, and an end no later than asked', async () => {
    const entry = await entryOf(amr, 'conditional')
    expect(entry.fields.length).toBeGreaterThan(2)
    const asked = entry.fields.slice(0, 2)
    const { requestId } = await submitSharingRequest(psb, input(entry, { fields: asked }))
    const more = await refusal(() =>
      replyToSharingRequest(amr, requestId, {
        outcome: 'granted',
        fields: [...asked, entry.fields[2]!],
        mode: 'api',
        end: ymd(30),
        note: '',
      }),
    )
    expect(more.status).toBe(422)
    const later = await refusal(() =>
      replyToSharingRequest(amr, requestId, {
        outcome: 'granted',
        fields: asked.slice(0, 1),
        mode: 'api',
        end: ymd(400),
        note: '',
      }),
    )
    expect(later).toMatchObject({ status: 422, messageKey: 'error.sharing.endAfterAsked' })
    expect(await SharingDecision.countDocuments({ _id: requestId })).toBe(0)

    const agreed = await replyToSharingRequest(amr, requestId, {
      outcome: 'granted',
      fields: asked.slice(0, 1),
      mode: 'file',
      end: ymd(30),
      note: '只提供统一社会信用代码',
    })
    expect(agreed.status).toBe('granted')
    expect(await mayUse(psb, entry.id)).toBe(true)
    const grant = await SharingGrant.findById(agreed.grantId).lean()
    expect(grant).toMatchObject({ fields: asked.slice(0, 1), mode: 'file' })
    expect(await SharingRequest.findById(requestId).lean()).toMatchObject({
      status: 'granted',
      decision: { outcome: 'granted', fields: asked.slice(0, 1), grantId: agreed.grantId },
    })
  })

  it('art23 a refusal without a citation, or with a generic one, is refused; with one it is logged', async () => {
    const entry = await entryOf(amr, 'conditional')
    const { requestId } = await submitSharingRequest(psb, input(entry))
    const refuse = (instrument: string, article: string) =>
      replyToSharingRequest(amr, requestId, { outcome: 'refused', instrument, article, note: '' })
    expect(await refusal(() => refuse('', ''))).toMatchObject({
      status: 422,
      fields: { instrument: ['error.sharing.citationInstrument'] },
    })
    expect(await refusal(() => refuse('相关法律法规', '第十二条'))).toMatchObject({ status: 422 })
    expect(await refusal(() => refuse('relevant laws and regulations', 'Art. 5'))).toMatchObject({
      status: 422,
    })
    expect(
      await refusal(() => refuse('《中华人民共和国个人信息保护法》', '有关条款')),
    ).toMatchObject({
      status: 422,
      fields: { article: ['error.sharing.citationArticle'] },
    })
    const refused = await refuse('《中华人民共和国个人信息保护法》', '第十三条')
    expect(refused).toMatchObject({ status: 'refused', grantId: null })
    const logged = await LedgerEntry.findOne({
      action: 'sharing-request.refused',
      subjects: `sharing-request:${requestId}`,
    }).lean()
    expect(logged?.summary).toMatchObject({
      instrument: '《中华人民共和国个人信息保护法》',
      article: '第十三条',
    })
  })

  it('art23 only the source department replies, and a request is answered once however many replies race', async () => {
    const entry = await entryOf(amr, 'conditional')
    const { requestId } = await submitSharingRequest(psb, input(entry))
    expect(
      await refusal(() =>
        replyToSharingRequest(nr, requestId, {
          outcome: 'refused',
          instrument: '《中华人民共和国数据安全法》',
          article: '第二十一条',
          note: '',
        }),
      ),
    ).toMatchObject({ status: 403 })
    const replies = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        replyToSharingRequest(
          amr,
          requestId,
          i % 2
            ? {
                outcome: 'refused',
                instrument: '《中华人民共和国数据安全法》',
                article: '第二十一条',
                note: '',
              }
            : {
                outcome: 'granted',
                fields: entry.fields.slice(0, 1),
                mode: 'api',
                end: ymd(20),
                note: '',
              },
        ),
      ),
    )
    expect(replies.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of replies)
      if (r.status === 'rejected') expect((r.reason as DomainError).status).toBe(409)
    expect(await SharingDecision.countDocuments({ _id: requestId })).toBe(1)
    expect(
      await LedgerEntry.countDocuments({
        action: mongoose.trusted({ $in: ['sharing-request.granted', 'sharing-request.refused'] }),
        subjects: `sharing-request:${requestId}`,
      }),
    ).toBe(1)
    expect(
      await SharingGrant.countDocuments({ sourceRef: `sharing-request:${requestId}` }),
    ).toBeLessThanOrEqual(1)
  })

  it("art22 the API takes a request (201); bad input is a 4xx in the caller's language and writes nothing", async () => {
    const { action } = await import('~/routes/api.v1.sharing.requests')
    const entry = await entryOf(amr, 'conditional')
    const cookie = await sessionCookieFor('psb@demo.gd.example')
    const ok = await settle(() =>
      action({
        request: jsonRequest('/api/v1/sharing/requests', input(entry), { cookie }),
        params: {},
        context: {},
      }),
    )
    expect(ok.status).toBe(201)
    expect(await ok.json()).toMatchObject({
      status: 'pending',
      requestId: expect.stringMatching(/^[0-9a-f]{24}$/),
    })
    const before = await SharingRequest.countDocuments()
    for (const body of [
      { ...input(entry), mode: 'carrier-pigeon' },
      { ...input(entry), fields: 'not-a-list' },
      { ...input(entry), scenario: '' },
      { ...input(entry), extra: 1 },
      [],
    ]) {
      const request = jsonRequest('/api/v1/sharing/requests', body, { cookie })
      request.headers.set('Accept-Language', 'en')
      const refused = await settle(() => action({ request, params: {}, context: {} }))
      expect(refused.status).toBe(400)
      const { error } = (await refused.json()) as { error: { message: string } }
      expect(error.message).toMatch(/[A-Za-z]/)
    }
    expect(await SharingRequest.countDocuments()).toBe(before)
    // A company's key or session is refused before anything is read.
    const company = await sessionCookieFor('provider@demo.gd.example')
    const forbidden = await settle(() =>
      action({
        request: jsonRequest('/api/v1/sharing/requests', input(entry), { cookie: company }),
        params: {},
        context: {},
      }),
    )
    expect(forbidden.status).toBe(403)
  })

  it('art24 the reply form without JavaScript: a refusal keeps what was typed and names the missing article', async () => {
    const { action } = await import('~/routes/sharing.requests.$requestId')
    const entry = await entryOf(amr, 'conditional')
    const { requestId } = await submitSharingRequest(psb, input(entry))
    const cookie = await sessionCookieFor('amr@demo.gd.example')
    const res = await settle(() =>
      action({
        request: formRequest(
          `/sharing/requests/${requestId}`,
          { outcome: 'refused', instrument: '《中华人民共和国数据安全法》', article: '', note: '' },
          { cookie },
        ),
        params: { requestId },
        context: {},
      }),
    )
    expect(res.status).toBe(422)
    const body = (await res.json()) as {
      fieldErrors: Record<string, string[]>
      values: Record<string, string>
    }
    expect(body.fieldErrors.article?.[0]).toMatch(/条|article/i)
    expect(body.values.instrument).toBe('《中华人民共和国数据安全法》')
    expect(await SharingDecision.countDocuments({ _id: requestId })).toBe(0)
  })

  it('the demo world holds a request in each state, the overdue one escalated', async () => {
    const states = await SharingRequest.find({}, { status: 1, escalatedAt: 1, decision: 1 }).lean()
    expect(new Set(states.map((r) => r.status))).toEqual(new Set(['pending', 'granted', 'refused']))
    expect(states.some((r) => r.escalatedAt)).toBe(true)
    expect(states.some((r) => r.decision?.automatic)).toBe(true)
  })

  it('art22 the source department is warned after 3 working days; an overdue request is escalated to the authority, once', async () => {
    const entry = await entryOf(amr, 'conditional')
    const monday = new Date('2032-03-01T10:00:00+08:00')
    const { requestId, replyDueAt } = await submitSharingRequest(
      psb,
      input(entry, { periodEnd: '2032-12-31' }),
      { now: monday },
    )
    expect(chinaDate(replyDueAt!)).toBe('2032-03-08')
    const quiet = await runSharingReplySweep(new Date('2032-03-03T12:00:00+08:00')) // 2 days waited
    expect(quiet.warned).toBe(0)
    const thursday = await runSharingReplySweep(new Date('2032-03-04T12:00:00+08:00'))
    expect(thursday.warned).toBeGreaterThanOrEqual(1)
    expect(
      (await getQueue('notifications').getJob(`sharing-request_${requestId}_warn3`))?.data,
    ).toMatchObject({ orgId: amr.org!.id, kind: 'sharing-request.reply_due' })

    const late = new Date('2032-03-09T09:00:00+08:00')
    await runSharingReplySweep(late)
    await runSharingReplySweep(late) // a rerun records nothing twice
    const authority = await Organization.findOne({ type: 'authority', level: 'province' }).lean()
    const stored = await SharingRequest.findById(requestId).lean()
    expect(stored).toMatchObject({ status: 'pending', escalatedTo: String(authority!._id) })
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-request.escalated',
        subjects: `sharing-request:${requestId}`,
      }),
    ).toBe(1)
    for (const who of ['source', 'requester', 'authority'])
      expect(
        await getQueue('notifications').getJob(`sharing-request_${requestId}_overdue_${who}`),
      ).toBeTruthy()
    // The reply is still the source department's to give, late.
    const answered = await replyToSharingRequest(
      amr,
      requestId,
      {
        outcome: 'granted',
        fields: entry.fields.slice(0, 1),
        mode: 'api',
        end: '2032-06-30',
        note: '',
      },
      { now: new Date('2032-03-09T10:00:00+08:00') },
    )
    expect(answered.status).toBe('granted')
  })

  it('art22 the authority sees every overdue request and records its coordination, once per note', async () => {
    const entry = await entryOf(amr, 'conditional')
    const { requestId } = await submitSharingRequest(psb, input(entry), {
      now: new Date(Date.now() - 20 * DAY),
    })
    const fresh = await submitSharingRequest(psb, input(entry))
    const { items } = await overdueSharingRequests(authority)
    expect(items.map((i) => i.id)).toContain(requestId)
    expect(items.map((i) => i.id)).not.toContain(fresh.requestId)

    const note = '已电话督促市场监管局，约定三个工作日内答复'
    await recordCoordination(authority, requestId, note)
    await recordCoordination(authority, requestId, note) // a double post
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-request.coordinated',
        subjects: `sharing-request:${requestId}`,
      }),
    ).toBe(1)
    expect((await SharingRequest.findById(requestId).lean())!.coordinations).toMatchObject([
      { note, by: authority.id },
    ])
    expect(
      await refusal(() => recordCoordination(authority, fresh.requestId, '尚未逾期的申请')),
    ).toMatchObject({ status: 409 })
    for (const who of [psb, amr, provider])
      expect(await refusal(() => overdueSharingRequests(who))).toMatchObject({ status: 403 })
  })

  it('art24 the source department revokes a grant with a reason: access stops at once, logged once', async () => {
    // An entry psb holds no right to yet: shared unconditionally, not open data, never granted to it.
    const candidates = await CatalogEntry.find(
      { orgId: amr.org!.id, listed: true, 'published.sharingType': 'unconditional' },
      { published: 1 },
    ).lean()
    let entry: Entry | undefined
    for (const c of candidates) {
      const e = { id: String(c._id), fields: c.published!.fields.map((f) => f.name) }
      if (!(await mayUse(psb, e.id))) {
        entry = e
        break
      }
    }
    if (!entry) throw new Error('no amr entry psb holds no right to')
    const { requestId, grantId } = await submitSharingRequest(psb, input(entry))
    expect(await mayUse(psb, entry.id)).toBe(true)
    // The requester, another agency and an empty reason are refused.
    expect(await refusal(() => revokeSharingGrant(psb, requestId, '不再需要'))).toMatchObject({
      status: 403,
    })
    expect(await refusal(() => revokeSharingGrant(nr, requestId, '不再需要'))).toMatchObject({
      status: 403,
    })
    expect(await refusal(() => revokeSharingGrant(amr, requestId, ' '))).toMatchObject({
      status: 422,
    })
    const reason = '发现申请部门将数据用于申请场景以外的用途'
    const first = await revokeSharingGrant(amr, requestId, reason)
    await revokeSharingGrant(amr, requestId, reason)
    expect(first.grantId).toBe(grantId)
    expect(await mayUse(psb, entry.id)).toBe(false)
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-grant.revoked',
        subjects: `sharing-grant:${grantId}`,
      }),
    ).toBe(1)
    expect((await SharingRequest.findById(requestId).lean())!.decision).toMatchObject({
      revokeReason: reason,
    })
    // A pending request has no grant to revoke.
    const pending = await submitSharingRequest(psb, input(await entryOf(amr, 'conditional')))
    expect(await refusal(() => revokeSharingGrant(amr, pending.requestId, reason))).toMatchObject({
      status: 409,
    })
  })

  it('art23 an offline hand-over is recorded under an offline grant: granted fields only, once per content, not after revocation', async () => {
    const entry = await entryOf(amr, 'conditional')
    const { requestId } = await submitSharingRequest(
      psb,
      input(entry, { fields: entry.fields.slice(0, 3), mode: 'offline' }),
    )
    await replyToSharingRequest(amr, requestId, {
      outcome: 'granted',
      fields: entry.fields.slice(0, 2),
      mode: 'offline',
      end: ymd(60),
      note: '',
    })
    const handover = {
      fields: entry.fields.slice(0, 2),
      rows: 1200,
      contentSha256: 'ab'.repeat(32),
      medium: '加密U盘（编号 GD-2026-017）',
      handedOverAt: ymd(0),
      handedOverBy: '林科长（数据管理科）',
      receivedBy: '黄警官（治安管理局）',
    }
    // Not a field of the grant (Art. 24), not a future date, not by the requester.
    expect(
      await refusal(() =>
        recordOfflineHandover(amr, requestId, { ...handover, fields: entry.fields.slice(0, 3) }),
      ),
    ).toMatchObject({ status: 422 })
    expect(
      await refusal(() =>
        recordOfflineHandover(amr, requestId, { ...handover, handedOverAt: ymd(3) }),
      ),
    ).toMatchObject({ status: 422 })
    expect(await refusal(() => recordOfflineHandover(psb, requestId, handover))).toMatchObject({
      status: 403,
    })
    const first = await recordOfflineHandover(amr, requestId, handover)
    const again = await recordOfflineHandover(amr, requestId, handover)
    expect(again.handoverId).toBe(first.handoverId)
    expect(await SharingHandover.countDocuments({ requestId })).toBe(1)
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-grant.handed-over',
        subjects: `sharing-request:${requestId}`,
      }),
    ).toBe(1)
    expect((await SharingRequest.findById(requestId).lean())!.decision!.deliveredAt).toBeTruthy()
    await revokeSharingGrant(amr, requestId, '交付任务完成后收回授权')
    expect(
      await refusal(() =>
        recordOfflineHandover(amr, requestId, { ...handover, contentSha256: 'cd'.repeat(32) }),
      ),
    ).toMatchObject({ status: 409 })
    // An online grant has nothing to hand over offline.
    const online = await submitSharingRequest(psb, input(await entryOf(amr, 'unconditional')))
    expect(
      await refusal(() => recordOfflineHandover(amr, online.requestId, handover)),
    ).toMatchObject({ status: 409 })
  })

  it('lists: the source department’s inbox and the requester’s own, paged with a total, filtered by status', async () => {
    const q = (query: Record<string, string>) => sharingListQuery.parse(query)
    const inbox = await sharingListPage(amr, q({ box: 'inbox' }))
    expect(inbox.paging.total).toBe(
      await SharingRequest.countDocuments({ sourceOrgId: amr.org!.id }),
    )
    expect(inbox.items.every((r) => r.sourceOrgId === amr.org!.id)).toBe(true)
    const mine = await sharingListPage(psb, q({ box: 'mine', status: 'granted' }))
    expect(mine.paging.total).toBe(
      await SharingRequest.countDocuments({ requesterOrgId: psb.org!.id, status: 'granted' }),
    )
    expect(
      mine.items.every((r) => r.requesterOrgId === psb.org!.id && r.status === 'granted'),
    ).toBe(true)
    const { loader } = await import('~/routes/sharing._index')
    const cookie = await sessionCookieFor('psb@demo.gd.example')
    const bad = await settle(() =>
      loader({
        request: new Request('http://localhost/sharing?sort=nonsense', { headers: { cookie } }),
        params: {},
        context: {},
      }),
    )
    expect(bad.status).toBe(400)
  })

  it('art23 steps a crash cut short are finished by the sweep: an unlogged request, an unapplied answer, revocation and hand-over', async () => {
    const later = new Date(Date.now() + REPAIR_AFTER_MS + 60_000)
    const logged = (subject: string, action: string) =>
      LedgerEntry.countDocuments({ action, subjects: subject })
    // A request stored, then the process died before its log entry and its grant (Art. 23 ¶1).
    const unconditional = await entryOf(amr, 'unconditional')
    const stored = await SharingRequest.create({
      requesterOrgId: psb.org!.id,
      requesterUserId: psb.id,
      catalogEntryId: unconditional.id,
      sourceOrgId: amr.org!.id,
      entryTitle: { zh: '崩溃测试', en: 'crash test' },
      sharingType: 'unconditional',
      scenario: '场景',
      usingUnit: '单位',
      duty: '职责',
      fields: unconditional.fields.slice(0, 1),
      mode: 'api',
      periodEnd: new Date(Date.now() + 30 * DAY),
      status: 'pending',
      createdAt: new Date(),
    })
    const crashed = String(stored._id)
    // An answer claimed, then the process died before the grant and the log.
    const conditional = await entryOf(amr, 'conditional')
    const { requestId: claimed } = await submitSharingRequest(psb, input(conditional))
    await SharingDecision.create({
      _id: claimed,
      outcome: 'refused',
      citation: { instrument: '《中华人民共和国数据安全法》', article: '第二十一条' },
      decidedAt: new Date(),
      decidedBy: amr.id,
      decidedByOrgId: amr.org!.id,
    })
    // A revocation recorded on the request, then the process died before the grant was touched.
    const { requestId: granted, grantId } = await submitSharingRequest(
      psb,
      input(await entryOf(amr, 'unconditional')),
    )
    await SharingRequest.updateOne(
      { _id: granted },
      {
        $set: {
          'decision.revokedAt': new Date(),
          'decision.revokeReason': '崩溃前记录的撤销',
          'decision.revokedBy': amr.id,
        },
      },
    )

    // A hand-over stored, then the process died before its log entry.
    const offline = await submitSharingRequest(psb, input(conditional, { mode: 'offline' }))
    const agreed = await replyToSharingRequest(amr, offline.requestId, {
      outcome: 'granted',
      fields: conditional.fields.slice(0, 1),
      mode: 'offline',
      end: ymd(30),
      note: '',
    })
    const handover = await SharingHandover.create({
      grantId: agreed.grantId!,
      requestId: offline.requestId,
      fields: conditional.fields.slice(0, 1),
      rows: 10,
      contentSha256: 'ef'.repeat(32),
      medium: '光盘',
      handedOverAt: new Date(),
      handedOverBy: '甲',
      receivedBy: '乙',
      recordedBy: amr.id,
      createdAt: new Date(),
    })

    const first = await repairSharing(later)
    expect(first).toEqual({ submissions: 1, answers: 1, revocations: 1, handovers: 1, datasets: 0 })
    expect((await SharingHandover.findById(handover._id).lean())!.ledgerSeq).toEqual(
      expect.any(Number),
    )
    expect(
      (await SharingRequest.findById(offline.requestId).lean())!.decision!.deliveredAt,
    ).toBeTruthy()
    expect(await SharingRequest.findById(crashed).lean()).toMatchObject({
      status: 'granted',
      submittedSeq: expect.any(Number),
    })
    expect(await logged(`sharing-request:${crashed}`, 'sharing-request.submitted')).toBe(1)
    expect(await SharingRequest.findById(claimed).lean()).toMatchObject({ status: 'refused' })
    expect(await logged(`sharing-request:${claimed}`, 'sharing-request.refused')).toBe(1)
    expect((await SharingGrant.findById(grantId).lean())!.revokedAt).toBeTruthy()
    expect(await logged(`sharing-grant:${grantId}`, 'sharing-grant.revoked')).toBe(1)
    // Nothing is left to repair, and a second sweep writes nothing twice.
    expect(await repairSharing(later)).toEqual({
      submissions: 0,
      answers: 0,
      revocations: 0,
      handovers: 0,
      datasets: 0,
    })
  })
  it('art25 a cross-level request is filed with the requester’s same-level and upper-level authorities; each may comment, nobody else sees it', async () => {
    const gzHealth = await demoUser('gzhealth@demo.gd.example')
    const gzAuthority = await demoUser('gz-authority@demo.gd.example')
    // Another city's authority: not the requester's, not the source's.
    const sz = await Organization.create({
      type: 'authority',
      name: { zh: '深圳市政务服务和数据管理局', en: 'Shenzhen data authority' },
      uscc: '11440300MB2C55555X',
      level: 'city',
      regionCode: '440300',
      status: 'approved',
    })
    const szAuthority: AuthUser = {
      ...gzAuthority,
      id: 'sz-user',
      org: { ...gzAuthority.org!, id: String(sz._id) },
    }
    const entry = await entryOf(psb, 'conditional')
    const { requestId } = await submitSharingRequest(gzHealth, input(entry))
    const stored = (await SharingRequest.findById(requestId).lean())!
    expect(stored.filings.map((f) => [f.authorityOrgId, f.relation]).sort()).toEqual(
      [
        [gzAuthority.org!.id, 'same'],
        [authority.org!.id, 'upper'],
      ].sort(),
    )
    expect(stored.filings.every((f) => typeof f.filedSeq === 'number')).toBe(true)
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-request.filed',
        subjects: `sharing-request:${requestId}`,
      }),
    ).toBe(2)
    // Both filed authorities see it in their filings inbox and on its page; nobody else does.
    for (const who of [gzAuthority, authority]) {
      expect((await filingsInbox(who)).items.map((i) => i.id)).toContain(requestId)
      expect((await sharingRequestPage(who, requestId)).canCommentOnFiling).toBe(true)
    }
    expect((await filingsInbox(szAuthority)).items.map((i) => i.id)).not.toContain(requestId)
    expect((await refusal(() => sharingRequestPage(szAuthority, requestId))).status).toBe(404)
    expect((await refusal(() => sharingRequestPage(nr, requestId))).status).toBe(404)
    expect(
      (await refusal(() => commentOnFiling(szAuthority, requestId, '我们也想看看'))).status,
    ).toBe(404)
    // A comment is kept on the filing and logged once however often it is posted.
    await commentOnFiling(gzAuthority, requestId, '请数源部门优先办理出生医学证明场景')
    await commentOnFiling(gzAuthority, requestId, '请数源部门优先办理出生医学证明场景')
    const after = (await SharingRequest.findById(requestId).lean())!
    expect(after.filingComments).toHaveLength(1)
    expect(after.filingComments[0]!.authorityOrgId).toBe(gzAuthority.org!.id)
    expect(
      await LedgerEntry.countDocuments({
        action: 'sharing-request.filing-commented',
        subjects: `sharing-request:${requestId}`,
      }),
    ).toBe(1)
    // Within one level and region nothing is filed.
    const same = await submitSharingRequest(amr, input(await entryOf(psb, 'conditional')))
    expect((await SharingRequest.findById(same.requestId).lean())!.filings).toEqual([])
  })
  it('art26 the authority shares with an enterprise for an emergency on a cited basis; the source department answers; the enterprise holds the grant', async () => {
    const entry = await entryOf(amr, 'conditional')
    const basis = { instrument: '《突发事件应对法》', article: '第五十二条' }
    const asked = await submitArt26Sharing(authority, {
      entryId: entry.id,
      beneficiaryOrgId: provider.org!.id,
      purpose: 'emergency',
      ...basis,
      scenario: '台风过后核对受灾个体工商户，发放应急补贴',
      usingUnit: '广州数智科技有限公司（受托系统运营方）',
      fields: entry.fields.slice(0, 2),
      mode: 'offline',
      periodEnd: ymd(60),
    })
    expect(asked.status).toBe('pending')
    const stored = (await SharingRequest.findById(asked.requestId).lean())!
    expect(stored).toMatchObject({
      requesterOrgId: provider.org!.id,
      art26: { purpose: 'emergency', ...basis, initiatedByOrgId: authority.org!.id },
    })
    const logged = (await LedgerEntry.findOne({
      action: 'sharing-request.submitted',
      subjects: `sharing-request:${asked.requestId}`,
    }).lean())!
    expect(logged.summary).toMatchObject({
      art26Purpose: 'emergency',
      legalBasis: '《突发事件应对法》 第五十二条',
    })
    const agreed = await replyToSharingRequest(amr, asked.requestId, {
      outcome: 'granted',
      fields: entry.fields.slice(0, 1),
      mode: 'offline',
      end: ymd(30),
      note: '',
    })
    const grant = (await SharingGrant.findById(agreed.grantId).lean())!
    expect(grant.granteeOrgId).toBe(provider.org!.id)
    // The enterprise's staff see the request and its grant.
    const page = await sharingRequestPage(provider, asked.requestId)
    expect(page.request.art26).toMatchObject({ purpose: 'emergency' })
  })

  it('art26 the source department shares its own data at once; a generic basis, an agency as recipient, or another agency sharing is refused', async () => {
    const entry = await entryOf(psb, 'conditional')
    const buyer = await demoUser('buyer@demo.gd.example')
    const input = {
      entryId: entry.id,
      beneficiaryOrgId: buyer.org!.id,
      purpose: 'policy' as const,
      instrument: '《广东省公共数据管理办法》',
      article: '第二十六条',
      scenario: '惠民保险理赔中核验投保人身份',
      usingUnit: '理赔服务部',
      fields: entry.fields.slice(0, 1),
      mode: 'offline' as const,
      periodEnd: ymd(90),
    }
    const before = await SharingRequest.countDocuments()
    expect(
      (await refusal(() => submitArt26Sharing(psb, { ...input, instrument: '相关法律法规' })))
        .status,
    ).toBe(422)
    expect(
      (await refusal(() => submitArt26Sharing(psb, { ...input, beneficiaryOrgId: amr.org!.id })))
        .status,
    ).toBe(422)
    expect((await refusal(() => submitArt26Sharing(nr, input))).status).toBe(403)
    expect((await refusal(() => submitArt26Sharing(provider, input))).status).toBe(403)
    expect(await SharingRequest.countDocuments()).toBe(before)
    // The residents data is important: shared at once, but only after psb's confidentiality review
    // (Art. 46), which the request waits for.
    const asked = await submitArt26Sharing(psb, input)
    expect(asked.status).toBe('pending')
    const shared = await reviewSharingGrant(psb, asked.requestId, {
      outcome: 'passed',
      note: REVIEW_NOTE,
    })
    expect(shared.status).toBe('granted')
    const decision = (await SharingDecision.findById(shared.requestId).lean())!
    expect(decision).toMatchObject({
      automatic: false,
      decidedBy: psb.id,
      decidedByOrgId: psb.org!.id,
    })
    expect((await SharingGrant.findById(shared.grantId).lean())!.granteeOrgId).toBe(buyer.org!.id)
  })
})
