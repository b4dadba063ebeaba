import { describe, expect, it } from 'vitest'
import { Organization } from '#models/organization'
import { User } from '#models/user'
import { getQueue } from '#jobs/queues'
import { getRedis } from '~/utils/redis.server'
import { action as loginAction } from '~/routes/login'
import { action as registerAction } from '~/routes/register'
import { action as authorityAction } from '~/routes/authority._index'
import { loader as meApi } from '~/routes/api.v1.me'
import { DEMO_PASSWORD, seedDemoWorld } from '~/services/demo/seed.server'
import {
  authenticateApiKey,
  createApiKey,
  loadAuthUser,
  login,
  registerOrganization,
  REGISTRATIONS_PER_SOURCE_PER_HOUR,
  reviewRegistration,
  revokeApiKey,
} from '~/services/identity/auth.server'
import { makeUscc, orgCodeCheckChar } from '~/services/identity/codes'
import { listLedger, verifyChain } from '~/services/ledger/ledger.server'
import { useTestDb } from '../setup/db'
import { BASE, demoEmail, formRequest, sessionCookieFor, settle } from '../fixtures/auth'

let counter = 0
function freshUscc() {
  counter++
  const body =
    `MA${String(Date.now() % 1_000_000).padStart(6, '0')}`.slice(0, 6) +
    String(counter).padStart(2, '0')
  return makeUscc('91440101' + body + orgCodeCheckChar(body))
}

async function authority() {
  const user = await User.findOne({ email: demoEmail('authority_admin') }).lean()
  return (await loadAuthUser(String(user!._id), 'session'))!
}

function registration(overrides: Record<string, string> = {}) {
  const n = ++counter
  return {
    orgType: 'provider' as const,
    nameZh: `测试数据公司${n}`,
    nameEn: `Test Data Co ${n}`,
    uscc: freshUscc(),
    displayName: '测试员',
    email: `tester${n}-${Date.now()}@example.com`,
    password: 'correct horse battery',
    ...overrides,
  }
}

describe('registration, approval and login (C1)', () => {
  useTestDb()

  it('seeds the demo world with a ledger entry per creation, and a second seed adds nothing', async () => {
    const first = await seedDemoWorld()
    expect(first.created).toBe(24)
    const second = await seedDemoWorld()
    expect(second.created).toBe(0)
    expect((await listLedger({ action: 'org.created', limit: 100 })).entries).toHaveLength(11)
    expect((await listLedger({ action: 'user.created', limit: 100 })).entries).toHaveLength(13)
    expect((await verifyChain()).ok).toBe(true)
    // (Two whole demo worlds: ~13 s alone, twice that beside the rest of the suite.)
  }, 120_000)

  it('registration → authority approval → login, through the web forms', async () => {
    const input = registration()
    const registered = await settle(() =>
      registerAction({ request: formRequest('/register', input), params: {}, context: {} }),
    )
    expect(registered.status).toBe(302)
    expect(registered.headers.get('Location')).toBe('/register?done=1')

    const pending = await settle(() =>
      loginAction({
        request: formRequest('/login', { email: input.email, password: input.password }),
        params: {},
        context: {},
      }),
    )
    expect(pending.status).toBe(403)
    expect(JSON.stringify(await pending.json())).toContain('审核')

    const org = await Organization.findOne({ uscc: input.uscc }).lean()
    expect(org?.status).toBe('pending')
    const cookie = await sessionCookieFor(demoEmail('authority_admin'))
    const approved = await settle(() =>
      authorityAction({
        request: formRequest(
          '/authority',
          { orgId: String(org!._id), decision: 'approved' },
          { cookie },
        ),
        params: {},
        context: {},
      }),
    )
    expect(approved.status).toBe(200)
    expect((await Organization.findById(org!._id).lean())?.status).toBe('approved')

    const loggedIn = await settle(() =>
      loginAction({
        request: formRequest('/login', { email: input.email, password: input.password }),
        params: {},
        context: {},
      }),
    )
    expect(loggedIn.status).toBe(302)
    expect(loggedIn.headers.get('Location')).toBe('/provider')
    expect(loggedIn.headers.get('Set-Cookie')).toMatch(/__session=.+HttpOnly/i)

    const { entries } = await listLedger({ subject: `org:${org!._id}`, limit: 10 })
    expect(entries.map((e) => e.action).sort()).toEqual(['org.approved', 'org.registered'])
  })

  it('a registration interrupted after its inserts resumes on retry and is logged once', async () => {
    const input = registration()
    // The state a crash between the inserts and the log entry leaves behind.
    const org = await Organization.create({
      type: input.orgType,
      name: { zh: input.nameZh, en: input.nameEn },
      uscc: input.uscc,
      status: 'pending',
      contactEmail: input.email,
    })
    await User.create({
      email: input.email,
      displayName: 'x',
      passwordHash: 'x',
      orgId: org._id,
      roles: ['provider_staff'],
    })
    const first = await registerOrganization(input)
    const second = await registerOrganization(input)
    expect([first.orgId, second.orgId]).toEqual([String(org._id), String(org._id)])
    const { entries } = await listLedger({ subject: `org:${org._id}`, limit: 10 })
    expect(entries.map((e) => e.action)).toEqual(['org.registered'])
    expect(await User.countDocuments({ email: input.email })).toBe(1)
  })

  it('a returned registration cannot log in', async () => {
    const input = registration()
    const { orgId } = await registerOrganization(input)
    await reviewRegistration({
      orgId: orgId!,
      decision: 'rejected',
      reason: '材料不全',
      reviewer: await authority(),
    })
    await expect(login(new Request(BASE), input)).rejects.toMatchObject({
      code: 'org_rejected',
      status: 403,
    })
  })

  it('two reviewers approving at once: exactly one decision is taken', async () => {
    const orgId = (await registerOrganization(registration())).orgId!
    const reviewer = await authority()
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        reviewRegistration({ orgId, decision: i % 2 ? 'approved' : 'rejected', reviewer }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const refused = results.filter((r) => r.status === 'rejected')
    expect(
      refused.every((r) => (r as PromiseRejectedResult).reason.code === 'already_reviewed'),
    ).toBe(true)
    const { entries } = await listLedger({ subject: `org:${orgId}`, limit: 10 })
    expect(entries.filter((e) => e.action !== 'org.registered')).toHaveLength(1)
  })

  it('refuses a second organization with the same credit code (public), but never says an e-mail has an account', async () => {
    const first = registration()
    await registerOrganization(first)
    await expect(
      registerOrganization({ ...registration(), uscc: first.uscc }),
    ).rejects.toMatchObject({
      code: 'uscc_taken',
      fields: { uscc: ['error.usccTaken'] },
    })
    // A taken e-mail answers as a new registration would (no enumeration), creates nothing, and
    // leaves a notice for the account's holder.
    const other = registration({ email: first.email })
    expect(await registerOrganization(other)).toEqual({ status: 'pending' })
    expect(await Organization.exists({ uscc: other.uscc })).toBeNull()
    const holder = await User.findOne({ email: first.email.toLowerCase() }).lean()
    const notices = await getQueue('notifications').getJobs([
      'waiting',
      'delayed',
      'completed',
      'active',
    ])
    expect(
      notices.some(
        (j) =>
          j.data.kind === 'account.registration-attempt' && j.data.userId === String(holder!._id),
      ),
    ).toBe(true)
  })

  it('a wrong credit-code checksum is a field error in the user’s language, not a 500', async () => {
    const input = registration()
    const bad = input.uscc.slice(0, 17) + (input.uscc.endsWith('0') ? '1' : '0')
    const zh = await settle(() =>
      registerAction({
        request: formRequest('/register', { ...input, uscc: bad }),
        params: {},
        context: {},
      }),
    )
    expect(zh.status).toBe(400)
    expect((await zh.json()).fieldErrors.uscc[0]).toContain('校验码')
    const en = await settle(() =>
      registerAction({
        request: formRequest(
          '/register',
          { ...input, uscc: bad },
          { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } },
        ),
        params: {},
        context: {},
      }),
    )
    expect((await en.json()).fieldErrors.uscc[0]).toContain('check character')
  })

  it('wrong password is refused with one message whether or not the account exists', async () => {
    const known = await settle(() =>
      loginAction({
        request: formRequest('/login', {
          email: demoEmail('buyer_staff'),
          password: 'wrong-password',
        }),
        params: {},
        context: {},
      }),
    )
    const unknown = await settle(() =>
      loginAction({
        request: formRequest('/login', { email: 'nobody@example.com', password: 'wrong-password' }),
        params: {},
        context: {},
      }),
    )
    expect(known.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await known.json()).toEqual(await unknown.json())
  })

  it('rate-limits repeated login failures for one account (429 with the wait)', async () => {
    const email = demoEmail('researcher')
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) {
      const res = await settle(() =>
        loginAction({
          request: formRequest('/login', { email, password: 'nope-nope' }),
          params: {},
          context: {},
        }),
      )
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true)
    expect(statuses.slice(10)).toEqual([429, 429])
    // Even the right password waits out the limit.
    await expect(
      login(new Request(BASE), { email, password: DEMO_PASSWORD }),
    ).rejects.toMatchObject({ status: 429 })
  })

  it('successful logins from one address do not count toward its limit (an office behind one NAT)', async () => {
    const email = demoEmail('agency_staff')
    for (let i = 0; i < 12; i++) {
      await login(new Request(BASE), { email, password: DEMO_PASSWORD, clientIp: '203.0.113.7' })
    }
  })

  it('login rotates the session: the cookie presented before login stops working', async () => {
    const email = demoEmail('regulator')
    const before = await sessionCookieFor(email)
    const { setCookie } = await login(new Request(BASE, { headers: { Cookie: before } }), {
      email,
      password: DEMO_PASSWORD,
    })
    const after = setCookie.split(';')[0]!
    expect(after).not.toBe(before)
    const old = await settle(() =>
      meApi({
        request: new Request(`${BASE}/api/v1/me`, { headers: { Cookie: before } }),
        params: {},
        context: {},
      }),
    )
    expect(old.status).toBe(401)
    const fresh = await settle(() =>
      meApi({
        request: new Request(`${BASE}/api/v1/me`, { headers: { Cookie: after } }),
        params: {},
        context: {},
      }),
    )
    expect(fresh.status).toBe(200)
  })

  it('API keys are shown once, stored hashed, and stop working when revoked', async () => {
    const owner = (await loadAuthUser(
      String((await User.findOne({ email: demoEmail('buyer_staff') }))!._id),
      'session',
    ))!
    const { id, key } = await createApiKey(owner, 'ci')
    const stored = await (await import('#models/api-key')).ApiKey.findById(id).lean()
    // The secret is base64url and may itself hold `_`: cut at the known prefix, not at every `_`.
    const secret = key.slice(`gdpde_${id}_`.length)
    expect(secret.length).toBeGreaterThan(20)
    expect(JSON.stringify(stored)).not.toContain(secret)
    const call = () =>
      settle(() =>
        meApi({
          request: new Request(`${BASE}/api/v1/me`, {
            headers: { Authorization: `Bearer ${key}` },
          }),
          params: {},
          context: {},
        }),
      )
    const ok = await call()
    expect(ok.status).toBe(200)
    expect((await ok.json()).roles).toEqual(['buyer_staff'])
    await revokeApiKey(owner, id)
    const refused = await call()
    expect(refused.status).toBe(401)
    expect((await refused.json()).error.code).toBe('unauthenticated')
  })

  it('registrations from one address beyond the hourly limit get 429, and create nothing', async () => {
    const clientIp = '192.0.2.77'
    for (let i = 0; i < REGISTRATIONS_PER_SOURCE_PER_HOUR; i++)
      await registerOrganization(registration(), { clientIp })
    const refused = registration()
    await expect(registerOrganization(refused, { clientIp })).rejects.toMatchObject({
      status: 429,
      code: 'too_many_registrations',
    })
    expect(await Organization.exists({ uscc: refused.uscc })).toBeNull()
    // Another address is not held up by it.
    await expect(
      registerOrganization(registration(), { clientIp: '192.0.2.78' }),
    ).resolves.toMatchObject({ status: 'pending' })
  })

  it('API keys expire after a year and are refused from then on', async () => {
    const owner = (await loadAuthUser(
      String((await User.findOne({ email: demoEmail('buyer_staff') }))!._id),
      'session',
    ))!
    const { key, expiresAt } = await createApiKey(owner, 'yearly')
    expect(Math.round((expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(365)
    expect(await authenticateApiKey(key)).toBeDefined()
    expect(await authenticateApiKey(key, new Date(expiresAt.getTime() - 1000))).toBeDefined()
    expect(await authenticateApiKey(key, expiresAt)).toBeUndefined()
    const old = await createApiKey(owner, 'old', new Date(Date.now() - 366 * 86_400_000))
    expect(await authenticateApiKey(old.key)).toBeUndefined()
  })

  it('a second lockout of the same account and address lasts twice as long (backoff)', async () => {
    const email = demoEmail('regulator')
    const clientIp = '198.51.100.90'
    const fail = () =>
      login(new Request(BASE), { email, password: 'wrong-wrong', clientIp }).then(
        () => ({ status: 200, params: { seconds: 0 } }),
        (e: { status: number; params?: { seconds: number } }) => e,
      )
    for (let i = 0; i < 10; i++) await fail()
    const first = await fail()
    expect(first).toMatchObject({ status: 429 })
    expect(first.params!.seconds).toBeGreaterThan(14 * 60)
    expect(first.params!.seconds).toBeLessThanOrEqual(15 * 60)
    // The lockout runs out (its key removed, as Redis would at its expiry); ten more failures lock again, for longer.
    await getRedis().del(`${process.env.QUEUE_PREFIX}:login:accountAtSource:${email}|${clientIp}`)
    for (let i = 0; i < 10; i++) await fail()
    const second = await fail()
    expect(second).toMatchObject({ status: 429 })
    expect(second.params!.seconds).toBeGreaterThan(29 * 60)
  })

  it('a stranger’s failed logins lock the account only at the stranger’s address', async () => {
    const email = demoEmail('provider_staff')
    for (let i = 0; i < 11; i++) {
      await login(new Request(BASE), {
        email,
        password: 'wrong-wrong',
        clientIp: '198.51.100.66',
      }).catch(() => undefined)
    }
    await expect(
      login(new Request(BASE), { email, password: DEMO_PASSWORD, clientIp: '198.51.100.66' }),
    ).rejects.toMatchObject({ status: 429 })
    await expect(
      login(new Request(BASE), { email, password: DEMO_PASSWORD, clientIp: '203.0.113.20' }),
    ).resolves.toMatchObject({ user: { email } })
  })

  it('stores a data subject’s resident ID encrypted and shows it masked', async () => {
    const user = await User.findOne({ email: demoEmail('data_subject') }).lean()
    expect(user?.residentIdEnc).toMatch(/^v1\./)
    expect(user?.residentIdEnc).not.toContain('440106')
    const { subjectHome } = await import('~/services/identity/home.server')
    const home = await subjectHome((await loadAuthUser(String(user!._id), 'session'))!)
    expect(home.residentIdMasked).toMatch(/^4401\*{10}\d{3}[\dX]$/)
  })
})
