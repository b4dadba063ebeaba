// Confidentiality review (保密审查, Art. 46) against the seeded demo world: an entry that opens data
// is not submitted (nor approved) before a review of exactly its content passed; a grant of
// important data waits for a review of the request, a failed one refuses it citing Art. 46; one
// review per content or request however many reviewers click; every review logged with its
// reviewer; a review or its outcome a crash left half done is finished by the next read or sweep.
import mongoose from 'mongoose'
import { beforeAll, describe, expect, it } from 'vitest'
import { getQueue } from '#jobs/queues'
import { CatalogEntry } from '#models/catalog-entry'
import { ConfidentialityReview } from '#models/confidentiality-review'
import { LedgerEntry } from '#models/ledger-entry'
import { SharingDecision, SharingRequest } from '#models/sharing-request'
import { chinaDate } from '~/services/calendar/working-days.server'
import { createDraft, loadEntry, updateDraft } from '~/services/catalog/entries.server'
import { decideEntry, submissionCheck, submitEntry } from '~/services/catalog/review.server'
import type { ContentInput } from '~/services/catalog/schemas'
import type { AuthUser } from '~/services/identity/auth.server'
import { sealedIssuedDocument } from '~/services/seals/documents.server'
import { REPAIR_AFTER_MS, repairSharing } from '~/services/sharing/clocks.server'
import {
  replyToSharingRequest,
  reviewSharingGrant,
  submitSharingRequest,
} from '~/services/sharing/requests.server'
import { jsonRequest, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { refusal } from '../../../tests/fixtures/errors'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  ART46_CITATION,
  contentDigest,
  grantReviewOf,
  openingReviewOf,
  reviewEntryOpening,
} from './confidentiality.server'

const DAY = 86_400_000
const NOTE = '经审查，拟开放内容不涉及国家秘密和工作秘密。'

function content(over: Partial<ContentInput> = {}): ContentInput {
  return {
    title: { zh: '保密审查测试条目', en: 'Confidentiality review test entry' },
    description: { zh: '用于测试保密审查。', en: 'For the confidentiality review tests.' },
    tags: ['测试'],
    category: 'economy',
    dataForm: 'structured',
    fields: [
      {
        name: 'ds',
        label: { zh: '地市', en: 'City' },
        type: 'code',
        description: '',
        personal: false,
        sensitive: false,
        tradeSecret: false,
      },
      {
        name: 'rs',
        label: { zh: '人数', en: 'Count' },
        type: 'integer',
        description: '',
        personal: false,
        sensitive: false,
        tradeSecret: false,
      },
    ],
    sharingType: 'unconditional',
    sharingBasis: '',
    sharingConditions: '',
    sharingScope: 'all_agencies',
    sharingScopeNote: '',
    openAttribute: 'open_unconditional',
    openConditions: '',
    rightHolderConsent: false,
    distributions: [],
    updateFrequency: 'monthly',
    grade: { tier: 'general', level: 1 },
    legalBasis: '《广东省公共数据管理办法》',
    ...over,
  }
}

let psb: AuthUser
let amr: AuthUser
let buyer: AuthUser
let authority: AuthUser

const logged = (subject: string) =>
  LedgerEntry.find({ subjects: subject, action: 'confidentiality.reviewed' }).lean()

async function approve(entryId: string) {
  let result = await decideEntry({
    reviewer: authority,
    entryId,
    decision: 'approved',
    reasons: [],
  })
  if (result.outcome === 'awaiting_grade_confirmation')
    result = await decideEntry({ reviewer: authority, entryId, decision: 'approved', reasons: [] })
  return result
}

function ask(entryId: string, fields: string[]) {
  return {
    entryId,
    scenario: '企业开办“一网通办”中核验登记信息',
    usingUnit: '广东省市场监督管理局登记注册处',
    duty: '《广东省公共数据管理办法》第二十二条：履行登记协同监管职责',
    fields,
    mode: 'api' as const,
    periodEnd: chinaDate(new Date(Date.now() + 90 * DAY)),
  }
}

/** psb's residents entry: important-grade, shared on conditions. */
async function residents() {
  const entry = await CatalogEntry.findOne(
    { orgId: psb.org!.id, 'published.title.zh': '常住人口基本信息' },
    { published: 1 },
  ).lean()
  return { id: String(entry!._id), fields: entry!.published!.fields.map((f) => f.name) }
}

describe('confidentiality review (Art. 46)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    buyer = await demoUser('buyer@demo.gd.example')
    authority = await demoUser('authority@demo.gd.example')
  })

  it('art46 an entry that opens data is not submitted before a review of exactly its content passed', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    // No review: refused, and the edit page names the problem.
    let error = await refusal(() => submitEntry({ user: amr, entryId: id }))
    expect(error.status).toBe(422)
    expect(error.fields?.openAttribute).toContain('error.confidentiality.openingNotReviewed')
    const entry = await loadEntry(id)
    expect((await submissionCheck(amr.org!.id, id, entry.content)).map((p) => p.key)).toContain(
      'error.confidentiality.openingNotReviewed',
    )

    // A failed review: still refused, with the reviewer's reasons.
    await reviewEntryOpening(amr, id, { outcome: 'failed', note: '人数字段可推算涉密单位编制。' })
    error = await refusal(() => submitEntry({ user: amr, entryId: id }))
    expect(error.params).toMatchObject({ note: '人数字段可推算涉密单位编制。' })
    // The same content is not reviewed twice.
    expect(
      (await refusal(() => reviewEntryOpening(amr, id, { outcome: 'passed', note: NOTE }))).status,
    ).toBe(409)

    // The agency drops the field: new content, a new review, and now it is submitted and approved.
    const fixed = content()
    fixed.fields = fixed.fields.slice(0, 1)
    await updateDraft({ user: amr, entryId: id, content: fixed })
    const passed = await reviewEntryOpening(amr, id, { outcome: 'passed', note: NOTE })
    expect(passed).toMatchObject({ outcome: 'passed', reviewerUserId: amr.id })
    await submitEntry({ user: amr, entryId: id })
    expect((await approve(id)).outcome).toBe('approved')

    // Both reviews are in the log, with the reviewer and the digest of what was reviewed.
    const entries = await logged(`catalog-entry:${id}`)
    expect(entries.map((e) => (e.summary as { outcome: string }).outcome).sort()).toEqual([
      'failed',
      'passed',
    ])
    expect(entries.every((e) => e.actorUserId === amr.id && e.actorOrgId === amr.org!.id)).toBe(
      true,
    )
    const approved = await loadEntry(id)
    expect(entries.map((e) => (e.summary as { digest: string }).digest)).toContain(
      contentDigest(approved.published!),
    )
  })

  it('art46 an edit after the review needs a new one; a not-open entry needs none', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    await reviewEntryOpening(amr, id, { outcome: 'passed', note: NOTE })
    await updateDraft({
      user: amr,
      entryId: id,
      content: content({ description: { zh: '改过的说明。', en: 'Changed.' } }),
    })
    expect(
      (await refusal(() => submitEntry({ user: amr, entryId: id }))).fields?.openAttribute,
    ).toContain('error.confidentiality.openingNotReviewed')

    const closed = await createDraft({ user: amr, content: content({ openAttribute: 'not_open' }) })
    expect(
      (await refusal(() => reviewEntryOpening(amr, closed.id, { outcome: 'passed', note: NOTE })))
        .status,
    ).toBe(409)
    expect((await submitEntry({ user: amr, entryId: closed.id })).round).toBe(1)
  })

  it('art46 one review per content however many reviewers click at once', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        reviewEntryOpening(amr, id, { outcome: i % 2 ? 'failed' : 'passed', note: `${NOTE}${i}` }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const entry = await loadEntry(id)
    expect(
      await ConfidentialityReview.countDocuments({
        _id: `entry-opening:${id}:${contentDigest(entry.content)}`,
      }),
    ).toBe(1)
    expect(await logged(`catalog-entry:${id}`)).toHaveLength(1)
  })

  it('art46 only the source department reviews: another agency, a company and the requester are refused', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    expect(
      (await refusal(() => reviewEntryOpening(psb, id, { outcome: 'passed', note: NOTE }))).status,
    ).toBe(403)
    expect(
      (await refusal(() => reviewEntryOpening(buyer, id, { outcome: 'passed', note: NOTE })))
        .status,
    ).toBe(403)
    expect(
      (await refusal(() => reviewEntryOpening(authority, id, { outcome: 'passed', note: NOTE })))
        .status,
    ).toBe(403)
    const r = await residents()
    const request = await submitSharingRequest(amr, ask(r.id, r.fields.slice(0, 2)))
    expect(
      (
        await refusal(() =>
          reviewSharingGrant(amr, request.requestId, { outcome: 'passed', note: NOTE }),
        )
      ).status,
    ).toBe(403)
    expect(
      (await refusal(() => reviewEntryOpening(amr, id, { outcome: 'passed', note: 'ok' }))).status,
    ).toBe(422)
  })

  it('art46 important data is granted only after its review passed; the sealed approval names it', async () => {
    const r = await residents()
    const request = await submitSharingRequest(amr, ask(r.id, r.fields.slice(0, 2)))
    expect(request.status).toBe('pending')
    expect((await SharingRequest.findById(request.requestId).lean())!.reviewRequired).toBe(true)
    const reply = {
      outcome: 'granted' as const,
      fields: r.fields.slice(0, 2),
      mode: 'api' as const,
      end: chinaDate(new Date(Date.now() + 60 * DAY)),
      note: '',
    }
    const error = await refusal(() => replyToSharingRequest(psb, request.requestId, reply))
    expect(error).toMatchObject({
      status: 409,
      messageKey: 'error.confidentiality.grantNotReviewed',
    })
    expect(await SharingDecision.exists({ _id: request.requestId })).toBeNull()

    const reviewed = await reviewSharingGrant(psb, request.requestId, {
      outcome: 'passed',
      note: '申请数据项限于履职所需，不涉及国家秘密。',
    })
    expect(reviewed.status).toBe('pending')
    const granted = await replyToSharingRequest(psb, request.requestId, reply)
    expect(granted.status).toBe('granted')
    expect(await logged(`sharing-request:${request.requestId}`)).toHaveLength(1)

    const sealed = await sealedIssuedDocument(amr, 'sharing-grant', granted.grantId!)
    expect(JSON.stringify(sealed)).toContain('"confidentialityReview"')
    expect(JSON.stringify(sealed)).toContain('"outcome":"passed"')
  })

  it('art46 a failed review refuses the request, citing Art. 46 with the reviewer’s reasons', async () => {
    const r = await residents()
    const request = await submitSharingRequest(amr, ask(r.id, r.fields.slice(0, 3)))
    const refused = await reviewSharingGrant(psb, request.requestId, {
      outcome: 'failed',
      note: '出生日期与户籍地址组合可识别涉密人员。',
    })
    expect(refused.status).toBe('refused')
    const stored = await SharingRequest.findById(request.requestId).lean()
    expect(stored!.decision).toMatchObject({
      outcome: 'refused',
      citation: ART46_CITATION,
      note: '出生日期与户籍地址组合可识别涉密人员。',
      decidedBy: psb.id,
    })
    const actions = (
      await LedgerEntry.find({ subjects: `sharing-request:${request.requestId}` }).lean()
    ).map((e) => e.action)
    expect(actions).toEqual([
      'sharing-request.submitted',
      'confidentiality.reviewed',
      'sharing-request.refused',
    ])
    // Reviewed once: a second review is refused.
    expect(
      (
        await refusal(() =>
          reviewSharingGrant(psb, request.requestId, { outcome: 'passed', note: NOTE }),
        )
      ).status,
    ).toBe(409)
  })

  it('art46 important data shared unconditionally waits for its review, then is granted at once', async () => {
    const { id } = await createDraft({
      user: psb,
      content: content({
        title: { zh: '重要数据无条件共享测试', en: 'Important unconditional test' },
        openAttribute: 'not_open',
        grade: { tier: 'important', level: null },
      }),
    })
    await submitEntry({ user: psb, entryId: id })
    expect((await approve(id)).outcome).toBe('approved')

    const asked = await submitSharingRequest(amr, ask(id, ['ds']))
    expect(asked.status).toBe('pending')
    expect(asked.replyDueAt).not.toBeNull()
    const notice = await getQueue('notifications').getJob(
      `sharing-request_${asked.requestId}_review-needed`,
    )
    expect(notice?.data).toMatchObject({
      orgId: psb.org!.id,
      kind: 'sharing-request.review-needed',
    })

    const reviewAt = new Date(Date.now() - 60_000)
    const granted = await reviewSharingGrant(
      psb,
      asked.requestId,
      { outcome: 'passed', note: NOTE },
      { now: reviewAt },
    )
    expect(granted.status).toBe('granted')
    const decision = await SharingDecision.findById(asked.requestId).lean()
    expect(decision).toMatchObject({ automatic: true, decidedBy: 'rule:art23-unconditional' })
    expect(decision!.decidedAt.getTime()).toBe(reviewAt.getTime())
  })

  it('art46 a review a crash left unlogged, or not carried out, is finished by the next read or sweep', async () => {
    // The review's claim is stored, its log entry is not (a crash between the two).
    const { id } = await createDraft({ user: amr, content: content() })
    const entry = await loadEntry(id)
    const digest = contentDigest(entry.content)
    await ConfidentialityReview.create({
      _id: `entry-opening:${id}:${digest}`,
      kind: 'entry-opening',
      entryId: id,
      digest,
      orgId: amr.org!.id,
      reviewerUserId: amr.id,
      at: new Date(),
      outcome: 'passed',
      note: NOTE,
    })
    expect(await logged(`catalog-entry:${id}`)).toHaveLength(0)
    expect((await openingReviewOf(id, entry.content))!.loggedSeq).not.toBeNull()
    await openingReviewOf(id, entry.content)
    expect(await logged(`catalog-entry:${id}`)).toHaveLength(1)

    // A passed review of a request granted at once by rule, but the grant never made.
    const { id: important } = await createDraft({
      user: psb,
      content: content({
        title: { zh: '重要数据崩溃恢复测试', en: 'Important repair test' },
        openAttribute: 'not_open',
        grade: { tier: 'important', level: null },
      }),
    })
    await submitEntry({ user: psb, entryId: important })
    await approve(important)
    const asked = await submitSharingRequest(amr, ask(important, ['ds']))
    await ConfidentialityReview.create({
      _id: `sharing-grant:${asked.requestId}`,
      kind: 'sharing-grant',
      entryId: important,
      requestId: asked.requestId,
      orgId: psb.org!.id,
      reviewerUserId: psb.id,
      at: new Date(),
      outcome: 'passed',
      note: NOTE,
    })
    await SharingRequest.updateOne(
      { _id: new mongoose.Types.ObjectId(asked.requestId) },
      { $set: { createdAt: new Date(Date.now() - 2 * REPAIR_AFTER_MS) } },
    )
    await repairSharing(new Date())
    expect((await SharingRequest.findById(asked.requestId).lean())!.status).toBe('granted')
    expect((await grantReviewOf(asked.requestId))!.loggedSeq).not.toBeNull()
  })

  it('art46 the review through the JSON API: the agency records it, a company is refused, bad input is a 400 in English', async () => {
    const route = await import('~/routes/api.v1.catalog.entries.$entryId.confidentiality-review')
    const { id } = await createDraft({ user: amr, content: content() })
    const post = async (email: string, body: unknown, lang = 'zh') => {
      const request = jsonRequest(`/api/v1/catalog/entries/${id}/confidentiality-review`, body, {
        cookie: await sessionCookieFor(email),
      })
      request.headers.set('Accept-Language', lang)
      return settle(() => route.action({ request, params: { entryId: id }, context: {} }))
    }
    expect((await post('buyer@demo.gd.example', { outcome: 'passed', note: NOTE })).status).toBe(
      403,
    )
    const bad = await post('amr@demo.gd.example', { outcome: 'maybe', note: 'x' }, 'en')
    expect(bad.status).toBe(400)
    expect(JSON.stringify(await bad.json())).toContain('at least 4 characters')
    const made = await post('amr@demo.gd.example', { outcome: 'passed', note: NOTE })
    expect(made.status).toBe(201)
    expect(await made.json()).toMatchObject({ outcome: 'passed', reviewerUserId: amr.id })
    expect((await submitEntry({ user: amr, entryId: id })).round).toBe(1)
  })
})
