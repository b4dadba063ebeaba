// What a delivered CSV copy may change, per column (ADR 021): the fingerprint spec is derived
// from what the product version declares — its data schema's field types — never chosen by the
// delivery. Identifiers, text, categories and integers never change; decimals carry a mark of ±1
// in their last written digit; dates only change spelling (2024-01-05 ↔ 2024/01/05). A numeric
// field may declare its own tolerance instead: `fixed` (never changed) or ±N (one digit at the
// largest power of ten within N). A version without a declared schema is read from its header and
// first rows with the same default rule.
import { CsvScanner, fieldText, type CsvRecord } from '~/lib/csv-scanner'
import {
  canonicalHeader,
  fingerprintSpecSchema,
  type FingerprintColumn,
  type FingerprintSpec,
} from './fingerprint/spec'
import iconv from 'iconv-lite'

export type CsvEncoding = 'utf-8' | 'gb18030'

export interface DeclaredField {
  name: string
  type: string
  /** A numeric column the provider declared never to change. */
  fixed?: boolean | null
  /** ±this much in a numeric column, as the provider declared. */
  toleranceAbsolute?: number | null
}

export interface CsvHead {
  header: string[]
  rows: string[][]
  encoding: CsvEncoding
  delimiter: ',' | '\t'
}

const DECIMAL = /^-?\d+\.\d+$/
const INTEGER = /^-?\d+$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** UTF-8 (with or without BOM) unless the head does not decode as UTF-8, then GB18030. */
export function sniffEncoding(head: Buffer): CsvEncoding {
  const body = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head
  // A multi-byte character cut at the end of the head is not evidence against UTF-8.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body)
  return /\uFFFD/.test(text.slice(0, -1)) ? 'gb18030' : 'utf-8'
}

/** Header and up to `maxRows` rows of a CSV/TSV head (the bytes read so far). */
export function readCsvHead(head: Buffer, delimiter: ',' | '\t', maxRows = 200): CsvHead {
  const encoding = sniffEncoding(head)
  const decode =
    encoding === 'utf-8'
      ? (b: Buffer) => b.toString('utf8')
      : (b: Buffer) => iconv.decode(b, 'gb18030')
  const records: string[][] = []
  const scanner = new CsvScanner({ copyInput: true, delimiter: delimiter.charCodeAt(0) })
  const take = (rec: CsvRecord) => {
    if (records.length > maxRows) return
    if (rec.count === 1 && rec.starts[0] === rec.ends[0]) return
    const cells: string[] = []
    for (let f = 0; f < rec.count; f++) cells.push(fieldText(rec, f, decode))
    records.push(cells)
  }
  try {
    scanner.push(head, take)
  } catch {
    // A record longer than the head: what was read is enough to name the columns.
  }
  const [header = [], ...rows] = records
  if (header[0]) header[0] = header[0].replace(/^\uFEFF/, '')
  // The last row may be cut by the end of the head.
  return { header, rows: rows.slice(0, Math.max(0, rows.length - 1)), encoding, delimiter }
}

function inferred(name: string, values: string[]): FingerprintColumn {
  const seen = values.map((v) => v.trim()).filter((v) => v !== '')
  if (seen.length === 0) return { name, kind: 'text' }
  if (seen.every((v) => DECIMAL.test(v)))
    return { name, kind: 'numeric', tolerance: { lastDigit: true } }
  if (seen.every((v) => INTEGER.test(v))) return { name, kind: 'numeric' }
  if (seen.every((v) => ISO_DATE.test(v))) return { name, kind: 'date', equivalentEncodings: true }
  return { name, kind: 'text' }
}

function declared(name: string, field: DeclaredField | undefined): FingerprintColumn {
  // The provider's own tolerance for a numeric column comes first.
  const numeric = field?.type === 'decimal' || field?.type === 'integer'
  if (numeric && field.fixed) return { name, kind: 'numeric' }
  if (numeric && field.toleranceAbsolute)
    return { name, kind: 'numeric', tolerance: { absolute: field.toleranceAbsolute } }
  switch (field?.type) {
    case 'code':
      return { name, kind: 'identifier' }
    case 'decimal':
      return { name, kind: 'numeric', tolerance: { lastDigit: true } }
    case 'integer':
      return { name, kind: 'numeric' }
    case 'date':
      return { name, kind: 'date', equivalentEncodings: true }
    default:
      // string, datetime, boolean, geometry, and any column the schema does not name: never changed.
      return { name, kind: 'text' }
  }
}

export type SpecOutcome = { spec: FingerprintSpec; note: null } | { spec: null; note: string }

/**
 * Art. 38 with the product's declared tolerance (ADR 021): the column spec for the delivered
 * columns. Declared schema fields decide; without a declared schema, the sampled values do.
 * `null` with a note when nothing may carry a mark or nothing anchors the rows (the file is then
 * delivered unmarked, and the delivery says so).
 */
export function deriveFingerprintSpec(
  columns: string[],
  head: CsvHead,
  schema: readonly DeclaredField[],
): SpecOutcome {
  const byName = new Map(schema.map((f) => [canonicalHeader(f.name), f]))
  const index = new Map(head.header.map((h, i) => [canonicalHeader(h), i]))
  const seen = new Set<string>()
  const specColumns: FingerprintColumn[] = []
  for (const name of columns) {
    const key = canonicalHeader(name)
    if (!key || seen.has(key)) continue
    seen.add(key)
    if (schema.length > 0) specColumns.push(declared(name, byName.get(key)))
    else {
      const i = index.get(key)
      specColumns.push(inferred(name, i === undefined ? [] : head.rows.map((r) => r[i] ?? '')))
    }
  }
  const parsed = fingerprintSpecSchema.safeParse({ columns: specColumns })
  if (parsed.success) return { spec: parsed.data, note: null }
  const reason = parsed.error.issues.map((i) => i.message).join('; ')
  return {
    spec: null,
    note: reason.includes('nothingToMark')
      ? 'nothing_to_mark'
      : reason.includes('noAnchor')
        ? 'no_anchor'
        : 'bad_columns',
  }
}
