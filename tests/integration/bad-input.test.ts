// Malformed input gets a clear 4xx with a message, never a 500, and nothing is written.
import { beforeAll, describe, expect, it } from 'vitest'
import { Organization } from '#models/organization'
import { action as registerApi } from '~/routes/api.v1.registrations'
import { action as reviewApi } from '~/routes/api.v1.registrations.$orgId.review'
import { loader as ledgerApi } from '~/routes/api.v1.ledger'
import { action as registerForm } from '~/routes/register'
import { action as loginForm } from '~/routes/login'
import { makeUscc, orgCodeCheckChar } from '~/services/identity/codes'
import {
  BASE,
  demoEmail,
  formRequest,
  jsonRequest,
  sessionCookieFor,
  settle,
} from '../fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

const body8 = 'MA5X9K01'
const validUscc = makeUscc('91440101' + body8 + orgCodeCheckChar(body8))
const good = {
  orgType: 'buyer',
  nameZh: '输入校验公司',
  nameEn: 'Input Check Co',
  uscc: validUscc,
  displayName: '王五',
  email: 'input-check@example.com',
  password: 'long enough password',
}

async function register(body: unknown, options: { contentType?: string; lang?: string } = {}) {
  const request = jsonRequest('/api/v1/registrations', body, { contentType: options.contentType })
  if (options.lang) request.headers.set('Accept-Language', options.lang)
  const res = await settle(() => registerApi({ request, params: {}, context: {} }))
  return {
    status: res.status,
    body: (await res.json()) as {
      error: { code: string; message: string; fields?: Record<string, string[]> }
    },
  }
}

describe('bad input at the API and form boundaries', () => {
  useTestDb()
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
  })

  it('wrong checksum codes are field errors (400)', async () => {
    const res = await register(
      { ...good, uscc: validUscc.slice(0, 17) + (validUscc.endsWith('1') ? '2' : '1') },
      { lang: 'en' },
    )
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_input')
    expect(res.body.error.fields?.uscc?.[0]).toMatch(/GB 32100/)
  })

  it('unknown fields are refused and named', async () => {
    const res = await register({ ...good, isAdmin: true })
    expect(res.status).toBe(400)
    expect(Object.keys(res.body.error.fields ?? {})).toEqual(['isAdmin'])
  })

  it('`$`-prefixed and dotted keys (NoSQL operator injection) are refused', async () => {
    const res = await register({ ...good, email: { $gt: '' } })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('operator_key')
    const dotted = await register({ ...good, 'name.zh': 'x' })
    expect(dotted.status).toBe(400)
    const login = await settle(() =>
      loginForm({
        request: formRequest('/login', { email: 'a@b.cn', password: 'x', $where: '1' }),
        params: {},
        context: {},
      }),
    )
    expect(login.status).toBe(400)
  })

  it('wrong content types get 415', async () => {
    expect((await register(JSON.stringify(good), { contentType: 'text/plain' })).status).toBe(415)
    const form = await settle(() =>
      registerForm({
        request: new Request(BASE + '/register', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: BASE },
          body: '{}',
        }),
        params: {},
        context: {},
      }),
    )
    expect(form.status).toBe(415)
  })

  it('malformed JSON gets 400, not 500', async () => {
    const res = await register('{"orgType": "buyer",')
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_json')
  })

  it('oversize bodies get 413, declared or streamed', async () => {
    const huge = { ...good, nameEn: 'x'.repeat(2 * 1024 * 1024) }
    const declared = await register(huge)
    expect(declared.status).toBe(413)
    // A chunked body with no Content-Length is cut off at the limit too.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 40; i++)
          controller.enqueue(new TextEncoder().encode('a'.repeat(64 * 1024)))
        controller.close()
      },
    })
    const request = new Request(BASE + '/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    const res = await settle(() => registerForm({ request, params: {}, context: {} }))
    expect(res.status).toBe(413)
  })

  it('nothing was written by any refused request', async () => {
    expect(await Organization.exists({ uscc: validUscc })).toBeNull()
    const ok = await register(good)
    expect(ok.status).toBe(202)
    expect(await Organization.exists({ uscc: validUscc })).not.toBeNull()
  })

  it('absurd query values and unknown ids get 4xx with a message', async () => {
    const cookie = await sessionCookieFor(demoEmail('regulator'))
    for (const query of [
      'limit=100000',
      'limit=-1',
      'before=abc',
      'orgId[$ne]=1',
      'subject=%24where',
      'color=red',
    ]) {
      const res = await settle(() =>
        ledgerApi({
          request: new Request(`${BASE}/api/v1/ledger?${query}`, { headers: { Cookie: cookie } }),
          params: {},
          context: {},
        }),
      )
      expect(res.status, query).toBe(400)
      expect((await res.json()).error.message, query).toBeTruthy()
    }
    const authority = await sessionCookieFor(demoEmail('authority_admin'))
    const missing = await settle(() =>
      reviewApi({
        request: jsonRequest(
          '/api/v1/registrations/0123456789abcdef01234567/review',
          { decision: 'approved' },
          { cookie: authority },
        ),
        params: { orgId: '0123456789abcdef01234567' },
        context: {},
      }),
    )
    expect(missing.status).toBe(404)
    const malformedId = await settle(() =>
      reviewApi({
        request: jsonRequest(
          '/api/v1/registrations/..%2F/review',
          { decision: 'approved' },
          { cookie: authority },
        ),
        params: { orgId: '../' },
        context: {},
      }),
    )
    expect(malformedId.status).toBe(404)
  })
})
