// Roles are sets of permission strings `action:entity[:access]`. The server
// checks them in every loader, action and API route (permissions.server.ts);
// the browser may read this table only to hide what a user cannot do.
import type { Role } from '#models/user'

export const PERMISSIONS = [
  'approve:org-registration:any',
  'read:org:any',
  'read:org:own',
  'read:ledger:any',
  'read:ledger:own-org',
  'read:ledger:own-person',
  'verify:ledger:any',
  'admin:queues:any',
  'manage:api-key:own',
  'read:subject-data:own',
  'create:catalog-entry:own-org',
  'create:product:own-org',
  'create:order:own-org',
  'create:research-request:own-org',
] as const
export type Permission = (typeof PERMISSIONS)[number]

const staff: Permission[] = ['read:org:own', 'read:ledger:own-org', 'manage:api-key:own']

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  authority_admin: [
    ...staff,
    'approve:org-registration:any',
    'read:org:any',
    'read:ledger:any',
    'verify:ledger:any',
    'admin:queues:any',
  ],
  agency_staff: [...staff, 'create:catalog-entry:own-org'],
  provider_staff: [...staff, 'create:product:own-org'],
  buyer_staff: [...staff, 'create:order:own-org'],
  researcher: [...staff, 'create:research-request:own-org'],
  regulator: [...staff, 'read:org:any', 'read:ledger:any', 'verify:ledger:any'],
  data_subject: ['read:subject-data:own', 'read:ledger:own-person'],
}

export const ROLE_HOME: Record<Role, string> = {
  authority_admin: '/authority',
  agency_staff: '/agency',
  provider_staff: '/provider',
  buyer_staff: '/buyer',
  researcher: '/research',
  regulator: '/regulator',
  data_subject: '/me',
}

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []))
}

export function can(roles: readonly Role[], permission: Permission): boolean {
  return permissionsOf(roles).has(permission)
}

export function homeFor(roles: readonly Role[]): string {
  const first = roles[0]
  return first ? ROLE_HOME[first] : '/'
}
