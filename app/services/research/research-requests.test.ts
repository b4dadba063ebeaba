// Research public-interest access (Art. 26, by the Art. 23–24 procedure) against the seeded demo
// world: who may ask, for what, the owner's decision, the licence it yields, and the log.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
process.env.STORAGE_DIR = mkdtempSync(path.join(os.tmpdir(), 'gdpde-research-'))

import { beforeAll, describe, expect, it } from 'vitest'
import { Licence } from '#models/licence'
import { LedgerEntry } from '#models/ledger-entry'
import { Product } from '#models/product'
import { ResearchDecision, ResearchRequest } from '#models/research-request'
import { ART23_REPLY_WORKING_DAYS, addWorkingDays } from '~/services/calendar/working-days.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { type DomainError } from '~/utils/errors'
import { refusal } from '../../../tests/fixtures/errors'
import { formRequest, jsonRequest, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser, seededEntryId } from '../../../tests/fixtures/products'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import { getQueue } from '#jobs/queues'
import { assertGrantEnd, decideResearchRequest } from './decisions.server'
import { runResearchReplySweep, submitResearchRequest } from './requests.server'
import type { ResearchRequestInput } from './schemas'

const DAY = 86_400_000
const ymd = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * DAY + 8 * 3600_000).toISOString().slice(0, 10)

let researcher: AuthUser
let provider: AuthUser
let provider2: AuthUser
let buyer: AuthUser
let authority: AuthUser
let productId: string

function input(overrides: Partial<ResearchRequestInput> = {}): ResearchRequestInput {
  return {
    subject: { kind: 'product', id: productId },
    useKind: 'research',
    purpose: '研究营商环境与企业活力的关系',
    project: { name: '粤港澳大湾区营商环境评价', number: 'GDNSF-2026-0142' },
    people: [
      { name: '何教授', role: '项目负责人' },
      { name: '王同学', role: '博士研究生' },
    ],
    fields: ['city_code', 'quarter', 'vitality_index', 'new_firms'],
    period: { start: ymd(0), end: ymd(180) },
    ethicsRef: 'YH-IRB-2026-031',
    ...overrides,
  }
}

describe('research access (Art. 26)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    researcher = await demoUser('researcher@demo.gd.example')
    provider = await demoUser('provider@demo.gd.example')
    provider2 = await demoUser('provider2@demo.gd.example')
    buyer = await demoUser('buyer@demo.gd.example')
    authority = await demoUser('authority@demo.gd.example')
    productId = String(
      (await Product.findOne({ seedKey: 'provider1-vitality-index' }, { _id: 1 }).lean())!._id,
    )
  })

  it('art26 refuses a commercial purpose', async () => {
    const error = await refusal(() =>
      submitResearchRequest(researcher, input({ useKind: 'commercial' })),
    )
    expect(error.code).toBe('commercial_purpose')
    expect(error.status).toBe(422)
  })

  it('art26 refuses a non-research org', async () => {
    const error = await refusal(() => submitResearchRequest(buyer, input()))
    expect(error.code).toBe('not_research_org')
    expect(error.status).toBe(403)
  })

  it('art26 refuses fields the product does not offer, and a not-shared catalog entry', async () => {
    expect(
      (
        await refusal(() =>
          submitResearchRequest(researcher, input({ fields: ['city_code', 'secret_column'] })),
        )
      ).code,
    ).toBe('unknown_fields')
    expect(
      (await refusal(() => submitResearchRequest(researcher, input({ fields: [] })))).code,
    ).toBe('no_fields')
    // psb-0010 no-criminal-record certificates is not shared: Art. 23 ¶3 allows verification only.
    const notShared = await seededEntryId('psb', '0010')
    const error = await refusal(() =>
      submitResearchRequest(
        researcher,
        input({ subject: { kind: 'catalog-entry', id: notShared }, fields: ['kjrq'] }),
      ),
    )
    expect(error.code).toBe('not_shared')
  })

  it('art23 the owner must reply within 5 working days; the submission is logged', async () => {
    const now = new Date()
    const submitted = await submitResearchRequest(researcher, input(), { now })
    expect(submitted.replyDueAt.toISOString()).toBe(
      (await addWorkingDays(now, ART23_REPLY_WORKING_DAYS)).toISOString(),
    )
    const request = await ResearchRequest.findById(submitted.requestId).lean()
    expect(request!.ownerOrgId).toBe(provider.org!.id)
    expect(request!.status).toBe('pending')
    const entry = await LedgerEntry.findById(submitted.ledgerSeq).lean()
    expect(entry!.action).toBe('research-request.submitted')
    expect(entry!.eventKey).toBe(`research-request.submitted:${submitted.requestId}`)
    expect(entry!.subjects).toContain(`research-request:${submitted.requestId}`)
    // The people's names are digested, never stored in the log.
    expect(JSON.stringify(entry)).not.toContain('王同学')
  })

  it('art23 the reminder job warns the owner and flags an overdue reply once', async () => {
    const { requestId, replyDueAt } = await submitResearchRequest(researcher, input())
    const later = new Date(replyDueAt.getTime() + DAY)
    const first = await runResearchReplySweep(later)
    expect(first.overdue).toBeGreaterThanOrEqual(1)
    const job = await getQueue('notifications').getJob(`research-request_${requestId}_overdue`)
    expect(job?.data).toMatchObject({ orgId: provider.org!.id, kind: 'research-request.overdue' })
    const again = await runResearchReplySweep(later)
    expect(again.overdue).toBe(first.overdue)
    // The request is still the owner's to decide: nothing was decided for it.
    expect((await ResearchRequest.findById(requestId).lean())!.status).toBe('pending')
  })

  it('art26 approval grants only the minimal fields; the licence is research-only, non-commercial, free', async () => {
    const { requestId } = await submitResearchRequest(researcher, input())
    const wider = await refusal(() =>
      decideResearchRequest(provider, requestId, {
        intent: 'approve',
        fields: ['city_code', 'penalties'],
        end: ymd(90),
      }),
    )
    expect(wider.code).toBe('fields_not_asked')
    const late = await refusal(() =>
      decideResearchRequest(provider, requestId, {
        intent: 'approve',
        fields: ['city_code'],
        end: ymd(400),
      }),
    )
    expect(late.code).toBe('bad_end')

    const result = await decideResearchRequest(provider, requestId, {
      intent: 'approve',
      fields: ['city_code', 'vitality_index'],
      end: ymd(90),
    })
    expect(result.outcome).toBe('approved')
    const licence = await Licence.findById(result.licenceId).lean()
    expect(licence).toMatchObject({
      source: 'research-grant',
      sourceRef: requestId,
      licenseeOrgId: researcher.org!.id,
      licensorOrgId: provider.org!.id,
      productId,
      permittedFields: ['city_code', 'vitality_index'],
      researchOnly: true,
      commercialUse: false,
      redistribution: false,
      derivationAllowed: false,
      pricePlanKey: null,
    })
    expect(licence!.end.getTime()).toBeGreaterThan(Date.now() + 89 * DAY)
    expect(licence!.end.getTime()).toBeLessThan(Date.now() + 91 * DAY)
    const request = await ResearchRequest.findById(requestId).lean()
    expect(request!.status).toBe('approved')
    expect(request!.decision!.licenceId).toBe(result.licenceId)
    const entry = await LedgerEntry.findById(result.ledgerSeq).lean()
    expect(entry!.action).toBe('research-request.approved')
    expect(
      await LedgerEntry.countDocuments({
        action: 'licence.issued',
        subjects: `licence:${result.licenceId}`,
      }),
    ).toBe(1)
  })

  it('art24 a research grant ends after the period asked for starts, and in the future', () => {
    const now = new Date('2026-11-27T00:00:00Z')
    const request = {
      periodStart: new Date('2027-03-01T00:00:00Z'),
      periodEnd: new Date('2027-12-31T00:00:00Z'),
    }
    const code = (end: string) => {
      try {
        assertGrantEnd(new Date(end), request, now)
        return 'ok'
      } catch (error) {
        return (error as DomainError).messageKey
      }
    }
    expect(code('2027-02-01T00:00:00Z')).toBe('error.research.endBeforePeriod')
    expect(code('2026-11-01T00:00:00Z')).toBe('error.research.endPast')
    expect(code('2028-01-31T00:00:00Z')).toBe('error.research.endAfterPeriod')
    expect(code('2027-06-30T00:00:00Z')).toBe('ok')
  })

  it('art26 refuse needs reasons', async () => {
    const { requestId } = await submitResearchRequest(researcher, input())
    const error = await refusal(() =>
      decideResearchRequest(provider, requestId, { intent: 'refuse', reasons: '  ' }),
    )
    expect(error.code).toBe('reasons_required')
    const result = await decideResearchRequest(provider, requestId, {
      intent: 'refuse',
      reasons: '该数据含未公开的执法信息，依《行政处罚法》第四十八条不予提供。',
    })
    expect(result).toMatchObject({ outcome: 'refused', licenceId: null })
    expect(await Licence.countDocuments({ sourceRef: requestId })).toBe(0)
    expect((await LedgerEntry.findById(result.ledgerSeq).lean())!.action).toBe(
      'research-request.refused',
    )
  })

  it('art26 wrong role refused: another provider may not decide, a buyer may not submit through the page', async () => {
    const { requestId } = await submitResearchRequest(researcher, input())
    expect(
      (
        await refusal(() =>
          decideResearchRequest(provider2, requestId, {
            intent: 'refuse',
            reasons: '不是我的数据产品',
          }),
        )
      ).status,
    ).toBe(403)
    expect(
      (
        await refusal(() =>
          decideResearchRequest(researcher, requestId, {
            intent: 'approve',
            fields: ['city_code'],
            end: ymd(30),
          }),
        )
      ).status,
    ).toBe(403)
    // The authority may decide on any owner's behalf.
    const byAuthority = await decideResearchRequest(authority, requestId, {
      intent: 'approve',
      fields: ['quarter'],
      end: ymd(30),
    })
    expect(byAuthority.outcome).toBe('approved')

    const { action } = await import('~/routes/research.requests.new')
    const cookie = await sessionCookieFor('buyer@demo.gd.example')
    const res = await settle(() =>
      action({
        request: formRequest('/research/requests/new', {}, { cookie }),
        params: {},
        context: {},
      }),
    )
    expect(res.status).toBe(403)
  })

  it("art26 the API takes a request (201) and refuses a commercial one in the caller's language", async () => {
    const { action } = await import('~/routes/api.v1.research-requests')
    const cookie = await sessionCookieFor('researcher@demo.gd.example')
    const ok = await settle(() =>
      action({
        request: jsonRequest('/api/v1/research-requests', input(), { cookie }),
        params: {},
        context: {},
      }),
    )
    expect(ok.status).toBe(201)
    expect(await ok.json()).toMatchObject({
      status: 'pending',
      requestId: expect.stringMatching(/^[0-9a-f]{24}$/),
    })
    const commercial = jsonRequest('/api/v1/research-requests', input({ useKind: 'commercial' }), {
      cookie,
    })
    commercial.headers.set('Accept-Language', 'en')
    const refused = await settle(() => action({ request: commercial, params: {}, context: {} }))
    expect(refused.status).toBe(422)
    const body = (await refused.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('commercial_purpose')
    expect(body.error.message.length).toBeGreaterThan(10)
  })

  it('art26 two concurrent decisions: exactly one wins, one licence', async () => {
    const { requestId } = await submitResearchRequest(researcher, input())
    const outcomes = await Promise.allSettled([
      decideResearchRequest(provider, requestId, {
        intent: 'approve',
        fields: ['city_code'],
        end: ymd(60),
      }),
      decideResearchRequest(authority, requestId, {
        intent: 'refuse',
        reasons: '并发测试：拒绝理由',
      }),
      decideResearchRequest(provider, requestId, {
        intent: 'approve',
        fields: ['quarter'],
        end: ymd(60),
      }),
    ])
    const won = outcomes.filter((o) => o.status === 'fulfilled')
    expect(won).toHaveLength(1)
    for (const lost of outcomes.filter((o) => o.status === 'rejected'))
      expect((lost as PromiseRejectedResult).reason.code).toBe('already_decided')
    expect(await ResearchDecision.countDocuments({ _id: requestId })).toBe(1)
    const decided = await LedgerEntry.countDocuments({
      subjects: `research-request:${requestId}`,
      action: /^research-request\.(approved|refused)$/,
    })
    expect(decided).toBe(1)
    expect(await Licence.countDocuments({ sourceRef: requestId })).toBeLessThanOrEqual(1)
  })

  it('art26 a catalog entry request goes to its source department', async () => {
    const entryId = await seededEntryId('amr', '0001')
    const fields = await entryFields(entryId)
    const { requestId } = await submitResearchRequest(
      researcher,
      input({ subject: { kind: 'catalog-entry', id: entryId }, fields }),
    )
    const request = await ResearchRequest.findById(requestId).lean()
    const amr = await demoUser('amr@demo.gd.example')
    expect(request!.ownerOrgId).toBe(amr.org!.id)
    const result = await decideResearchRequest(amr, requestId, {
      intent: 'approve',
      fields: request!.fields.slice(0, 1),
      end: ymd(30),
    })
    const licence = await Licence.findById(result.licenceId).lean()
    expect(licence).toMatchObject({
      catalogEntryId: entryId,
      productId: null,
      researchOnly: true,
      commercialUse: false,
      permittedFields: request!.fields.slice(0, 1),
    })
  })
})

async function entryFields(entryId: string): Promise<string[]> {
  const { CatalogEntry } = await import('#models/catalog-entry')
  const entry = await CatalogEntry.findById(entryId, { published: 1 }).lean()
  return entry!.published!.fields.slice(0, 2).map((f) => f.name)
}
