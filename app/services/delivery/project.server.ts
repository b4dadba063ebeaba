// Art. 24 (minimal authorization): a buyer receives only the fields the licence permits. The
// projection streams a CSV/TSV and writes each record's permitted fields as they were — bytes,
// quoting and encoding unchanged — so the fingerprinting step after it sees an ordinary file.
import { Transform, type TransformCallback } from 'node:stream'
import { CsvScanner, type CsvRecord } from '~/lib/csv-scanner'
import { canonicalHeader } from './fingerprint/spec'

const CRLF = Buffer.from('\r\n')
const LF = Buffer.from('\n')

/** The columns of `header` a licence permits (empty permission = every column). */
export function permittedColumns(
  header: string[],
  permittedFields: readonly string[],
): { keep: number[]; dropped: string[] } {
  if (permittedFields.length === 0) return { keep: header.map((_, i) => i), dropped: [] }
  const allowed = new Set(permittedFields.map(canonicalHeader))
  const keep: number[] = []
  const dropped: string[] = []
  header.forEach((h, i) => (allowed.has(canonicalHeader(h)) ? keep.push(i) : dropped.push(h)))
  return { keep, dropped }
}

/** Streams a CSV keeping only the columns at `keep` (in file order). */
export class ProjectTransform extends Transform {
  private readonly scanner: CsvScanner
  private readonly delimiter: Buffer
  private lineEnd: Buffer | null = null
  private parts: Buffer[] = []

  constructor(
    private readonly keep: readonly number[],
    delimiter: ',' | '\t',
  ) {
    super()
    this.delimiter = Buffer.from(delimiter)
    this.scanner = new CsvScanner({ delimiter: delimiter.charCodeAt(0) })
  }

  private readonly onRecord = (rec: CsvRecord) => {
    if (rec.count === 1 && rec.starts[0] === rec.ends[0]) return
    const b = rec.buf
    if (!this.lineEnd) {
      // The file's own line end, from its first record: a CR right after the last field (or its closing quote).
      const last = rec.count - 1
      this.lineEnd = b[rec.ends[last]! + (rec.quoted[last] ? 1 : 0)] === 0x0d ? CRLF : LF
    }
    this.keep.forEach((f, n) => {
      if (n > 0) this.parts.push(this.delimiter)
      if (f >= rec.count) return
      const quoted = rec.quoted[f] === 1
      this.parts.push(
        b.subarray(
          quoted ? rec.starts[f]! - 1 : rec.starts[f]!,
          quoted ? rec.ends[f]! + 1 : rec.ends[f]!,
        ),
      )
    })
    this.parts.push(this.lineEnd!)
  }

  private flushParts(): void {
    if (this.parts.length === 0) return
    // Copy: the scanner reuses its buffer for the next chunk.
    this.push(Buffer.concat(this.parts))
    this.parts = []
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.scanner.push(chunk, this.onRecord)
      this.flushParts()
      done()
    } catch (error) {
      done(error as Error)
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.scanner.end(this.onRecord)
      this.flushParts()
      done()
    } catch (error) {
      done(error as Error)
    }
  }
}
