// The files behind open distributions (Art. 33: opened data is pushed to the open-data platform):
// the owning agency publishes a file for a distribution of a listed, open entry; the portal
// previews its first rows and serves the download. Bytes in GridFS, one record per upload.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import iconv from 'iconv-lite'
import mongoose from 'mongoose'
import { OpenDataFile, type OpenDataFileDoc } from '#models/open-data-file'
import { getEntryForIndex, type CatalogIndexRecord } from '~/services/catalog/entries.server'
import {
  requestScan,
  runScan,
  screeningStatus,
  screeningStatuses,
  SUBJECT_REF,
  type ScreeningStatus,
} from '~/services/desensitize/screening.server'
import { delimiterOf } from '~/services/delivery/deliver.server'
import { activeEmergencyFor } from '~/services/emergency/active.server'
import { enqueueSubjectIndex, openFileTableId } from '~/services/subjects/holdings.server'
import { recordSubjectUse } from '~/services/subjects/uses.server'
import { contentStore, keyFor } from '~/services/storage/store.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim, connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'

export const MAX_FILE_BYTES = 20 * 1024 * 1024
const BUCKET = 'open_files'
const PREVIEW_BYTES = 64 * 1024
export const PREVIEW_ROWS = 10

function bucket() {
  return new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: BUCKET })
}

export function isOpenRecord(record: Pick<CatalogIndexRecord, 'content'>): boolean {
  return record.content.openAttribute !== 'not_open'
}

/**
 * Art. 32–33: the source agency publishes the file of one distribution of its listed entry; only
 * open or conditionally open entries have files on the portal.
 */
export async function publishDistributionFile(input: {
  user: AuthUser
  entryId: string
  key: string
  filename: string
  contentType: string
  bytes: Uint8Array
  /** Seeding: scan at once through the scan job's own service instead of enqueueing the job. */
  scanNow?: boolean
}): Promise<{ id: string; sha256: string; created: boolean }> {
  await connectDb()
  const record = await getEntryForIndex(input.entryId)
  if (!record) throw new DomainError('not_found', 'error.notFound', 404)
  if (!input.user.org || input.user.org.id !== record.orgId)
    throw new DomainError('forbidden', 'error.forbidden', 403)
  if (!isOpenRecord(record)) throw new DomainError('not_open', 'error.openData.notOpen', 409)
  const distribution = record.content.distributions.find((d) => d.key === input.key)
  if (!distribution)
    throw new DomainError('no_distribution', 'error.openData.noDistribution', 404, {
      key: ['error.openData.noDistribution'],
    })
  if (input.bytes.byteLength === 0)
    throw new DomainError('empty_file', 'error.openData.emptyFile', 400, {
      file: ['error.openData.emptyFile'],
    })
  if (input.bytes.byteLength > MAX_FILE_BYTES)
    throw new DomainError('payload_too_large', 'error.payloadTooLarge', 413)
  const sha256 = createHash('sha256').update(input.bytes).digest('hex')
  const id = `${input.entryId}:${input.key}:${sha256}`
  if (await OpenDataFile.exists({ _id: id })) return { id, sha256, created: false }
  const filename =
    [...input.filename]
      .map((ch) => (ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20 ? '_' : ch))
      .join('')
      .slice(0, 120) || `${input.key}.${distribution.format.toLowerCase()}`
  const upload = bucket().openUploadStream(filename, {
    metadata: { entryId: input.entryId, key: input.key, sha256 },
  })
  await new Promise<void>((resolve, reject) => {
    Readable.from(Buffer.from(input.bytes))
      .pipe(upload)
      .on('finish', () => resolve())
      .on('error', reject)
  })
  if (
    !(await claim(OpenDataFile, {
      _id: id,
      entryId: input.entryId,
      key: input.key,
      gridFsId: upload.id,
      filename,
      contentType: input.contentType || 'application/octet-stream',
      size: input.bytes.byteLength,
      sha256,
      uploadedBy: input.user.id,
      // Art. 40: a file published while an emergency collection covers the entry is tagged.
      emergencyId: await activeEmergencyFor(input.entryId, new Date()),
    }))
  ) {
    await bucket()
      .delete(upload.id)
      .catch(() => undefined)
    return { id, sha256, created: false }
  }
  await appendLedger({
    action: 'open-data.file-published',
    actor: { userId: input.user.id, orgId: input.user.org.id },
    subjects: [`catalog-entry:${input.entryId}`, `org:${record.orgId}`],
    payload: { entryId: input.entryId, key: input.key, sha256, size: input.bytes.byteLength },
    summary: { key: input.key, sha256, size: input.bytes.byteLength },
  })
  await screenFile({ _id: id, sha256, filename }, input.bytes, {
    now: input.scanNow,
    requestedBy: { userId: input.user.id, orgId: input.user.org.id },
  })
  // C10 (Art. 39): what the table holds about data subjects (its release is recorded when it is
  // first served, below — a file the scan blocks is never opened).
  if (delimiterOf(filename)) await enqueueSubjectIndex(openFileTableId(id))
  return { id, sha256, created: true }
}

/** The screening subject of an open file: `distribution:<fileId>` (the id made subject-safe). */
export function screeningSubject(file: { _id: string }): string {
  const readable = `distribution:${file._id.replace(/:/g, '_')}`
  return SUBJECT_REF.test(readable)
    ? readable
    : `distribution:f_${createHash('sha256').update(file._id).digest('hex').slice(0, 48)}`
}

/**
 * Art. 32/41: a new open file is screened before it is opened — its bytes go to the content
 * store (the scanner reads files inside STORAGE_DIR) and a scan is requested for its subject
 * (`now`: run through the scan job's own service, for seeding).
 */
async function screenFile(
  file: { _id: string; sha256: string; filename: string },
  bytes: Uint8Array,
  options: { now?: boolean; requestedBy?: { userId?: string; orgId?: string } },
): Promise<void> {
  const stored = await contentStore().putBytes(bytes)
  const scan = {
    fileRef: contentStore().fileRef(stored.key),
    subjectRef: screeningSubject(file),
    fileName: file.filename,
    requestedBy: options.requestedBy,
  }
  if (options.now) await runScan(scan)
  else await requestScan(scan)
}

/** Seeding and repair: screens, synchronously, a stored open file that has no verdict yet. */
export async function screenFileNow(file: OpenDataFileDoc): Promise<ScreeningStatus> {
  const status = await screeningStatus(screeningSubject(file))
  if (status !== 'pending') return status
  const stored = await contentStore().stat(keyFor(file.sha256))
  const bytes = stored ? undefined : await head(file, file.size)
  if (bytes) await contentStore().putBytes(bytes)
  return (
    await runScan({
      fileRef: contentStore().fileRef(keyFor(file.sha256)),
      subjectRef: screeningSubject(file),
      fileName: file.filename,
    })
  ).status
}

/** The screening verdict of an open file (Art. 32). */
export async function fileScreening(file: { _id: string }): Promise<ScreeningStatus> {
  return screeningStatus(screeningSubject(file))
}

/**
 * Art. 32/41: open data is previewed or downloaded only once the scan of its file passed —
 * personal information is not opened. Pending or failed files are refused (409) with the status.
 */
export async function requireFileScreened(file: {
  _id: string
  entryId?: string
  filename?: string
}): Promise<void> {
  const status = await fileScreening(file)
  if (status !== 'passed')
    throw new DomainError('not_screened', 'error.openData.notScreened', 409, undefined, { status })
  await recordRelease(file)
}

/** Files whose release this process has recorded (a release is recorded once, by its id). */
const released = new Set<string>()

/**
 * C10 (Art. 33, 39): the first time a table is served after its scan passed, it is opened — a use
 * of every data subject's record in it, by the department that published it.
 */
async function recordRelease(file: { _id: string; entryId?: string; filename?: string }) {
  if (released.has(file._id) || !file.entryId || !delimiterOf(file.filename)) return
  const record = await getEntryForIndex(file.entryId)
  if (!record) return
  await recordSubjectUse({
    id: `open-data-release:${file._id}`,
    kind: 'open-data-release',
    at: new Date(),
    orgId: record.orgId,
    purpose: '公共数据开放',
    basis: '《广东省公共数据管理办法》第三十三条',
    ref: `catalog-entry:${file.entryId}`,
    datasetId: openFileTableId(file._id),
  })
  released.add(file._id)
}

/**
 * Art. 32: the screening verdict of the current file of every distribution of these entries
 * (entry id → distribution key → status), in two queries — for listings and the CKAN API.
 */
export async function screeningByEntry(
  entryIds: readonly string[],
): Promise<Map<string, Map<string, ScreeningStatus>>> {
  const out = new Map<string, Map<string, ScreeningStatus>>(entryIds.map((id) => [id, new Map()]))
  if (entryIds.length === 0) return out
  await connectDb()
  const files = await OpenDataFile.find(
    { entryId: mongoose.trusted({ $in: [...new Set(entryIds)] }), sealedAt: null },
    { entryId: 1, key: 1, uploadedAt: 1 },
  )
    .sort({ uploadedAt: -1 })
    .lean()
  const current = new Map<string, { _id: string; entryId: string; key: string }>()
  for (const f of files)
    if (!current.has(`${f.entryId}\u0000${f.key}`)) current.set(`${f.entryId}\u0000${f.key}`, f)
  const statuses = await screeningStatuses([...current.values()].map((f) => screeningSubject(f)))
  for (const f of current.values())
    out.get(f.entryId)?.set(f.key, statuses.get(screeningSubject(f)) ?? 'pending')
  return out
}

/** The newest file of a distribution, or null. A file sealed at an emergency's end (Art. 40) is never one. */
export async function currentFile(entryId: string, key: string): Promise<OpenDataFileDoc | null> {
  await connectDb()
  return OpenDataFile.findOne({ entryId, key, sealedAt: null }).sort({ uploadedAt: -1 }).lean()
}

/** Files of an entry's distributions, newest per key (sealed ones left out, Art. 40). */
export async function currentFiles(entryId: string): Promise<Map<string, OpenDataFileDoc>> {
  await connectDb()
  const files = await OpenDataFile.find({ entryId, sealedAt: null })
    .sort({ uploadedAt: -1 })
    .limit(200)
    .lean()
  const out = new Map<string, OpenDataFileDoc>()
  for (const f of files) if (!out.has(f.key)) out.set(f.key, f)
  return out
}

/** A published file's bytes (at most MAX_FILE_BYTES). */
export async function openFileBytes(file: Pick<OpenDataFileDoc, 'gridFsId'>): Promise<Buffer> {
  await connectDb()
  const parts: Buffer[] = []
  for await (const part of bucket().openDownloadStream(file.gridFsId)) parts.push(part as Buffer)
  return Buffer.concat(parts)
}

/** Removes a file's bytes from GridFS (Art. 40 sealing); already gone is fine. */
export async function deleteOpenFileBytes(file: Pick<OpenDataFileDoc, 'gridFsId'>): Promise<void> {
  await connectDb()
  await bucket()
    .delete(file.gridFsId)
    .catch((error: unknown) => {
      if (!/not found|FileNotFound/i.test(String((error as Error)?.message ?? error))) throw error
    })
}

export function fileStream(file: OpenDataFileDoc): ReadableStream<Uint8Array> {
  return Readable.toWeb(bucket().openDownloadStream(file.gridFsId)) as ReadableStream<Uint8Array>
}

async function head(file: OpenDataFileDoc, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  const stream = bucket().openDownloadStream(file.gridFsId, {
    start: 0,
    end: Math.min(bytes, file.size),
  })
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer)
    size += (chunk as Buffer).length
    if (size >= bytes) break
  }
  stream.destroy()
  return Buffer.concat(chunks)
}

/** UTF-8 (with or without BOM) or, when that does not decode cleanly, GB18030. */
export function decodeText(bytes: Buffer): string {
  const body =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(body)
  // A cut in the middle of a multi-byte character leaves one replacement character at the end.
  const bad = (utf8.slice(0, -1).match(/\uFFFD/g) ?? []).length
  return bad > 0 ? iconv.decode(body, 'gb18030') : utf8.replace(/\uFFFD$/, '')
}

/** The first rows of a CSV text (RFC 4180 quoting), at most `max` rows after the header. */
export function parseCsvHead(text: string, max: number): { columns: string[]; rows: string[][] } {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length && records.length <= max; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      record.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      record.push(field)
      records.push(record)
      record = []
      field = ''
    } else field += ch
  }
  if ((field !== '' || record.length) && records.length <= max) {
    record.push(field)
    records.push(record)
  }
  const [columns = [], ...rows] = records
  return { columns, rows: rows.slice(0, max) }
}

export type Preview =
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'text'; text: string }
  | { kind: 'none' }

/** The first rows of a file for the portal's preview (Art. 33: the public sees what it would download). */
export async function previewFile(file: OpenDataFileDoc, rows = PREVIEW_ROWS): Promise<Preview> {
  const format = file.filename.split('.').pop()?.toLowerCase() ?? ''
  const isCsv = format === 'csv' || file.contentType.includes('csv')
  const isText =
    isCsv ||
    ['json', 'geojson', 'txt', 'xml'].includes(format) ||
    file.contentType.startsWith('text/') ||
    file.contentType.includes('json')
  if (!isText) return { kind: 'none' }
  const text = decodeText(await head(file, PREVIEW_BYTES))
  if (isCsv) return { kind: 'table', ...parseCsvHead(text, rows) }
  return {
    kind: 'text',
    text: text
      .split('\n')
      .slice(0, rows * 3)
      .join('\n')
      .slice(0, 4000),
  }
}
