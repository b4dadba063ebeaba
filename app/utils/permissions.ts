// Roles are sets of permission strings `action:entity[:access]`. The server
// checks them in every loader, action and API route (permissions.server.ts);
// the browser may read this table only to hide what a user cannot do.
import type { Role } from '#models/user'
import { DomainError } from './errors'

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
  // C10 (Art. 39): the authority's identity desk confirms a registered person's identity.
  'confirm:subject-identity:any',
  // C10 (Art. 43): a person complains to the authority at the level of the body concerned.
  'file:complaint:own',
  'handle:complaint:own-org',
  // C10 (Art. 42): a person objects to a record about her or asks to correct or delete it; the
  // source department holding it decides.
  'request:record-change:own',
  'decide:record-change:own-org',
  // C10 (Art. 41): a person authorizes a third party to use her data; the party reads it by API.
  'authorize:subject-data:own',
  'use:subject-authorization:own-org',
  // C10 (Art. 40): an agency declares and ends an emergency collection.
  'declare:emergency-collection:own-org',
  // C13 (Art. 51): a public body opens a dispute with another; the coordinating authority handles it.
  'open:dispute:own-org',
  'read:dispute:own-org',
  'handle:dispute:own-org',
  // C12 (Art. 52): the data authority notifies a body to rectify within a deadline; the body answers.
  'issue:rectification:own-org',
  'answer:rectification:own-org',
  // Art. 50: the authority registers fiscally funded IT projects and accepts them; the project
  // unit (an agency) files the project's data list.
  'register:it-project:own-org',
  'file:project-data-list:own-org',
  // Art. 46: a public body's confidentiality review (保密审查) before it opens data or grants
  // important data.
  'review:confidentiality:own-org',
  // Art. 45 ¶2, 47: security events, alerts and self-checks, for the data authority and the regulator.
  'read:security-events:any',
  'create:catalog-entry:own-org',
  'read:catalog-entry:any',
  'review:catalog-entry:any',
  'manage:calendar:any',
  'manage:catalog-rules:any',
  'manage:source-registry:any',
  'raise:quality-issue:any',
  'resolve:quality-issue:own-org',
  'create:product:own-org',
  'create:order:own-org',
  'create:research-request:own-org',
  'read:scan-report:own-org',
  // Art. 34: publish the yearly open-data catalog and read the public's comments.
  'manage:open-catalog:any',
  // C7 products (Art. 35–38): the authority reviews important-grade listings and sets screening by
  // hand; signed-in staff see every product version's full provenance; buyers, providers and
  // researchers run the authority's models on data they hold a licence for.
  'review:listing:any',
  'read:market:any',
  'run:model:own-org',
  // C8 orders, payments, licences, delivery (Art. 24, 38): buyers read their orders and licences,
  // providers the orders of their products; the authority confirms bank transfers and refunds,
  // providers refund their own sales and link a payout account (Stripe Connect).
  'read:order:own-org',
  'read:order:any',
  'confirm:payment:any',
  'refund:order:any',
  'refund:order:own-org',
  'manage:payouts:own-org',
  'read:licence:own-org',
  'read:licence:any',
  'revoke:licence:any',
  // Art. 46: licensees report how they used the data.
  'submit:usage-report:own-org',
  // Art. 26: owners (providers, agencies, the authority) decide research requests on their data.
  'decide:research-request:own-org',
  // C4 (Art. 22–24): agencies ask each other for shared data; the source department replies.
  'create:sharing-request:own-org',
  'decide:sharing-request:own-org',
  // Art. 22: the authority coordinates overdue sharing requests.
  'coordinate:sharing-request:any',
  // Art. 23 ¶3: an agency verifies a record against a source department's data (C5).
  'verify:record:own-org',
  // Art. 26 ¶1: an enterprise or institution receives data shared with it (its grants, their copies).
  'receive:sharing-grant:own-org',
  // C12 (Art. 48–52): supervision reports; the authority generates and notifies, regulators read.
  'read:supervision-report:any',
  'generate:supervision-report:any',
  // C11: trace a leaked file to the licence it was delivered under.
  'lookup:fingerprint:any',
] as const
export type Permission = (typeof PERMISSIONS)[number]

const staff: Permission[] = ['read:org:own', 'read:ledger:own-org', 'manage:api-key:own']
// Catalog (C2/C3): staff of every organization reads the listed catalog and may raise data-quality issues (Art. 17).
const catalogReader: Permission[] = ['read:catalog-entry:any', 'raise:quality-issue:any']

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  authority_admin: [
    ...staff,
    'approve:org-registration:any',
    'read:org:any',
    'read:ledger:any',
    'verify:ledger:any',
    'admin:queues:any',
    ...catalogReader,
    'review:catalog-entry:any',
    'manage:calendar:any',
    'manage:catalog-rules:any',
    'manage:source-registry:any',
    'manage:open-catalog:any',
    // C7: the authority publishes its own products and models (Art. 36) and reviews listings.
    'create:product:own-org',
    'review:listing:any',
    'read:market:any',
    // C9: the authority reads every desensitization scan report (the service widens own-org).
    'read:scan-report:own-org',
    // C8/C12: the authority oversees every order and licence, confirms transfers, refunds, revokes.
    'read:order:any',
    'confirm:payment:any',
    'refund:order:any',
    'read:licence:any',
    'revoke:licence:any',
    'decide:research-request:own-org',
    'coordinate:sharing-request:any',
    'read:supervision-report:any',
    'generate:supervision-report:any',
    'lookup:fingerprint:any',
    'confirm:subject-identity:any',
    'handle:complaint:own-org',
    'read:dispute:own-org',
    'handle:dispute:own-org',
    'issue:rectification:own-org',
    'read:security-events:any',
    'register:it-project:own-org',
  ],
  agency_staff: [
    ...staff,
    'create:catalog-entry:own-org',
    ...catalogReader,
    'resolve:quality-issue:own-org',
    'read:scan-report:own-org',
    'decide:research-request:own-org',
    'create:sharing-request:own-org',
    'decide:sharing-request:own-org',
    'verify:record:own-org',
    'decide:record-change:own-org',
    'use:subject-authorization:own-org',
    'declare:emergency-collection:own-org',
    'open:dispute:own-org',
    'read:dispute:own-org',
    'answer:rectification:own-org',
    'file:project-data-list:own-org',
    'review:confidentiality:own-org',
    // C8: a source department is the licensor of research licences on its catalog entries (Art. 26).
    'read:licence:own-org',
  ],
  provider_staff: [
    ...staff,
    ...catalogReader,
    'create:product:own-org',
    'read:scan-report:own-org',
    'read:market:any',
    'run:model:own-org',
    'read:order:own-org',
    'refund:order:own-org',
    'manage:payouts:own-org',
    'read:licence:own-org',
    'submit:usage-report:own-org',
    'decide:research-request:own-org',
    'receive:sharing-grant:own-org',
    'use:subject-authorization:own-org',
  ],
  buyer_staff: [
    ...staff,
    ...catalogReader,
    'create:order:own-org',
    'read:market:any',
    'run:model:own-org',
    'read:order:own-org',
    'read:licence:own-org',
    'submit:usage-report:own-org',
    'receive:sharing-grant:own-org',
    'use:subject-authorization:own-org',
  ],
  researcher: [
    ...staff,
    ...catalogReader,
    'create:research-request:own-org',
    'read:market:any',
    'run:model:own-org',
    'read:licence:own-org',
    'submit:usage-report:own-org',
    'receive:sharing-grant:own-org',
    'use:subject-authorization:own-org',
  ],
  regulator: [
    ...staff,
    'read:catalog-entry:any',
    'read:org:any',
    'read:ledger:any',
    'verify:ledger:any',
    'read:market:any',
    'read:order:any',
    'read:licence:any',
    'read:supervision-report:any',
    'lookup:fingerprint:any',
    'read:security-events:any',
  ],
  data_subject: [
    'read:subject-data:own',
    'read:ledger:own-person',
    'file:complaint:own',
    'request:record-change:own',
    'authorize:subject-data:own',
  ],
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

/**
 * The one check a service makes before it changes state (CKAN's `check_access`): the acting user
 * holds `permission`, else a 403 refusal. Routes check early too; a job or a new route that calls
 * the service cannot skip it. `who` is any signed-in user (AuthUser) or API caller.
 */
export function assertMay(
  who: { permissions: ReadonlySet<Permission> },
  permission: Permission,
): void {
  if (!who.permissions.has(permission))
    throw new DomainError('forbidden', 'error.forbidden', 403, undefined, { permission })
}

/** `assertMay` for a rule any of several permissions satisfies. */
export function assertMayAny(
  who: { permissions: ReadonlySet<Permission> },
  permissions: readonly Permission[],
): void {
  if (!permissions.some((p) => who.permissions.has(p)))
    throw new DomainError('forbidden', 'error.forbidden', 403, undefined, {
      permission: permissions.join(' | '),
    })
}
