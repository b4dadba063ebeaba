// Online sharing (C4; Art. 23–24, 38, 46 ¶3): an agreed grant by API or file gets its own copy of
// the entry's data — projected to the granted fields (Art. 24 minimal authorization) and
// fingerprinted with the grant's key, so a copy an agency passes on is traced to it like a buyer's
// (Art. 46 ¶3, 52 (五)). Made by the `delivery` job (job payload `{ grantId }`) as soon as the grant
// exists and the source department has stored the entry's data (datasets.server.ts), again for
// each new upload of that data; the first completed copy meets the Art. 24 delivery clock.
//
// Access is checked at every call against the grant as it is then (revoked, ended → 403): a file
// mode grant downloads its copy on the request page; an API mode grant reads rows with a key bound
// to the grant (`Authorization: Bearer gdsg_…`), within a per-minute call limit. Every access is
// in the log (`sharing-grant.accessed`).
//
// Exactly once (ADR 003): the copy is claimed as a Delivery under `grant:<grantId>:<mode>:<data
// digest>` — the holder `grant:<id>` takes the licence's place in the delivery record, the API key
// and the fingerprint — and finished by the same idempotent steps as a licence's.
import { CatalogEntry } from '#models/catalog-entry'
import { Delivery, deliveryId, type DeliveryDoc } from '#models/delivery'
import { grantRequestId, SharingGrant, type SharingGrantDoc } from '#models/sharing-grant'
import { SharingRequest } from '#models/sharing-request'
import { notifyOrg } from '~/services/catalog/notify.server'
import {
  issueBoundKey,
  readRows,
  verifyBoundKey,
  type RowsPage,
} from '~/services/delivery/api-access.server'
import { delimiterOf, produceCsvCopy } from '~/services/delivery/deliver.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { recordSubjectUse } from '~/services/subjects/uses.server'
import { connectDb, insertOnce } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { assertMayAny } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import { getRedis } from '~/utils/redis.server'
import { currentDataset, ONLINE_SHARING_MODES } from './datasets.server'

const KEY_PATTERN = /^gdsg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/
/** Art. 24: the API of a grant answers at most this many calls a minute (429 beyond). */
export const GRANT_CALLS_PER_MINUTE = 120
const ONLINE_MODES = new Set<string>(ONLINE_SHARING_MODES)

/** The holder id a grant's deliveries, API keys and fingerprint are bound to. */
export function grantHolder(grantId: string): string {
  return `grant:${grantId}`
}

function grantNotFound() {
  return new DomainError('not_found', 'error.sharing.notFound', 404)
}

/** Art. 24: a grant gives access only from its start, until its end, and never once revoked. */
export function requireGrantInForce(
  grant: Pick<SharingGrantDoc, 'start' | 'end' | 'revokedAt'>,
  now: Date,
  status = 403,
): void {
  if (grant.revokedAt && grant.revokedAt <= now)
    throw new DomainError('grant_revoked', 'error.sharing.grantRevoked', status)
  if (now >= grant.end) throw new DomainError('grant_expired', 'error.sharing.grantExpired', status)
  if (now < grant.start)
    throw new DomainError('grant_not_started', 'error.sharing.grantNotStarted', status)
}

async function loadGrant(grantId: string) {
  if (!isObjectId(grantId)) throw grantNotFound()
  await connectDb()
  const grant = await SharingGrant.findById(grantId).lean()
  if (!grant || grant.kind !== 'sharing') throw grantNotFound()
  return grant
}

export interface GrantDeliveryOutcome {
  grantId: string
  skipped?: 'not_online' | 'revoked' | 'expired' | 'no_data'
  deliveryId?: string
  created?: boolean
}

/**
 * Art. 24, 38: makes the grant's copy of the entry's current data, once per copy however often it
 * runs. Nothing for an offline grant (hand-overs are recorded), a grant no longer in force, or an
 * entry whose data is not stored yet (storing it queues this again).
 */
export async function deliverSharingGrant(
  grantId: string,
  now: Date = new Date(),
): Promise<GrantDeliveryOutcome> {
  const grant = await loadGrant(grantId)
  if (!ONLINE_MODES.has(grant.mode)) return { grantId, skipped: 'not_online' }
  if (grant.revokedAt) return { grantId, skipped: 'revoked' }
  if (now >= grant.end) return { grantId, skipped: 'expired' }
  const dataset = await currentDataset(grant.catalogEntryId)
  if (!dataset) return { grantId, skipped: 'no_data' }
  const holder = grantHolder(grantId)
  const key = `${grant.mode}:${dataset.sha256.slice(0, 16)}`
  const id = deliveryId(holder, key)
  const { doc, won } = await insertOnce(
    Delivery,
    {
      _id: id,
      licenceId: holder,
      key,
      kind: grant.mode === 'api' ? 'api' : 'file',
      productId: null,
      versionId: null,
      catalogEntryId: grant.catalogEntryId,
      licenseeOrgId: grant.granteeOrgId,
      licensorOrgId: grant.grantorOrgId,
      fileName: dataset.fileName,
      mediaType: delimiterOf(dataset.fileName) === '\t' ? 'text/tab-separated-values' : 'text/csv',
    },
    { _id: id },
  )
  let delivery = doc.toObject() as DeliveryDoc
  if (delivery.status !== 'completed') {
    const entry = await CatalogEntry.findById(grant.catalogEntryId, {
      'published.fields': 1,
    }).lean()
    const copy = await produceCsvCopy({
      deliveryId: id,
      licenceId: holder,
      sourceKey: dataset.storageKey,
      delimiter: delimiterOf(dataset.fileName) ?? ',',
      permittedFields: grant.fields,
      declaredFields: (entry?.published?.fields ?? []).map((f) => ({
        name: f.name,
        type: f.type,
      })),
    })
    const completedAt = now
    await Delivery.updateOne(
      { _id: id, status: 'claimed' },
      { $set: { ...copy, sourceSha256: dataset.sha256, status: 'completed', completedAt } },
    )
    delivery = (await Delivery.findById(id).lean()) as DeliveryDoc
  }
  await completeGrantDelivery(grant, delivery)
  return { grantId, deliveryId: id, created: won }
}

/** The steps after a copy is stored: log it, meet the delivery clock, tell the grantee. Idempotent. */
async function completeGrantDelivery(grant: SharingGrantDoc, delivery: DeliveryDoc) {
  const grantId = String(grant._id)
  const requestId = grant.sourceRef.replace(/^sharing-request:/, '')
  const entry = await appendLedger({
    action: 'sharing-grant.delivered',
    actor: { orgId: grant.grantorOrgId },
    subjects: [
      `sharing-grant:${grantId}`,
      `sharing-request:${requestId}`,
      `delivery:${delivery._id}`,
      `catalog-entry:${grant.catalogEntryId}`,
      `org:${grant.granteeOrgId}`,
      `org:${grant.grantorOrgId}`,
    ],
    payload: {
      deliveryId: delivery._id,
      kind: delivery.kind,
      sha256: delivery.sha256,
      sourceSha256: delivery.sourceSha256,
      fields: delivery.fields,
      spec: delivery.fingerprintSpec,
    },
    summary: {
      kind: delivery.kind,
      rows: delivery.rows ?? 0,
      fields: delivery.fields.length,
      fingerprinted: delivery.fingerprinted,
    },
    eventKey: `sharing-grant.delivered:${delivery._id}`,
  })
  // C10 (Art. 39): the copy carried every row of the table it was made from.
  if (delivery.sourceSha256)
    await recordSubjectUse({
      ...(await grantUseTerms(grant)),
      id: `sharing-delivery:${delivery._id}`,
      kind: 'sharing-delivery',
      at: delivery.completedAt ?? new Date(),
      datasetId: `${grant.catalogEntryId}:${delivery.sourceSha256}`,
    })
  await Delivery.updateOne(
    { _id: delivery._id, ledgerSeq: null },
    { $set: { ledgerSeq: entry._id } },
  )
  // The first copy is the delivery the Art. 24 clock waits for.
  if (isObjectId(requestId))
    await SharingRequest.updateOne(
      { _id: requestId, 'decision.deliveredAt': null },
      { $set: { 'decision.deliveredAt': delivery.completedAt ?? new Date() } },
    )
  await notifyOrg({
    key: `sharing-grant:${grantId}:delivered:${delivery._id}`,
    orgId: grant.granteeOrgId,
    kind: 'sharing-grant.delivered',
    params: { requestId, grantId },
  })
}

/** Who used the data under a grant, for what, on what basis (the request's duty, Art. 24). */
async function grantUseTerms(grant: SharingGrantDoc) {
  const requestId = grantRequestId(grant.sourceRef) ?? ''
  const request = isObjectId(requestId)
    ? await SharingRequest.findById(requestId, { duty: 1 }).lean()
    : null
  return {
    orgId: grant.granteeOrgId,
    purpose: grant.scenario,
    basis: request?.duty ?? '',
    ref: `sharing-grant:${String(grant._id)}`,
  }
}

/** The grant's newest completed copy, or null. */
export async function latestGrantDelivery(grantId: string): Promise<DeliveryDoc | null> {
  return ((await Delivery.findOne({ licenceId: grantHolder(grantId), status: 'completed' })
    .sort({ completedAt: -1 })
    .lean()) ?? null) as DeliveryDoc | null
}

/** Art. 24: the grantee's staff, for a grant of their agency. */
async function loadOwnGrant(user: AuthUser, grantId: string) {
  assertMayAny(user, ['create:sharing-request:own-org', 'receive:sharing-grant:own-org'])
  const grant = await loadGrant(grantId)
  if (user.org?.id !== grant.granteeOrgId) throw grantNotFound()
  return grant
}

async function logAccess(
  grant: SharingGrantDoc,
  via: 'download' | 'api',
  actor: { userId?: string; orgId: string },
  detail: Record<string, string | number>,
) {
  return appendLedger({
    action: 'sharing-grant.accessed',
    actor,
    subjects: [
      `sharing-grant:${String(grant._id)}`,
      `catalog-entry:${grant.catalogEntryId}`,
      `org:${grant.granteeOrgId}`,
      `org:${grant.grantorOrgId}`,
    ],
    payload: { via, ...detail },
    summary: { via, ...detail },
  })
}

/**
 * Art. 24, 46 ¶3: the grantee downloads its own copy of a file grant — checked against the grant
 * as it is now, and logged. Returns the stored copy to stream.
 */
export async function grantDownload(user: AuthUser, grantId: string, now: Date = new Date()) {
  const grant = await loadOwnGrant(user, grantId)
  if (grant.mode !== 'file') throw new DomainError('not_file', 'error.sharing.notFileGrant', 409)
  requireGrantInForce(grant, now)
  const delivery = await latestGrantDelivery(grantId)
  if (!delivery?.storageKey)
    throw new DomainError('not_delivered', 'error.sharing.notDeliveredYet', 409)
  await logAccess(
    grant,
    'download',
    { userId: user.id, orgId: grant.granteeOrgId },
    {
      deliveryId: delivery._id,
      sha256: delivery.sha256 ?? '',
    },
  )
  return {
    storageKey: delivery.storageKey,
    fileName: delivery.fileName ?? 'data.csv',
    mediaType: delivery.mediaType ?? 'text/csv',
    sizeBytes: delivery.sizeBytes ?? 0,
  }
}

/** Art. 24: the grantee issues the key of an API grant in force (shown once; older keys stop). */
export async function issueGrantApiKey(user: AuthUser, grantId: string, now: Date = new Date()) {
  const grant = await loadOwnGrant(user, grantId)
  if (grant.mode !== 'api') throw new DomainError('not_api', 'error.sharing.notApiGrant', 409)
  requireGrantInForce(grant, now, 409)
  const { id, key } = await issueBoundKey(grantHolder(grantId), 'gdsg', user.id, now)
  await appendLedger({
    action: 'sharing-grant.api-key-issued',
    actor: { userId: user.id, orgId: grant.granteeOrgId },
    subjects: [`sharing-grant:${grantId}`, `org:${grant.granteeOrgId}`],
    payload: { keyId: id },
    summary: { keyId: id },
  })
  return { id, key }
}

/** The Redis counter of a grant's calls in the minute of `now`. */
export function grantCallsKey(grantId: string, now: Date) {
  return `${getEnv().QUEUE_PREFIX}:grant-calls:${grantId}:${Math.floor(now.getTime() / 60_000)}`
}

export interface GrantRowsPage extends Omit<RowsPage, 'licenceId' | 'calls'> {
  grantId: string
  calls: { minute: number; perMinute: number }
}

/**
 * Art. 24, 46 ¶3: one call of a grant's data API. Key → grant; the grant in force now (403 when
 * revoked or ended); within the per-minute limit (429); the granted fields only, read from the
 * grant's own fingerprinted copy; logged.
 */
export async function grantRows(input: {
  authorization: string | null
  grantId: string
  offset: number
  limit: number
  now?: Date
}): Promise<GrantRowsPage> {
  const now = input.now ?? new Date()
  if (!isObjectId(input.grantId))
    throw new DomainError('unauthenticated', 'error.sharing.badApiKey', 401)
  await connectDb()
  if (!(await verifyBoundKey(input.authorization, KEY_PATTERN, grantHolder(input.grantId))))
    throw new DomainError('unauthenticated', 'error.sharing.badApiKey', 401)
  const grant = await loadGrant(input.grantId)
  requireGrantInForce(grant, now)
  const delivery = await latestGrantDelivery(input.grantId)
  if (!delivery?.storageKey)
    throw new DomainError('not_delivered', 'error.sharing.notDeliveredYet', 409)
  const redis = getRedis()
  const counter = grantCallsKey(input.grantId, now)
  const used = await redis.incr(counter)
  if (used === 1) await redis.expire(counter, 120)
  if (used > GRANT_CALLS_PER_MINUTE)
    throw new DomainError('rate_limited', 'error.sharing.rateLimited', 429, undefined, {
      perMinute: GRANT_CALLS_PER_MINUTE,
    })
  const page = await readRows(
    delivery.storageKey,
    delimiterOf(delivery.fileName) ?? ',',
    grant.fields,
    input.offset,
    input.limit,
  )
  const logged = await logAccess(
    grant,
    'api',
    { orgId: grant.granteeOrgId },
    {
      offset: input.offset,
      rows: page.rows.length,
    },
  )
  // C10 (Art. 39): the rows this call returned, as rows of the table the copy was made from.
  if (page.rows.length && delivery.sourceSha256)
    await recordSubjectUse({
      ...(await grantUseTerms(grant)),
      id: `sharing-api-read:${logged._id}`,
      kind: 'sharing-api-read',
      at: now,
      datasetId: `${grant.catalogEntryId}:${delivery.sourceSha256}`,
      rowFrom: input.offset + 1,
      rowTo: input.offset + 1 + page.rows.length,
    })
  return {
    grantId: input.grantId,
    ...page,
    offset: input.offset,
    limit: input.limit,
    calls: { minute: used, perMinute: GRANT_CALLS_PER_MINUTE },
  }
}

/** What the request page shows of a grant's online access. */
export async function grantAccessView(grantId: string) {
  const delivery = await latestGrantDelivery(grantId)
  return delivery
    ? {
        deliveredAt: delivery.completedAt?.toISOString() ?? null,
        fileName: delivery.fileName,
        rows: delivery.rows,
        fields: delivery.fields,
        fingerprinted: delivery.fingerprinted,
        sha256: delivery.sha256,
      }
    : null
}
