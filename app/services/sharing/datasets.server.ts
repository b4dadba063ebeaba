// The data a source department stores for sharing (C4; Art. 23–24): one CSV/TSV table per catalog
// entry (its newest upload is current), from which every online grant's own copy is made. Only the
// entry's own department stores it, and the table must carry every field the catalog lists for the
// entry — what is granted by field name must exist by that name. Storing it starts the delivery of
// every online grant of the entry still waiting for its data.
import { activeEmergencyFor } from '~/services/emergency/active.server'
import { withoutDeletedRecords } from '~/services/subjects/record-requests.server'
import mongoose from 'mongoose'
import { EntryDataset, type EntryDatasetDoc } from '#models/entry-dataset'
import { SharingGrant } from '#models/sharing-grant'
import { VerificationSetting } from '#models/verification-setting'
import { enqueue } from '#jobs/queues'
import { CatalogEntry } from '#models/catalog-entry'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { receiveSingleFile } from '~/services/products/upload.server'
import { readCsvHead } from '~/services/delivery/spec.server'
import { delimiterOf } from '~/services/delivery/deliver.server'
import { contentStore, type StoredObject } from '~/services/storage/store.server'
import { connectDb, insertOnce } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'

const HEAD_BYTES = 64 * 1024
/** Grants in these modes get a copy of the stored data (offline ones record hand-overs). */
export const ONLINE_SHARING_MODES = ['api', 'file'] as const

/** The entry, when `user` works for its source department (who alone stores its data). */
async function loadOwnEntry(user: AuthUser, entryId: string) {
  assertMay(user, 'decide:sharing-request:own-org')
  if (!isObjectId(entryId)) throw new DomainError('not_found', 'error.sharing.notFound', 404)
  await connectDb()
  const entry = await CatalogEntry.findById(entryId, { orgId: 1, published: 1 }).lean()
  if (!entry?.published) throw new DomainError('not_found', 'error.sharing.notFound', 404)
  if (entry.orgId !== user.org?.id)
    throw new DomainError('forbidden', 'error.sharing.notSource', 403)
  return {
    id: entryId,
    orgId: entry.orgId,
    title: { zh: entry.published.title.zh, en: entry.published.title.en },
    fields: entry.published.fields.map((f) => f.name),
    labels: entry.published.fields.map((f) => ({
      name: f.name,
      label: { zh: f.label.zh, en: f.label.en },
    })),
  }
}

/** The source department's page for its entry's data: what is stored and which grants wait for it. */
export async function datasetPage(user: AuthUser, entryId: string, now: Date = new Date()) {
  const entry = await loadOwnEntry(user, entryId)
  const dataset = await currentDataset(entryId)
  const grants = await SharingGrant.countDocuments({
    catalogEntryId: entryId,
    kind: 'sharing',
    mode: mongoose.trusted({ $in: [...ONLINE_SHARING_MODES] }),
    revokedAt: null,
    end: mongoose.trusted({ $gt: now }),
  })
  return {
    entry: { id: entry.id, title: entry.title, fields: entry.labels },
    dataset: dataset
      ? {
          fileName: dataset.fileName,
          sha256: dataset.sha256,
          sizeBytes: dataset.sizeBytes,
          columns: dataset.header,
          uploadedAt: dataset.uploadedAt.toISOString(),
          ledgerSeq: dataset.ledgerSeq ?? null,
        }
      : null,
    onlineGrants: grants,
  }
}

async function headOf(key: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of contentStore().read(key, { start: 0, end: HEAD_BYTES - 1 }))
    chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * Art. 24 (minimal authorization works by field name): the table names every field the catalog
 * lists for the entry; extra columns are kept but never delivered unless granted by name.
 */
export function assertDatasetHeader(header: readonly string[], fields: readonly string[]) {
  const have = new Set(header.map((h) => h.trim()))
  const missing = fields.filter((f) => !have.has(f))
  if (missing.length > 0)
    throw new DomainError(
      'dataset_fields_missing',
      'error.sharing.datasetFieldsMissing',
      422,
      { file: ['error.sharing.datasetFieldsMissing'] },
      { fields: missing.slice(0, 20).join(', ') },
    )
}

async function recordDataset(
  user: AuthUser,
  entry: Awaited<ReturnType<typeof loadOwnEntry>>,
  fileName: string,
  stored: Pick<StoredObject, 'key' | 'sha256' | 'size'>,
  now: Date,
) {
  const delimiter = delimiterOf(fileName)
  if (!delimiter)
    throw new DomainError('unsupported_file_type', 'error.market.fileType', 415, undefined, {
      types: 'csv, tsv',
    })
  const head = readCsvHead(await headOf(stored.key), delimiter, 1)
  assertDatasetHeader(head.header, entry.fields)
  // Art. 42: records deleted at their subjects' request do not come back with a new upload.
  const kept = await withoutDeletedRecords(entry.id, fileName, stored)
  stored = kept.stored
  const _id = `${entry.id}:${stored.sha256}`
  // Art. 40: a table stored while an emergency collection covers the entry is tagged with it.
  const emergency = await activeEmergencyFor(entry.id, now)
  const { doc } = await insertOnce(
    EntryDataset,
    {
      _id,
      entryId: entry.id,
      orgId: entry.orgId,
      emergencyId: emergency,
      fileName,
      storageKey: stored.key,
      sha256: stored.sha256,
      sizeBytes: stored.size,
      header: head.header,
      uploadedBy: user.id,
      uploadedAt: now,
      cause: kept.cause,
    },
    { _id },
  )
  const { ledgerSeq, grantsQueued } = await completeDatasetStored(doc.toObject() as EntryDatasetDoc)
  return {
    entryId: entry.id,
    sha256: stored.sha256,
    fileName,
    sizeBytes: stored.size,
    columns: head.header,
    ledgerSeq,
    grantsQueued,
  }
}

/**
 * The steps after a table is stored, from the stored record alone: log it, queue the online
 * grants' copies, its subject index and the verification index. `ledgerSeq` is set last, so the sharing sweep
 * finishes a record a crash left without it (ADR 003); every step is keyed or idempotent.
 */
export async function completeDatasetStored(dataset: EntryDatasetDoc) {
  const logged = await appendLedger({
    action: 'catalog-entry.dataset-stored',
    actor: { userId: dataset.uploadedBy, orgId: dataset.orgId },
    subjects: [`catalog-entry:${dataset.entryId}`, `org:${dataset.orgId}`],
    payload: {
      sha256: dataset.sha256,
      fileName: dataset.fileName,
      columns: dataset.header,
      ...(dataset.cause ? { cause: dataset.cause } : {}),
    },
    summary: {
      sha256: dataset.sha256,
      sizeBytes: dataset.sizeBytes,
      ...(dataset.cause ? { cause: dataset.cause } : {}),
    },
    eventKey: `catalog-entry.dataset-stored:${dataset._id}`,
  })
  const grantsQueued = await enqueueGrantDeliveries(dataset.entryId)
  // C10 (Art. 39): what the table holds about each data subject.
  await enqueue(
    'subject-index',
    { datasetId: dataset._id },
    { jobId: `subject-index-${dataset.sha256}-${dataset.entryId}` },
  )
  // C5: an entry offering verification answers from its newest data.
  if (await VerificationSetting.exists({ _id: dataset.entryId, enabled: true }))
    await enqueue('verification-index', { entryId: dataset.entryId })
  await EntryDataset.updateOne({ _id: dataset._id }, { $set: { ledgerSeq: logged._id } })
  return { ledgerSeq: logged._id, grantsQueued }
}

/**
 * Art. 23–24: the source department stores its entry's table from a multipart upload (field
 * `file`, CSV or TSV, within the upload limit and its storage quota).
 */
export async function receiveEntryDataset(
  user: AuthUser,
  entryId: string,
  request: Request,
  now: Date = new Date(),
) {
  const entry = await loadOwnEntry(user, entryId)
  const received = await receiveSingleFile(request, {
    maxBytes: getEnv().UPLOAD_MAX_BYTES,
    quotaOrgId: entry.orgId,
    extensions: ['csv', 'tsv'],
  })
  const stored = await received.staged.commit()
  return recordDataset(user, entry, received.name, stored, now)
}

/** The same from bytes in hand (the demo world, tests). */
export async function storeEntryDatasetBytes(
  user: AuthUser,
  entryId: string,
  fileName: string,
  bytes: string | Uint8Array,
  now: Date = new Date(),
) {
  const entry = await loadOwnEntry(user, entryId)
  const stored = await contentStore().putBytes(bytes)
  return recordDataset(user, entry, fileName, stored, now)
}

/** The entry's current data (its newest table not sealed at an emergency's end), or null. */
export async function currentDataset(entryId: string): Promise<EntryDatasetDoc | null> {
  await connectDb()
  return (
    (await EntryDataset.findOne({ entryId, sealedAt: null }).sort({ uploadedAt: -1 }).lean()) ??
    null
  )
}

/**
 * Queues the copy of an online grant of the entry's current data (job id per grant and data, so a
 * new upload is delivered again and a repeat is ignored). False when no data is stored yet.
 */
export async function enqueueGrantDelivery(grantId: string, entryId: string): Promise<boolean> {
  const dataset = await currentDataset(entryId)
  if (!dataset) return false
  await enqueue(
    'delivery',
    { grantId },
    { jobId: `delivery-grant-${grantId}-${dataset.sha256.slice(0, 16)}` },
  )
  return true
}

/** After the entry's data is stored: queue every online grant in force. Returns how many. */
export async function enqueueGrantDeliveries(entryId: string, now: Date = new Date()) {
  const dataset = await currentDataset(entryId)
  if (!dataset) return 0
  const grants = await SharingGrant.find(
    {
      catalogEntryId: entryId,
      kind: 'sharing',
      mode: mongoose.trusted({ $in: [...ONLINE_SHARING_MODES] }),
      revokedAt: null,
      end: mongoose.trusted({ $gt: now }),
    },
    { _id: 1 },
  ).lean()
  for (const g of grants) await enqueueGrantDelivery(String(g._id), entryId)
  return grants.length
}
