// A data subject's authorizations of third parties (C10; Art. 41) in the seeded demo world: lina
// authorizes the demo buyer's company to read two fields of her ID-card record, then revokes it.
import { beforeAll, describe, expect, it } from 'vitest'
import { LedgerEntry } from '#models/ledger-entry'
import { Organization } from '#models/organization'
import { SubjectAuthorization, SubjectAuthorizationRevocation } from '#models/subject-authorization'
import { User } from '#models/user'
import type { AuthUser } from '~/services/identity/auth.server'
import { isDomainError } from '~/utils/errors'
import { refusal } from '../../../tests/fixtures/errors'
import { BASE, sessionCookieFor } from '../../../tests/fixtures/auth'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  authorizableEntries,
  authorizedRecord,
  authorizeOrganisation,
  myAuthorizations,
  orgAuthorizations,
  revokeAuthorization,
  runAuthorizationSweep,
} from './authorizations.server'
import { forgetSubjectUses, useHistoryOf } from './uses.server'

let lina: AuthUser
let zhang: AuthUser
let buyer: AuthUser
let provider: AuthUser
let buyerUscc: string
let idCardEntry: string

/** A day `days` from now, as the form posts it. */
const dayFromNow = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

async function authorize(fields = ['qfjg', 'yxqjzrq']) {
  return authorizeOrganisation(lina, {
    uscc: buyerUscc,
    entryId: idCardEntry,
    fields,
    purpose: '办理出境旅游签证时核验身份证有效期',
    end: dayFromNow(30),
  })
}

describe('authorizations of third parties (C10)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    lina = await demoUser('lina@demo.gd.example')
    zhang = await demoUser('zhangwei@demo.gd.example')
    buyer = await demoUser('buyer@demo.gd.example')
    provider = await demoUser('provider@demo.gd.example')
    buyerUscc = (await Organization.findById(buyer.org!.id, { uscc: 1 }).lean())!.uscc
    idCardEntry = (await authorizableEntries(lina)).find(
      (e) => e.title.zh === '居民身份证签发信息',
    )!.entryId
  })

  it('art41 the authorized organisation reads the named fields of her record only, each read in her history; both sides see it', async () => {
    const { authorizationId } = await authorize()
    const read = await authorizedRecord(buyer, authorizationId)
    expect(read.records).toHaveLength(1)
    expect(Object.keys(read.records[0]!).sort()).toEqual(['qfjg', 'yxqjzrq'])
    // Her identifier is not among what was authorized, so it is not returned.
    expect(JSON.stringify(read)).not.toMatch(/\d{17}[\dX]/)
    // Another organisation, or a person, cannot use it.
    expect((await refusal(() => authorizedRecord(provider, authorizationId))).status).toBe(404)
    expect((await refusal(() => authorizedRecord(zhang, authorizationId))).status).toBe(403)
    forgetSubjectUses()
    const key = (await User.findById(lina.id, { residentIdIndex: 1 }).lean())!.residentIdIndex!
    const uses = (await useHistoryOf(key)).items.filter(
      (u) => u.ref === `subject-authorization:${authorizationId}`,
    )
    expect(uses).toHaveLength(1)
    expect(uses[0]).toMatchObject({
      orgId: buyer.org!.id,
      purpose: '办理出境旅游签证时核验身份证有效期',
      ref: `subject-authorization:${authorizationId}`,
    })
    expect((await myAuthorizations(lina))[0]).toMatchObject({
      id: authorizationId,
      state: 'active',
    })
    expect((await orgAuthorizations(buyer)).map((a) => a.id)).toContain(authorizationId)
    expect((await orgAuthorizations(provider)).map((a) => a.id)).not.toContain(authorizationId)
    expect(
      await LedgerEntry.countDocuments({
        eventKey: `subject.authorization-granted:${authorizationId}`,
      }),
    ).toBe(1)
  })

  it('art41 a revocation holds at the next call: 50 calls racing it, none that starts after it succeeds', async () => {
    const { authorizationId } = await authorize()
    const call = async () => {
      const started = Date.now()
      try {
        await authorizedRecord(buyer, authorizationId)
        return { started, ok: true }
      } catch (error) {
        if (isDomainError(error) && error.status === 403) return { started, ok: false }
        throw error
      }
    }
    let revokedAt = 0
    const before = Array.from({ length: 25 }, call)
    const revoke = revokeAuthorization(lina, authorizationId).then(() => {
      revokedAt = Date.now()
    })
    const racing = Array.from({ length: 15 }, call)
    await revoke
    const after = await Promise.all(Array.from({ length: 10 }, call))
    const all = [...(await Promise.all([...before, ...racing])), ...after]
    expect(all).toHaveLength(50)
    // Every call that started once the revocation was done was refused.
    expect(after.every((r) => !r.ok)).toBe(true)
    expect(all.filter((r) => r.started >= revokedAt).every((r) => !r.ok)).toBe(true)
    // A second revocation changes nothing; the first stands.
    const first = (await SubjectAuthorizationRevocation.findById(authorizationId).lean())!
    await revokeAuthorization(lina, authorizationId)
    expect((await SubjectAuthorizationRevocation.findById(authorizationId).lean())!.at).toEqual(
      first.at,
    )
    expect((await myAuthorizations(lina)).find((a) => a.id === authorizationId)!.state).toBe(
      'revoked',
    )
    expect((await refusal(() => authorizedRecord(buyer, authorizationId))).code).toBe('revoked')
    // Someone else cannot revoke hers.
    expect((await refusal(() => revokeAuthorization(zhang, authorizationId))).status).toBe(404)
  })

  it('art41 an unknown organisation, another entry’s fields, a past or far end are refused in her language and write nothing', async () => {
    const count = (await myAuthorizations(lina)).length
    const base = {
      uscc: buyerUscc,
      entryId: idCardEntry,
      fields: ['qfjg'],
      purpose: '核验身份证有效期',
      end: dayFromNow(30),
    }
    expect(
      (await refusal(() => authorizeOrganisation(lina, { ...base, uscc: '91440101MA5D0000XX' })))
        .code,
    ).toBe('unknown_org')
    expect(
      (await refusal(() => authorizeOrganisation(lina, { ...base, fields: ['hjdz'] }))).code,
    ).toBe('bad_fields')
    expect(
      (await refusal(() => authorizeOrganisation(lina, { ...base, end: dayFromNow(-1) }))).code,
    ).toBe('bad_end')
    expect(
      (await refusal(() => authorizeOrganisation(lina, { ...base, end: dayFromNow(2000) }))).code,
    ).toBe('bad_end')
    // An entry holding no record of hers: as if it did not exist.
    expect(
      (
        await refusal(() =>
          authorizeOrganisation(lina, { ...base, entryId: '0123456789abcdef01234567' }),
        )
      ).status,
    ).toBe(404)
    // Through the page, in Chinese: no field ticked, a bad credit code.
    const { action } = await import('~/routes/me.authorizations.new')
    const cookie = await sessionCookieFor('lina@demo.gd.example')
    const body = new URLSearchParams({
      uscc: '123',
      entryId: idCardEntry,
      purpose: '核验身份证有效期',
      end: dayFromNow(30),
    })
    const result = (await action({
      request: new Request(`${BASE}/me/authorizations/new?entry=${idCardEntry}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: BASE,
          Cookie: cookie,
          'Accept-Language': 'zh-CN',
        },
        body,
      }),
      params: {},
      context: {},
    })) as { init: { status: number }; data: { fieldErrors: Record<string, string[]> } }
    expect(result.init.status).toBe(400)
    expect(result.data.fieldErrors.fields?.join('')).toContain('至少选择一个')
    expect(result.data.fieldErrors.uscc).toBeDefined()
    expect((await myAuthorizations(lina)).length).toBe(count)
  })

  it('art41 an authorization a crash left unlogged is logged before its first use, or by the sweep, once', async () => {
    const crashed = async () => {
      // As if the process died right after the insert: no log entry, no notice, no loggedSeq.
      const now = new Date()
      const doc = await SubjectAuthorization.create({
        userId: lina.id,
        subjectKey: (await User.findById(lina.id, { residentIdIndex: 1 }).lean())!.residentIdIndex!,
        orgId: buyer.org!.id,
        entryId: idCardEntry,
        fields: ['qfjg'],
        purpose: '核验签发机关',
        start: now,
        end: new Date(now.getTime() + 86_400_000),
        createdAt: now,
      })
      return String(doc._id)
    }
    const logged = (id: string) =>
      LedgerEntry.countDocuments({ eventKey: `subject.authorization-granted:${id}` })
    const first = await crashed()
    await authorizedRecord(buyer, first)
    expect(await logged(first)).toBe(1)
    expect((await SubjectAuthorization.findById(first).lean())!.loggedSeq).not.toBeNull()
    const second = await crashed()
    const later = new Date(Date.now() + 120_000)
    expect((await runAuthorizationSweep(later)).completed).toBe(1)
    expect(await logged(second)).toBe(1)
    expect((await runAuthorizationSweep(later)).completed).toBe(0)
    expect(await logged(second)).toBe(1)
  })
})
