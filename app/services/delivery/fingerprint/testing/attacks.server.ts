// Test and benchmark support only (ExcelJS is a devDependency): never import from production code.
// What a leaker does to a file before passing it on, for the property tests and the benchmark:
// drop rows, re-sort, drop or reorder columns, normalise whitespace and quoting, re-encode to
// GBK, round-trip through XLSX the way Excel would (numbers become numbers, dates become dates),
// and collude (mix rows from several licensees' copies).
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { CsvScanner, fieldText } from '~/lib/csv-scanner'

export interface Table {
  header: string[]
  rows: string[][]
}

export function parseCsv(bytes: Buffer, encoding: 'utf-8' | 'gbk' = 'utf-8'): Table {
  const decode = encoding === 'utf-8' ? undefined : (b: Buffer) => iconv.decode(b, 'gb18030')
  const records: string[][] = []
  const scanner = new CsvScanner()
  const take = (rec: Parameters<Parameters<CsvScanner['push']>[1]>[0]) => {
    const cells: string[] = []
    for (let f = 0; f < rec.count; f++) cells.push(fieldText(rec, f, decode))
    records.push(cells)
  }
  scanner.push(bytes, take)
  scanner.end(take)
  const [header, ...rows] = records
  return { header: header ?? [], rows: rows.filter((r) => !(r.length === 1 && r[0] === '')) }
}

export interface WriteOptions {
  quoteAll?: boolean
  lineEnd?: string
}

export function writeCsv(t: Table, options: WriteOptions = {}): string {
  const q = (s: string) =>
    options.quoteAll || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  const end = options.lineEnd ?? '\n'
  return [t.header, ...t.rows].map((r) => r.map(q).join(',')).join(end) + end
}

export function subsample(t: Table, keep: number, rand: () => number): Table {
  return { header: t.header, rows: t.rows.filter(() => rand() < keep) }
}

export function shuffleRows(t: Table, rand: () => number): Table {
  const rows = t.rows.slice()
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[rows[i], rows[j]] = [rows[j]!, rows[i]!]
  }
  return { header: t.header, rows }
}

export function sortRowsBy(t: Table, column: number): Table {
  return {
    header: t.header,
    rows: t.rows.slice().sort((a, b) => (a[column] ?? '').localeCompare(b[column] ?? '')),
  }
}

export function dropColumn(t: Table, column: number): Table {
  const keep = (r: string[]) => r.filter((_, i) => i !== column)
  return { header: keep(t.header), rows: t.rows.map(keep) }
}

export function reorderColumns(t: Table, rand: () => number): Table {
  const order = t.header.map((_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const pick = (r: string[]) => order.map((i) => r[i] ?? '')
  return { header: pick(t.header), rows: t.rows.map(pick) }
}

/** Trims every cell, squeezes inner whitespace, and pads cells the way a sloppy export does. */
export function normaliseWhitespace(t: Table, rand: () => number): Table {
  const f = (s: string) => {
    const v = s.trim().replace(/\s+/g, ' ')
    return rand() < 0.2 ? ` ${v} ` : v
  }
  return { header: t.header.map((h) => h.trim()), rows: t.rows.map((r) => r.map(f)) }
}

export function encodeGbk(csv: string): Buffer {
  return iconv.encode(csv, 'gbk')
}

const EXCEL_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/
const ISO_DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})$/

/**
 * CSV → XLSX → CSV as opening a CSV in Excel and saving it does: number-looking cells become
 * doubles (15 significant digits; trailing zeros gone), date-looking cells become dates, and
 * the way back prints numbers plainly and dates as ISO timestamps.
 */
export async function xlsxRoundTrip(t: Table): Promise<Table> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('data')
  ws.addRow(t.header)
  for (const r of t.rows) {
    ws.addRow(
      r.map((v) => {
        if (EXCEL_NUMBER.test(v)) return Number(Number(v).toPrecision(15))
        const d = ISO_DATE.exec(v)
        if (d) return new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])))
        return v
      }),
    )
  }
  const bytes = await wb.xlsx.writeBuffer()
  const back = new ExcelJS.Workbook()
  await back.xlsx.load(bytes as ArrayBuffer)
  const sheet = back.worksheets[0]!
  const rows: string[][] = []
  const width = t.header.length
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = []
    for (let c = 1; c <= width; c++) {
      const v = row.getCell(c).value
      cells.push(
        v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : String(v),
      )
    }
    rows.push(cells)
  })
  const [header, ...body] = rows
  return { header: header ?? [], rows: body }
}

/** Writes the table as an XLSX file's bytes (a leak handed over as a workbook). */
export async function toXlsx(t: Table): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('data')
  ws.addRow(t.header)
  for (const r of t.rows) ws.addRow(r.map((v) => (EXCEL_NUMBER.test(v) ? Number(v) : v)))
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/**
 * Within tolerance: moves the last written digit of every number in the given columns by ±1 (no
 * carry) with the given probability. At 1 it complements every mark's parity; at ½ it erases them.
 */
export function nudgeDigits(
  t: Table,
  columns: string[],
  probability: number,
  rand: () => number,
): Table {
  const at = columns.map((c) => t.header.indexOf(c)).filter((i) => i >= 0)
  const nudge = (v: string) => {
    if (!/^-?\d+(\.\d+)?$/.test(v) || rand() >= probability) return v
    const d = Number(v.at(-1))
    const next = d === 0 ? 1 : d === 9 ? 8 : rand() < 0.5 ? d + 1 : d - 1
    return v.slice(0, -1) + String(next)
  }
  return {
    header: t.header,
    rows: t.rows.map((r) => r.map((v, i) => (at.includes(i) ? nudge(v) : v))),
  }
}

/** Collusion: each row of the leak comes from one of several licensees' copies, at random. */
export function mixCopies(copies: Table[], rand: () => number): Table {
  const first = copies[0]!
  return {
    header: first.header,
    rows: first.rows.map((_, i) => copies[Math.floor(rand() * copies.length)]!.rows[i]!),
  }
}
