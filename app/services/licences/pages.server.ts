// The licence pages (C8; Art. 24, 38): an org's licences from both sides, one licence's terms,
// deliveries, download links and API keys, the ODRL document, and the authority's revocation.
// Who may read: the licensee's and the licensor's staff ('read:licence:own-org'), the authority
// and regulators ('read:licence:any'); only the licensee gets download links and API keys.
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Licence, LicenceEvent, type LicenceDoc } from '#models/licence'
import { Organization } from '#models/organization'
import {
  callQuota,
  callsUsed,
  issueLicenceApiKey,
  licenceApiKeys,
} from '~/services/delivery/api-access.server'
import { deliveriesFor, deliveriesOf, productTitles } from '~/services/delivery/deliver.server'
import { offeredForDownload } from '~/services/delivery/download.server'
import { signDownloadLink } from '~/services/delivery/links.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { listLedger } from '~/services/ledger/ledger.server'
import { csvAttachment } from '~/utils/csv.server'
import { connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { allInOrder, pageOf } from '~/utils/listing.server'
import { licenceToOdrl } from './odrl'
import type { LicenceListQuery } from './schemas'
import { revokeLicence } from './revoke.server'
import { findLicence, standingAt, standingFrom } from './standing.server'
import { isObjectId } from '~/utils/schemas'
import { assertMay } from '~/utils/permissions'

type Side = 'licensee' | 'licensor' | 'oversight'

function sideOf(
  user: AuthUser,
  licence: Pick<LicenceDoc, 'licenseeOrgId' | 'licensorOrgId'>,
): Side | null {
  if (user.org?.id === licence.licenseeOrgId && user.permissions.has('read:licence:own-org'))
    return 'licensee'
  if (user.org?.id === licence.licensorOrgId && user.permissions.has('read:licence:own-org'))
    return 'licensor'
  if (user.permissions.has('read:licence:any')) return 'oversight'
  return null
}

async function orgNames(ids: string[]) {
  const unique = [...new Set(ids.filter((id) => isObjectId(id)))]
  const rows = unique.length
    ? await Organization.find(
        { _id: mongoose.trusted({ $in: unique }) },
        { name: 1, uscc: 1 },
      ).lean()
    : []
  return new Map(rows.map((o) => [String(o._id), { zh: o.name.zh, en: o.name.en, uscc: o.uscc }]))
}

async function entryTitles(ids: string[]) {
  const unique = [...new Set(ids.filter((id) => isObjectId(id)))]
  const rows = unique.length
    ? await CatalogEntry.find(
        { _id: mongoose.trusted({ $in: unique }) },
        { published: 1, code: 1 },
      ).lean()
    : []
  return new Map(
    rows.map((e) => [
      String(e._id),
      { zh: e.published?.title.zh ?? e.code, en: e.published?.title.en ?? e.code },
    ]),
  )
}

const LICENCE_COLUMNS = { start: 'start', end: 'end' } as const

/** Whose licences a user lists: every one ('read:licence:any'), else its org's from the side(s) asked. */
function licenceScope(
  user: AuthUser,
  query: Pick<LicenceListQuery, 'side' | 'mode'>,
): Record<string, unknown> | null {
  const filter: Record<string, unknown> = query.mode ? { deliveryMode: query.mode } : {}
  if (user.permissions.has('read:licence:any')) return filter
  const orgId = user.org?.id
  if (!orgId || !user.permissions.has('read:licence:own-org')) return null
  if (query.side === 'licensee') return { ...filter, licenseeOrgId: orgId }
  if (query.side === 'licensor') return { ...filter, licensorOrgId: orgId }
  return { ...filter, $or: [{ licenseeOrgId: orgId }, { licensorOrgId: orgId }] }
}

/** Rows of the licence list: subject, both parties, deliveries done, end and standing now. */
async function licenceRows(user: AuthUser, licences: LicenceDoc[], now: Date) {
  const ids = licences.map((l) => String(l._id))
  const [revocations, deliveries, products, entries, orgs] = await Promise.all([
    ids.length
      ? LicenceEvent.find(
          { licenceId: mongoose.trusted({ $in: ids }), kind: 'revoked' },
          { licenceId: 1 },
        ).lean()
      : [],
    deliveriesFor(ids),
    productTitles(licences.map((l) => l.productId ?? '')),
    entryTitles(licences.map((l) => l.catalogEntryId ?? '')),
    orgNames(licences.flatMap((l) => [l.licenseeOrgId, l.licensorOrgId])),
  ])
  const revoked = new Set(revocations.map((e) => e.licenceId))
  return licences.map((l) => {
    const id = String(l._id)
    const mine = deliveries.filter((d) => d.licenceId === id)
    return {
      id,
      side: sideOf(user, l) ?? 'oversight',
      subject: (l.productId
        ? products.get(l.productId)
        : l.catalogEntryId
          ? entries.get(l.catalogEntryId)
          : undefined) ?? { zh: '-', en: '-' },
      licensee: orgs.get(l.licenseeOrgId) ?? { zh: l.licenseeOrgId, en: l.licenseeOrgId, uscc: '' },
      licensor: orgs.get(l.licensorOrgId) ?? { zh: l.licensorOrgId, en: l.licensorOrgId, uscc: '' },
      deliveryMode: l.deliveryMode,
      start: l.start.toISOString(),
      end: l.end.toISOString(),
      standing: standingFrom(l, revoked.has(id), now),
      delivered: mine.filter((d) => d.status === 'completed').length,
      deliveries: mine.length,
    }
  })
}

/** My org's licences from both sides (or, for the authority and regulators, everyone's): one page, sorted. */
export async function listLicences(user: AuthUser, query: LicenceListQuery, now = new Date()) {
  await connectDb()
  const filter = licenceScope(user, query)
  if (!filter) throw new DomainError('forbidden', 'error.forbidden', 403)
  const { items, paging } = await pageOf(Licence, filter, query, LICENCE_COLUMNS)
  return { licences: await licenceRows(user, items as LicenceDoc[], now), paging }
}

export const LICENCE_CSV_MAX = 10_000

/** The same list as CSV (every matching licence, up to LICENCE_CSV_MAX, in the list's order). */
export async function licencesCsv(
  user: AuthUser,
  query: LicenceListQuery,
  lang: 'zh' | 'en',
  now = new Date(),
): Promise<Response> {
  await connectDb()
  const filter = licenceScope(user, query)
  if (!filter) throw new DomainError('forbidden', 'error.forbidden', 403)
  const docs = (await allInOrder(
    Licence,
    filter,
    query,
    LICENCE_COLUMNS,
    LICENCE_CSV_MAX,
  )) as LicenceDoc[]
  const rows = await licenceRows(user, docs, now)
  const name = (l: { zh: string; en: string }) => (lang === 'en' ? l.en || l.zh : l.zh || l.en)
  return csvAttachment(
    'licences.csv',
    [
      'licenceId',
      'subject',
      'licensee',
      'licenseeUscc',
      'licensor',
      'licensorUscc',
      'deliveryMode',
      'start',
      'end',
      'standing',
      'deliveriesCompleted',
      'deliveries',
    ],
    rows.map((r) => [
      r.id,
      name(r.subject),
      name(r.licensee),
      r.licensee.uscc,
      name(r.licensor),
      r.licensor.uscc,
      r.deliveryMode,
      r.start,
      r.end,
      r.standing,
      String(r.delivered),
      String(r.deliveries),
    ]),
  )
}

async function readable(
  user: AuthUser,
  licenceId: string,
): Promise<{ licence: LicenceDoc; side: Side }> {
  const licence = await findLicence(licenceId)
  const side = licence ? sideOf(user, licence) : null
  // Someone else's licence is "not found", not "forbidden": its existence is not for them to learn.
  if (!licence || !side) throw new DomainError('not_found', 'error.licences.notFound', 404)
  return { licence, side }
}

/** Art. 24, 38: one licence's page — terms, standing now, deliveries (links for the licensee), keys, receipts. */
export async function licencePage(user: AuthUser, licenceId: string, now = new Date()) {
  const { licence, side } = await readable(user, licenceId)
  const [standing, deliveries, events, ledger, orgs, products, entries] = await Promise.all([
    standingAt(licence, now),
    deliveriesOf(licenceId),
    LicenceEvent.find({ licenceId }).sort({ at: 1 }).lean(),
    listLedger({ subject: `licence:${licenceId}`, limit: 100 }),
    orgNames([licence.licenseeOrgId, licence.licensorOrgId]),
    productTitles([licence.productId ?? '']),
    entryTitles([licence.catalogEntryId ?? '']),
  ])
  const isLicensee = side === 'licensee'
  const api = licence.deliveryMode === 'api'
  const [keys, quota, used] = api
    ? await Promise.all([
        isLicensee ? licenceApiKeys(licenceId) : Promise.resolve([]),
        callQuota(licence),
        callsUsed(licenceId),
      ])
    : [[], null, 0]
  const issued = ledger.entries.find((e) => e.action === 'licence.issued')
  return {
    id: licenceId,
    side,
    standing,
    licence: {
      purpose: licence.purpose,
      scenario: licence.scenario,
      permittedFields: licence.permittedFields,
      deliveryMode: licence.deliveryMode,
      start: licence.start.toISOString(),
      end: licence.end.toISOString(),
      derivationAllowed: licence.derivationAllowed,
      redistribution: licence.redistribution,
      researchOnly: licence.researchOnly,
      commercialUse: licence.commercialUse,
      usageReport: licence.usageReport ?? 'none',
      source: licence.source,
      sourceRef: licence.sourceRef,
      productId: licence.productId,
      versionId: licence.versionId,
      catalogEntryId: licence.catalogEntryId,
    },
    subject: (licence.productId
      ? products.get(licence.productId)
      : licence.catalogEntryId
        ? entries.get(licence.catalogEntryId)
        : undefined) ?? { zh: '-', en: '-' },
    licensee: orgs.get(licence.licenseeOrgId) ?? {
      zh: licence.licenseeOrgId,
      en: licence.licenseeOrgId,
      uscc: '',
    },
    licensor: orgs.get(licence.licensorOrgId) ?? {
      zh: licence.licensorOrgId,
      en: licence.licensorOrgId,
      uscc: '',
    },
    events: events.map((e) => ({ kind: e.kind, at: e.at.toISOString(), reason: e.reason })),
    deliveries: deliveries.map((d) => {
      const downloadable = isLicensee && standing === 'active' && offeredForDownload(d)
      const link = downloadable
        ? signDownloadLink({ licenceId, key: d.key, _id: d._id }, licence.end, now)
        : null
      return {
        id: d._id,
        key: d.key,
        kind: d.kind,
        status: d.status,
        fileName: d.fileName,
        sizeBytes: d.sizeBytes,
        sha256: d.sha256,
        fingerprinted: d.fingerprinted,
        marks: d.marks ?? null,
        rows: d.rows ?? null,
        fingerprintNote: d.fingerprintNote,
        tolerance: d.fingerprintSpec ? toleranceSummary(d.fingerprintSpec) : [],
        fields: d.fields,
        droppedFields: d.droppedFields,
        completedAt: d.completedAt?.toISOString() ?? null,
        ledgerSeq: d.ledgerSeq,
        link: link ? { href: link.href, expiresAt: link.expiresAt.toISOString() } : null,
      }
    }),
    api: api
      ? {
          keys: keys.map((k) => ({
            id: k._id,
            createdAt: k.createdAt.toISOString(),
            revokedAt: k.revokedAt?.toISOString() ?? null,
          })),
          quota,
          used,
        }
      : null,
    issuedSeq: issued?._id ?? null,
    ledger: ledger.entries.map((e) => ({ seq: e._id, action: e.action, at: e.at.toISOString() })),
    canRevoke: user.permissions.has('revoke:licence:any') && standing !== 'revoked',
    canIssueKey: isLicensee && api && standing === 'active',
  }
}

/** The columns of a delivered copy whose values may differ from the original, and how. */
type ToleranceLine = {
  name: string
  change: 'last_digit' | 'absolute' | 'date_spelling'
  delta?: number
}

function toleranceSummary(specJson: string): ToleranceLine[] {
  const spec = JSON.parse(specJson) as {
    columns: {
      name: string
      kind: string
      tolerance?: { lastDigit?: true; absolute?: number }
      equivalentEncodings?: boolean
    }[]
  }
  return spec.columns.flatMap((c): ToleranceLine[] => {
    if (c.kind === 'numeric' && c.tolerance?.lastDigit)
      return [{ name: c.name, change: 'last_digit' as const }]
    if (c.kind === 'numeric' && c.tolerance?.absolute)
      return [{ name: c.name, change: 'absolute' as const, delta: c.tolerance.absolute }]
    if (c.kind === 'date' && c.equivalentEncodings)
      return [{ name: c.name, change: 'date_spelling' as const }]
    return []
  })
}

/** The licence as an ODRL Agreement (JSON-LD), for those who may read it. */
export async function licenceOdrl(
  user: AuthUser,
  licenceId: string,
  origin: string,
  now = new Date(),
) {
  const { licence } = await readable(user, licenceId)
  const [orgs, products, entries, standing] = await Promise.all([
    orgNames([licence.licenseeOrgId, licence.licensorOrgId]),
    productTitles([licence.productId ?? '']),
    entryTitles([licence.catalogEntryId ?? '']),
    standingAt(licence, now),
  ])
  const named = (id: string) => {
    const o = orgs.get(id)
    return { id, uscc: o?.uscc ?? null, name: o ? `${o.zh} / ${o.en}` : id }
  }
  const title = (licence.productId
    ? products.get(licence.productId)
    : licence.catalogEntryId
      ? entries.get(licence.catalogEntryId)
      : undefined) ?? { zh: '', en: '' }
  return licenceToOdrl({
    id: licenceId,
    origin,
    licensee: named(licence.licenseeOrgId),
    licensor: named(licence.licensorOrgId),
    target: {
      kind: licence.productId ? 'product' : 'catalog-entry',
      id: licence.productId ?? licence.catalogEntryId ?? '',
      versionId: licence.versionId ?? null,
      title: `${title.zh} / ${title.en}`,
    },
    purpose: licence.purpose,
    scenario: licence.scenario,
    permittedFields: licence.permittedFields,
    deliveryMode: licence.deliveryMode,
    start: licence.start.toISOString(),
    end: licence.end.toISOString(),
    derivationAllowed: licence.derivationAllowed,
    redistribution: licence.redistribution,
    researchOnly: licence.researchOnly,
    commercialUse: licence.commercialUse,
    usageReport: licence.usageReport ?? 'none',
    standing,
  })
}

/** Art. 38: the licensee's staff issue the licence's API key (shown once). */
export async function issueKeyFromPage(user: AuthUser, licenceId: string) {
  await readable(user, licenceId)
  return issueLicenceApiKey(user, licenceId)
}

/** Art. 24, 38: the authority revokes a licence, with a reason (the orders capability's revokeLicence). */
export async function revokeFromPage(user: AuthUser, licenceId: string, reason: string) {
  assertMay(user, 'revoke:licence:any')
  await readable(user, licenceId)
  return revokeLicence(licenceId, reason, {
    userId: user.id,
    ...(user.org ? { orgId: user.org.id } : {}),
  })
}
