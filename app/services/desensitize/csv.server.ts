// Streaming CSV/TSV reader (RFC 4180 quoting; LF, CRLF or CR line ends). Memory is bounded by
// one read chunk plus one record: a record longer than `maxRecordChars` or wider than
// `maxColumns` ends the read with a ScanInputError instead of growing without limit.
import { createHash } from 'node:crypto'
import { SniffingDecoder } from './encoding.server'
import { ScanInputError, type ScanLimits } from './limits'
import { openInput, type ReadSummary, type TableInput, type TableSink } from './table.server'

const QUOTE = 34
const LF = 10
const CR = 13

export type Delimiter = ',' | '\t' | ';' | '|'

/** The delimiter of a header line: the candidate that occurs most often outside quotes. */
export function sniffDelimiter(firstLine: string, fallback: Delimiter): Delimiter {
  const counts = new Map<Delimiter, number>([
    [',', 0],
    ['\t', 0],
    [';', 0],
    ['|', 0],
  ])
  let quoted = false
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && counts.has(ch as Delimiter))
      counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1)
  }
  let best = fallback
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d
  return best
}

/**
 * Incremental record parser. `push(text)` parses every complete record and keeps the
 * unfinished tail; `finish()` flushes the last record.
 */
export class CsvParser {
  private carry = ''
  private delim = -1
  private rowNumber = 0
  /** Physical line number (1-based) where the next record starts; for messages. */
  private line = 1

  constructor(
    private readonly onRecord: (cells: string[], rowNumber: number) => void,
    private readonly limits: Pick<ScanLimits, 'maxRecordChars' | 'maxColumns'>,
    private readonly fallbackDelimiter: Delimiter = ',',
  ) {}

  get delimiter(): Delimiter | undefined {
    return this.delim === -1 ? undefined : (String.fromCharCode(this.delim) as Delimiter)
  }

  push(text: string): void {
    this.parse(this.carry.length ? this.carry + text : text, false)
  }

  finish(): void {
    if (this.carry.length) this.parse(this.carry, true)
    this.carry = ''
  }

  private parse(s: string, final: boolean): void {
    if (this.delim === -1) {
      const nl = s.search(/[\r\n]/)
      if (nl === -1 && !final && s.length < this.limits.maxRecordChars) {
        this.carry = s
        return
      }
      this.delim = sniffDelimiter(
        nl === -1 ? s.slice(0, 65536) : s.slice(0, nl),
        this.fallbackDelimiter,
      ).charCodeAt(0)
    }
    const consumed = this.parseRecords(s, final)
    this.carry = consumed < s.length ? s.slice(consumed) : ''
    if (this.carry.length > this.limits.maxRecordChars) {
      throw new ScanInputError(
        'record_too_long',
        `the record starting on line ${this.line} is longer than ${this.limits.maxRecordChars} characters`,
      )
    }
  }

  /** Returns how far it got: the start of the first incomplete record. */
  private parseRecords(s: string, final: boolean): number {
    const n = s.length
    const delim = this.delim
    const maxColumns = this.limits.maxColumns
    let i = 0
    while (i < n) {
      const recordStart = i
      const cells: string[] = []
      let j = i
      let newlines = 0
      for (;;) {
        let cell: string
        if (j < n && s.charCodeAt(j) === QUOTE) {
          let k = j + 1
          let segment = k
          cell = ''
          for (;;) {
            const q = s.indexOf('"', k)
            if (q === -1) {
              if (!final) return recordStart
              throw new ScanInputError(
                'unterminated_quote',
                `a quoted field opened on line ${this.line} never closes`,
              )
            }
            if (q + 1 >= n && !final) return recordStart // "" or closing quote? needs the next chunk
            if (s.charCodeAt(q + 1) === QUOTE) {
              cell += s.slice(segment, q + 1)
              k = q + 2
              segment = k
              continue
            }
            cell += s.slice(segment, q)
            j = q + 1
            break
          }
          // Lenient: text after a closing quote belongs to the field (`"a"b` reads as `ab`).
          let e = j
          while (e < n) {
            const c = s.charCodeAt(e)
            if (c === delim || c === LF || c === CR) break
            e++
          }
          if (e > j) cell += s.slice(j, e)
          j = e
          for (let p = cell.indexOf('\n'); p !== -1; p = cell.indexOf('\n', p + 1)) newlines++
        } else {
          let e = j
          while (e < n) {
            const c = s.charCodeAt(e)
            if (c === delim || c === LF || c === CR) break
            e++
          }
          cell = s.slice(j, e)
          j = e
        }
        cells.push(cell)
        if (cells.length > maxColumns) {
          throw new ScanInputError(
            'too_many_columns',
            `the record on line ${this.line} has more than ${maxColumns} columns`,
          )
        }
        if (j >= n) {
          if (!final) return recordStart
          this.emit(cells, newlines)
          return n
        }
        const c = s.charCodeAt(j)
        if (c === delim) {
          j++
          continue
        }
        if (c === CR) {
          if (j + 1 >= n && !final) return recordStart
          j += s.charCodeAt(j + 1) === LF ? 2 : 1
        } else {
          j++
        }
        this.emit(cells, newlines)
        i = j
        break
      }
    }
    return n
  }

  private emit(cells: string[], newlines: number): void {
    this.line += 1 + newlines
    if (cells.length === 1 && cells[0] === '') return // blank line
    this.rowNumber++
    this.onRecord(cells, this.rowNumber)
  }
}

/** Reads a CSV/TSV file as one sheet named after the format. */
export async function readCsv(
  input: TableInput,
  sink: TableSink,
  limits: ScanLimits,
  options: { tsv?: boolean } = {},
): Promise<ReadSummary> {
  const decoder = new SniffingDecoder()
  const hash = createHash('sha256')
  let bytes = 0
  const parser = new CsvParser(
    (cells, row) => sink.onRow(cells, row),
    limits,
    options.tsv ? '\t' : ',',
  )
  sink.onSheet(options.tsv ? 'tsv' : 'csv', 0)
  const stream = (await openInput(input)).open()
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length
      hash.update(chunk)
      parser.push(decoder.write(chunk))
      await sink.afterChunk?.()
    }
    const tail = decoder.end()
    if (tail) parser.push(tail)
    parser.finish()
  } finally {
    stream.destroy()
  }
  if (bytes === 0) throw new ScanInputError('empty', 'the file is empty')
  return {
    format: parser.delimiter === '\t' ? 'tsv' : 'csv',
    encoding: decoder.encoding,
    bytes,
    sha256: hash.digest('hex'),
    sheets: 1,
  }
}
