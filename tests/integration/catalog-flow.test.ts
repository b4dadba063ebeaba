// The catalog review flow through the real route modules (C2, Art. 10, 13): an agency drafts
// a conditional entry without conditions and is refused with the message shown, completes it and
// submits; the authority returns it with a reason; the agency sees the reason, fixes and resubmits;
// the authority approves and version 1 is published. Then the same through the JSON API, and bad input.
import { beforeAll, describe, expect, it } from 'vitest'
import { BASE, formRequest, jsonRequest, sessionCookieFor, settle } from '../fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

const AGENCY = 'amr@demo.gd.example'
const AUTHORITY = 'authority@demo.gd.example'

type Loader = (args: {
  request: Request
  params: Record<string, string>
  context: object
}) => Promise<unknown>

async function call(
  mod: Record<string, unknown>,
  kind: 'loader' | 'action',
  request: Request,
  params: Record<string, string> = {},
) {
  return settle(() => (mod[kind] as Loader)({ request, params, context: {} }))
}

const get = (path: string, cookie: string, lang = 'zh') =>
  new Request(BASE + path, { headers: { Cookie: cookie, 'Accept-Language': lang } })

function entryForm(over: Record<string, string>): Record<string, string> {
  return {
    titleZh: '企业纳税信用等级',
    titleEn: 'Enterprise tax credit ratings',
    descriptionZh: '企业纳税信用评价结果。',
    descriptionEn: 'Tax credit ratings of enterprises.',
    tags: '信用, 税务',
    category: 'credit',
    dataForm: 'structured',
    f_name: 'tyshxydm',
    f_labelZh: '统一社会信用代码',
    f_labelEn: 'Unified social credit code',
    f_type: 'code',
    f_desc: '',
    f_sens: 'none',
    f_item: '',
    sharingType: 'conditional',
    sharingBasis: '《纳税信用管理办法》',
    sharingConditions: '',
    sharingScope: 'all_agencies',
    sharingScopeNote: '',
    openAttribute: 'not_open',
    openConditions: '',
    screeningRef: '',
    updateFrequency: 'monthly',
    collecting: '',
    verifying: '',
    providing: '',
    gradeTier: 'general',
    gradeLevel: '2',
    legalBasis: '《中华人民共和国税收征收管理法》',
    intent: 'submit',
    ...over,
  }
}

describe('catalog review flow through the routes', () => {
  useTestDb()
  let agency: string
  let authority: string
  let orgId: string

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    agency = await sessionCookieFor(AGENCY)
    authority = await sessionCookieFor(AUTHORITY)
    const me = await call(await import('~/routes/api.v1.me'), 'loader', get('/api/v1/me', agency))
    orgId = ((await me.json()) as { org: { id: string } }).org.id
  })

  it('art13 agency drafts a conditional entry without conditions (refused, message shown), fixes it; the authority returns it, then approves', async () => {
    const newRoute = await import('~/routes/catalog.new')
    const editRoute = await import('~/routes/catalog.$entryId.edit')
    const entryRoute = await import('~/routes/catalog.$entryId._index')
    const depts = { collecting: orgId, verifying: orgId, providing: orgId }

    // 1. Save-and-submit without conditions: the draft is kept, the submission refused.
    const created = await call(
      newRoute,
      'action',
      formRequest('/catalog/new', entryForm(depts), { cookie: agency }),
    )
    expect(created.status).toBe(302)
    const location = created.headers.get('Location')!
    expect(location).toMatch(/^\/catalog\/[0-9a-f]{24}\/edit\?refused=1$/)
    const entryId = location.split('/')[2]!
    const editPage = await call(editRoute, 'loader', get(location, agency), { entryId })
    const editData = (await editPage.json()) as {
      problems: { message: string }[]
      entry: { status: string }
    }
    expect(editData.entry.status).toBe('draft')
    expect(editData.problems.map((p) => p.message)).toContain(
      '有条件共享须写明共享条件（第十三条）。',
    )

    // Submitting again from the edit page without conditions: the same message, as a form error.
    const again = await call(
      editRoute,
      'action',
      formRequest(`/catalog/${entryId}/edit`, entryForm(depts), { cookie: agency }),
      { entryId },
    )
    expect(again.status).toBe(422)
    const againBody = (await again.json()) as {
      formError: string
      fieldErrors: Record<string, string[]>
      values: Record<string, string>
    }
    expect(againBody.formError).toBe('有条件共享须写明共享条件（第十三条）。')
    expect(againBody.fieldErrors.sharingConditions).toEqual([
      '有条件共享须写明共享条件（第十三条）。',
    ])
    expect(againBody.values.titleZh).toBe('企业纳税信用等级')

    // 2. Completed and submitted.
    const submitted = await call(
      editRoute,
      'action',
      formRequest(
        `/catalog/${entryId}/edit`,
        entryForm({ ...depts, sharingConditions: '仅向金融监管、招投标监管部门提供。' }),
        { cookie: agency },
      ),
      { entryId },
    )
    expect(submitted.status).toBe(302)
    expect(submitted.headers.get('Location')).toBe(`/catalog/${entryId}?submitted=1`)

    // 3. The authority sees it in its queue and returns it with a reason.
    const queue = await call(
      await import('~/routes/catalog.review'),
      'loader',
      get('/catalog/review', authority),
    )
    expect(((await queue.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(
      entryId,
    )
    const returned = await call(
      entryRoute,
      'action',
      formRequest(
        `/catalog/${entryId}`,
        { intent: 'decide', decision: 'returned', reasons: '请写明可共享的部门范围\n补充英文摘要' },
        { cookie: authority },
      ),
      { entryId },
    )
    expect(returned.status).toBe(200)
    expect(((await returned.json()) as { notice: string }).notice).toBe(
      '已退回，部门可见退回理由。',
    )

    // 4. The agency sees the reasons on the entry page and on its dashboard.
    const page = await call(entryRoute, 'loader', get(`/catalog/${entryId}`, agency), { entryId })
    const pageData = (await page.json()) as {
      entry: { status: string; returnReasons: string[] }
      can: { edit: boolean }
    }
    expect(pageData.entry.status).toBe('returned')
    expect(pageData.entry.returnReasons).toEqual(['请写明可共享的部门范围', '补充英文摘要'])
    expect(pageData.can.edit).toBe(true)
    const mine = await call(
      await import('~/routes/catalog.mine'),
      'loader',
      get('/catalog/mine', agency),
    )
    expect(
      ((await mine.json()) as { returned: { id: string }[] }).returned.map((e) => e.id),
    ).toContain(entryId)

    // 5. Fixed and resubmitted; 6. approved.
    const fixed = await call(
      editRoute,
      'action',
      formRequest(
        `/catalog/${entryId}/edit`,
        entryForm({
          ...depts,
          sharingConditions: '仅向金融监管、招投标监管部门提供。',
          sharingScope: 'specified_agencies',
          sharingScopeNote: '省地方金融管理局、省公共资源交易中心',
        }),
        { cookie: agency },
      ),
      { entryId },
    )
    expect(fixed.status).toBe(302)
    const approved = await call(
      entryRoute,
      'action',
      formRequest(
        `/catalog/${entryId}`,
        { intent: 'decide', decision: 'approved', reasons: '' },
        { cookie: authority },
      ),
      { entryId },
    )
    expect(((await approved.json()) as { notice: string }).notice).toBe('已审定通过。')
    const final = await call(entryRoute, 'loader', get(`/catalog/${entryId}`, authority), {
      entryId,
    })
    const finalData = (await final.json()) as {
      entry: { status: string; publishedVersion: number; listed: boolean }
      history: { outcome: string }[]
      versions: unknown[]
    }
    expect(finalData.entry).toMatchObject({ status: 'approved', publishedVersion: 1, listed: true })
    expect(finalData.history.map((h) => h.outcome)).toEqual([
      'submitted',
      'returned',
      'submitted',
      'approved',
    ])
    expect(finalData.versions).toHaveLength(1)

    // The agency cannot decide; a second decision on the same round is refused.
    const twice = await call(
      entryRoute,
      'action',
      formRequest(
        `/catalog/${entryId}`,
        { intent: 'decide', decision: 'approved', reasons: '' },
        { cookie: authority },
      ),
      { entryId },
    )
    expect(twice.status).toBe(409)
  })

  it('the same flow through the JSON API, in English, with clear refusals', async () => {
    const entries = await import('~/routes/api.v1.catalog.entries')
    const submit = await import('~/routes/api.v1.catalog.entries.$entryId.submit')
    const review = await import('~/routes/api.v1.catalog.entries.$entryId.review')
    const one = await import('~/routes/api.v1.catalog.entries.$entryId')
    const content = {
      title: { zh: '网络交易平台经营者名录', en: 'Online marketplace operators' },
      description: {
        zh: '在本省登记的网络交易平台经营者。',
        en: 'Online marketplace operators registered in the province.',
      },
      category: 'economy',
      dataForm: 'structured',
      fields: [{ name: 'ptmc', label: { zh: '平台名称', en: 'Platform' }, type: 'string' }],
      sharingType: 'not_shared',
      sharingScope: 'all_agencies',
      openAttribute: 'not_open',
      updateFrequency: 'monthly',
      grade: { tier: 'general', level: 1 },
      legalBasis: '《中华人民共和国电子商务法》',
    }
    const created = await call(
      entries,
      'action',
      jsonRequest('/api/v1/catalog/entries', content, { cookie: agency }),
    )
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const en = (req: Request) => {
      req.headers.set('Accept-Language', 'en')
      return req
    }
    const refused = await call(
      submit,
      'action',
      en(jsonRequest(`/api/v1/catalog/entries/${id}/submit`, {}, { cookie: agency })),
      { entryId: id },
    )
    expect(refused.status).toBe(422)
    expect(await refused.json()).toMatchObject({
      error: {
        code: 'not_submittable',
        message: 'Not sharing must cite a law, regulation or national rule (Art. 13).',
        fields: { sharingBasis: expect.any(Array) },
      },
    })
    const updated = await call(
      one,
      'action',
      jsonRequest(
        `/api/v1/catalog/entries/${id}`,
        { ...content, sharingBasis: '《中华人民共和国电子商务法》第二十五条' },
        { cookie: agency },
      ),
      { entryId: id },
    )
    expect(updated.status).toBe(200)
    expect(
      (
        await call(
          submit,
          'action',
          jsonRequest(`/api/v1/catalog/entries/${id}/submit`, {}, { cookie: agency }),
          { entryId: id },
        )
      ).status,
    ).toBe(200)
    const noReason = await call(
      review,
      'action',
      jsonRequest(
        `/api/v1/catalog/entries/${id}/review`,
        { decision: 'returned' },
        { cookie: authority },
      ),
      { entryId: id },
    )
    expect(noReason.status).toBe(400)
    const ok = await call(
      review,
      'action',
      jsonRequest(
        `/api/v1/catalog/entries/${id}/review`,
        { decision: 'approved' },
        { cookie: authority },
      ),
      { entryId: id },
    )
    expect(await ok.json()).toMatchObject({ outcome: 'approved', revision: 1 })
    const view = await call(one, 'loader', get(`/api/v1/catalog/entries/${id}`, agency), {
      entryId: id,
    })
    expect(await view.json()).toMatchObject({
      status: 'approved',
      notSharedFiledAt: expect.any(String),
    })
  })

  it('bad input gets a 4xx with a message, never a 500', async () => {
    const entries = await import('~/routes/api.v1.catalog.entries')
    const absurd = await call(
      entries,
      'loader',
      get('/api/v1/catalog/entries?limit=100000', agency),
    )
    expect(absurd.status).toBe(400)
    expect(
      ((await absurd.json()) as { error: { fields: Record<string, unknown> } }).error.fields,
    ).toHaveProperty('limit')
    expect(
      (await call(entries, 'loader', get('/api/v1/catalog/entries?scope=everything', agency)))
        .status,
    ).toBe(400)
    expect(
      (await call(entries, 'loader', get('/api/v1/catalog/entries?after=%24gt', agency))).status,
    ).toBe(400)
    const injected = await call(
      entries,
      'action',
      jsonRequest('/api/v1/catalog/entries', { title: { $gt: '' } }, { cookie: agency }),
    )
    expect(injected.status).toBe(400)
    const page = await call(
      await import('~/routes/catalog._index'),
      'loader',
      get('/catalog?limit=-3', agency),
    )
    expect(page.status).toBe(400)
    const days = await call(
      await import('~/routes/api.v1.calendar.working-days'),
      'loader',
      get('/api/v1/calendar/working-days?from=2026-09-18T10:00:00%2B08:00&days=15', agency),
    )
    expect(await days.json()).toEqual({
      from: '2026-09-18T02:00:00.000Z',
      dueAt: '2026-10-15T15:59:59.999Z',
    })
    const owner = await call(
      await import('~/routes/api.v1.catalog.data-items.$code'),
      'loader',
      get('/api/v1/catalog/data-items/DI-E-0001', agency),
      { code: 'DI-E-0001' },
    )
    expect(await owner.json()).toMatchObject({
      code: 'DI-E-0001',
      name: { zh: '广东省市场监督管理局' },
    })
    const claim = await call(
      await import('~/routes/api.v1.catalog.data-items'),
      'action',
      jsonRequest(
        '/api/v1/catalog/data-items',
        { code: 'DI-P-0001', name: { zh: '公民身份号码' } },
        { cookie: agency },
      ),
    )
    expect(claim.status).toBe(409)
    expect(((await claim.json()) as { error: { message: string } }).error.message).toContain(
      '广东省公安厅',
    )
  })
})
