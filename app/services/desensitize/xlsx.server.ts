// Streaming XLSX reader: every worksheet, row by row, through yauzl (random-access ZIP reading
// from the central directory) and saxes (a streaming XML parser). ExcelJS's streaming reader was
// not used because it bounds neither decompressed size nor the shared-string table (ADR 012 in
// docs/decisions). Zip-bomb defence: the entry count, each entry's declared size and ratio, and
// the sum of declared sizes are checked before anything is inflated, and yauzl refuses an
// entry that inflates past its declared size, so a lying header cannot get through either.
import { StringDecoder } from 'node:string_decoder'
import { Readable } from 'node:stream'
import type { BlobSource } from '~/services/storage/source.server'
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { ScanInputError, type ScanLimits } from './limits'
import { hashFile, type ReadSummary, type TableSink } from './table.server'

// Entries this small need no ratio check (a 1 MB XML file can compress very well).
const RATIO_CHECK_FLOOR = 1024 * 1024

/** yauzl reads the archive by byte ranges: from a stored blob, each range is decrypted as read. */
class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: BlobSource) {
    super()
  }
  override _readStreamForRange(start: number, end: number): Readable {
    // yauzl's end is exclusive; a source's is inclusive. An empty range is an empty stream.
    if (end <= start) return Readable.from([])
    return this.source.open({ start, end: end - 1 })
  }
}

function openZip(source: BlobSource): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(
      new SourceReader(source),
      source.size,
      {
        lazyEntries: true,
        autoClose: false,
        validateEntrySizes: true,
        strictFileNames: false,
        decodeStrings: true,
      },
      (error, zip) => {
        if (error || !zip) {
          reject(
            new ScanInputError(
              'xlsx_truncated',
              `not a complete XLSX (ZIP) file: ${error?.message ?? 'no archive'}`,
            ),
          )
        } else resolve(zip)
      },
    )
  })
}

function listEntries(zip: ZipFile, limits: ScanLimits): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>()
    zip.on('entry', (entry: Entry) => {
      if (entries.size >= limits.maxZipEntries) {
        reject(
          new ScanInputError(
            'too_many_entries',
            `the XLSX holds more than ${limits.maxZipEntries} entries`,
          ),
        )
        zip.close()
        return
      }
      entries.set(entry.fileName.replace(/^\/+/, ''), entry)
      zip.readEntry()
    })
    zip.on('end', () => resolve(entries))
    zip.on('error', (error: Error) =>
      reject(
        new ScanInputError(
          'xlsx_corrupt',
          `the XLSX central directory is damaged: ${error.message}`,
        ),
      ),
    )
    zip.readEntry()
  })
}

/** Refuses, before inflating anything, entries whose declared sizes make them a zip bomb. */
function checkBudget(entries: Entry[], limits: ScanLimits): void {
  let total = 0
  for (const e of entries) {
    total += e.uncompressedSize
    if (
      e.uncompressedSize > RATIO_CHECK_FLOOR &&
      e.uncompressedSize > e.compressedSize * limits.maxCompressionRatio
    ) {
      throw new ScanInputError(
        'zip_bomb',
        `XLSX entry ${e.fileName} inflates ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}× (limit ${limits.maxCompressionRatio}×)`,
      )
    }
  }
  if (total > limits.maxDecompressedBytes) {
    throw new ScanInputError(
      'zip_bomb',
      `the XLSX would inflate to ${total} bytes (limit ${limits.maxDecompressedBytes})`,
    )
  }
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream)
        reject(
          new ScanInputError('xlsx_corrupt', `cannot read ${entry.fileName}: ${error?.message}`),
        )
      else resolve(stream)
    })
  })
}

/** Streams one XML entry through a saxes parser built by `setup`. */
async function parseEntry(
  zip: ZipFile,
  entry: Entry,
  setup: (parser: SaxesParser) => void,
  afterChunk?: () => Promise<void> | void,
): Promise<void> {
  const stream = await openEntry(zip, entry)
  const parser = new SaxesParser()
  setup(parser)
  const text = new StringDecoder('utf8')
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parser.write(text.write(chunk))
      await afterChunk?.()
    }
    parser.write(text.end())
    parser.close()
  } catch (error) {
    if (error instanceof ScanInputError) throw error
    const message = error instanceof Error ? error.message : String(error)
    const code = /too many bytes|exceeds/i.test(message) ? 'zip_bomb' : 'xlsx_corrupt'
    throw new ScanInputError(code, `${entry.fileName}: ${message}`)
  } finally {
    stream.destroy()
  }
}

function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const v = tag.attributes[name]
  return typeof v === 'string' ? v : undefined
}

/** Zero-based column index of an A1 reference (`AB12` → 27), or -1. */
export function columnIndex(ref: string): number {
  let n = 0
  let i = 0
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i)
    if (c < 65 || c > 90) break
    n = n * 26 + (c - 64)
  }
  return i === 0 ? -1 : n - 1
}

function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1)
  const parts = `xl/${target}`.split('/')
  const out: string[] = []
  for (const p of parts) {
    if (p === '..') out.pop()
    else if (p !== '.') out.push(p)
  }
  return out.join('/')
}

// ----------------------------------------------------------------------------- dates
// Excel keeps dates as serial day numbers and says "this is a date" only through the cell's
// number format (xl/styles.xml: cellXfs → numFmtId → built-in id or custom formatCode). Without
// reading it a date of birth in XLSX is a plain number and the birth-date detector never sees it.

/** What a cell style shows a number as. */
export type NumberKind = 'date' | 'datetime' | 'time' | null

/** Built-in number formats that are dates or times (ECMA-376 §18.8.30; 27–36 and 50–58 are the CJK date formats). */
function builtinKind(id: number): NumberKind {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return 'date'
  if (id === 22) return 'datetime'
  if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return 'time'
  return null
}

/** A custom format code's kind: date parts (y, d, or m beside them) and/or time parts (h, s). */
export function formatCodeKind(code: string): NumberKind {
  // Only the first section (positive numbers) matters; quoted text, escapes and [...] tags
  // ([Red], [$-804], [h]) are not format letters.
  const section = code.split(';')[0] ?? ''
  const bare = section
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_.|\*./g, '')
  const date = /[yd]/i.test(bare) || /[年月日]/.test(section)
  const time = /[hs]/i.test(bare) || /[时分秒]/.test(section)
  if (date && time) return 'datetime'
  if (date) return 'date'
  if (time) return 'time'
  return null
}

/** Per cell style index (the `s` attribute), what its numbers are. */
async function readStyles(zip: ZipFile, entry: Entry | undefined): Promise<NumberKind[]> {
  if (!entry) return []
  const custom = new Map<number, NumberKind>()
  const kinds: NumberKind[] = []
  let inCellXfs = false
  await parseEntry(zip, entry, (p) => {
    p.on('opentag', (tag) => {
      if (tag.name === 'numFmt') {
        const id = Number(attr(tag, 'numFmtId'))
        if (Number.isInteger(id)) custom.set(id, formatCodeKind(attr(tag, 'formatCode') ?? ''))
      } else if (tag.name === 'cellXfs') inCellXfs = true
      else if (tag.name === 'xf' && inCellXfs) {
        const id = Number(attr(tag, 'numFmtId') ?? '0')
        kinds.push(custom.has(id) ? custom.get(id)! : builtinKind(id))
      }
    })
    p.on('closetag', (tag) => {
      if (tag.name === 'cellXfs') inCellXfs = false
    })
  })
  return kinds
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/**
 * An Excel serial number as ISO text (`1990-03-07`, `1990-03-07 08:30:00`, `08:30:00`). The
 * 1900 system counts the fictitious 1900-02-29 (serial 60); the 1904 system starts at 1904-01-01.
 */
export function excelSerialToText(
  serial: number,
  kind: Exclude<NumberKind, null>,
  date1904 = false,
): string | null {
  if (!Number.isFinite(serial) || serial < 0 || serial > 2_958_465) return null
  let days = Math.floor(serial)
  const seconds = Math.round((serial - days) * 86_400)
  let text: string
  if (kind === 'time') text = ''
  else {
    if (!date1904 && days === 60) text = '1900-02-29'
    else {
      if (!date1904 && days < 60) days += 1
      // Days from 1970-01-01: 25569 in the 1900 system, 24107 in the 1904 system.
      const d = new Date((days - (date1904 ? 24_107 : 25_569)) * 86_400_000)
      text = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
    }
  }
  if (kind === 'date' || (kind === 'datetime' && seconds === 0)) return text
  const clock = `${pad(Math.floor(seconds / 3600) % 24)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`
  return text ? `${text} ${clock}` : clock
}

async function readSheetList(
  zip: ZipFile,
  entries: Map<string, Entry>,
): Promise<{ sheets: { name: string; path: string }[]; date1904: boolean }> {
  const workbook = entries.get('xl/workbook.xml')
  const rels = entries.get('xl/_rels/workbook.xml.rels')
  if (!workbook || !rels)
    throw new ScanInputError('xlsx_corrupt', 'the file is a ZIP but not an XLSX workbook')
  const targets = new Map<string, string>()
  await parseEntry(zip, rels, (p) =>
    p.on('opentag', (tag) => {
      const id = attr(tag, 'Id')
      const target = attr(tag, 'Target')
      if (tag.name === 'Relationship' && id && target) targets.set(id, resolveTarget(target))
    }),
  )
  const sheets: { name: string; path: string }[] = []
  let date1904 = false
  await parseEntry(zip, workbook, (p) =>
    p.on('opentag', (tag) => {
      if (tag.name === 'workbookPr') {
        const v = attr(tag, 'date1904')
        date1904 = v === '1' || v === 'true'
        return
      }
      if (tag.name !== 'sheet') return
      const path = targets.get(attr(tag, 'r:id') ?? '')
      if (path) sheets.push({ name: attr(tag, 'name') ?? path, path })
    }),
  )
  return { sheets, date1904 }
}

async function readSharedStrings(
  zip: ZipFile,
  entry: Entry | undefined,
  limits: ScanLimits,
): Promise<string[]> {
  const strings: string[] = []
  if (!entry) return strings
  let chars = 0
  let current = ''
  let inT = false
  let inPhonetic = false
  await parseEntry(zip, entry, (p) => {
    p.on('opentag', (tag) => {
      if (tag.name === 'si') current = ''
      else if (tag.name === 't' && !inPhonetic) inT = true
      else if (tag.name === 'rPh') inPhonetic = true
    })
    p.on('text', (t) => {
      if (!inT) return
      current += t
      chars += t.length
      if (chars > limits.maxSharedStringChars) {
        throw new ScanInputError(
          'shared_strings_too_large',
          `the XLSX shared-string table holds more than ${limits.maxSharedStringChars} characters`,
        )
      }
    })
    p.on('closetag', (tag) => {
      if (tag.name === 't') inT = false
      else if (tag.name === 'rPh') inPhonetic = false
      else if (tag.name === 'si') {
        if (strings.length >= limits.maxSharedStrings) {
          throw new ScanInputError(
            'shared_strings_too_large',
            `the XLSX shared-string table holds more than ${limits.maxSharedStrings} strings`,
          )
        }
        strings.push(current)
      }
    })
  })
  return strings
}

async function readSheet(
  zip: ZipFile,
  entry: Entry,
  shared: string[],
  sink: TableSink,
  limits: ScanLimits,
  dates: { styles: NumberKind[]; date1904: boolean } = { styles: [], date1904: false },
): Promise<void> {
  let cells: string[] = []
  let rowNumber = 0
  let col = 0
  let type = ''
  let style = 0
  let value = ''
  let inValue = false
  await parseEntry(
    zip,
    entry,
    (p) => {
      p.on('opentag', (tag) => {
        switch (tag.name) {
          case 'row': {
            const r = Number(attr(tag, 'r'))
            rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1
            cells = []
            col = 0
            break
          }
          case 'c': {
            const ref = attr(tag, 'r')
            const index = ref ? columnIndex(ref) : -1
            col = index >= 0 ? index : cells.length
            if (col >= limits.maxColumns) {
              throw new ScanInputError(
                'too_many_columns',
                `sheet row ${rowNumber} has more than ${limits.maxColumns} columns`,
              )
            }
            type = attr(tag, 't') ?? 'n'
            style = Number(attr(tag, 's') ?? '0')
            value = ''
            break
          }
          case 'v':
          case 't':
            inValue = true
            break
        }
      })
      p.on('text', (t) => {
        if (!inValue) return
        value += t
        if (value.length > limits.maxRecordChars) {
          throw new ScanInputError(
            'record_too_long',
            `a cell in sheet row ${rowNumber} is longer than ${limits.maxRecordChars} characters`,
          )
        }
      })
      p.on('closetag', (tag) => {
        switch (tag.name) {
          case 'v':
          case 't':
            inValue = false
            break
          case 'c': {
            let text = value
            if (type === 's') text = shared[Number(value)] ?? ''
            else if (type === 'b') text = value === '1' ? 'TRUE' : 'FALSE'
            else if (type === 'n' && value !== '') {
              // A number shown as a date is a date (a date of birth must reach the detectors as one).
              const kind = dates.styles[style]
              if (kind) text = excelSerialToText(Number(value), kind, dates.date1904) ?? value
            }
            while (cells.length < col) cells.push('')
            cells[col] = text
            break
          }
          case 'row':
            if (cells.some((c) => c !== '')) sink.onRow(cells, rowNumber)
            break
        }
      })
    },
    sink.afterChunk,
  )
}

/** Reads every worksheet in workbook order; each is a sheet for the sink. */
export async function readXlsx(
  source: BlobSource,
  sink: TableSink,
  limits: ScanLimits,
): Promise<ReadSummary> {
  const { sha256, bytes } = await hashFile(source)
  const zip = await openZip(source)
  try {
    const entries = await listEntries(zip, limits)
    const { sheets, date1904 } = await readSheetList(zip, entries)
    const sheetEntries = sheets
      .map((s) => entries.get(s.path))
      .filter((e): e is Entry => e !== undefined)
    const sharedEntry = entries.get('xl/sharedStrings.xml')
    const stylesEntry = entries.get('xl/styles.xml')
    checkBudget(
      [
        ...sheetEntries,
        ...(sharedEntry ? [sharedEntry] : []),
        ...(stylesEntry ? [stylesEntry] : []),
      ],
      limits,
    )
    const shared = await readSharedStrings(zip, sharedEntry, limits)
    const styles = await readStyles(zip, stylesEntry)
    let index = 0
    for (const sheet of sheets) {
      const entry = entries.get(sheet.path)
      if (!entry) continue
      sink.onSheet(sheet.name, index++)
      await readSheet(zip, entry, shared, sink, limits, { styles, date1904 })
    }
    return { format: 'xlsx', bytes, sha256, sheets: index }
  } finally {
    zip.close()
  }
}
