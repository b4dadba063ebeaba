// API delivery (C8; Art. 24, 38): a licence with delivery mode `api` gets an API key bound to
// it, shown once; its programs read rows from `/api/v1/licences/<id>/rows`. Every call checks the
// licence at that moment (revoked or expired → 403), counts against the call quota bought with it (Redis
// INCR: atomic, so concurrent calls can never both take the last one; over quota → 429) and
// returns only the permitted fields (Art. 24 minimal authorization), read from the licence's own
// fingerprinted copy of the table (deliver.server.ts), so leaked rows trace back to it (Art. 38).
import { randomBytes, timingSafeEqual } from 'node:crypto'
import iconv from 'iconv-lite'
import mongoose from 'mongoose'
import { Delivery, deliveryId } from '#models/delivery'
import { LicenceApiKey } from '#models/licence-api-key'
import type { LicenceDoc } from '#models/licence'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import type { AuthUser } from '~/services/identity/auth.server'
import { randomToken, sha256Hex } from '~/services/identity/crypto.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { findLicence, requireLicenceInForce } from '~/services/licences/standing.server'
import { contentStore } from '~/services/storage/store.server'
import { connectDb } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { getRedis } from '~/utils/redis.server'
import { CsvScanner, fieldText, type CsvRecord } from '~/lib/csv-scanner'
import { delimiterOf, requireVersionScreened } from './deliver.server'
import { INDEX_FROM_ROW, rowIndex, startFor } from './row-index.server'
import { permittedColumns } from './project.server'
import { sniffEncoding } from './spec.server'

const KEY_PATTERN = /^gdpl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

function callsKey(licenceId: string): string {
  return `${getEnv().QUEUE_PREFIX}:licence-calls:${licenceId}`
}

/**
 * Art. 38: the licence's call quota (null = none) — what was bought, recorded on the licence at
 * issue, never the plan's later edits. A licence issued before the quota was recorded falls back to
 * its per-call plan (charged for its quota, one call when it names none); other plans have none.
 */
export async function callQuota(
  licence: Pick<LicenceDoc, 'productId' | 'pricePlanKey' | 'callsQuota'>,
): Promise<number | null> {
  if (licence.callsQuota != null) return licence.callsQuota
  if (!licence.productId || !licence.pricePlanKey) return null
  const product = await Product.findById(licence.productId, { pricePlans: 1 }).lean()
  const plan = product?.pricePlans.find((p) => p.key === licence.pricePlanKey)
  return plan?.kind === 'per_call' ? (plan.callsQuota ?? 1) : null
}

export async function callsUsed(licenceId: string): Promise<number> {
  return Number((await getRedis().get(callsKey(licenceId))) ?? 0)
}

/**
 * Art. 38: issues the licence's API key — to the licensee's staff, for an API licence in force.
 * The full key is returned once; earlier keys of the licence stop working.
 */
export async function issueLicenceApiKey(
  user: AuthUser,
  licenceId: string,
  now = new Date(),
): Promise<{ id: string; key: string }> {
  const licence = await findLicence(licenceId)
  if (!licence || !user.org || user.org.id !== licence.licenseeOrgId)
    throw new DomainError('not_found', 'error.licences.notFound', 404)
  if (licence.deliveryMode !== 'api')
    throw new DomainError('not_api', 'error.licences.notApiLicence', 409)
  await requireLicenceInForce(licence, now)
  const { id, key } = await issueBoundKey(licenceId, 'gdpl', user.id, now)
  await appendLedger({
    action: 'licence.api-key-issued',
    actor: { userId: user.id, orgId: user.org.id },
    subjects: [`licence:${licenceId}`, `licence-api-key:${id}`, `org:${licence.licenseeOrgId}`],
    payload: { keyId: id },
    summary: { keyId: id },
  })
  return { id, key }
}

/** A licence's keys for its page (never the secret). */
export async function licenceApiKeys(licenceId: string) {
  await connectDb()
  return LicenceApiKey.find({ licenceId }, { secretHash: 0 })
    .sort({ createdAt: -1 })
    .limit(20)
    .lean()
}

/**
 * Whether the Bearer key in `authorization` is a live key of `holderId` (a licence id, or a sharing
 * grant's `grant:<id>`): its id found, not revoked, bound to that holder, and its secret's hash equal
 * (compared in constant time).
 */
export async function verifyBoundKey(
  authorization: string | null,
  pattern: RegExp,
  holderId: string,
): Promise<boolean> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? ''
  const match = pattern.exec(token)
  const stored = match ? await LicenceApiKey.findById(match[1]).lean() : null
  return Boolean(
    stored &&
    !stored.revokedAt &&
    stored.licenceId === holderId &&
    timingSafeEqual(
      Buffer.from(sha256Hex(match![2]!), 'hex'),
      Buffer.from(stored.secretHash, 'hex'),
    ),
  )
}

/**
 * Issues a new key bound to `holderId` (shown once: `<prefix>_<id>_<secret>`); the holder's earlier
 * keys stop working.
 */
export async function issueBoundKey(
  holderId: string,
  prefix: string,
  userId: string,
  now: Date,
): Promise<{ id: string; key: string }> {
  const id = randomBytes(8).toString('hex')
  const secret = randomToken(32)
  await LicenceApiKey.create({
    _id: id,
    licenceId: holderId,
    secretHash: sha256Hex(secret),
    createdBy: userId,
    createdAt: now,
  })
  await LicenceApiKey.updateMany(
    { licenceId: holderId, _id: mongoose.trusted({ $ne: id }), revokedAt: null },
    { $set: { revokedAt: now } },
  )
  return { id, key: `${prefix}_${id}_${secret}` }
}

/** The licence a Bearer key opens, or a 401. */
async function authenticate(authorization: string | null, licenceId: string): Promise<LicenceDoc> {
  const ok = await verifyBoundKey(authorization, KEY_PATTERN, licenceId)
  if (!ok) throw new DomainError('unauthenticated', 'error.licences.badApiKey', 401)
  const licence = await findLicence(licenceId)
  if (!licence) throw new DomainError('unauthenticated', 'error.licences.badApiKey', 401)
  return licence
}

export interface RowsPage {
  licenceId: string
  fields: string[]
  rows: Record<string, string>[]
  offset: number
  limit: number
  calls: { used: number; quota: number | null }
}

/**
 * Rows [offset, offset + limit) of a CSV/TSV in the store, permitted columns only. The header is
 * read from the file's start; a deep offset starts at the row index's nearest point before it, and
 * an offset past the last row answers at once with no rows.
 */
export async function readRows(
  storageKey: string,
  delimiter: ',' | '\t',
  permitted: readonly string[],
  offset: number,
  limit: number,
) {
  const code = delimiter.charCodeAt(0)
  const head = await readTable(storageKey, code, 0, 0, 0)
  if (!head.header) return { fields: [], rows: [] }
  let start = { rowsBefore: 0, byte: -1 }
  if (offset >= INDEX_FROM_ROW) {
    const index = await rowIndex(storageKey, code)
    if (offset >= index.rows)
      return {
        fields: permittedColumns(head.header, permitted).keep.map((i) => head.header![i]!),
        rows: [],
      }
    start = startFor(index, offset)
  }
  const page = await readTable(
    storageKey,
    code,
    start.byte,
    offset - start.rowsBefore,
    limit,
    head.header,
    head.decode,
  )
  const keep = permittedColumns(head.header, permitted).keep
  return {
    fields: keep.map((i) => head.header![i]!),
    rows: page.rows.map((cells) =>
      Object.fromEntries(keep.map((i) => [head.header![i]!, cells[i] ?? ''])),
    ),
  }
}

/**
 * Reads records from `byte` (-1: the file's start, header first), skipping `skip` data rows and
 * keeping `limit`. Returns the header when it read it, and the decoder it chose.
 */
async function readTable(
  storageKey: string,
  delimiter: number,
  byte: number,
  skip: number,
  limit: number,
  knownHeader?: string[],
  knownDecode?: (b: Buffer) => string,
) {
  const fromStart = byte < 0
  const stream = contentStore().read(storageKey, fromStart ? undefined : { start: byte })
  const scanner = new CsvScanner({ delimiter })
  let decode = knownDecode
  let decided = knownHeader !== undefined
  let header: string[] | null = fromStart ? null : (knownHeader ?? null)
  const rows: string[][] = []
  let seen = 0
  let done = false
  const onRecord = (rec: CsvRecord) => {
    if (done || (rec.count === 1 && rec.starts[0] === rec.ends[0])) return
    if (!header) {
      header = []
      for (let f = 0; f < rec.count; f++) header.push(fieldText(rec, f, decode))
      if (header[0]) header[0] = header[0].replace(/^\uFEFF/, '')
      if (limit === 0) done = true
      return
    }
    if (seen++ < skip) return
    if (rows.length >= limit) {
      done = true
      return
    }
    const cells: string[] = []
    for (let f = 0; f < rec.count; f++) cells.push(fieldText(rec, f, decode))
    rows.push(cells)
    if (rows.length >= limit) done = true
  }
  try {
    for await (const chunk of stream) {
      if (!decided) {
        decode =
          sniffEncoding(chunk as Buffer) === 'utf-8'
            ? undefined
            : (b: Buffer) => iconv.decode(b, 'gb18030')
        decided = true
      }
      scanner.push(chunk as Buffer, onRecord)
      if (done) break
    }
    if (!done) scanner.end(onRecord)
  } finally {
    stream.destroy()
  }
  return { header: header as string[] | null, rows, decode }
}

/**
 * Art. 24, 38: one call of the data API. Key → licence; the licence in force now (403 when
 * revoked or expired); one call counted atomically against the quota (429 beyond it); the
 * permitted fields of the licensed version's first table.
 */
export async function licenceRows(input: {
  authorization: string | null
  licenceId: string
  offset: number
  limit: number
  now?: Date
}): Promise<RowsPage> {
  await connectDb()
  const licence = await authenticate(input.authorization, input.licenceId)
  if (licence.deliveryMode !== 'api')
    throw new DomainError('not_api', 'error.licences.notApiLicence', 409)
  await requireLicenceInForce(licence, input.now ?? new Date(), 403)
  // The licence's own fingerprinted copy (deliver.server.ts), once its delivery has completed.
  const delivery = await Delivery.findById(deliveryId(input.licenceId, 'api')).lean()
  if (delivery?.status !== 'completed')
    throw new DomainError('not_delivered', 'error.licences.notDeliveredYet', 409)
  const version = delivery.versionId
    ? await ProductVersion.findById(delivery.versionId).lean()
    : null
  if (version) await requireVersionScreened(version)
  const quota = await callQuota(licence)
  const used = await getRedis().incr(callsKey(input.licenceId))
  if (quota !== null && used > quota)
    throw new DomainError('quota_exceeded', 'error.licences.quotaExceeded', 429, undefined, {
      quota,
    })
  const page = delivery.storageKey
    ? await readRows(
        delivery.storageKey,
        delimiterOf(delivery.fileName) ?? ',',
        licence.permittedFields,
        input.offset,
        input.limit,
      )
    : { fields: [], rows: [] }
  return {
    licenceId: input.licenceId,
    ...page,
    offset: input.offset,
    limit: input.limit,
    calls: { used, quota },
  }
}
