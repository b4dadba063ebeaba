// RFC 4180 record scanner over raw bytes. It never decodes text and never copies a field: it
// reports where each field starts and ends in the buffer, so the fingerprinting copy can patch
// a digit in place and pass every other byte through untouched (ADR: the CSV scanner). Works on
// UTF-8, GBK and GB18030 alike: the bytes it looks for (quote, delimiter, CR, LF) never occur
// inside a multi-byte character in those encodings.

const QUOTE = 0x22
const LF = 0x0a
const CR = 0x0d

const FIELD_START = 0
const UNQUOTED = 1
const QUOTED = 2
const QUOTE_IN_QUOTED = 3

/** Field boundaries of one record; offsets index the `buf` given with them. */
export interface CsvRecord {
  buf: Buffer
  count: number
  /** Content start (after an opening quote). */
  starts: Int32Array
  /** Content end, exclusive (before a closing quote; a CR before LF is excluded). */
  ends: Int32Array
  /** 1 when the field was quoted (content may hold doubled quotes). */
  quoted: Uint8Array
}

export class CsvError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CsvError'
  }
}

export interface CsvScannerOptions {
  delimiter?: number
  /** A record longer than this (bytes) is refused: memory stays bounded on a hostile file. */
  maxRecordBytes?: number
  maxFields?: number
  /** Never write into the caller's chunks: work on a copy (the carry concatenation is one anyway). */
  copyInput?: boolean
}

/**
 * Incremental scanner. `push(chunk, onRecord)` reports every record completed in the chunk and
 * returns the bytes of those complete records (the unfinished tail is held for the next push);
 * `end(onRecord)` reports a last record without a line end. The record handler may rewrite bytes
 * of its record in place, before or after it returns, until the returned buffer is written out.
 */
export class CsvScanner {
  private readonly delimiter: number
  private readonly maxRecordBytes: number
  private readonly maxFields: number
  private readonly copyInput: boolean
  private carry: Buffer | null = null
  /** The scan buffer seen as 32-bit words (it always starts on a word boundary). */
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0)
  private state = FIELD_START
  private field = 0
  private readonly rec: CsvRecord
  records = 0

  constructor(options: CsvScannerOptions = {}) {
    this.delimiter = options.delimiter ?? 0x2c
    this.maxRecordBytes = options.maxRecordBytes ?? 16 * 1024 * 1024
    this.maxFields = options.maxFields ?? 16384
    this.copyInput = options.copyInput ?? false
    this.rec = {
      buf: Buffer.alloc(0),
      count: 0,
      starts: new Int32Array(64),
      ends: new Int32Array(64),
      quoted: new Uint8Array(64),
    }
  }

  push(chunk: Buffer, onRecord: (rec: CsvRecord) => void): Buffer {
    const carried = this.carry ? this.carry.length : 0
    let buf = chunk
    if (carried || this.copyInput || (chunk.byteOffset & 3) !== 0) {
      // A buffer of our own, starting on a word boundary so the scan can read 4 bytes at a time.
      buf = Buffer.allocUnsafeSlow(carried + chunk.length)
      if (carried) this.carry!.copy(buf, 0)
      chunk.copy(buf, carried)
    }
    this.carry = null
    const done = this.scan(buf, carried, onRecord)
    if (done < buf.length) {
      if (buf.length - done > this.maxRecordBytes) {
        throw new CsvError(`a record is longer than ${this.maxRecordBytes} bytes`)
      }
      this.rebase(done)
      this.carry = buf.subarray(done)
    }
    return buf.subarray(0, done)
  }

  end(onRecord: (rec: CsvRecord) => void): Buffer {
    const buf = this.carry
    this.carry = null
    if (!buf || buf.length === 0) return Buffer.alloc(0)
    if (this.state === QUOTED) throw new CsvError('the file ends inside a quoted field')
    this.finishField(buf, buf.length)
    this.emit(buf, onRecord)
    return buf
  }

  /** Field offsets of the unfinished record move with it to the start of the carry buffer. */
  private rebase(by: number): void {
    const { starts, ends } = this.rec
    for (let f = 0; f <= this.field && f < starts.length; f++) {
      starts[f] = starts[f]! - by
      ends[f] = ends[f]! - by
    }
  }

  private grow(): void {
    const n = this.rec.starts.length * 2
    if (n > this.maxFields * 2)
      throw new CsvError(`a record has more than ${this.maxFields} fields`)
    const s = new Int32Array(n)
    s.set(this.rec.starts)
    const e = new Int32Array(n)
    e.set(this.rec.ends)
    const q = new Uint8Array(n)
    q.set(this.rec.quoted)
    this.rec.starts = s
    this.rec.ends = e
    this.rec.quoted = q
  }

  private startField(at: number, quoted: boolean): void {
    if (this.field >= this.rec.starts.length) this.grow()
    this.rec.starts[this.field] = at
    this.rec.ends[this.field] = at
    this.rec.quoted[this.field] = quoted ? 1 : 0
  }

  private finishField(buf: Buffer, at: number): void {
    if (this.state === FIELD_START) this.startField(at, false)
    else if (this.state === UNQUOTED) {
      let end = at
      if (end > this.rec.starts[this.field]! && buf[end - 1] === CR) end--
      this.rec.ends[this.field] = end
    }
    // QUOTE_IN_QUOTED: the end was set at the closing quote.
  }

  private emit(buf: Buffer, onRecord: (rec: CsvRecord) => void): void {
    this.rec.buf = buf
    this.rec.count = this.field + 1
    this.records++
    onRecord(this.rec)
    this.field = 0
    this.state = FIELD_START
  }

  /**
   * Offset of the first delimiter or LF at or after `i` (or buf.length). Four bytes per step
   * (SWAR): a word holds a byte equal to k iff ((x − 0x01010101) & ~x & 0x80808080) ≠ 0 for
   * x = word ^ k·0x01010101, and the lowest flagged byte is always a true match.
   */
  private findDelimiterOrLf(buf: Buffer, i: number): number {
    const n = buf.length
    const delim = this.delimiter
    while (i < n && (i & 3) !== 0) {
      const c = buf[i]!
      if (c === delim || c === LF) return i
      i++
    }
    const words = this.words
    const dpat = Math.imul(delim, 0x01010101)
    const wordsEnd = words.length
    for (let w = i >>> 2; w < wordsEnd; w++) {
      const v = words[w]!
      const x = v ^ dpat
      const y = v ^ 0x0a0a0a0a
      const m = (((x - 0x01010101) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080
      if (m !== 0) return (w << 2) + ((31 - Math.clz32(m & -m)) >>> 3)
    }
    for (i = Math.max(i, wordsEnd << 2); i < n; i++) {
      const c = buf[i]!
      if (c === delim || c === LF) return i
    }
    return n
  }

  /** Scans from `from`; returns the offset just past the last complete record. */
  private scan(buf: Buffer, from: number, onRecord: (rec: CsvRecord) => void): number {
    const n = buf.length
    const delim = this.delimiter
    this.words = new Int32Array(buf.buffer, buf.byteOffset, n >>> 2)
    let done = 0
    let i = from
    let state = this.state
    while (i < n) {
      if (state === FIELD_START) {
        const c = buf[i]!
        if (c === QUOTE) {
          this.startField(i + 1, true)
          state = QUOTED
          i++
          continue
        }
        this.startField(i, false)
        state = UNQUOTED
      }
      if (state === UNQUOTED) {
        i = this.findDelimiterOrLf(buf, i)
        if (i === n) break
        const c = buf[i]!
        this.state = UNQUOTED
        this.finishField(buf, i)
        i++
        if (c === delim) {
          this.field++
          state = FIELD_START
        } else {
          this.emit(buf, onRecord)
          state = FIELD_START
          done = i
        }
        continue
      }
      if (state === QUOTED) {
        const q = buf.indexOf(QUOTE, i)
        if (q < 0) {
          i = n
          break
        }
        this.rec.ends[this.field] = q
        state = QUOTE_IN_QUOTED
        i = q + 1
        continue
      }
      // QUOTE_IN_QUOTED
      const c = buf[i]!
      if (c === QUOTE) {
        state = QUOTED
        i++
      } else if (c === delim) {
        this.field++
        state = FIELD_START
        i++
      } else if (c === LF) {
        this.state = QUOTE_IN_QUOTED
        i++
        this.emit(buf, onRecord)
        state = FIELD_START
        done = i
      } else {
        // CR before LF, or stray bytes after a closing quote: not part of the value.
        i++
      }
    }
    this.state = state
    return done
  }
}

/** Field text with RFC 4180 quoting undone (for headers and tests; the hot path stays in bytes). */
export function fieldText(
  rec: CsvRecord,
  f: number,
  decode: (b: Buffer) => string = (b) => b.toString('utf8'),
): string {
  if (f >= rec.count) return ''
  const raw = decode(rec.buf.subarray(rec.starts[f]!, rec.ends[f]!))
  return rec.quoted[f] ? raw.replaceAll('""', '"') : raw
}
