// What is held about a data subject (C10; Art. 39, 42): when a source department stores an entry's
// table — or a product version's table is listed, or an open-data file published — the
// `subject-index` job writes a subject index of it — for every row, 16 bytes of the
// subject's key (the keyed blind index of the resident ID that also finds the person's account),
// where the row lies in the file, and its number — sorted, into the content store. A subject's
// rows are then a binary search in each table's index (held in memory), and her holdings a ranged
// read of the rows found: no collection scan, whatever the tables' size. A row is shown only when
// its own identifier gives the subject's full key.
import iconv from 'iconv-lite'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { EntryDataset } from '#models/entry-dataset'
import { OpenDataFile } from '#models/open-data-file'
import { ProductVersion } from '#models/product-version'
import { Organization } from '#models/organization'
import { Product } from '#models/product'
import { SubjectIndex, type SubjectIndexDoc } from '#models/subject-index'
import { enqueue } from '#jobs/queues'
import { CsvScanner, fieldText, type CsvRecord } from '~/lib/csv-scanner'
import { delimiterOf } from '~/services/delivery/deliver.server'
import { readCsvHead, sniffEncoding } from '~/services/delivery/spec.server'
import { normalizeResidentId } from '~/services/identity/codes'
import { blindIndex } from '~/services/identity/crypto.server'
import { dataKeys } from '~/services/identity/keys.server'
import { sortRecords } from '~/services/verification/index.server'
import { contentStore, keyFor } from '~/services/storage/store.server'
import { connectDb, insertOnce } from '~/utils/db.server'
import { isObjectId } from '~/utils/schemas'

/** Data-item code of the resident ID (Art. 14 registry) and its national data-element name. */
const RESIDENT_ID_ITEM = 'DI-P-0001'
const RESIDENT_ID_NAME = 'gmsfhm'
/** Bytes of the subject key an index keeps: 128 bits, beyond any collision. */
const KEY = 16
const RECORD = 32

/** Art. 39: the field of a table that names the natural person a row is about, or null. */
export function subjectColumn(
  fields: readonly { name: string; dataItemCode?: string | null }[],
): string | null {
  return (
    fields.find((f) => f.dataItemCode === RESIDENT_ID_ITEM)?.name ??
    fields.find((f) => f.name === RESIDENT_ID_NAME)?.name ??
    null
  )
}

/** The subject's key: the blind index of the resident ID (the account's `residentIdIndex`). */
export function subjectKey(residentId: string): string {
  return blindIndex(normalizeResidentId(residentId), dataKeys().index)
}

/**
 * Reads a CSV/TSV table from the content store, calling `onRow` with each data row's cells, byte
 * range in the file and number (1-based; the header is row 0).
 */
export async function scanTable(
  storageKey: string,
  delimiter: ',' | '\t',
  onHeader: (header: string[]) => void,
  onRow: (
    rec: CsvRecord,
    decode: ((b: Buffer) => string) | undefined,
    at: number,
    length: number,
    row: number,
  ) => void,
) {
  const scanner = new CsvScanner({ delimiter: delimiter.charCodeAt(0) })
  let decode: ((b: Buffer) => string) | undefined
  let decided = false
  let pushed = 0
  let carried = 0
  let base = 0
  let row = -1
  const onRecord = (rec: CsvRecord) => {
    if (rec.count === 1 && rec.starts[0] === rec.ends[0]) return
    row++
    if (row === 0) {
      const header: string[] = []
      for (let f = 0; f < rec.count; f++) header.push(fieldText(rec, f, decode).trim())
      header[0] = header[0]!.replace(/^\uFEFF/, '')
      onHeader(header)
      return
    }
    const start = rec.starts[0]! - rec.quoted[0]!
    const last = rec.count - 1
    const end = rec.ends[last]! + rec.quoted[last]!
    onRow(rec, decode, base + start, end - start, row)
  }
  for await (const part of contentStore().read(storageKey)) {
    const chunk = part as Buffer
    if (!decided) {
      decode = sniffEncoding(chunk) === 'utf-8' ? undefined : (b) => iconv.decode(b, 'gb18030')
      decided = true
    }
    base = pushed - carried
    const done = scanner.push(chunk, onRecord)
    carried = carried + chunk.length - done.length
    pushed += chunk.length
  }
  base = pushed - carried
  scanner.end(onRecord)
}

/** The id of a product version's table (one of its files) as a subject index names it. */
export function productTableId(versionId: string, distributionKey: string): string {
  return `pv:${versionId}:${distributionKey}`
}

/** The id of an open-data file as a subject index names it. */
export function openFileTableId(fileId: string): string {
  return `odf:${fileId}`
}

/** Queues the subject index of a product version's or open file's table (once: the job id). */
export async function enqueueSubjectIndex(tableId: string) {
  await enqueue(
    'subject-index',
    { datasetId: tableId },
    { jobId: `subject-index-${tableId.replace(/[^0-9A-Za-z_-]/g, '-')}` },
  )
}

/** Art. 39: a listed version's tables are indexed like a department's (what a buyer receives). */
export async function enqueueVersionIndexes(version: {
  _id: unknown
  distributions: readonly { key: string; kind: string; fileName?: string | null }[]
}) {
  for (const d of version.distributions)
    if (d.kind === 'file' && delimiterOf(d.fileName))
      await enqueueSubjectIndex(productTableId(String(version._id), d.key))
}

interface Table {
  source: 'entry-dataset' | 'product-version' | 'open-data-file'
  entryId: string | null
  orgId: string
  sha256: string
  storageKey: string
  fileName: string
  storedAt: Date
  fields: readonly { name: string; dataItemCode?: string | null }[]
  /** The table's header (an entry dataset's is stored with it), or null to read it. */
  header: string[] | null
}

/** A table's header row, read from its first 64 KiB. */
export async function headerOf(storageKey: string, delimiter: ',' | '\t'): Promise<string[]> {
  const parts: Buffer[] = []
  for await (const part of contentStore().read(storageKey, { start: 0, end: 65_535 }))
    parts.push(part as Buffer)
  return readCsvHead(Buffer.concat(parts), delimiter, 1).header
}

/** The stored table a subject index is built from, by the index's id; null when there is none. */
async function tableOf(id: string): Promise<Table | null> {
  if (id.startsWith('pv:')) {
    const [, versionId = '', key = ''] = id.split(':')
    if (!isObjectId(versionId)) return null
    const version = await ProductVersion.findById(versionId, {
      ownerOrgId: 1,
      distributions: 1,
      dataSchema: 1,
    }).lean()
    const d = version?.distributions.find((x) => x.key === key && x.kind === 'file')
    if (!version || !d?.storageKey || !d.sha256 || !delimiterOf(d.fileName)) return null
    return {
      source: 'product-version',
      entryId: null,
      orgId: version.ownerOrgId,
      sha256: d.sha256,
      storageKey: d.storageKey,
      fileName: d.fileName!,
      storedAt: d.addedAt,
      fields: version.dataSchema.fields,
      header: null,
    }
  }
  if (id.startsWith('odf:')) {
    const file = await OpenDataFile.findById(id.slice(4)).lean()
    if (!file || file.sealedAt || !delimiterOf(file.filename)) return null
    const entry = await CatalogEntry.findById(file.entryId, {
      orgId: 1,
      'published.fields': 1,
    }).lean()
    // The screened copy of the file in the content store (published files are screened).
    const storageKey = keyFor(file.sha256)
    if (!entry || !(await contentStore().stat(storageKey))) return null
    return {
      source: 'open-data-file',
      entryId: file.entryId,
      orgId: entry.orgId,
      sha256: file.sha256,
      storageKey,
      fileName: file.filename,
      storedAt: file.uploadedAt,
      fields: entry.published?.fields ?? [],
      header: null,
    }
  }
  const dataset = await EntryDataset.findById(id).lean()
  if (!dataset) return null
  const entry = await CatalogEntry.findById(dataset.entryId, { 'published.fields': 1 }).lean()
  return {
    source: 'entry-dataset',
    entryId: dataset.entryId,
    orgId: dataset.orgId,
    sha256: dataset.sha256,
    storageKey: dataset.storageKey,
    fileName: dataset.fileName,
    storedAt: dataset.uploadedAt,
    fields: entry?.published?.fields ?? [],
    header: dataset.header,
  }
}

/**
 * The `subject-index` job: the subject index of one stored table (an entry dataset, a product
 * version's file, an open-data file). Idempotent: one per table (its id), the file
 * content-addressed; a table without a subject column is skipped.
 */
export async function buildSubjectIndex(datasetId: string, now: Date = new Date()) {
  await connectDb()
  if (await SubjectIndex.exists({ _id: datasetId })) return { datasetId, skipped: 'built' as const }
  const table = await tableOf(datasetId)
  if (!table) return { datasetId, skipped: 'not_found' as const }
  const delimiter = delimiterOf(table.fileName) ?? ','
  const header = table.header ?? (await headerOf(table.storageKey, delimiter))
  // The declared identifier column, or (a product's own table) the national element's name.
  const column =
    subjectColumn(table.fields) ?? (header.includes(RESIDENT_ID_NAME) ? RESIDENT_ID_NAME : null)
  if (!column) return { datasetId, skipped: 'no_subject_column' as const }
  const secret = dataKeys().index
  const chunks: Buffer[] = []
  let chunk = Buffer.allocUnsafe(RECORD * 65_536)
  let used = 0
  let records = 0
  let col = -1
  await scanTable(
    table.storageKey,
    delimiter,
    (h) => {
      col = h.indexOf(column)
    },
    (rec, decode, at, length, row) => {
      if (col < 0 || col >= rec.count) return
      const value = normalizeResidentId(fieldText(rec, col, decode))
      if (!value) return
      if (used + RECORD > chunk.length) {
        chunks.push(chunk.subarray(0, used))
        chunk = Buffer.allocUnsafe(RECORD * 65_536)
        used = 0
      }
      Buffer.from(blindIndex(value, secret).slice(0, KEY * 2), 'hex').copy(chunk, used)
      chunk.writeUIntBE(at, used + KEY, 6)
      chunk.writeUInt16BE(0, used + KEY + 6)
      chunk.writeUInt32BE(length, used + KEY + 8)
      chunk.writeUInt32BE(row, used + KEY + 12)
      used += RECORD
      records++
    },
  )
  chunks.push(chunk.subarray(0, used))
  const stored = await contentStore().putBytes(sortRecords(Buffer.concat(chunks), RECORD))
  await insertOnce(
    SubjectIndex,
    {
      _id: datasetId,
      source: table.source,
      entryId: table.entryId,
      orgId: table.orgId,
      datasetSha256: table.sha256,
      column,
      storageKey: stored.key,
      records,
      builtAt: now,
      fileName: table.fileName,
      tableKey: table.storageKey,
      header,
      storedAt: table.storedAt,
    },
    { _id: datasetId },
  )
  return { datasetId, records }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Index files read in this process, by storage key. */
const files = new Map<string, Buffer>()

async function indexFile(storageKey: string): Promise<Buffer> {
  let buffer = files.get(storageKey)
  if (!buffer) {
    const parts: Buffer[] = []
    for await (const part of contentStore().read(storageKey)) parts.push(part as Buffer)
    buffer = Buffer.concat(parts)
    files.set(storageKey, buffer)
  }
  return buffer
}

/** The rows of an index file holding the key `key16`: their byte ranges in the table. */
export function findRows(
  buffer: Buffer,
  key16: Buffer,
): { at: number; length: number; row: number }[] {
  const n = Math.floor(buffer.length / RECORD)
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    // (The record's key against the one sought.)
    if (buffer.compare(key16, 0, KEY, mid * RECORD, mid * RECORD + KEY) < 0) lo = mid + 1
    else hi = mid
  }
  const out: { at: number; length: number; row: number }[] = []
  for (let i = lo; i < n && buffer.compare(key16, 0, KEY, i * RECORD, i * RECORD + KEY) === 0; i++)
    out.push({
      at: buffer.readUIntBE(i * RECORD + KEY, 6),
      length: buffer.readUInt32BE(i * RECORD + KEY + 8),
      row: buffer.readUInt32BE(i * RECORD + KEY + 12),
    })
  return out
}

type Indexed = SubjectIndexDoc & {
  fileName: string
  uploadedAt: Date
  datasetKey: string
  header: string[]
}
let known: { at: number; all: Indexed[]; current: Indexed[] } | null = null
/** The indexes are read again after a few seconds (a new table applies within it). */
const KNOWN_TTL_MS = 5_000

/** `pv:<version>:<key>` → the version id, or null. */
function versionOfTable(id: string): string | null {
  return /^pv:([0-9a-f]{24}):/.exec(id)?.[1] ?? null
}

/**
 * Every table's index, and what is held now: each entry's newest table, every listed product
 * version's table, every open-data file not sealed.
 */
async function knownIndexes(): Promise<{ all: Indexed[]; current: Indexed[] }> {
  if (known && Date.now() - known.at < KNOWN_TTL_MS) return known
  await connectDb()
  const indexes = await SubjectIndex.find({}).lean()
  const of = (source: string) => indexes.filter((i) => (i.source ?? 'entry-dataset') === source)
  const datasets = await EntryDataset.find(
    { _id: mongoose.trusted({ $in: of('entry-dataset').map((i) => i._id) }) },
    { uploadedAt: 1, fileName: 1, storageKey: 1, header: 1, sealedAt: 1 },
  ).lean()
  const versions = await ProductVersion.find(
    {
      _id: mongoose.trusted({
        $in: of('product-version').flatMap((i) => versionOfTable(i._id) ?? []),
      }),
    },
    { state: 1 },
  ).lean()
  const openFiles = await OpenDataFile.find(
    { _id: mongoose.trusted({ $in: of('open-data-file').map((i) => i._id.slice(4)) }) },
    { sealedAt: 1 },
  ).lean()
  const byId = new Map(datasets.map((d) => [d._id, d]))
  const listed = new Set(versions.filter((v) => v.state === 'published').map((v) => String(v._id)))
  const openNow = new Set(openFiles.filter((f) => !f.sealedAt).map((f) => f._id))
  const all: Indexed[] = []
  const newest = new Map<string, Indexed>()
  const others: Indexed[] = []
  for (const index of indexes) {
    if (index.source && index.source !== 'entry-dataset') {
      const indexed = {
        ...index,
        fileName: index.fileName ?? '',
        uploadedAt: index.storedAt ?? index.builtAt,
        datasetKey: index.tableKey ?? '',
        header: index.header,
      }
      all.push(indexed)
      // A withdrawn or unlisted version, a sealed file: no longer held (its uses stay in history).
      if (
        index.source === 'product-version'
          ? listed.has(versionOfTable(index._id) ?? '')
          : openNow.has(index._id.slice(4))
      )
        others.push(indexed)
      continue
    }
    const d = byId.get(index._id)
    if (!d) continue
    const indexed = {
      ...index,
      fileName: d.fileName,
      uploadedAt: d.uploadedAt,
      datasetKey: d.storageKey,
      header: d.header,
    }
    all.push(indexed)
    // A table sealed at an emergency's end (Art. 40) is no longer held: its uses stay in history.
    if (d.sealedAt) continue
    const have = newest.get(index.entryId ?? '')
    if (!have || have.uploadedAt < d.uploadedAt) newest.set(index.entryId ?? '', indexed)
  }
  known = { at: Date.now(), all, current: [...newest.values(), ...others] }
  return known
}

/** Forgets what this process read (tests, after a table is replaced). */
export function forgetSubjectIndexes() {
  known = null
  files.clear()
}

async function readRow(storageKey: string, at: number, length: number, delimiter: ',' | '\t') {
  const parts: Buffer[] = []
  for await (const part of contentStore().read(storageKey, { start: at, end: at + length - 1 }))
    parts.push(part as Buffer)
  const bytes = Buffer.concat(parts)
  const decode =
    sniffEncoding(bytes) === 'utf-8' ? undefined : (b: Buffer) => iconv.decode(b, 'gb18030')
  const cells: string[] = []
  const scanner = new CsvScanner({ delimiter: delimiter.charCodeAt(0), copyInput: true })
  const take = (rec: CsvRecord) => {
    for (let f = 0; f < rec.count; f++) cells.push(fieldText(rec, f, decode))
  }
  scanner.push(bytes, take)
  scanner.end(take)
  return cells
}

/**
 * The subject's own rows in one stored table (its index built first when it is not yet, so a
 * change applied right after an upload finds them): byte ranges and cells, each row checked by its
 * own identifier. Empty when the table has no subject column or no row of hers.
 */
export async function recordsIn(datasetId: string, key: string) {
  await buildSubjectIndex(datasetId)
  await connectDb()
  const index = await SubjectIndex.findById(datasetId).lean()
  const dataset = await EntryDataset.findById(datasetId, {
    fileName: 1,
    storageKey: 1,
    header: 1,
  }).lean()
  if (!index || !dataset || !/^[0-9a-f]{64}$/.test(key)) return null
  const delimiter = delimiterOf(dataset.fileName) ?? ','
  const col = dataset.header.indexOf(index.column)
  const hits = findRows(
    await indexFile(index.storageKey),
    Buffer.from(key.slice(0, KEY * 2), 'hex'),
  )
  const rows: { row: number; at: number; length: number; cells: string[] }[] = []
  for (const hit of hits) {
    const cells = await readRow(dataset.storageKey, hit.at, hit.length, delimiter)
    if (col >= 0 && subjectKey(cells[col] ?? '') === key) rows.push({ ...hit, cells })
  }
  return {
    storageKey: dataset.storageKey,
    fileName: dataset.fileName,
    header: dataset.header,
    column: index.column,
    delimiter,
    rows,
  }
}

export interface Holding {
  /** Where the records are: a source department's table, a listed product version's table (its
   * provider the organisation), an open-data file. Requests and authorizations are about the first. */
  source: 'entry-dataset' | 'product-version' | 'open-data-file'
  /** The catalog entry (null for a product version). */
  entryId: string | null
  /** The product version (product-version holdings). */
  productId: string | null
  versionNumber: number | null
  /** The table the records were read from (a request about them names it). */
  datasetId: string
  title: { zh: string; en: string }
  orgId: string
  orgName: { zh: string; en: string }
  fileName: string
  storedAt: string
  /** The subject's own rows: each field's label and value. */
  records: {
    row: number
    fields: { name: string; label: { zh: string; en: string }; value: string }[]
  }[]
}

export interface SubjectRows {
  index: Indexed
  rows: { row: number; at: number; length: number }[]
}

/**
 * The subject's rows in the tables (each entry's current one, or every one ever stored): a binary
 * search in each table's index for the key's first 16 bytes. No database read, no file read.
 */
export async function subjectRows(key: string, scope: 'current' | 'all'): Promise<SubjectRows[]> {
  if (!/^[0-9a-f]{64}$/.test(key)) return []
  const key16 = Buffer.from(key.slice(0, KEY * 2), 'hex')
  const found: SubjectRows[] = []
  for (const index of (await knownIndexes())[scope]) {
    const rows = findRows(await indexFile(index.storageKey), key16)
    if (rows.length) found.push({ index, rows })
  }
  return found
}

/**
 * Art. 39 and Art. 42: every entry whose current table holds a record about the subject (by the
 * subject's key), with the source department and the subject's own values — and nothing else.
 */
export async function holdingsOf(key: string): Promise<Holding[]> {
  const found: { index: Indexed; rows: { row: number; cells: string[] }[] }[] = []
  for (const { index, rows } of await subjectRows(key, 'current')) {
    const col = index.header.indexOf(index.column)
    const delimiter = delimiterOf(index.fileName) ?? ','
    const mine: { row: number; cells: string[] }[] = []
    for (const hit of rows) {
      const cells = await readRow(index.datasetKey, hit.at, hit.length, delimiter)
      // The row's own identifier gives the full key: the index's 16 bytes found the right person.
      if (col >= 0 && subjectKey(cells[col] ?? '') === key) mine.push({ row: hit.row, cells })
    }
    if (mine.length) found.push({ index, rows: mine })
  }
  if (found.length === 0) return []
  const entries = await CatalogEntry.find(
    { _id: mongoose.trusted({ $in: found.flatMap((f) => f.index.entryId ?? []) }) },
    { published: 1 },
  ).lean()
  const versions = await ProductVersion.find(
    { _id: mongoose.trusted({ $in: found.flatMap((f) => versionOfTable(f.index._id) ?? []) }) },
    { productId: 1, number: 1, dataSchema: 1 },
  ).lean()
  const products = await Product.find(
    { _id: mongoose.trusted({ $in: [...new Set(versions.map((v) => v.productId))] }) },
    { title: 1 },
  ).lean()
  const orgs = await Organization.find(
    { _id: mongoose.trusted({ $in: [...new Set(found.map((f) => f.index.orgId))] }) },
    { name: 1 },
  ).lean()
  const entryById = new Map(entries.map((e) => [String(e._id), e]))
  const versionById = new Map(versions.map((v) => [String(v._id), v]))
  const productById = new Map(products.map((p) => [String(p._id), p]))
  const orgById = new Map(orgs.map((o) => [String(o._id), o]))
  return found.map(({ index, rows }) => {
    const header = index.header
    const entry = index.entryId ? entryById.get(index.entryId) : undefined
    const version = versionById.get(versionOfTable(index._id) ?? '')
    const product = version ? productById.get(version.productId) : undefined
    const fields = version ? version.dataSchema.fields : (entry?.published?.fields ?? [])
    const org = orgById.get(index.orgId)
    const name = index.entryId ?? index._id
    return {
      source: index.source ?? 'entry-dataset',
      entryId: index.entryId ?? null,
      productId: version?.productId ?? null,
      versionNumber: version?.number ?? null,
      datasetId: index._id,
      title: product
        ? {
            zh: `${product.title.zh} v${version!.number}`,
            en: `${product.title.en} v${version!.number}`,
          }
        : {
            zh: entry?.published?.title.zh ?? name,
            en: entry?.published?.title.en ?? name,
          },
      orgId: index.orgId,
      orgName: { zh: org?.name.zh ?? index.orgId, en: org?.name.en ?? index.orgId },
      fileName: index.fileName,
      storedAt: index.uploadedAt.toISOString(),
      records: rows.map(({ row, cells }) => ({
        row,
        fields: header.map((name, i) => {
          const f = fields.find((x) => x.name === name)
          return {
            name,
            label: { zh: f?.label.zh ?? name, en: f?.label.en ?? name },
            value: cells[i] ?? '',
          }
        }),
      })),
    }
  })
}
