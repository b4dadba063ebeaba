// Batch verification (C5; Art. 23 ¶3): an agency uploads a CSV or TSV of candidate records (a
// header naming the entry's key fields and any compared fields, one candidate a row); the
// `verification-batch` job answers them from the entry's index with the same function as a single
// verification, logs every candidate as a keyed digest, and writes a file of match flags — found,
// and per field match / mismatch / not found, never a stored value nor the candidate's own values.
// The batch counts against the agency's daily limit on the entry as a whole when it is submitted;
// the same file against the same index is one batch (a unique claim), so a repeat is not counted.
import { Readable } from 'node:stream'
import iconv from 'iconv-lite'
import mongoose from 'mongoose'
import { VerificationBatch, type VerificationBatchDoc } from '#models/verification-batch'
import { enqueue } from '#jobs/queues'
import { CsvError, CsvScanner, fieldText, type CsvRecord } from '~/lib/csv-scanner'
import { notifyOrg } from '~/services/catalog/notify.server'
import { delimiterOf } from '~/services/delivery/deliver.server'
import { sniffEncoding } from '~/services/delivery/spec.server'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { dataKeys } from '~/services/identity/keys.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { receiveSingleFile } from '~/services/products/upload.server'
import { contentStore, type StoredObject } from '~/services/storage/store.server'
import { csvCell } from '~/utils/csv.server'
import { connectDb, insertOnce } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { DomainError, isDomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import { answerCandidate } from './index.server'
import { subjectKey } from '~/services/subjects/holdings.server'
import { recordSubjectUse } from '~/services/subjects/uses.server'
import {
  BATCH_MAX,
  openOffer,
  queryDigest,
  reserveBatchQuota,
  verificationUseTerms,
} from './verify.server'

/** Candidates answered (and logged to the ledger) per step: the job's progress and retry unit. */
export const BATCH_CHUNK = 10_000

function batchNotFound() {
  return new DomainError('not_found', 'error.verification.batchNotFound', 404)
}

type Offer = Awaited<ReturnType<typeof openOffer>>

/**
 * Reads a candidates' file from the content store, checking it against the offer: a header naming
 * every key field and otherwise only compared fields, each once; every row with its key fields
 * filled and no more cells than the header; at most BATCH_MAX rows. UTF-8 (BOM or not) or
 * GB18030. `onChunk` receives the candidates (their non-empty cells) `size` rows at a time.
 */
async function readCandidates(
  storageKey: string,
  delimiter: ',' | '\t',
  offer: Pick<Offer['setting'], 'keyFields' | 'checkFields'>,
  onChunk?: (
    records: Record<string, string>[],
    firstRow: number,
    header: readonly string[],
  ) => Promise<void>,
  size = BATCH_CHUNK,
): Promise<{ header: string[]; rows: number }> {
  const allowed = new Set([...offer.keyFields, ...offer.checkFields])
  const scanner = new CsvScanner({
    delimiter: delimiter.charCodeAt(0),
    maxFields: allowed.size + 1,
    maxRecordBytes: 64 * 1024,
  })
  const refuse = (key: 'badHeader' | 'badRow', params: Record<string, string | number>) =>
    new DomainError(
      'bad_batch',
      `error.verification.${key}`,
      400,
      { file: [`error.verification.${key}`] },
      {
        keyFields: offer.keyFields.join(', '),
        checkFields: offer.checkFields.join(', ') || '—',
        ...params,
      },
    )
  let header = null as string[] | null
  let rows = 0
  let pending: Record<string, string>[] = []
  let firstPending = 1
  let decode: ((b: Buffer) => string) | undefined
  const onRecord = (rec: CsvRecord) => {
    if (rec.count === 1 && rec.starts[0] === rec.ends[0]) return
    if (!header) {
      header = []
      for (let f = 0; f < rec.count; f++) header.push(fieldText(rec, f, decode).trim())
      header[0] = header[0]!.replace(/^\uFEFF/, '')
      const unknown = header.filter((h) => !allowed.has(h))
      const twice = header.filter((h, i) => header!.indexOf(h) !== i)
      const missing = offer.keyFields.filter((k) => !header!.includes(k))
      if (unknown.length || twice.length || missing.length)
        throw refuse('badHeader', { columns: [...unknown, ...twice, ...missing].join(', ') })
      return
    }
    rows++
    if (rows > BATCH_MAX)
      throw new DomainError('batch_too_large', 'error.verification.batchTooLarge', 413, undefined, {
        max: BATCH_MAX,
      })
    if (rec.count > header.length) throw refuse('badRow', { row: rows })
    const record: Record<string, string> = {}
    for (let f = 0; f < rec.count; f++) {
      const value = fieldText(rec, f, decode).trim()
      if (value) record[header[f]!] = value
    }
    if (offer.keyFields.some((k) => !record[k])) throw refuse('badRow', { row: rows })
    if (onChunk) pending.push(record)
  }
  try {
    let decided = false
    for await (const part of contentStore().read(storageKey)) {
      if (!decided) {
        decode =
          sniffEncoding(part as Buffer) === 'utf-8'
            ? undefined
            : (b: Buffer) => iconv.decode(b, 'gb18030')
        decided = true
      }
      scanner.push(part as Buffer, onRecord)
      while (onChunk && pending.length >= size) {
        const take = pending.slice(0, size)
        pending = pending.slice(size)
        await onChunk(take, firstPending, header!)
        firstPending += take.length
      }
    }
    scanner.end(onRecord)
  } catch (error) {
    if (error instanceof CsvError) throw refuse('badRow', { row: rows + 1 })
    throw error
  }
  if (!header || rows === 0)
    throw new DomainError('empty_batch', 'error.verification.emptyBatch', 400, {
      file: ['error.verification.emptyBatch'],
    })
  for (let i = 0; onChunk && i < pending.length; i += size) {
    await onChunk(pending.slice(i, i + size), firstPending + i, header)
  }
  return { header, rows }
}

export interface BatchView {
  id: string
  entryId: string
  fileName: string
  rows: number
  processed: number
  found: number
  status: VerificationBatchDoc['status']
  error: string | null
  createdAt: string
  finishedAt: string | null
  hasResult: boolean
}

function view(b: VerificationBatchDoc): BatchView {
  return {
    id: String(b._id),
    entryId: b.entryId,
    fileName: b.fileName,
    rows: b.rows,
    processed: b.processed,
    found: b.found,
    status: b.status,
    error: b.error ?? null,
    createdAt: b.createdAt.toISOString(),
    finishedAt: b.finishedAt?.toISOString() ?? null,
    hasResult: Boolean(b.resultKey),
  }
}

/**
 * Art. 23 ¶3, batch mode: records a stored candidates' file as a batch of the user's agency on the
 * entry and queues it. The file is read through once here (refused whole, with the row, when it
 * does not fit the offer); the batch counts against the daily limit on the entry as a whole
 * (refused whole, nothing counted, when it would pass it). The same file against the same index
 * returns the batch already there, counted once.
 */
async function createBatch(
  user: AuthUser,
  entryId: string,
  fileName: string,
  stored: Pick<StoredObject, 'key' | 'sha256' | 'size'>,
  now: Date,
): Promise<BatchView & { repeated: boolean }> {
  const { org, setting } = await openOffer(user, entryId, [])
  const key = {
    userId: user.id,
    entryId,
    inputSha256: stored.sha256,
    indexKey: setting.index.storageKey,
  }
  const before = await VerificationBatch.findOne(key).lean()
  if (before) return { ...view(before), repeated: true }
  const { rows } = await readCandidates(stored.key, delimiterOf(fileName) ?? ',', setting)
  const quota = await reserveBatchQuota(org.id, entryId, rows, now)
  let created: Awaited<ReturnType<typeof insertOnce<Omit<VerificationBatchDoc, '_id'>>>>
  try {
    created = await insertOnce(
      VerificationBatch,
      {
        ...key,
        orgId: org.id,
        fileName,
        inputKey: stored.key,
        sizeBytes: stored.size,
        rows,
        processed: 0,
        found: 0,
        status: 'queued',
        createdAt: now,
      },
      key,
    )
  } catch (error) {
    await quota.giveBack()
    throw error
  }
  if (!created.won) await quota.giveBack()
  const batchId = String(created.doc._id)
  // Queued after the claim; a crash between the two is repaired by `requeueStaleBatches`.
  await enqueue('verification-batch', { batchId }, { jobId: `verification-batch-${batchId}` })
  return { ...view(created.doc.toObject()), repeated: !created.won }
}

function checkFileName(fileName: string) {
  if (!delimiterOf(fileName))
    throw new DomainError(
      'unsupported_file_type',
      'error.market.fileType',
      415,
      { file: ['error.market.fileType'] },
      { types: 'csv, tsv' },
    )
}

/**
 * A batch from a multipart upload (field `file`, CSV or TSV). Who may verify what is checked before
 * a byte of the body is read.
 */
export async function submitVerificationBatch(
  user: AuthUser,
  entryId: string,
  request: Request,
  now: Date = new Date(),
) {
  await openOffer(user, entryId, [])
  const received = await receiveSingleFile(request, {
    maxBytes: getEnv().UPLOAD_MAX_BYTES,
    quotaOrgId: user.org!.id,
    extensions: ['csv', 'tsv'],
  })
  const stored = await received.staged.commit()
  return createBatch(user, entryId, received.name, stored, now)
}

/** The same from bytes in hand (the demo world, tests, the benchmark). */
export async function submitVerificationBatchBytes(
  user: AuthUser,
  entryId: string,
  fileName: string,
  bytes: string | Uint8Array,
  now: Date = new Date(),
) {
  await openOffer(user, entryId, [])
  checkFileName(fileName)
  const stored = await contentStore().putBytes(bytes)
  return createBatch(user, entryId, fileName, stored, now)
}

/**
 * The `verification-batch` job: answers the batch's candidates chunk by chunk from the entry's
 * index in force, logs each chunk to the ledger (the candidates' keyed digests, under an event key
 * per batch and chunk, so a retried chunk is logged once), keeps the progress, and stores the flags
 * (`row,found,<the file's columns…>`: true/false, then match / mismatch / not_found, empty where
 * the row left the cell empty) in the content store. Idempotent: a done or failed batch is left as
 * it is, and a rerun recomputes the same bytes. A refusal (the user lost the right, the entry
 * stopped offering verification) ends the batch as failed, not retried.
 */
export async function runVerificationBatch(batchId: string, options: { now?: Date } = {}) {
  await connectDb()
  const batch = isObjectId(batchId) ? await VerificationBatch.findById(batchId).lean() : null
  if (!batch) return { batchId, skipped: 'not_found' as const }
  if (batch.status === 'done' || batch.status === 'failed')
    return { batchId, skipped: batch.status }
  const now = options.now ?? new Date()
  try {
    const user = await loadAuthUser(batch.userId, 'session')
    if (!user || user.org?.id !== batch.orgId)
      throw new DomainError('forbidden', 'error.forbidden', 403)
    const { setting, types, index, subjectField } = await openOffer(user, batch.entryId, [])
    await VerificationBatch.updateOne(
      { _id: batchId },
      { $set: { status: 'running', processed: 0, found: 0 } },
    )
    const secret = dataKeys().verification
    const spec = { entryId: batch.entryId, keyFields: setting.index.keyFields, types }
    const lines: string[] = []
    let processed = 0
    let found = 0
    await readCandidates(
      batch.inputKey,
      delimiterOf(batch.fileName) ?? ',',
      setting,
      async (records, firstRow, header) => {
        if (lines.length === 0) lines.push(['row', 'found', ...header].map(csvCell).join(','))
        const digests: string[] = []
        const touched: string[] = []
        let hits = 0
        records.forEach((record, i) => {
          const answer = answerCandidate(secret, index, spec, record)
          digests.push(queryDigest(batch.entryId, record))
          if (answer.found) hits++
          if (answer.found && subjectField && record[subjectField])
            touched.push(subjectKey(record[subjectField]))
          const flags = header.map((c) => answer.fields[c] ?? '')
          lines.push([String(firstRow + i), String(answer.found), ...flags].join(','))
        })
        await appendLedger({
          action: 'verification.calls-logged',
          actor: { userId: batch.userId, orgId: batch.orgId },
          subjects: [`catalog-entry:${batch.entryId}`, `org:${batch.orgId}`],
          payload: { batchId, inputSha256: batch.inputSha256, from: firstRow, queries: digests },
          summary: {
            calls: records.length,
            found: hits,
            notFound: records.length - hits,
            batchId,
          },
          eventKey: `verification.batch:${batchId}:${firstRow}`,
        })
        // C10: whose records the chunk found.
        await recordSubjectUse({
          ...verificationUseTerms(batch.orgId, batch.entryId),
          id: `verification.batch:${batchId}:${firstRow}`,
          at: now,
          keys: touched,
        })
        processed += records.length
        found += hits
        await VerificationBatch.updateOne({ _id: batchId }, { $set: { processed, found } })
      },
    )
    const stored = await contentStore().putBytes(`\uFEFF${lines.join('\r\n')}\r\n`)
    await VerificationBatch.updateOne(
      { _id: batchId },
      {
        $set: {
          status: 'done',
          resultKey: stored.key,
          resultSha256: stored.sha256,
          finishedAt: now,
        },
      },
    )
    await notifyOrg({
      key: `verification-batch:${batchId}:done`,
      orgId: batch.orgId,
      kind: 'verification.batch_done',
      params: { batchId, fileName: batch.fileName, rows: processed, found },
    })
    return { batchId, processed, found }
  } catch (error) {
    if (!isDomainError(error)) throw error
    await VerificationBatch.updateOne(
      { _id: batchId, status: mongoose.trusted({ $in: ['queued', 'running'] }) },
      { $set: { status: 'failed', error: error.messageKey, finishedAt: now } },
    )
    return { batchId, failed: error.code }
  }
}

/** Batches queued for more than a few minutes (the queueing lost to a crash) are queued again. */
export async function requeueStaleBatches(now: Date = new Date()) {
  await connectDb()
  const stale = await VerificationBatch.find(
    { status: 'queued', createdAt: mongoose.trusted({ $lt: new Date(now.getTime() - 120_000) }) },
    { _id: 1 },
  )
    .limit(100)
    .lean()
  for (const b of stale)
    await enqueue(
      'verification-batch',
      { batchId: String(b._id) },
      { jobId: `verification-batch-${String(b._id)}` },
    )
  return stale.length
}

// ---------------------------------------------------------------------------------------------
// Pages

/** The agency's batches (newest first), for its staff. */
export async function verificationBatches(user: AuthUser): Promise<BatchView[]> {
  assertMay(user, 'verify:record:own-org')
  await connectDb()
  const batches = await VerificationBatch.find({ orgId: user.org?.id ?? '' })
    .sort({ createdAt: -1 })
    .limit(50)
    .lean()
  return batches.map(view)
}

async function verificationBatchDoc(user: AuthUser, batchId: string) {
  assertMay(user, 'verify:record:own-org')
  if (!isObjectId(batchId)) throw batchNotFound()
  await connectDb()
  const batch = await VerificationBatch.findById(batchId).lean()
  if (!batch || batch.orgId !== user.org?.id) throw batchNotFound()
  return batch
}

/** One batch of the user's agency (404 for another's: its existence is not disclosed). */
export async function verificationBatch(user: AuthUser, batchId: string): Promise<BatchView> {
  return view(await verificationBatchDoc(user, batchId))
}

/** The flags' file of a finished batch of the user's agency, opened for download. */
export async function openBatchResult(user: AuthUser, batchId: string) {
  const batch = await verificationBatchDoc(user, batchId)
  if (!batch.resultKey) throw new DomainError('not_ready', 'error.verification.batchNotDone', 409)
  const size = (await contentStore().stat(batch.resultKey))?.size ?? null
  return {
    body: Readable.toWeb(contentStore().read(batch.resultKey)) as ReadableStream<Uint8Array>,
    size,
    mediaType: 'text/csv; charset=utf-8',
    fileName: `${batch.fileName.replace(/\.(csv|tsv)$/i, '')}.verified.csv`,
  }
}
