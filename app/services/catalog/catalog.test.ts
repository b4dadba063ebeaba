// The catalog's rules of the law (C2, C3; Art. 10–17, 32; GB/T 43697-2024), each tested
// against the real services and the run's own database, on the seeded demo world.
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogDeadline } from '#models/catalog-deadline'
import { CatalogEntry } from '#models/catalog-entry'
import { CatalogReview, reviewClaimId } from '#models/catalog-review'
import { User } from '#models/user'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { listLedger } from '~/services/ledger/ledger.server'
import { addWorkingDays } from '~/services/calendar/working-days.server'
import { DomainError } from '~/utils/errors'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import { markLegalBasisChanged, listOpenDeadlines, runDeadlineSweep } from './deadlines.server'
import {
  createDraft,
  getEntryForIndex,
  getEntryForUser,
  listEntriesForIndex,
  loadEntry,
  onCatalogChange,
  updateDraft,
  type CatalogChange,
} from './entries.server'
import {
  freshnessDueAt,
  listStaleEntries,
  recordDataUpdate,
  runFreshnessSweep,
} from './freshness.server'
import { listQualityIssues, raiseQualityIssue, resolveQualityIssue } from './quality.server'
import { decideEntry, listReviewQueue } from './review.server'
import { submitReviewed } from '../../../tests/fixtures/catalog'
import type { ContentInput } from './schemas'
import { claimDataItem, listCollection, sourceOf, transferDataItem } from './source-registry.server'
import { generalLevels, setGradeLadder } from './settings.server'
import { diffVersions, getVersion, listVersions } from './versions.server'

async function user(email: string): Promise<AuthUser> {
  const doc = await User.findOne({ email }).lean()
  const auth = doc ? await loadAuthUser(String(doc._id), 'session') : undefined
  if (!auth) throw new Error(`no user ${email}`)
  return auth
}

function content(over: Partial<ContentInput> = {}): ContentInput {
  return {
    title: { zh: '测试目录项', en: 'Test entry' },
    description: { zh: '用于测试的目录项。', en: 'An entry for tests.' },
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

const personalField = {
  name: 'xm',
  label: { zh: '姓名', en: 'Name' },
  type: 'string' as const,
  description: '',
  personal: true,
  sensitive: false,
  tradeSecret: false,
}

async function refusal(run: () => Promise<unknown>): Promise<DomainError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof DomainError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

let psb: AuthUser
let amr: AuthUser
let authority: AuthUser
let buyer: AuthUser

async function approve(entryId: string) {
  await submitReviewed({
    user: (await loadEntry(entryId)).orgId === amr.org!.id ? amr : psb,
    entryId,
  })
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

describe('catalog rules', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await user('psb@demo.gd.example')
    amr = await user('amr@demo.gd.example')
    authority = await user('authority@demo.gd.example')
    buyer = await user('buyer@demo.gd.example')
  })

  it('art10 refuses a submission with an Art. 10 field missing, naming each', async () => {
    const { id } = await createDraft({
      user: amr,
      content: content({ description: { zh: '', en: '' }, fields: [], legalBasis: '' }),
    })
    const error = await refusal(() => submitReviewed({ user: amr, entryId: id }))
    expect(error.status).toBe(422)
    expect(Object.keys(error.fields ?? {})).toEqual(
      expect.arrayContaining(['descriptionZh', 'f_name', 'legalBasis']),
    )
    expect((await loadEntry(id)).status).toBe('draft')
  })

  it('art13 refuses a conditional entry without its basis and conditions', async () => {
    const { id } = await createDraft({
      user: amr,
      content: content({ sharingType: 'conditional', sharingBasis: '《企业信息公示暂行条例》' }),
    })
    const error = await refusal(() => submitReviewed({ user: amr, entryId: id }))
    expect(error.messageKey).toBe('error.catalog.conditionalNeedsConditions')
    expect(error.fields).toEqual({
      sharingConditions: ['error.catalog.conditionalNeedsConditions'],
    })
    await updateDraft({
      user: amr,
      entryId: id,
      content: content({
        sharingType: 'conditional',
        sharingBasis: '',
        sharingConditions: '仅限税务部门',
      }),
    })
    expect((await refusal(() => submitReviewed({ user: amr, entryId: id }))).messageKey).toBe(
      'error.catalog.conditionalNeedsBasis',
    )
    await updateDraft({
      user: amr,
      entryId: id,
      content: content({
        sharingType: 'conditional',
        sharingBasis: '《企业信息公示暂行条例》',
        sharingConditions: '仅限税务部门',
      }),
    })
    expect((await submitReviewed({ user: amr, entryId: id })).round).toBe(1)
  })

  it('art13 refuses a not_shared entry without a cited law, and files it with the authority on approval', async () => {
    const { id } = await createDraft({
      user: psb,
      content: content({ sharingType: 'not_shared', openAttribute: 'not_open' }),
    })
    expect((await refusal(() => submitReviewed({ user: psb, entryId: id }))).messageKey).toBe(
      'error.catalog.notSharedNeedsLaw',
    )
    await updateDraft({
      user: psb,
      entryId: id,
      content: content({
        sharingType: 'not_shared',
        openAttribute: 'not_open',
        sharingBasis: '《中华人民共和国反恐怖主义法》第二十七条',
      }),
    })
    await approve(id)
    const entry = await loadEntry(id)
    expect(entry.notSharedFiledAt).toBeInstanceOf(Date)
    expect((await getVersion(id, 1)).filedAt).not.toBeNull()
    const { entries } = await listLedger({ subject: `catalog-entry:${id}`, limit: 20 })
    expect(entries.map((e) => e.action)).toContain('catalog.not_shared_filed')
  })

  it('art32 keeps entries with personal fields not_open unless desensitized or the right-holder consented', async () => {
    const { id } = await createDraft({ user: psb, content: content({ fields: [personalField] }) })
    const error = await refusal(() => submitReviewed({ user: psb, entryId: id }))
    expect(error.messageKey).toBe('error.catalog.art32PersonalNotOpen')
    expect(error.fields?.openAttribute).toBeDefined()
    // A desensitized distribution lifts it …
    await updateDraft({
      user: psb,
      entryId: id,
      content: content({
        fields: [personalField],
        distributions: [
          {
            key: 'masked',
            title: { zh: '脱敏版', en: 'Masked' },
            format: 'CSV',
            desensitized: true,
          },
        ],
      }),
    })
    await submitReviewed({ user: psb, entryId: id })
    // … and so does the right-holder's consent (a trade secret here).
    const secret = { ...personalField, name: 'yysr', personal: false, tradeSecret: true }
    const other = await createDraft({
      user: amr,
      content: content({
        fields: [secret],
        openAttribute: 'open_conditional',
        openConditions: '签署协议',
      }),
    })
    expect((await refusal(() => submitReviewed({ user: amr, entryId: other.id }))).messageKey).toBe(
      'error.catalog.art32PersonalNotOpen',
    )
    await updateDraft({
      user: amr,
      entryId: other.id,
      content: content({
        fields: [secret],
        openAttribute: 'open_conditional',
        openConditions: '签署协议',
        rightHolderConsent: true,
      }),
    })
    await submitReviewed({ user: amr, entryId: other.id })
  })

  it('gbt43697 core-graded data can never be opened or listed', async () => {
    const { id } = await createDraft({
      user: psb,
      content: content({ grade: { tier: 'core', level: null } }),
    })
    expect((await refusal(() => submitReviewed({ user: psb, entryId: id }))).messageKey).toBe(
      'error.catalog.coreNeverOpen',
    )
    await updateDraft({
      user: psb,
      entryId: id,
      content: content({ grade: { tier: 'core', level: null }, openAttribute: 'not_open' }),
    })
    await approve(id)
    const entry = await loadEntry(id)
    expect(entry.status).toBe('approved')
    expect(entry.listed).toBe(false)
    expect(await getEntryForIndex(id)).toBeNull()
    // Other organizations do not even learn it exists.
    expect((await refusal(() => getEntryForUser(buyer, id))).status).toBe(404)
    expect((await getEntryForUser(psb, id)).entry.id).toBe(id)
  })

  it('gbt43697 important-graded data needs the authority’s extra confirmation step', async () => {
    const { id } = await createDraft({
      user: psb,
      content: content({ grade: { tier: 'important', level: null }, openAttribute: 'not_open' }),
    })
    await submitReviewed({ user: psb, entryId: id })
    const first = await decideEntry({
      reviewer: authority,
      entryId: id,
      decision: 'approved',
      reasons: [],
    })
    expect(first.outcome).toBe('awaiting_grade_confirmation')
    let entry = await loadEntry(id)
    expect(entry.status).toBe('submitted')
    expect(entry.pendingStep).toBe('confirm_grade')
    expect(entry.publishedVersion).toBe(0)
    const second = await decideEntry({
      reviewer: authority,
      entryId: id,
      decision: 'approved',
      reasons: [],
    })
    expect(second.outcome).toBe('approved')
    entry = await loadEntry(id)
    expect(entry.publishedVersion).toBe(1)
  })

  it('art10 a submitted entry is decided once: two reviewers at once, one wins', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    await submitReviewed({ user: amr, entryId: id })
    const results = await Promise.allSettled([
      decideEntry({ reviewer: authority, entryId: id, decision: 'approved', reasons: [] }),
      decideEntry({
        reviewer: authority,
        entryId: id,
        decision: 'returned',
        reasons: ['字段说明不完整'],
      }),
      decideEntry({ reviewer: authority, entryId: id, decision: 'approved', reasons: [] }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected')
        expect((r.reason as DomainError).code).toMatch(/already_decided|not_submitted/)
  })

  it('art10 a decision interrupted after its claim is completed when it is tried again', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    await submitReviewed({ user: amr, entryId: id })
    // The claim was stored, then the process died before the projection.
    await CatalogReview.create({
      _id: reviewClaimId(id, 1, 1, 'decide'),
      entryId: id,
      revision: 1,
      round: 1,
      step: 'decide',
      outcome: 'approved',
      actorUserId: authority.id,
      actorOrgId: authority.org!.id,
    })
    expect((await loadEntry(id)).status).toBe('submitted')
    expect(
      (
        await refusal(() =>
          decideEntry({
            reviewer: authority,
            entryId: id,
            decision: 'returned',
            reasons: ['迟到的退回'],
          }),
        )
      ).code,
    ).toBe('already_decided')
    const entry = await loadEntry(id)
    expect(entry.status).toBe('approved')
    expect(entry.publishedVersion).toBe(1)
  })

  it('art10 only the authority decides, and a return carries reasons the agency sees', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    await submitReviewed({ user: amr, entryId: id })
    expect(
      (
        await refusal(() =>
          decideEntry({ reviewer: amr, entryId: id, decision: 'approved', reasons: [] }),
        )
      ).status,
    ).toBe(403)
    expect(
      (
        await refusal(() =>
          decideEntry({ reviewer: authority, entryId: id, decision: 'returned', reasons: [] }),
        )
      ).code,
    ).toBe('reason_required')
    expect(
      (await refusal(() => updateDraft({ user: amr, entryId: id, content: content() }))).code,
    ).toBe('locked')
    const queue = await listReviewQueue(authority, { limit: 100 })
    expect(queue.items.map((i) => i.id)).toContain(id)
    await decideEntry({
      reviewer: authority,
      entryId: id,
      decision: 'returned',
      reasons: ['请补充字段说明'],
    })
    const { entry } = await getEntryForUser(amr, id)
    expect(entry.status).toBe('returned')
    expect(entry.returnReasons).toEqual(['请补充字段说明'])
  })

  it('art10 another agency cannot edit or submit an entry it does not own', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    expect(
      (await refusal(() => updateDraft({ user: psb, entryId: id, content: content() }))).status,
    ).toBe(403)
    expect((await refusal(() => submitReviewed({ user: psb, entryId: id }))).status).toBe(403)
    expect((await refusal(() => getEntryForUser(psb, id))).status).toBe(404)
  })

  it('art10 every approved change is a new version; older versions stay readable; diff shows the change', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    await approve(id)
    await updateDraft({
      user: amr,
      entryId: id,
      content: content({
        title: { zh: '测试目录项（修订）', en: 'Test entry (revised)' },
        updateFrequency: 'weekly',
      }),
    })
    let entry = await loadEntry(id)
    expect(entry.status).toBe('draft')
    expect(entry.revision).toBe(2)
    // While the revision is pending, the world still sees version 1.
    expect((await getEntryForIndex(id))?.content.title.zh).toBe('测试目录项')
    await approve(id)
    entry = await loadEntry(id)
    expect(entry.publishedVersion).toBe(2)
    expect((await listVersions(id)).map((v) => v.version)).toEqual([2, 1])
    expect((await getVersion(id, 1)).content.title.zh).toBe('测试目录项')
    const diff = await diffVersions(id, 1, 2)
    expect(diff.changes).toEqual(
      expect.arrayContaining([
        { path: 'title.zh', kind: 'changed', before: '测试目录项', after: '测试目录项（修订）' },
        { path: 'updateFrequency', kind: 'changed', before: 'monthly', after: 'weekly' },
      ]),
    )
  })

  it('art11 a changed legal basis gives the agency 15 working days and the authority 5; the job warns and marks overdue', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    await approve(id)
    const markedAt = new Date('2026-09-18T02:00:00Z') // Friday 18 Sep 2026, 10:00 in Guangdong
    const { agencyDueAt } = await markLegalBasisChanged({
      user: amr,
      entryId: id,
      reason: '上位法修订',
      now: markedAt,
    })
    // 15 working days on the sample calendar: Sun 20 Sep and Sat 10 Oct are make-up workdays; 25 Sep and 1–7 Oct are off.
    expect(agencyDueAt.toISOString()).toBe(
      await addWorkingDays(markedAt, 15).then((d) => d.toISOString()),
    )
    expect(agencyDueAt.toISOString()).toBe('2026-10-15T15:59:59.999Z')
    expect(
      (
        await refusal(() =>
          markLegalBasisChanged({ user: amr, entryId: id, reason: '再次', now: markedAt }),
        )
      ).code,
    ).toBe('already_marked')
    expect(
      (
        await refusal(() =>
          markLegalBasisChanged({ user: psb, entryId: id, reason: '他人', now: markedAt }),
        )
      ).status,
    ).toBe(403)

    // Two working days before the deadline: a warning, sent once however often the job runs.
    const warnAt = new Date('2026-10-13T02:00:00Z')
    expect((await runDeadlineSweep(warnAt)).warned).toBeGreaterThanOrEqual(1)
    // After the deadline: overdue, logged once, listed on both dashboards.
    const late = new Date('2026-10-16T02:00:00Z')
    const first = await runDeadlineSweep(late)
    const again = await runDeadlineSweep(late)
    expect(first.overdue).toBeGreaterThanOrEqual(1)
    expect(again.overdue).toBe(0)
    expect((await loadEntry(id)).deadline?.overdue).toBe(true)
    expect(
      (await listOpenDeadlines({ orgId: amr.org!.id }, late)).find((d) => d.entryId === id),
    ).toMatchObject({ phase: 'agency', overdue: true })
    expect(
      (await listOpenDeadlines({ level: 'province' }, late)).some((d) => d.entryId === id),
    ).toBe(true)

    // The agency updates and submits: the authority's 5 working days start.
    await updateDraft({
      user: amr,
      entryId: id,
      content: content({ legalBasis: '《广东省公共数据管理办法》（2026 修订）' }),
    })
    const submittedAt = new Date()
    await submitReviewed({ user: amr, entryId: id, now: submittedAt })
    const doc = await CatalogDeadline.findById(`${id}:v1`).lean()
    expect(doc?.phase).toBe('review')
    expect(doc?.reviewDueAt?.toISOString()).toBe(
      (await addWorkingDays(submittedAt, 5)).toISOString(),
    )
    await decideEntry({ reviewer: authority, entryId: id, decision: 'approved', reasons: [] })
    expect((await CatalogDeadline.findById(`${id}:v1`).lean())?.phase).toBe('done')
    expect((await loadEntry(id)).deadline).toBeNull()
  })

  it('art14 refuses a second source department, naming the owner', async () => {
    await claimDataItem({
      user: amr,
      code: 'DI-T-0001',
      name: { zh: '测试数据项', en: 'Test item' },
    })
    // The owner claiming again is a no-op.
    expect((await claimDataItem({ user: amr, code: 'DI-T-0001' })).created).toBe(false)
    const error = await refusal(() => claimDataItem({ user: psb, code: 'DI-T-0001' }))
    expect(error.code).toBe('source_taken')
    expect(error.params).toMatchObject({
      ownerZh: '广东省市场监督管理局',
      ownerEn: 'Guangdong Administration for Market Regulation',
    })
    // Concurrent claims by two departments: exactly one owner.
    const race = await Promise.allSettled([
      claimDataItem({ user: amr, code: 'DI-T-0002' }),
      claimDataItem({ user: psb, code: 'DI-T-0002' }),
    ])
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    // An entry naming another department's item is refused at submission, naming the owner.
    const { id } = await createDraft({
      user: psb,
      content: content({
        fields: [
          { ...personalField, personal: false, name: 'tyshxydm', dataItemCode: 'DI-E-0001' },
        ],
      }),
    })
    const viaEntry = await refusal(() => submitReviewed({ user: psb, entryId: id }))
    expect(viaEntry.code).toBe('source_taken')
    expect(viaEntry.fields).toHaveProperty('f_item')
    // Transfers go through the authority only.
    expect(
      (
        await refusal(() =>
          transferDataItem({
            user: amr,
            code: 'DI-T-0001',
            toOrgId: psb.org!.id,
            reason: '职能调整',
          }),
        )
      ).status,
    ).toBe(403)
    await transferDataItem({
      user: authority,
      code: 'DI-T-0001',
      toOrgId: psb.org!.id,
      reason: '机构改革职能划转',
    })
    expect((await sourceOf('DI-T-0001'))?.orgId).toBe(psb.org!.id)
    expect((await listCollection(psb.org!.id, { limit: 50 })).items.map((i) => i.code)).toContain(
      'DI-T-0001',
    )
  })

  it('art16 the freshness job flags entries older than their update frequency allows, once', async () => {
    const { id } = await createDraft({ user: amr, content: content({ updateFrequency: 'daily' }) })
    await approve(id)
    const entry = await loadEntry(id)
    const due = freshnessDueAt({
      lastDataUpdateAt: entry.lastDataUpdateAt,
      publishedAt: entry.publishedAt,
      updateFrequency: 'daily',
    })!
    expect(due.getTime() - entry.lastDataUpdateAt!.getTime()).toBe(2 * 86_400_000)
    const later = new Date(due.getTime() + 3_600_000)
    const first = await runFreshnessSweep(later)
    expect(first.flagged).toBeGreaterThanOrEqual(1)
    expect((await loadEntry(id)).staleSince?.toISOString()).toBe(due.toISOString())
    expect((await runFreshnessSweep(later)).flagged).toBe(0)
    expect((await listStaleEntries({ orgId: amr.org!.id })).map((s) => s.entryId)).toContain(id)
    // Recording an update clears it.
    await recordDataUpdate({ user: amr, entryId: id })
    expect((await loadEntry(id)).staleSince).toBeNull()
    expect((await refusal(() => recordDataUpdate({ user: psb, entryId: id }))).status).toBe(403)
  })

  it('art17 anyone using an entry raises a quality issue; the source resolves it once with an outcome', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    await approve(id)
    const { id: issueId } = await raiseQualityIssue({
      user: buyer,
      entryId: id,
      kind: 'incorrect',
      fieldName: 'ds',
      description: '地市代码与行政区划不符',
    })
    expect(
      (
        await refusal(() =>
          raiseQualityIssue({
            user: buyer,
            entryId: id,
            kind: 'other',
            fieldName: 'nope',
            description: '字段不存在',
          }),
        )
      ).code,
    ).toBe('unknown_field')
    expect(
      (
        await refusal(() =>
          resolveQualityIssue({ user: psb, issueId, outcome: 'corrected', note: '不是我的' }),
        )
      ).status,
    ).toBe(403)
    await resolveQualityIssue({
      user: amr,
      issueId,
      outcome: 'corrected',
      note: '已按 GB/T 2260 更正',
    })
    expect(
      (
        await refusal(() =>
          resolveQualityIssue({ user: amr, issueId, outcome: 'wont_fix', note: '再次' }),
        )
      ).code,
    ).toBe('already_resolved')
    const { items } = await listQualityIssues({ entryId: id }, { limit: 10 })
    expect(items[0]).toMatchObject({
      status: 'resolved',
      resolution: { outcome: 'corrected', note: '已按 GB/T 2260 更正' },
    })
  })

  it('every state change is written to the ledger', async () => {
    const { id } = await createDraft({ user: amr, content: content() })
    await updateDraft({ user: amr, entryId: id, content: content({ tags: ['x'] }) })
    await submitReviewed({ user: amr, entryId: id })
    await decideEntry({ reviewer: authority, entryId: id, decision: 'returned', reasons: ['补充'] })
    await submitReviewed({ user: amr, entryId: id })
    await decideEntry({ reviewer: authority, entryId: id, decision: 'approved', reasons: [] })
    await recordDataUpdate({ user: amr, entryId: id })
    const { entries } = await listLedger({ subject: `catalog-entry:${id}`, limit: 50 })
    expect(entries.map((e) => e.action).reverse()).toEqual([
      'catalog.draft_created',
      'catalog.draft_updated',
      // Art. 46: the open entry's content was reviewed once; resubmitted unchanged, not again.
      'confidentiality.reviewed',
      'catalog.submitted',
      'catalog.returned',
      'catalog.submitted',
      'catalog.approved',
      'catalog.data_updated',
    ])
  })

  it('art9 the authority configures the general sub-levels; submissions must use one of them', async () => {
    expect(await generalLevels()).toEqual([1, 2, 3, 4])
    expect(
      (
        await refusal(() =>
          setGradeLadder({ user: authority, levels: [{ level: 2, zh: '二', en: 'Two' }] }),
        )
      ).code,
    ).toBe('bad_ladder')
    await setGradeLadder({
      user: authority,
      levels: [
        { level: 1, zh: '一般 1 级', en: 'General 1' },
        { level: 2, zh: '一般 2 级', en: 'General 2' },
        { level: 3, zh: '一般 3 级', en: 'General 3' },
      ],
    })
    const { id } = await createDraft({
      user: amr,
      content: content({ grade: { tier: 'general', level: 4 } }),
    })
    expect((await refusal(() => submitReviewed({ user: amr, entryId: id }))).fields).toEqual({
      gradeLevel: ['error.catalog.gradeLevel'],
    })
    await setGradeLadder({
      user: authority,
      levels: [1, 2, 3, 4].map((level) => ({
        level,
        zh: `一般 ${level} 级`,
        en: `General ${level}`,
      })),
    })
    await submitReviewed({ user: amr, entryId: id })
  })

  it('the change feed and the index listing serve the search index', async () => {
    const seen: CatalogChange[] = []
    const stop = onCatalogChange((c) => seen.push(c))
    const { id } = await createDraft({ user: amr, content: content() })
    await approve(id)
    stop()
    await recordDataUpdate({ user: amr, entryId: id })
    expect(seen.filter((c) => c.entryId === id).map((c) => c.kind)).toEqual([
      'removed',
      'removed',
      'upserted',
    ])
    const all: string[] = []
    let after: string | undefined
    for (;;) {
      const page = await listEntriesForIndex(after, 7)
      all.push(...page.records.map((r) => r.id))
      if (!page.nextAfterId) break
      after = page.nextAfterId
    }
    expect(all).toContain(id)
    expect(new Set(all).size).toBe(all.length)
    expect(all.length).toBe(await CatalogEntry.countDocuments({ listed: true }))
  })
})
