import { beforeAll, describe, expect, it } from 'vitest'
import { User } from '#models/user'
import { Organization } from '#models/organization'
import { loader as openapi } from '~/routes/api.v1.openapi[.]json'
import { action as registerApi } from '~/routes/api.v1.registrations'
import { action as reviewApi } from '~/routes/api.v1.registrations.$orgId.review'
import { loader as orgsApi } from '~/routes/api.v1.organizations'
import { loader as ledgerApi } from '~/routes/api.v1.ledger'
import { loader as verifyApi } from '~/routes/api.v1.ledger.verify'
import { loader as notFound } from '~/routes/api.v1.$'
import { endpoints } from '~/services/api/contract'
import { createApiKey, loadAuthUser } from '~/services/identity/auth.server'
import { makeUscc, orgCodeCheckChar } from '~/services/identity/codes'
import { BASE, demoEmail, jsonRequest, settle } from '../fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

async function keyFor(email: string) {
  const user = await User.findOne({ email }).lean()
  return (await createApiKey((await loadAuthUser(String(user!._id), 'session'))!, 'test')).key
}

const get = (path: string, bearer: string) =>
  new Request(BASE + path, { headers: { Authorization: `Bearer ${bearer}` } })

describe('JSON API /api/v1', () => {
  useTestDb()
  let authorityKey = ''
  let regulatorKey = ''
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    authorityKey = await keyFor(demoEmail('authority_admin'))
    regulatorKey = await keyFor(demoEmail('regulator'))
  })

  it('the OpenAPI document is generated from the same Zod schemas and lists every endpoint', async () => {
    const res = await settle(() => openapi())
    const doc = await res.json()
    expect(doc.openapi).toBe('3.1.0')
    for (const e of endpoints)
      expect(doc.paths[e.path][e.method], `${e.method} ${e.path}`).toBeDefined()
    const body =
      doc.paths['/api/v1/registrations'].post.requestBody.content['application/json'].schema
    expect(body.required).toEqual(expect.arrayContaining(['orgType', 'uscc', 'email', 'password']))
    expect(body.additionalProperties).toBe(false)
    expect(
      doc.paths['/api/v1/ledger'].get.parameters.map((p: { name: string }) => p.name),
    ).toContain('before')
  })

  it('a program registers, the authority approves by API key, and the log shows both', async () => {
    const body8 = 'MA7QK201'
    const uscc = makeUscc('91440300' + body8 + orgCodeCheckChar(body8))
    const created = await settle(() =>
      registerApi({
        request: jsonRequest('/api/v1/registrations', {
          orgType: 'provider',
          nameZh: '接口注册公司',
          nameEn: 'API Registered Co',
          uscc,
          displayName: '赵六',
          email: 'api-registered@example.com',
          password: 'long enough password',
        }),
        params: {},
        context: {},
      }),
    )
    // 202 and the status alone, whether or not the e-mail was known (no account enumeration).
    expect(created.status).toBe(202)
    expect(await created.json()).toEqual({ status: 'pending' })
    const orgId = String((await Organization.findOne({ uscc }).lean())!._id)

    const pending = await settle(() =>
      orgsApi({
        request: get('/api/v1/organizations?status=pending', authorityKey),
        params: {},
        context: {},
      }),
    )
    expect((await pending.json()).organizations.map((o: { id: string }) => o.id)).toContain(orgId)

    const review = (key: string) =>
      settle(() =>
        reviewApi({
          request: jsonRequest(
            `/api/v1/registrations/${orgId}/review`,
            { decision: 'approved' },
            { bearer: key },
          ),
          params: { orgId },
          context: {},
        }),
      )
    const byRegulator = await review(regulatorKey)
    expect(byRegulator.status).toBe(403)
    expect((await byRegulator.json()).error.code).toBe('forbidden')
    const ok = await review(authorityKey)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ orgId, status: 'approved' })
    const again = await review(authorityKey)
    expect(again.status).toBe(409)

    const log = await settle(() =>
      ledgerApi({
        request: get(`/api/v1/ledger?subject=org:${orgId}`, regulatorKey),
        params: {},
        context: {},
      }),
    )
    const entries = (await log.json()).entries
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'org.approved',
      'org.registered',
    ])
    expect(entries[0].prevHash).toMatch(/^[0-9a-f]{64}$/)

    const verified = await settle(() =>
      verifyApi({ request: get('/api/v1/ledger/verify', regulatorKey), params: {}, context: {} }),
    )
    expect(await verified.json()).toMatchObject({ ok: true })
  })

  it('errors have one shape in the caller’s language', async () => {
    const anon = await settle(() =>
      ledgerApi({
        request: new Request(BASE + '/api/v1/ledger', { headers: { 'Accept-Language': 'zh-CN' } }),
        params: {},
        context: {},
      }),
    )
    expect(anon.status).toBe(401)
    expect(await anon.json()).toEqual({ error: { code: 'unauthenticated', message: '请先登录。' } })
    const bogus = await settle(() =>
      ledgerApi({
        request: get('/api/v1/ledger', 'gdpde_0000000000000000_' + 'a'.repeat(43)),
        params: {},
        context: {},
      }),
    )
    expect(bogus.status).toBe(401)
    const missing = await settle(async () => notFound())
    expect(missing.status).toBe(404)
    expect((await missing.json()).error.code).toBe('not_found')
  })
})
