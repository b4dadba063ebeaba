// Delivering a licence (C8; Art. 24, 26, 38, ADR 021): what the `delivery` job does for one
// licence, and nothing else does.
//
// - file_download: every file of the licensed version (the product's newest published version
//   when the licence names none) that passed screening (Art. 32) becomes the buyer's own copy:
//   CSV/TSV projected to the permitted fields (Art. 24) and fingerprinted with the licence's key
//   (Art. 38, ADR 010) within the tolerance the version declares (spec.server.ts); other files
//   as they are. The copy goes to the content store; the licence page signs a download link.
// - api: the licence's own copy of the version's first table, made as for file_download, from
//   which its API calls read rows (never offered for download); the licensee issues an API key
//   on the licence page (shown once).
// - model_run: nothing to deliver (the model runner checks the licence at each run); recorded.
// - catalog entry (research access, Art. 26): its open-data files as they are, or "offline
//   delivery by the source department".
//
// Exactly once (ADR 003): each delivery is first claimed by an insert under `${licenceId}:${key}`;
// the copy is written to a temporary file named after the delivery and renamed into its content
// address (atomic), so a worker killed mid-file and restarted rewrites the same bytes to the same
// place; the record's projection and the `delivery.completed` ledger entry (event key) follow.
import { createHash } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import mongoose from 'mongoose'
import { Delivery, deliveryId, type DeliveryDoc, type DeliveryKind } from '#models/delivery'
import { Licence, type LicenceDoc } from '#models/licence'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { enqueue, getQueue } from '#jobs/queues'
import { requireScreeningPassed } from '~/services/desensitize/screening.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { currentFiles, requireFileScreened } from '~/services/open-data/files.server'
import { readHead } from '~/services/storage/source.server'
import { contentStore } from '~/services/storage/store.server'
import { deliveryJobId } from '~/services/licences/issue.server'
import { findLicence, standingAt } from '~/services/licences/standing.server'
import {
  enqueueSubjectIndex,
  openFileTableId,
  productTableId,
} from '~/services/subjects/holdings.server'
import { versionTableWithoutDeletions } from '~/services/subjects/record-requests.server'
import { recordSubjectUse } from '~/services/subjects/uses.server'
import { connectDb, insertOnce } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { FingerprintTransform } from './fingerprint/embed.server'
import { platformFingerprintKeys } from './fingerprint/keys.server'
import { permittedColumns, ProjectTransform } from './project.server'
import { deriveFingerprintSpec, readCsvHead } from './spec.server'
import { isObjectId } from '~/utils/schemas'

const HEAD_BYTES = 64 * 1024

export interface DeliveryOutcome {
  licenceId: string
  /** Nothing delivered: the licence was no longer in force when the job ran. */
  skipped?: 'revoked' | 'expired' | 'not_started'
  deliveries: { id: string; kind: DeliveryKind; created: boolean }[]
}

type Claim = Pick<
  DeliveryDoc,
  'kind' | 'productId' | 'versionId' | 'catalogEntryId' | 'fileName' | 'mediaType'
>

/** The unique-keyed claim: inserted once; a retry reads it back. */
async function claimDelivery(
  licence: LicenceDoc,
  key: string,
  fields: Claim,
): Promise<{ doc: DeliveryDoc; created: boolean }> {
  const id = deliveryId(String(licence._id), key)
  const { doc, won } = await insertOnce(
    Delivery,
    {
      _id: id,
      licenceId: String(licence._id),
      key,
      licenseeOrgId: licence.licenseeOrgId,
      licensorOrgId: licence.licensorOrgId,
      ...fields,
    },
    { _id: id },
  )
  return { doc: doc.toObject() as DeliveryDoc, created: won }
}

/**
 * The completed projection and its ledger entry (event key: one entry however often this runs);
 * a copy of a table (`table`, as the subject indexes name it) is a use of every record in it (C10).
 */
async function complete(
  licence: LicenceDoc,
  doc: DeliveryDoc,
  set: Partial<DeliveryDoc>,
  table: string | null = null,
): Promise<number> {
  const completedAt = doc.completedAt ?? new Date()
  if (doc.status !== 'completed')
    await Delivery.updateOne(
      { _id: doc._id },
      { $set: { ...set, status: 'completed', completedAt } },
    )
  const final = { ...doc, ...set }
  const entry = await appendLedger({
    action: 'delivery.completed',
    actor: { orgId: licence.licensorOrgId },
    subjects: [
      `delivery:${doc._id}`,
      `licence:${String(licence._id)}`,
      ...(final.productId ? [`product:${final.productId}`] : []),
      ...(final.versionId ? [`product-version:${final.versionId}`] : []),
      ...(final.catalogEntryId ? [`catalog-entry:${final.catalogEntryId}`] : []),
      `org:${licence.licenseeOrgId}`,
      `org:${licence.licensorOrgId}`,
    ],
    payload: {
      deliveryId: doc._id,
      kind: final.kind,
      sha256: final.sha256,
      sourceSha256: final.sourceSha256,
      fields: final.fields,
      spec: final.fingerprintSpec,
    },
    summary: {
      kind: final.kind,
      key: final.key,
      fingerprinted: final.fingerprinted ?? false,
      ...(final.sha256 ? { sha256: final.sha256 } : {}),
      ...(final.droppedFields?.length ? { droppedFields: final.droppedFields.length } : {}),
    },
    eventKey: `delivery.completed:${doc._id}`,
  })
  if (table) await recordLicenceUse(licence, doc._id, table, completedAt)
  if (doc.ledgerSeq !== entry._id)
    await Delivery.updateOne({ _id: doc._id }, { $set: { ledgerSeq: entry._id } })
  return entry._id
}

/**
 * C10 (Art. 39): a licence's copy of a table is a use of every subject's record in it — a
 * purchase's, or a research licence's (Art. 26) — and the table is indexed if it is not yet.
 */
async function recordLicenceUse(licence: LicenceDoc, id: string, table: string, at: Date) {
  await enqueueSubjectIndex(table)
  await recordSubjectUse({
    id: `licence-delivery:${id}`,
    kind: licence.source === 'research-grant' ? 'research-licence' : 'licence-delivery',
    at,
    orgId: licence.licenseeOrgId,
    purpose: licence.purpose,
    basis: licence.scenario,
    ref: `licence:${String(licence._id)}`,
    datasetId: table,
  })
}

interface FileCopy {
  storageKey: string
  sha256: string
  sizeBytes: number
  rows: number | null
  marks: number | null
  fingerprinted: boolean
  fingerprintSpec: string | null
  fingerprintNote: string | null
  fields: string[]
  droppedFields: string[]
}

/**
 * Art. 24, 38: the licence's copy of one CSV/TSV — permitted columns only, fingerprinted when
 * the declared columns allow it — encrypted into the content store as it is produced (staged as
 * `.tmp/delivery-<hash of id>.part`, then renamed). Deterministic: a rerun yields the same plaintext.
 */
export async function produceCsvCopy(input: {
  deliveryId: string
  licenceId: string
  sourceKey: string
  delimiter: ',' | '\t'
  permittedFields: readonly string[]
  declaredFields: readonly { name: string; type: string }[]
}): Promise<FileCopy> {
  const store = contentStore()
  const source = await store.source(input.sourceKey)
  const head = readCsvHead(await readHead(source, HEAD_BYTES), input.delimiter)
  if (head.header.length === 0) throw new DomainError('empty_file', 'error.licences.emptyFile', 422)
  const { keep, dropped } = permittedColumns(head.header, input.permittedFields)
  if (keep.length === 0)
    throw new DomainError('no_permitted_fields', 'error.licences.noPermittedFields', 422)
  const fields = keep.map((i) => head.header[i]!)
  const derived = deriveFingerprintSpec(fields, head, input.declaredFields)

  const fingerprint = derived.spec
    ? new FingerprintTransform(
        derived.spec,
        platformFingerprintKeys(),
        input.licenceId,
        head.encoding,
        input.delimiter,
      )
    : null
  const stages: NodeJS.ReadWriteStream[] = []
  if (dropped.length) stages.push(new ProjectTransform(keep, input.delimiter))
  if (fingerprint) stages.push(fingerprint)
  const output = new PassThrough()
  const copying = pipeline([source.open(), ...stages, output])
  copying.catch(() => undefined)
  let stored
  try {
    // A temporary name per delivery: a rerun removes what a killed attempt left.
    const staged = await store.stage(output, {
      maxBytes: Number.MAX_SAFE_INTEGER,
      tmpName: `delivery-${createHash('sha256').update(input.deliveryId).digest('hex').slice(0, 32)}`,
    })
    await copying
    stored = await staged.commit()
  } catch (error) {
    output.destroy()
    // The copy's own failure (a malformed row) is the cause, not the store's reading of it.
    const cause = await copying.then(
      () => error,
      (e: unknown) => e,
    )
    if (cause instanceof Error && cause.name === 'FingerprintInputError') {
      throw new DomainError('unreadable_file', 'error.licences.unreadableFile', 422)
    }
    throw cause
  }
  // A second writer of the same temporary file (a job whose lock lapsed while it still ran) could
  // have cut it short: the stored bytes must be the ones hashed, else retry.
  if ((await store.stat(stored.key))?.size !== stored.size)
    throw new Error(`stored copy ${stored.key} has the wrong size; retrying`)
  return {
    storageKey: stored.key,
    sha256: stored.sha256,
    sizeBytes: stored.size,
    rows: fingerprint ? fingerprint.stats.rows : null,
    marks: fingerprint ? fingerprint.stats.marksEmbedded : null,
    fingerprinted: fingerprint !== null,
    fingerprintSpec: derived.spec ? JSON.stringify(derived.spec) : null,
    fingerprintNote: derived.note,
    fields,
    droppedFields: dropped,
  }
}

/** A table's delimiter by its file name (CSV or TSV); null for any other file. */
export function delimiterOf(fileName: string | null | undefined): ',' | '\t' | null {
  const ext = (fileName ?? '').split('.').pop()?.toLowerCase()
  return ext === 'csv' ? ',' : ext === 'tsv' ? '\t' : null
}

/** The version a file licence delivers: the one it names, else the product's newest published one. */
async function licensedVersion(licence: LicenceDoc) {
  if (licence.versionId) return ProductVersion.findById(licence.versionId).lean()
  return ProductVersion.findOne({ productId: licence.productId!, state: 'published' })
    .sort({ number: -1 })
    .lean()
}

type LicensedVersion = NonNullable<Awaited<ReturnType<typeof licensedVersion>>>
type Distribution = LicensedVersion['distributions'][number]

/** What a completed delivery of a table records: the licence's own copy (produceCsvCopy). */
async function tableCopy(
  licence: LicenceDoc,
  doc: DeliveryDoc,
  version: LicensedVersion,
  table: Distribution,
  delimiter: ',' | '\t',
): Promise<Partial<DeliveryDoc>> {
  // Art. 42: records deleted at their subjects' request on an input entry are left out.
  const redacted = await versionTableWithoutDeletions(version, {
    storageKey: table.storageKey!,
    fileName: table.fileName ?? '',
  })
  return {
    sourceSha256: table.sha256 ?? null,
    ...(await produceCsvCopy({
      deliveryId: doc._id,
      licenceId: String(licence._id),
      sourceKey: redacted ?? table.storageKey!,
      delimiter,
      permittedFields: licence.permittedFields,
      declaredFields: version.dataSchema.fields,
    })),
  }
}

/**
 * Art. 32: a version's files leave only after screening passed — the scanner's verdict on
 * `product-version:<id>`, or the authority's own verdict set by hand after reading the report.
 */
export async function requireVersionScreened(version: {
  _id: unknown
  screening: { status: string; source?: string | null }
}): Promise<void> {
  if (version.screening.source === 'authority' && version.screening.status === 'passed') return
  await requireScreeningPassed(`product-version:${String(version._id)}`)
}

async function deliverFiles(licence: LicenceDoc, out: DeliveryOutcome): Promise<void> {
  const version = await licensedVersion(licence)
  if (!version) throw new DomainError('no_version', 'error.licences.noVersion', 409)
  const files = version.distributions.filter((d) => d.kind === 'file' && d.storageKey)
  if (files.length) await requireVersionScreened(version)
  for (const d of files) {
    const { doc, created } = await claimDelivery(licence, d.key, {
      kind: 'file',
      productId: licence.productId,
      versionId: String(version._id),
      catalogEntryId: null,
      fileName: d.fileName ?? null,
      mediaType: d.mediaType ?? null,
    })
    out.deliveries.push({ id: doc._id, kind: 'file', created })
    const delimiter = delimiterOf(d.fileName)
    if (!delimiter && licence.permittedFields.length > 0) {
      // Art. 24: a file we cannot cut down to the permitted fields is not handed over whole.
      await complete(licence, doc, {
        sourceSha256: d.sha256 ?? null,
        fingerprintNote: 'not_projectable',
      })
      continue
    }
    const table = delimiter ? productTableId(String(version._id), d.key) : null
    if (doc.status === 'completed') {
      await complete(licence, doc, {}, table)
      continue
    }
    const set: Partial<DeliveryDoc> = delimiter
      ? await tableCopy(licence, doc, version, d, delimiter)
      : // Not a table: delivered as it is (the licence page says so); the store already holds it.
        {
          sourceSha256: d.sha256 ?? null,
          storageKey: d.storageKey!,
          sha256: d.sha256 ?? null,
          sizeBytes: d.sizeBytes ?? null,
          fingerprintNote: 'not_a_table',
        }
    await complete(licence, doc, set, table)
  }
}

/**
 * Art. 24, 38: an API licence's rows are read from its own copy of the version's table, made as a
 * downloaded file's is (permitted columns, the licence's fingerprint), so rows leaked from the API
 * trace back to the licence like a leaked file. The copy is never offered for download.
 */
async function deliverApiTable(licence: LicenceDoc, out: DeliveryOutcome): Promise<void> {
  const version = await licensedVersion(licence)
  if (!version) throw new DomainError('no_version', 'error.licences.noVersion', 409)
  // The table it serves: the version's first CSV/TSV file.
  const table = version.distributions.find(
    (d) => d.kind === 'file' && d.storageKey && delimiterOf(d.fileName),
  )
  if (table) await requireVersionScreened(version)
  const { doc, created } = await claimDelivery(licence, 'api', {
    kind: 'api',
    productId: licence.productId,
    versionId: String(version._id),
    catalogEntryId: null,
    fileName: table?.fileName ?? null,
    mediaType: table?.mediaType ?? null,
  })
  out.deliveries.push({ id: doc._id, kind: 'api', created })
  const tableId = table ? productTableId(String(version._id), table.key) : null
  if (doc.status === 'completed' || !table) {
    await complete(licence, doc, {}, tableId)
    return
  }
  await complete(
    licence,
    doc,
    await tableCopy(licence, doc, version, table, delimiterOf(table.fileName)!),
    tableId,
  )
}

async function deliverCatalogEntry(licence: LicenceDoc, out: DeliveryOutcome): Promise<void> {
  const entryId = licence.catalogEntryId!
  const files = [...(await currentFiles(entryId)).values()]
  if (files.length === 0) {
    const { doc, created } = await claimDelivery(licence, 'offline', {
      kind: 'offline',
      productId: null,
      versionId: null,
      catalogEntryId: entryId,
      fileName: null,
      mediaType: null,
    })
    out.deliveries.push({ id: doc._id, kind: 'offline', created })
    await complete(licence, doc, {})
    return
  }
  for (const f of files) {
    // Art. 32: open files are screened before they leave, as on the portal.
    await requireFileScreened(f)
    const { doc, created } = await claimDelivery(licence, `open:${f.key}`, {
      kind: 'open-file',
      productId: null,
      versionId: null,
      catalogEntryId: entryId,
      fileName: f.filename,
      mediaType: f.contentType,
    })
    out.deliveries.push({ id: doc._id, kind: 'open-file', created })
    await complete(
      licence,
      doc,
      {
        openFileId: f._id,
        sha256: f.sha256,
        sourceSha256: f.sha256,
        sizeBytes: f.size,
        fingerprintNote: 'open_data_as_is',
      },
      delimiterOf(f.filename) ? openFileTableId(f._id) : null,
    )
  }
}

/**
 * Art. 24, 26, 38: delivers `licenceId` once, whatever number of times it is called; a licence
 * no longer in force when the job runs is not delivered.
 */
export async function deliverLicence(
  licenceId: string,
  now = new Date(),
): Promise<DeliveryOutcome> {
  await connectDb()
  const licence = await findLicence(licenceId)
  if (!licence) throw new DomainError('not_found', 'error.licences.notFound', 404)
  const out: DeliveryOutcome = { licenceId, deliveries: [] }
  const standing = await standingAt(licence, now)
  // A dead licence is never delivered; one starting later is delivered now (downloads and API
  // calls are refused until its start: standing.server.ts).
  if (standing === 'revoked' || standing === 'expired') return { ...out, skipped: standing }

  if (licence.catalogEntryId) await deliverCatalogEntry(licence, out)
  else if (licence.deliveryMode === 'file_download') await deliverFiles(licence, out)
  else if (licence.deliveryMode === 'api') await deliverApiTable(licence, out)
  else {
    const { doc, created } = await claimDelivery(licence, 'model-run', {
      kind: 'model_run',
      productId: licence.productId,
      versionId: licence.versionId,
      catalogEntryId: null,
      fileName: null,
      mediaType: null,
    })
    out.deliveries.push({ id: doc._id, kind: 'model_run', created })
    await complete(licence, doc, {})
  }
  // Tell the licensee once (the notification's key makes a repeat a no-op).
  await enqueue('notifications', {
    key: `licence-delivered:${licenceId}`,
    orgId: licence.licenseeOrgId,
    kind: 'licence.delivered',
    params: { licenceId, deliveries: out.deliveries.length },
  })
  return out
}

/** A claim older than this without its completion is a delivery that stopped half-way. */
export const STALE_CLAIM_MS = 15 * 60_000
/** A delivery job that finished (failed, or completed without delivering all) is requeued this long after, not every minute. */
export const REQUEUE_AFTER_MS = 15 * 60_000

/**
 * Repair (Art. 38: what was bought is delivered): every licence in force with no completed
 * delivery, or with a claim left half-done for `STALE_CLAIM_MS`, gets its delivery job — licences
 * issued outside `issueLicence` (the seeded demo ones), a job lost with Redis, or one that failed
 * (its attempts spent, or refused). BullMQ ignores an add under a job id it still keeps, so a failed
 * job under `delivery-<licenceId>` is retried in place (attempts reset), a completed one removed and
 * added again, each once it has lain `REQUEUE_AFTER_MS`; a waiting, delayed or running one is left
 * alone. The claims make a second run harmless. Returns how many jobs were (re)queued.
 */
export async function enqueueMissingDeliveries(now = new Date(), limit = 500): Promise<number> {
  await connectDb()
  const active = await Licence.find(
    { status: 'active', end: mongoose.trusted({ $gt: now }) },
    { _id: 1 },
  )
    .sort({ _id: -1 })
    .limit(limit)
    .lean()
  if (active.length === 0) return 0
  const ids = active.map((l) => String(l._id))
  const rows = await Delivery.find(
    { licenceId: mongoose.trusted({ $in: ids }) },
    { licenceId: 1, status: 1, claimedAt: 1 },
  ).lean()
  const completed = new Set<string>()
  const halfDone = new Set<string>()
  for (const d of rows) {
    if (d.status === 'completed') completed.add(d.licenceId)
    else if (now.getTime() - d.claimedAt.getTime() >= STALE_CLAIM_MS) halfDone.add(d.licenceId)
  }
  const queue = getQueue('delivery')
  let enqueued = 0
  for (const licenceId of ids) {
    if (completed.has(licenceId) && !halfDone.has(licenceId)) continue
    const jobId = deliveryJobId(licenceId)
    const job = await queue.getJob(jobId)
    const state = job ? await job.getState() : null
    const finished = state === 'failed' || state === 'completed'
    if (job && finished && now.getTime() - (job.finishedOn ?? 0) < REQUEUE_AFTER_MS) continue
    if (job && state === 'failed') {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
      enqueued++
      continue
    }
    if (job && state === 'completed') await job.remove()
    else if (job && state !== 'unknown') continue
    await enqueue('delivery', { licenceId }, { jobId })
    enqueued++
  }
  return enqueued
}

/** A licence's deliveries (the licence page), in key order. */
export async function deliveriesOf(licenceId: string): Promise<DeliveryDoc[]> {
  await connectDb()
  return (await Delivery.find({ licenceId }).sort({ _id: 1 }).lean()) as DeliveryDoc[]
}

/** Deliveries for many licences at once (the licence list). */
export async function deliveriesFor(licenceIds: string[]): Promise<DeliveryDoc[]> {
  if (licenceIds.length === 0) return []
  return (await Delivery.find({
    licenceId: mongoose.trusted({ $in: licenceIds }),
  }).lean()) as DeliveryDoc[]
}

/** Product titles for the pages (batched). */
export async function productTitles(
  ids: string[],
): Promise<Map<string, { zh: string; en: string }>> {
  const unique = [...new Set(ids.filter((id) => isObjectId(id)))]
  if (unique.length === 0) return new Map()
  const rows = await Product.find({ _id: mongoose.trusted({ $in: unique }) }, { title: 1 }).lean()
  return new Map(rows.map((p) => [String(p._id), { zh: p.title.zh, en: p.title.en }]))
}
