// Every route refuses a wrong role, on the server. The table below must name
// every file in app/routes, so a new route without an entry fails this test.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ROLES, type Role } from '#models/user'
import {
  BASE,
  demoEmail,
  formRequest,
  jsonRequest,
  sessionCookieFor,
  settle,
} from '../fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

type Access = 'public' | 'signed-in' | readonly Role[]
interface RouteAccess {
  path: string
  loader?: Access
  action?: Access
  json?: boolean
}

const STAFF: Role[] = [
  'authority_admin',
  'agency_staff',
  'provider_staff',
  'buyer_staff',
  'researcher',
  'regulator',
]
const LEDGER_READERS: Role[] = ['authority_admin', 'regulator']
// Catalog (C2/C3): every organization's staff reads it; all but the read-only regulator raise quality issues.
const CATALOG_READERS: Role[] = STAFF
const QUALITY_RAISERS: Role[] = [
  'authority_admin',
  'agency_staff',
  'provider_staff',
  'buyer_staff',
  'researcher',
]
const CAT_ENTRY = '/catalog/0123456789abcdef01234567'
// C7: who makes products (the authority publishes its own, Art. 36) and who runs models.
const PRODUCERS: Role[] = ['authority_admin', 'provider_staff']
const MODEL_RUNNERS: Role[] = ['provider_staff', 'buyer_staff', 'researcher']
const ID = '0123456789abcdef01234567'
const PRODUCT = `/market/${ID}`
const API_ENTRY = '/api/v1/catalog/entries/0123456789abcdef01234567'
// C8: every organization's staff reads its licences (own-org), the authority and regulators all of them.
const LICENCE_READERS: Role[] = STAFF

const TABLE: Record<string, RouteAccess> = {
  '_index.tsx': { path: '/', loader: 'public' },
  'login.tsx': { path: '/login', loader: 'public', action: 'public' },
  'logout.tsx': { path: '/logout', loader: 'public', action: 'public' },
  'register.tsx': { path: '/register', action: 'public' },
  'set-locale.tsx': { path: '/set-locale', loader: 'public', action: 'public' },
  // The notification centre: every signed-in user reads (and marks read) their own notices.
  'notifications._index.tsx': { path: '/notifications', loader: 'signed-in', action: 'signed-in' },
  'authority._index.tsx': {
    path: '/authority',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'agency._index.tsx': { path: '/agency', loader: ['agency_staff'] },
  // C7: the authority also holds create:product:own-org (it publishes products and models, Art. 36).
  'provider._index.tsx': { path: '/provider', loader: ['provider_staff', 'authority_admin'] },
  'buyer._index.tsx': { path: '/buyer', loader: ['buyer_staff'] },
  'research._index.tsx': { path: '/research', loader: ['researcher'] },
  'regulator._index.tsx': { path: '/regulator', loader: LEDGER_READERS, action: LEDGER_READERS },
  // Issue 8 regulator console: read-only (GET only); every query is itself logged.
  'regulator.log._index.tsx': { path: '/regulator/log', loader: LEDGER_READERS },
  'regulator.log.$seq.tsx': { path: '/regulator/log/1', loader: LEDGER_READERS },
  'regulator.log[.]csv.ts': { path: '/regulator/log.csv', loader: LEDGER_READERS },
  'regulator.export.ts': { path: '/regulator/export', loader: LEDGER_READERS },
  // Issue 8: follow a product's trades (read-only, logged).
  'regulator.products._index.tsx': { path: '/regulator/products', loader: LEDGER_READERS },
  'regulator.products.$productId.tsx': {
    path: `/regulator/products/${'0123456789abcdef01234567'}`,
    loader: LEDGER_READERS,
  },
  // C12 supervision reports (Art. 48–52): the authority and regulators read; only the authority generates and notifies.
  'supervision.reports._index.tsx': {
    path: '/supervision/reports',
    loader: LEDGER_READERS,
    action: ['authority_admin'],
  },
  'supervision.reports.$reportId._index.tsx': {
    path: `/supervision/reports/2026-10-all-${'0'.repeat(64)}`,
    loader: LEDGER_READERS,
    action: ['authority_admin'],
  },
  'supervision.reports.$reportId.csv.ts': {
    path: `/supervision/reports/2026-10-all-${'0'.repeat(64)}/csv`,
    loader: LEDGER_READERS,
  },
  'supervision.reports.$reportId.pdf.ts': {
    path: `/supervision/reports/2026-10-all-${'0'.repeat(64)}/pdf`,
    loader: LEDGER_READERS,
  },
  // C10 (Art. 39, 42): the subject's own data and copies of it.
  'me._index.tsx': { path: '/me', loader: ['data_subject'], action: ['data_subject'] },
  // C10 (Art. 39): anyone may register as a person; the authority's desk confirms identities.
  'register_.subject.tsx': { path: '/register/subject', action: 'public' },
  'authority.identity-desk.tsx': {
    path: '/authority/identity-desk',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  // Art. 43: a person complains; the authority at the body's level handles it.
  'me.complaints.new.tsx': {
    path: '/me/complaints/new',
    loader: ['data_subject'],
    action: ['data_subject'],
  },
  // Art. 42: a person objects to a record or asks for its correction or deletion; the
  // department holding it decides.
  'me.requests.new.tsx': {
    path: '/me/requests/new',
    loader: ['data_subject'],
    action: ['data_subject'],
  },
  // Art. 41: a person authorizes an organisation; its staff see the authorizations and read by API.
  'me.authorizations.new.tsx': {
    path: '/me/authorizations/new',
    loader: ['data_subject'],
    action: ['data_subject'],
  },
  // C13 (Art. 51): disputes between public bodies — agencies open them, the authority handles them.
  'disputes._index.tsx': {
    path: '/disputes',
    loader: ['authority_admin', 'agency_staff'],
    action: ['agency_staff'],
  },
  'disputes.$disputeId.tsx': {
    path: `/disputes/${ID}`,
    loader: ['authority_admin', 'agency_staff'],
    action: ['authority_admin', 'agency_staff'],
  },
  // C12 (Art. 52): rectification notices — the authority issues, the agency answers.
  'rectifications.tsx': {
    path: '/rectifications',
    loader: ['authority_admin', 'agency_staff'],
    action: ['authority_admin', 'agency_staff'],
  },
  'rectifications.$rectificationId.seal.ts': {
    path: `/rectifications/${ID}/seal`,
    loader: ['authority_admin', 'agency_staff'],
    action: 'public',
  },
  'subject-authorizations._index.tsx': {
    path: '/subject-authorizations',
    loader: ['agency_staff', 'provider_staff', 'buyer_staff', 'researcher'],
  },
  'api.v1.subject-authorizations.$authorizationId.record.ts': {
    path: `/api/v1/subject-authorizations/${ID}/record`,
    loader: ['agency_staff', 'provider_staff', 'buyer_staff', 'researcher'],
    action: 'public',
    json: true,
  },
  // Art. 40: an agency declares and ends its emergency collections.
  'agency.emergency-collections.tsx': {
    path: '/agency/emergency-collections',
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'agency.subject-requests.tsx': {
    path: '/agency/subject-requests',
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  // Art. 29–30: issued documents with their seal; the service answers 404 to a non-party.
  'seals.$kind.$id.ts': { path: `/seals/licence/${ID}`, loader: 'signed-in' },
  // Art. 50: IT projects — the authority registers and accepts, the project unit files its list.
  'projects.tsx': {
    path: '/projects',
    loader: ['authority_admin', 'agency_staff'],
    action: ['authority_admin', 'agency_staff'],
  },
  // Art. 45 ¶2, 47: security events and self-checks, for the data authority and the regulator.
  'authority.security.tsx': {
    path: '/authority/security',
    loader: ['authority_admin', 'regulator'],
  },
  'authority.complaints.tsx': {
    path: '/authority/complaints',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'me.copies.$copyId.$format.ts': {
    path: `/me/copies/${ID}/csv`,
    loader: ['data_subject'],
    action: 'public',
  },
  'settings.api-keys.tsx': { path: '/settings/api-keys', loader: STAFF, action: STAFF },
  'api.v1.me.ts': { path: '/api/v1/me', loader: 'signed-in', action: 'public', json: true },
  'api.v1.organizations.ts': {
    path: '/api/v1/organizations',
    loader: LEDGER_READERS,
    action: 'public',
    json: true,
  },
  'api.v1.registrations.ts': {
    path: '/api/v1/registrations',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.v1.registrations.$orgId.review.ts': {
    path: '/api/v1/registrations/0123456789abcdef01234567/review',
    loader: 'public',
    action: ['authority_admin'],
    json: true,
  },
  'api.v1.ledger.ts': {
    path: '/api/v1/ledger',
    loader: LEDGER_READERS,
    action: 'public',
    json: true,
  },
  'api.v1.ledger.verify.ts': {
    path: '/api/v1/ledger/verify',
    loader: LEDGER_READERS,
    action: 'public',
    json: true,
  },
  // Entry 1 is the seeded authority org's creation: readers, and the authority as its subject org.
  'api.v1.ledger.$seq.proof.ts': {
    path: '/api/v1/ledger/1/proof',
    loader: LEDGER_READERS,
    action: 'public',
    json: true,
  },
  'api.v1.ledger.consistency.ts': {
    path: '/api/v1/ledger/consistency',
    loader: 'signed-in',
    action: 'public',
    json: true,
  },
  'api.v1.ledger.checkpoints.ts': {
    path: '/api/v1/ledger/checkpoints',
    loader: 'signed-in',
    action: 'public',
    json: true,
  },
  // C9: every screening party reads reports; producers apply a desensitization profile from one.
  'scans.$id.tsx': {
    path: '/scans/0123456789abcdef01234567',
    loader: ['authority_admin', 'agency_staff', 'provider_staff'],
    action: PRODUCERS,
  },
  'authority.desensitize-settings.tsx': {
    path: '/authority/desensitize-settings',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'api.v1.scans.$id.ts': {
    path: '/api/v1/scans/0123456789abcdef01234567',
    loader: ['authority_admin', 'agency_staff', 'provider_staff'],
    action: 'public',
    json: true,
  },
  'api.v1.openapi[.]json.ts': {
    path: '/api/v1/openapi.json',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.v1.$.ts': { path: '/api/v1/nope', loader: 'public', action: 'public', json: true },
  'catalog._index.tsx': { path: '/catalog', loader: CATALOG_READERS },
  'catalog.mine.tsx': { path: '/catalog/mine', loader: ['agency_staff'] },
  'catalog.new.tsx': { path: '/catalog/new', loader: ['agency_staff'], action: ['agency_staff'] },
  'catalog.$entryId._index.tsx': {
    path: CAT_ENTRY,
    loader: CATALOG_READERS,
    action: QUALITY_RAISERS,
  },
  'catalog.$entryId.edit.tsx': {
    path: `${CAT_ENTRY}/edit`,
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'catalog.$entryId.versions.$version.tsx': {
    path: `${CAT_ENTRY}/versions/1`,
    loader: CATALOG_READERS,
  },
  'catalog.$entryId.diff.tsx': { path: `${CAT_ENTRY}/diff`, loader: CATALOG_READERS },
  'catalog.review.tsx': { path: '/catalog/review', loader: ['authority_admin'] },
  'catalog.overdue.tsx': { path: '/catalog/overdue', loader: ['authority_admin'] },
  'catalog.calendar.tsx': {
    path: '/catalog/calendar',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'catalog.grading.tsx': {
    path: '/catalog/grading',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'catalog.collection.tsx': {
    path: '/catalog/collection',
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'catalog.registry.tsx': {
    path: '/catalog/registry',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'catalog.quality.tsx': {
    path: '/catalog/quality',
    loader: QUALITY_RAISERS,
    action: ['agency_staff'],
  },
  'api.v1.catalog.entries.ts': {
    path: '/api/v1/catalog/entries',
    loader: CATALOG_READERS,
    action: ['agency_staff'],
    json: true,
  },
  'api.v1.catalog.entries.$entryId.ts': {
    path: API_ENTRY,
    loader: CATALOG_READERS,
    action: ['agency_staff'],
    json: true,
  },
  'api.v1.catalog.entries.$entryId.submit.ts': {
    path: `${API_ENTRY}/submit`,
    loader: 'public',
    action: ['agency_staff'],
    json: true,
  },
  'api.v1.catalog.entries.$entryId.confidentiality-review.ts': {
    path: `${API_ENTRY}/confidentiality-review`,
    loader: 'public',
    action: ['agency_staff'],
    json: true,
  },
  'api.v1.catalog.entries.$entryId.review.ts': {
    path: `${API_ENTRY}/review`,
    loader: 'public',
    action: ['authority_admin'],
    json: true,
  },
  'api.v1.catalog.entries.$entryId.versions.ts': {
    path: `${API_ENTRY}/versions`,
    loader: CATALOG_READERS,
    action: 'public',
    json: true,
  },
  'api.v1.catalog.entries.$entryId.versions.$version.ts': {
    path: `${API_ENTRY}/versions/1`,
    loader: CATALOG_READERS,
    action: 'public',
    json: true,
  },
  'api.v1.catalog.entries.$entryId.data-updates.ts': {
    path: `${API_ENTRY}/data-updates`,
    loader: 'public',
    action: ['agency_staff'],
    json: true,
  },
  'api.v1.catalog.entries.$entryId.legal-basis-changes.ts': {
    path: `${API_ENTRY}/legal-basis-changes`,
    loader: 'public',
    action: ['agency_staff', 'authority_admin'],
    json: true,
  },
  'api.v1.catalog.entries.$entryId.quality-issues.ts': {
    path: `${API_ENTRY}/quality-issues`,
    loader: CATALOG_READERS,
    action: QUALITY_RAISERS,
    json: true,
  },
  'api.v1.catalog.quality-issues.$issueId.resolution.ts': {
    path: '/api/v1/catalog/quality-issues/0123456789abcdef01234567/resolution',
    loader: 'public',
    action: ['agency_staff'],
    json: true,
  },
  'api.v1.catalog.data-items.ts': {
    path: '/api/v1/catalog/data-items',
    loader: 'public',
    action: ['agency_staff'],
    json: true,
  },
  'api.v1.catalog.data-items.$code.ts': {
    path: '/api/v1/catalog/data-items/DI-P-0001',
    loader: CATALOG_READERS,
    action: 'public',
    json: true,
  },
  'api.v1.catalog.deadlines.ts': {
    path: '/api/v1/catalog/deadlines',
    loader: CATALOG_READERS,
    action: 'public',
    json: true,
  },
  'api.v1.calendar.working-days.ts': {
    path: '/api/v1/calendar/working-days',
    loader: 'signed-in',
    action: 'public',
    json: true,
  },
  // C6 open data, search, CKAN and DCAT (public; a key or session widens the catalog search to listed entries).
  'api.v1.catalog.search.ts': {
    path: '/api/v1/catalog/search',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.v1.catalog.$id.dcat.ts': {
    path: '/api/v1/catalog/0123456789abcdef01234567/dcat',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.v1.catalog[.]jsonld.ts': {
    path: '/api/v1/catalog.jsonld',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.3.action.package_search.ts': {
    path: '/api/3/action/package_search',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.3.action.package_show.ts': {
    path: '/api/3/action/package_show',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.3.action.package_list.ts': {
    path: '/api/3/action/package_list',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.3.action.organization_list.ts': {
    path: '/api/3/action/organization_list',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.3.action.help_show.ts': {
    path: '/api/3/action/help_show?name=package_show',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'open._index.tsx': { path: '/open', loader: 'public' },
  'open.entries.$id._index.tsx': {
    path: '/open/entries/0123456789abcdef01234567',
    loader: 'public',
  },
  'open.entries.$id.download.$key.ts': {
    path: '/open/entries/0123456789abcdef01234567/download/csv',
    loader: 'public',
    action: 'public',
  },
  'open.entries.$id.apply.tsx': {
    path: '/open/entries/0123456789abcdef01234567/apply',
    loader: 'signed-in',
    action: 'signed-in',
  },
  'open.entries.$id.manage.tsx': {
    path: '/open/entries/0123456789abcdef01234567/manage',
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'open.catalog._index.tsx': { path: '/open/catalog', loader: 'public' },
  'open.catalog.$year.tsx': { path: '/open/catalog/2026', loader: 'public' },
  'open.comments.tsx': { path: '/open/comments', loader: 'public', action: 'public' },
  'authority.open-data.tsx': {
    path: '/authority/open-data',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  // C7 marketplace (public browsing), product console, listing review, model runs, products API.
  'market._index.tsx': { path: '/market', loader: 'public' },
  'market.$productId._index.tsx': { path: PRODUCT, loader: 'public', action: MODEL_RUNNERS },
  'market.$productId.v.$number.tsx': { path: `${PRODUCT}/v/1`, loader: 'public' },
  'market.runs.tsx': { path: '/market/runs', loader: MODEL_RUNNERS },
  'provider.products._index.tsx': { path: '/provider/products', loader: PRODUCERS },
  'provider.products.new.tsx': {
    path: '/provider/products/new',
    loader: PRODUCERS,
    action: PRODUCERS,
  },
  'provider.products.$productId._index.tsx': {
    path: `/provider/products/${ID}`,
    loader: PRODUCERS,
  },
  'provider.products.$productId.edit.tsx': {
    path: `/provider/products/${ID}/edit`,
    loader: PRODUCERS,
    action: PRODUCERS,
  },
  'provider.products.$productId.versions.new.tsx': {
    path: `/provider/products/${ID}/versions/new`,
    loader: PRODUCERS,
    action: PRODUCERS,
  },
  'provider.products.$productId.versions.$number.tsx': {
    path: `/provider/products/${ID}/versions/1`,
    loader: PRODUCERS,
    action: PRODUCERS,
  },
  'authority.listings._index.tsx': { path: '/authority/listings', loader: ['authority_admin'] },
  'authority.listings.$versionId.tsx': {
    path: `/authority/listings/${ID}`,
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'api.v1.products.ts': {
    path: '/api/v1/products',
    loader: 'public',
    action: PRODUCERS,
    json: true,
  },
  'api.v1.products.$productId.ts': {
    path: `/api/v1/products/${ID}`,
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.v1.products.$productId.versions.ts': {
    path: `/api/v1/products/${ID}/versions`,
    loader: 'public',
    action: PRODUCERS,
    json: true,
  },
  'api.v1.products.$productId.versions.$number.ts': {
    path: `/api/v1/products/${ID}/versions/1`,
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.v1.products.$productId.versions.$number.files.ts': {
    path: `/api/v1/products/${ID}/versions/1/files`,
    loader: 'public',
    action: PRODUCERS,
    json: true,
  },
  'api.v1.products.$productId.versions.$number.submit.ts': {
    path: `/api/v1/products/${ID}/versions/1/submit`,
    loader: 'public',
    action: PRODUCERS,
    json: true,
  },
  'api.v1.products.$productId.versions.$number.provenance.ts': {
    path: `/api/v1/products/${ID}/versions/1/provenance`,
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.v1.products.$productId.runs.ts': {
    path: `/api/v1/products/${ID}/runs`,
    loader: 'public',
    action: MODEL_RUNNERS,
    json: true,
  },
  // C8 orders and payments (Art. 24, 38): buyers order; buyers, providers (their sales), the authority and regulators read;
  // the authority confirms transfers; providers link payout accounts; Stripe's webhook is public but signature-checked.
  'market.$productId.order.tsx': {
    path: `${PRODUCT}/order`,
    loader: 'public',
    action: ['buyer_staff'],
  },
  'orders._index.tsx': {
    path: '/orders',
    loader: ['authority_admin', 'provider_staff', 'buyer_staff', 'regulator'],
  },
  'orders[.]csv.ts': {
    path: '/orders.csv',
    loader: ['authority_admin', 'provider_staff', 'buyer_staff', 'regulator'],
  },
  'orders.$orderId.tsx': {
    path: `/orders/${ID}`,
    loader: ['authority_admin', 'provider_staff', 'buyer_staff', 'regulator'],
    action: ['authority_admin', 'provider_staff', 'buyer_staff'],
  },
  'authority.payments.tsx': {
    path: '/authority/payments',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'provider.payouts.tsx': {
    path: '/provider/payouts',
    loader: ['provider_staff'],
    action: ['provider_staff'],
  },
  'webhooks.stripe.ts': {
    path: '/webhooks/stripe',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'api.v1.orders.ts': {
    path: '/api/v1/orders',
    loader: ['authority_admin', 'provider_staff', 'buyer_staff', 'regulator'],
    action: ['buyer_staff'],
    json: true,
  },
  'api.v1.orders.$orderId.ts': {
    path: `/api/v1/orders/${ID}`,
    loader: ['authority_admin', 'provider_staff', 'buyer_staff', 'regulator'],
    action: 'public',
    json: true,
  },
  // C8 research public-interest access (Art. 26): research institutions ask; owners (providers, agencies) and the authority decide.
  'research.requests._index.tsx': { path: '/research/requests', loader: ['researcher'] },
  'research.requests.new.tsx': {
    path: '/research/requests/new',
    loader: ['researcher'],
    action: ['researcher'],
  },
  'research.requests.$requestId.tsx': {
    path: `/research/requests/${ID}`,
    loader: ['authority_admin', 'agency_staff', 'provider_staff', 'researcher'],
    action: ['authority_admin', 'agency_staff', 'provider_staff'],
  },
  'research.inbox.tsx': {
    path: '/research/inbox',
    loader: ['authority_admin', 'agency_staff', 'provider_staff'],
  },
  'api.v1.research-requests.ts': {
    path: '/api/v1/research-requests',
    loader: ['researcher'],
    action: ['researcher'],
    json: true,
  },
  // C4 sharing between agencies (Art. 22–24): agencies ask each other; the source department replies.
  // Agencies, and the enterprises and institutions data is shared with (Art. 26 ¶1).
  'sharing._index.tsx': {
    path: '/sharing',
    loader: ['agency_staff', 'provider_staff', 'buyer_staff', 'researcher'],
  },
  // Art. 26 ¶1: the authority or a source department shares with an enterprise.
  'sharing.art26.tsx': {
    path: `/sharing/art26?entry=${ID}`,
    loader: ['authority_admin', 'agency_staff'],
    action: ['authority_admin', 'agency_staff'],
  },
  'api.v1.sharing.art26.ts': {
    path: '/api/v1/sharing/art26',
    loader: 'public',
    action: ['authority_admin', 'agency_staff'],
    json: true,
  },
  'sharing.requests.new.tsx': {
    path: `/sharing/requests/new?entry=${ID}`,
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'sharing.requests.$requestId.tsx': {
    path: `/sharing/requests/${ID}`,
    loader: ['authority_admin', 'agency_staff', 'provider_staff', 'buyer_staff', 'researcher'],
    action: ['agency_staff', 'provider_staff', 'buyer_staff', 'researcher'],
  },
  'authority.sharing.tsx': {
    path: '/authority/sharing',
    loader: ['authority_admin'],
    action: ['authority_admin'],
  },
  'api.v1.sharing.requests.ts': {
    path: '/api/v1/sharing/requests',
    loader: ['agency_staff'],
    action: ['agency_staff'],
    json: true,
  },
  // Art. 24: the source department stores an entry's data; the requester downloads its own copy
  // or reads rows with the grant's own key (no role passes).
  'catalog.$entryId.dataset.tsx': {
    path: `/catalog/${ID}/dataset`,
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'api.v1.catalog.entries.$entryId.dataset.ts': {
    path: `${API_ENTRY}/dataset`,
    loader: 'public',
    action: ['agency_staff'],
    json: true,
  },
  'sharing.grants.$grantId.download.ts': {
    path: `/sharing/grants/${ID}/download`,
    loader: ['agency_staff', 'provider_staff', 'buyer_staff', 'researcher'],
    action: 'public',
  },
  // C5 (Art. 23 ¶3): agencies verify; the source department offers verification on its entry.
  'verification._index.tsx': {
    path: '/verification',
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'api.v1.verification.ts': {
    path: '/api/v1/verification',
    loader: ['agency_staff'],
    action: ['agency_staff'],
    json: true,
  },
  // Batch mode: the agency's own batches, their progress and flags (another agency's are 404).
  'verification.batches._index.tsx': {
    path: '/verification/batches',
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'verification.batches.$batchId.tsx': {
    path: `/verification/batches/${ID}`,
    loader: ['agency_staff'],
    action: 'public',
  },
  'verification.batches.$batchId.result.ts': {
    path: `/verification/batches/${ID}/result`,
    loader: ['agency_staff'],
    action: 'public',
  },
  'api.v1.verification.batches.ts': {
    path: '/api/v1/verification/batches',
    loader: ['agency_staff'],
    action: ['agency_staff'],
    json: true,
  },
  'api.v1.verification.batches.$batchId.ts': {
    path: `/api/v1/verification/batches/${ID}`,
    loader: ['agency_staff'],
    action: 'public',
    json: true,
  },
  'api.v1.verification.batches.$batchId.result.ts': {
    path: `/api/v1/verification/batches/${ID}/result`,
    loader: ['agency_staff'],
    action: 'public',
    json: true,
  },
  'catalog.$entryId.verification.tsx': {
    path: `/catalog/${ID}/verification`,
    loader: ['agency_staff'],
    action: ['agency_staff'],
  },
  'api.v1.sharing.grants.$grantId.rows.ts': {
    path: `/api/v1/sharing/grants/${ID}/rows`,
    loader: [],
    action: 'public',
    json: true,
  },
  // C8 usage reports (Art. 46): licensees report; licensors and licence readers read a licence's reports.
  'usage-reports._index.tsx': {
    path: '/usage-reports',
    loader: ['provider_staff', 'buyer_staff', 'researcher'],
  },
  'usage-reports.$licenceId.tsx': {
    path: `/usage-reports/${ID}`,
    loader: STAFF,
    action: ['provider_staff', 'buyer_staff', 'researcher'],
  },
  'api.v1.usage-reports.ts': {
    path: '/api/v1/usage-reports',
    loader: 'public',
    action: ['provider_staff', 'buyer_staff', 'researcher'],
    json: true,
  },
  // C8 licences and delivery (Art. 24, 38): both sides' staff and overseers read licences; only the
  // licensee's staff download; the data API takes the licence's own key only (no role passes);
  // regulators and the authority trace leaked files (issue 8).
  'licences._index.tsx': { path: '/licences', loader: LICENCE_READERS },
  'licences[.]csv.ts': { path: '/licences.csv', loader: LICENCE_READERS },
  'licences.$licenceId._index.tsx': {
    path: `/licences/${ID}`,
    loader: LICENCE_READERS,
    action: LICENCE_READERS,
  },
  'licences.$licenceId.odrl[.]json.ts': {
    path: `/licences/${ID}/odrl.json`,
    loader: LICENCE_READERS,
    action: 'public',
    json: true,
  },
  'licences.$licenceId.download.$key.ts': {
    path: `/licences/${ID}/download/data.csv`,
    loader: ['agency_staff', 'provider_staff', 'buyer_staff', 'researcher'],
    action: 'public',
  },
  'api.v1.licences.$licenceId.rows.ts': {
    path: `/api/v1/licences/${ID}/rows`,
    loader: [],
    action: 'public',
    json: true,
  },
  // CKAN's unversioned action API (ckanapi's default path): public, like /api/3/action.
  'api.action.$name.ts': {
    path: '/api/action/package_search',
    loader: 'public',
    action: 'public',
    json: true,
  },
  'regulator.fingerprint.tsx': {
    path: '/regulator/fingerprint',
    loader: LEDGER_READERS,
    action: LEDGER_READERS,
  },
}

const routeDir = path.resolve('app/routes')
const routeFiles = readdirSync(routeDir).filter((f) => /\.(tsx?)$/.test(f) && !f.includes('.test.'))

function isRefused(res: Response): boolean {
  if (res.status === 401 || res.status === 403) return true
  return (
    res.status >= 300 &&
    res.status < 400 &&
    (res.headers.get('Location') ?? '').startsWith('/login')
  )
}

function allows(access: Access, role: Role | 'anonymous'): boolean {
  if (access === 'public') return true
  if (access === 'signed-in') return role !== 'anonymous'
  return role !== 'anonymous' && access.includes(role)
}

describe('every route checks permissions on the server', () => {
  useTestDb()
  const cookies = new Map<Role, string>()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
  })
  // Fresh sessions after a test that may have revoked them (the logout action revokes the one it
  // is given); the others only read them.
  let revoked = true
  beforeEach(async () => {
    if (!revoked) return
    for (const role of ROLES) cookies.set(role, await sessionCookieFor(demoEmail(role)))
    revoked = false
  })

  it('the table names every route file', () => {
    expect(routeFiles.sort()).toEqual(Object.keys(TABLE).sort())
  })

  const callers: (Role | 'anonymous')[] = ['anonymous', ...ROLES]
  for (const [file, access] of Object.entries(TABLE)) {
    for (const kind of ['loader', 'action'] as const) {
      const expected = access[kind]
      if (!expected) continue
      it(`${kind} ${access.path} (${file})`, async () => {
        if (file === 'logout.tsx') revoked = true
        const mod = (await import(/* @vite-ignore */ path.join(routeDir, file))) as Record<
          string,
          unknown
        >
        const fn = mod[kind] as ((args: object) => Promise<unknown>) | undefined
        expect(fn, `${file} exports no ${kind}`).toBeTypeOf('function')
        // Every caller at once: each call is independent (its own session, no shared state).
        const outcomes = (
          await Promise.all(
            callers.map(async (caller) => {
              const cookie = caller === 'anonymous' ? undefined : cookies.get(caller)
              const request =
                kind === 'loader'
                  ? new Request(BASE + access.path, { headers: cookie ? { Cookie: cookie } : {} })
                  : access.json
                    ? jsonRequest(access.path, {}, { cookie })
                    : formRequest(access.path, {}, { cookie })
              const params = {
                orgId: '0123456789abcdef01234567',
                '*': 'nope',
                seq: '1',
                productId: ID,
                number: '1',
                versionId: ID,
                reportId: `2026-10-all-${'0'.repeat(64)}`,
              }
              const res = await settle(() => fn!({ request, params, context: {} }))
              if (res.status >= 500) return `${caller} got a server error (${res.status})`
              const refused = isRefused(res)
              return refused === allows(expected, caller)
                ? `${caller}: expected ${allows(expected, caller) ? 'allowed' : 'refused'}, got ${res.status}`
                : null
            }),
          )
        ).filter(Boolean)
        expect(outcomes).toEqual([])
      })
    }
  }

  it('another organisation’s order, licence and product by id are 404 (ids are not confirmed), through pages and the API', async () => {
    const { Order } = await import('#models/order')
    const { Licence } = await import('#models/licence')
    const { Product } = await import('#models/product')
    const { User } = await import('#models/user')
    const outsider = (await User.findOne({ email: 'provider2@demo.gd.example' }).lean())!
    const outsiderOrg = String(outsider.orgId)
    const order = (await Order.find().lean()).find(
      (o) => o.buyerOrgId !== outsiderOrg && o.sellerOrgId !== outsiderOrg,
    )!
    const licence = (await Licence.find().lean()).find(
      (l) => l.licenseeOrgId !== outsiderOrg && l.licensorOrgId !== outsiderOrg,
    )!
    const product = (await Product.find().lean()).find((p) => p.ownerOrgId !== outsiderOrg)!
    expect(
      order && licence && product,
      'the demo world has records of other organisations',
    ).toBeTruthy()
    const cookie = await sessionCookieFor('provider2@demo.gd.example')
    const get = (p: string) => new Request(BASE + p, { headers: { Cookie: cookie } })
    const cases: [string, string, Record<string, string>][] = [
      ['orders.$orderId', `/orders/${order._id}`, { orderId: String(order._id) }],
      ['api.v1.orders.$orderId', `/api/v1/orders/${order._id}`, { orderId: String(order._id) }],
      [
        'licences.$licenceId._index',
        `/licences/${licence._id}`,
        { licenceId: String(licence._id) },
      ],
      [
        'provider.products.$productId._index',
        `/provider/products/${product._id}`,
        { productId: String(product._id) },
      ],
      [
        'provider.products.$productId.edit',
        `/provider/products/${product._id}/edit`,
        { productId: String(product._id) },
      ],
    ]
    for (const [route, p, params] of cases) {
      const { loader } = (await import(
        /* @vite-ignore */ path.join(routeDir, route + (route.startsWith('api.') ? '.ts' : '.tsx'))
      )) as { loader: (a: object) => Promise<unknown> }
      const res = await settle(() => loader({ request: get(p), params, context: {} }))
      expect(res.status, `${route} for another organisation`).toBe(404)
    }
  })

  it('refuses a cookie-authenticated write from another site (CSRF)', async () => {
    const { action } = await import('~/routes/settings.api-keys')
    const cookie = cookies.get('buyer_staff')!
    const res = await settle(() =>
      action({
        request: formRequest(
          '/settings/api-keys',
          { intent: 'create', name: 'x' },
          { cookie, origin: 'https://evil.example' },
        ),
        params: {},
        context: {},
      }),
    )
    expect(res.status).toBe(403)
    const sameSite = await settle(() =>
      action({
        request: formRequest('/settings/api-keys', { intent: 'create', name: 'x' }, { cookie }),
        params: {},
        context: {},
      }),
    )
    expect(sameSite.status).toBe(200)
  })

  it('the wrong role sees a 403 page message in its own language', async () => {
    const { loader } = await import('~/routes/authority._index')
    const res = await settle(() =>
      loader({
        request: new Request(BASE + '/authority', {
          headers: { Cookie: cookies.get('buyer_staff')!, 'Accept-Language': 'en' },
        }),
        params: {},
        context: {},
      }),
    )
    expect(res.status).toBe(403)
    expect(await res.text()).toBe('You do not have permission to do that.')
  })
})
