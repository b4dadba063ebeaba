import { describe, expect, it } from 'vitest'
import { ROLES } from '#models/user'
import {
  can,
  homeFor,
  permissionsOf,
  PERMISSIONS,
  ROLE_HOME,
  ROLE_PERMISSIONS,
} from './permissions'
import { isCrossSiteWrite } from './permissions.server'

describe('permission helper', () => {
  it('every role has a home page and only known permissions', () => {
    for (const role of ROLES) {
      expect(ROLE_HOME[role]).toMatch(/^\/[a-z]+$/)
      for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p)
    }
  })

  it('grants what a role holds and nothing else', () => {
    expect(can(['authority_admin'], 'approve:org-registration:any')).toBe(true)
    expect(can(['buyer_staff'], 'approve:org-registration:any')).toBe(false)
    expect(can(['regulator'], 'read:ledger:any')).toBe(true)
    expect(can(['data_subject'], 'manage:api-key:own')).toBe(false)
    expect(can([], 'read:org:own')).toBe(false)
  })

  it('the regulator is read-only: no approve/create/admin permission', () => {
    // A fingerprint look-up reads deliveries (and is itself logged); it changes nothing.
    const writes = [...permissionsOf(['regulator'])].filter(
      (p) => !/^(read|verify|lookup):/.test(p) && p !== 'manage:api-key:own',
    )
    expect(writes).toEqual([])
  })

  it('a union of roles has the union of permissions; home is the first role’s', () => {
    const both = permissionsOf(['agency_staff', 'researcher'])
    expect(both.has('create:catalog-entry:own-org')).toBe(true)
    expect(both.has('create:research-request:own-org')).toBe(true)
    expect(homeFor(['researcher', 'agency_staff'])).toBe('/research')
    expect(homeFor([])).toBe('/')
  })
})

describe('CSRF check on cookie-authenticated writes', () => {
  const post = (headers: Record<string, string>) =>
    new Request('http://localhost:3000/x', {
      method: 'POST',
      headers: { Host: 'localhost:3000', ...headers },
    })

  it('allows same-origin posts and reads', () => {
    expect(isCrossSiteWrite(post({ Origin: 'http://localhost:3000' }))).toBe(false)
    expect(isCrossSiteWrite(post({ 'Sec-Fetch-Site': 'same-origin' }))).toBe(false)
    expect(isCrossSiteWrite(post({}))).toBe(false)
    expect(
      isCrossSiteWrite(
        new Request('http://localhost:3000/x', { headers: { Origin: 'https://evil.example' } }),
      ),
    ).toBe(false)
  })

  it('refuses posts from another origin, an opaque origin, or a cross-site fetch', () => {
    expect(isCrossSiteWrite(post({ Origin: 'https://evil.example' }))).toBe(true)
    expect(isCrossSiteWrite(post({ Origin: 'null' }))).toBe(true)
    expect(isCrossSiteWrite(post({ 'Sec-Fetch-Site': 'cross-site' }))).toBe(true)
    expect(isCrossSiteWrite(post({ Origin: 'http://localhost:3000.evil.example' }))).toBe(true)
  })
})
