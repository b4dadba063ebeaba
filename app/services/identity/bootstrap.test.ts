// A production exchange's first account (issue 14): made from the operator's credentials, weak
// passwords refused, idempotent; and the demo seed, whose password is published, refuses production.
import { describe, expect, it } from 'vitest'
import { Organization } from '#models/organization'
import { User } from '#models/user'
import { assertDemoSeedAllowed, DEMO_PASSWORD } from '~/services/demo/seed.server'
import { listLedger } from '~/services/ledger/ledger.server'
import { useTestDb } from '../../../tests/setup/db'
import { BASE } from '../../../tests/fixtures/auth'
import { login } from './auth.server'
import { bootstrapAuthority, weakPasswordReason } from './bootstrap.server'
import { makeUscc, orgCodeCheckChar } from './codes'

const body8 = 'MB2Q7X05'
const uscc = makeUscc('11440000' + body8 + orgCodeCheckChar(body8))

describe('the first authority account', () => {
  useTestDb()

  it('weak passwords are refused with the reason', () => {
    expect(weakPasswordReason('short', 'a@b.cn')).toMatch(/14/)
    expect(weakPasswordReason('alllowercaseletters', 'a@b.cn')).toMatch(/three of/)
    expect(weakPasswordReason(DEMO_PASSWORD + 'X!', 'a@b.cn')).toMatch(/common/)
    expect(weakPasswordReason('Admin.Chen-2026!x', 'admin.chen@gd.gov.cn')).toMatch(/e-mail/)
    expect(weakPasswordReason('Correct-Horse-42-Battery', 'admin@gd.gov.cn')).toBeUndefined()
  })

  it('creates the authority and its administrator once, logged; a second run changes nothing', async () => {
    await expect(
      bootstrapAuthority({ email: 'admin@gd.gov.cn', password: 'weakweakweakweak', uscc }),
    ).rejects.toMatchObject({ code: 'weak_password' })
    expect(await User.countDocuments()).toBe(0)
    const first = await bootstrapAuthority({
      email: 'Admin@GD.gov.cn',
      password: 'Correct-Horse-42-Battery',
      uscc,
    })
    expect(first.created).toBe(true)
    const again = await bootstrapAuthority({
      email: 'admin@gd.gov.cn',
      password: 'Another-Horse-43-Battery',
      uscc,
    })
    expect(again).toEqual({ ...first, created: false })
    expect(await Organization.countDocuments({ type: 'authority' })).toBe(1)
    const { user } = await login(new Request(BASE), {
      email: 'admin@gd.gov.cn',
      password: 'Correct-Horse-42-Battery',
    })
    expect(user.roles).toEqual(['authority_admin'])
    const { entries } = await listLedger({ subject: `user:${first.userId}`, limit: 10 })
    expect(entries.map((e) => e.action)).toEqual(['user.created'])
  })

  it('the demo seed refuses NODE_ENV=production', () => {
    expect(() => assertDemoSeedAllowed()).not.toThrow()
    expect(() => assertDemoSeedAllowed('production')).toThrow(/demo_in_production/)
  })
})
