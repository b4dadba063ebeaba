// Storage that cannot be filled for free (issue 14): a per-organisation quota checked before an
// upload's first byte is read, and a sweep that removes blobs nothing refers to once they are
// older than a grace period (an upload refused after it was stored, a file removed from a draft).
// Every kind of record that points into the content store is listed in `referencedKeys`: a new
// kind of reference must be added there, or its blobs would be swept (the test of this module
// runs the demo world's flows and checks that nothing they stored is removed).
import { Delivery } from '#models/delivery'
import { EntryDataset } from '#models/entry-dataset'
import { EmergencyCollection } from '#models/emergency-collection'
import { SubjectCopy } from '#models/subject-copy'
import { SubjectIndex } from '#models/subject-index'
import { VerificationBatch } from '#models/verification-batch'
import { VerificationSetting } from '#models/verification-setting'
import { DesensitizeResult } from '#models/desensitize-result'
import { OpenDataFile } from '#models/open-data-file'
import { ProductVersion } from '#models/product-version'
import { ScanReport } from '#models/scan-report'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { contentStore, keyFor } from './store.server'

/**
 * Bytes an organisation holds: every product version's files, the data stored for sharing and the
 * candidates' files of its verification batches.
 */
export async function orgStorageUsed(orgId: string): Promise<number> {
  const [[row], [shared], [batches]] = await Promise.all([
    ProductVersion.aggregate<{ total: number }>([
      { $match: { ownerOrgId: orgId } },
      { $unwind: '$distributions' },
      { $group: { _id: null, total: { $sum: '$distributions.sizeBytes' } } },
    ]),
    EntryDataset.aggregate<{ total: number }>([
      { $match: { orgId } },
      { $group: { _id: null, total: { $sum: '$sizeBytes' } } },
    ]),
    VerificationBatch.aggregate<{ total: number }>([
      { $match: { orgId } },
      { $group: { _id: null, total: { $sum: '$sizeBytes' } } },
    ]),
  ])
  return (row?.total ?? 0) + (shared?.total ?? 0) + (batches?.total ?? 0)
}

/**
 * The bytes an organisation may still store, or a 413 naming its quota when `incoming` (the
 * declared size, when the client sent one) would not fit. Checked before the body is read.
 */
export async function assertStorageQuota(orgId: string, incoming = 0): Promise<number> {
  const quota = getEnv().ORG_STORAGE_QUOTA_BYTES
  const remaining = quota - (await orgStorageUsed(orgId))
  if (remaining <= 0 || incoming > remaining) {
    throw new DomainError(
      'storage_quota',
      'error.storageQuota',
      413,
      { file: ['error.storageQuota'] },
      { quotaGiB: Math.round((quota / 1024 ** 3) * 10) / 10 },
    )
  }
  return remaining
}

/** Every content-store key some record refers to. */
export async function referencedKeys(): Promise<Set<string>> {
  const keys = new Set<string>()
  const add = (key: unknown) => {
    if (typeof key === 'string' && key.startsWith('sha256/')) keys.add(key)
  }
  const [
    versions,
    deliveries,
    results,
    openFiles,
    scans,
    datasets,
    indexes,
    batches,
    subjects,
    copies,
    emergencies,
  ] = await Promise.all([
    ProductVersion.find({}, { 'distributions.storageKey': 1 }).lean(),
    Delivery.find({}, { storageKey: 1 }).lean(),
    DesensitizeResult.find({}, { outputKey: 1 }).lean(),
    OpenDataFile.find({}, { sha256: 1, sealed: 1 }).lean(),
    ScanReport.find({}, { fileRef: 1 }).lean(),
    EntryDataset.find({}, { storageKey: 1, sealed: 1 }).lean(),
    VerificationSetting.find({}, { index: 1 }).lean(),
    VerificationBatch.find({}, { inputKey: 1, resultKey: 1 }).lean(),
    SubjectIndex.find({}, { storageKey: 1 }).lean(),
    SubjectCopy.find({}, { csvKey: 1, jsonKey: 1 }).lean(),
    EmergencyCollection.find({}, { report: 1 }).lean(),
  ])
  for (const v of versions)
    for (const d of (v as { distributions?: { storageKey?: string | null }[] }).distributions ?? [])
      add(d.storageKey)
  for (const d of deliveries) add(d.storageKey)
  for (const r of results) add(r.outputKey)
  for (const f of openFiles) {
    add(keyFor(f.sha256))
    add(f.sealed?.ciphertextKey)
  }
  for (const s of scans) add(s.fileRef)
  for (const d of datasets) {
    add(d.storageKey)
    add(d.sealed?.ciphertextKey)
  }
  for (const e of emergencies) add(e.report?.storageKey)
  for (const v of indexes) add(v.index?.storageKey)
  for (const s of subjects) add(s.storageKey)
  for (const c of copies) {
    add(c.csvKey)
    add(c.jsonKey)
  }
  for (const b of batches) {
    add(b.inputKey)
    add(b.resultKey)
  }
  return keys
}

export interface BlobSweepResult {
  examined: number
  removed: string[]
  bytesFreed: number
}

/** Removes blobs that no record refers to and that have not changed for the grace period. */
export async function sweepUnreferencedBlobs(
  options: { now?: Date; graceMs?: number } = {},
): Promise<BlobSweepResult> {
  const now = options.now ?? new Date()
  const graceMs = options.graceMs ?? getEnv().BLOB_GRACE_HOURS * 3600_000
  const store = contentStore()
  // References first, then the listing: a blob stored after the references were read is younger
  // than the grace period, so it is kept whatever the race.
  const referenced = await referencedKeys()
  const result: BlobSweepResult = { examined: 0, removed: [], bytesFreed: 0 }
  for await (const blob of store.list()) {
    result.examined++
    if (referenced.has(blob.key) || now.getTime() - blob.modifiedAt.getTime() < graceMs) continue
    await store.remove(blob.key)
    result.removed.push(blob.key)
    result.bytesFreed += blob.size
  }
  return result
}
