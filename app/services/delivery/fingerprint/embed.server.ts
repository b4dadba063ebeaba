// Art. 38 (可追溯的數據交易環境): every buyer's copy of a file carries a keyed, per-licence mark in
// the data itself, so a leaked copy is traced back to its licence. The copy is made by
// streaming: bytes pass through unchanged except the single digits (or date separators) that
// carry marks, each changed in place by ±1 in the place the product's tolerance allows — never
// with a carry, so a value keeps its length, its sign and every other digit.
import { createHash } from 'node:crypto'
import { Transform, type Readable, type TransformCallback, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import iconv from 'iconv-lite'
import { dateSpelling, digitAt, lastPlace, parseDecimal, trim, trimmed } from './canonical'
import { CsvScanner, fieldText, type CsvRecord } from '~/lib/csv-scanner'
import { licenceSecret, platformFingerprintKeys, type FingerprintKeys } from './keys.server'
import {
  AnchorBuilder,
  CellBatch,
  FingerprintInputError,
  parity32,
  planColumns,
  type ColumnPlan,
} from './positions.server'
import { fingerprintSpecSchema, type FingerprintSpec, type FingerprintSpecInput } from './spec'

export type CsvEncoding = 'utf-8' | 'gbk' | 'gb18030'
export type CsvDelimiter = ',' | '\t' | ';' | '|'

export interface FingerprintStats {
  /** Data rows (the header and blank lines not counted). */
  rows: number
  /** Cells that carry a mark (about half of them already read right and were left as they were). */
  marksEmbedded: number
  /** Cells whose bytes changed. */
  cellsChanged: number
  bytes: number
}

const KIND_DIGIT = 0
const KIND_DATE = 1

/** The fingerprinting state machine: bytes in, the same bytes with marks out. */
export class FingerprintEngine {
  readonly stats: FingerprintStats = { rows: 0, marksEmbedded: 0, cellsChanged: 0, bytes: 0 }
  private readonly scanner: CsvScanner
  private readonly anchors: AnchorBuilder
  private plan: ColumnPlan | null = null
  private batch: CellBatch | null = null
  private readonly secret: Uint32Array
  private rowAnchors = new Uint32Array(8)
  // Per cell of the current chunk: where its digit/separator is and what it holds now.
  private cellAt = new Int32Array(1024)
  private cellKind = new Uint8Array(1024)
  private cellNow = new Uint8Array(1024)
  // Every record of one push shares the scanner's buffer.
  private batchBuf: Buffer = Buffer.alloc(0)
  private readonly onRecord = (rec: CsvRecord) => this.record(rec)

  constructor(
    private readonly spec: FingerprintSpec,
    private readonly keys: FingerprintKeys,
    licenceId: string,
    private readonly encoding: CsvEncoding = 'utf-8',
    delimiter: CsvDelimiter = ',',
  ) {
    this.scanner = new CsvScanner({ copyInput: true, delimiter: delimiter.charCodeAt(0) })
    this.secret = licenceSecret(keys, licenceId)
    this.anchors = new AnchorBuilder(encoding !== 'utf-8')
  }

  push(chunk: Buffer): Buffer {
    const out = this.scanner.push(chunk, this.onRecord)
    this.applyMarks()
    this.stats.bytes += out.length
    return out
  }

  end(): Buffer {
    const out = this.scanner.end(this.onRecord)
    this.applyMarks()
    if (!this.plan) throw new FingerprintInputError('the file has no header row')
    this.stats.bytes += out.length
    return out
  }

  private header(rec: CsvRecord): void {
    const decode = this.encoding === 'utf-8' ? undefined : (b: Buffer) => iconv.decode(b, 'gb18030')
    const names: string[] = []
    for (let f = 0; f < rec.count; f++) names.push(fieldText(rec, f, decode))
    this.plan = planColumns(this.spec, names, true)
    this.batch = new CellBatch(this.keys, this.plan.thresholdId, this.plan.thresholdRest)
  }

  private record(rec: CsvRecord): void {
    if (!this.plan) return this.header(rec)
    if (rec.count === 1 && rec.starts[0] === rec.ends[0]) return
    this.stats.rows++
    const plan = this.plan
    const a = this.rowAnchors
    const idAt = plan.idColumns && this.anchors.build(rec, plan.idColumns, a, 0) ? 0 : -1
    const restAt = plan.restColumns && this.anchors.build(rec, plan.restColumns, a, 4) ? 4 : -1
    if (idAt < 0 && restAt < 0) return
    const b = rec.buf
    this.batchBuf = b
    for (const col of plan.marked) {
      if (col.index >= rec.count) continue
      trim(b, rec.starts[col.index]!, rec.ends[col.index]!)
      const s = trimmed.start
      const e = trimmed.end
      let at = -1
      let kind = KIND_DIGIT
      let now = 0
      if (col.kind === 'date') {
        const d = dateSpelling(b, s, e)
        if (d < 0) continue
        at = d >>> 1
        kind = KIND_DATE
        now = d & 1
      } else {
        const d = parseDecimal(b, s, e)
        if (!d) continue
        at = digitAt(d, col.kind === 'numeric-absolute' ? col.place : lastPlace(d))
        if (at < 0) continue
        now = b[at]! - 0x30
      }
      const c = this.batch!.add(a, idAt, restAt, col)
      if (c >= this.cellAt.length) this.growCells()
      this.cellAt[c] = at
      this.cellKind[c] = kind
      this.cellNow[c] = now
    }
  }

  private growCells(): void {
    const n = this.cellAt.length * 2
    const at = new Int32Array(n)
    at.set(this.cellAt)
    const kind = new Uint8Array(n)
    kind.set(this.cellKind)
    const now = new Uint8Array(n)
    now.set(this.cellNow)
    this.cellAt = at
    this.cellKind = kind
    this.cellNow = now
  }

  private applyMarks(): void {
    const batch = this.batch
    if (!batch || batch.count === 0) return
    batch.run()
    const s0 = this.secret[0]!
    const s1 = this.secret[1]!
    const s2 = this.secret[2]!
    let marks = 0
    let changed = 0
    const { flags, idWords, restWords, thresholdId, thresholdRest } = batch
    const buf = this.batchBuf
    for (let c = 0; c < batch.count; c++) {
      // The id family takes the cell first (see positions.server.ts); selection is 24 bits.
      const o = c * 4
      const f = flags[c]!
      let w: Int32Array<ArrayBufferLike>
      if (f & 1 && (idWords[o]! & 0xffffff) < thresholdId) w = idWords
      else if (f & 2 && (restWords[o]! & 0xffffff) < thresholdRest) w = restWords
      else continue
      marks++
      const bit = parity32((w[o + 1]! & s0) ^ (w[o + 2]! & s1) ^ (w[o + 3]! & s2))
      const now = this.cellNow[c]!
      if ((now & 1) === bit) continue
      changed++
      const at = this.cellAt[c]!
      if (this.cellKind[c] === KIND_DATE) {
        const sep = bit ? 0x2f : 0x2d
        buf[at] = sep
        buf[at + 3] = sep
      } else {
        // ±1 without a carry: 0 can only go up, 9 only down; otherwise the keyed direction bit
        // keeps the changes unbiased.
        const up = now === 0 || (now !== 9 && w[o]! < 0)
        buf[at] = 0x30 + (up ? now + 1 : now - 1)
      }
    }
    this.stats.marksEmbedded += marks
    this.stats.cellsChanged += changed
    batch.reset()
  }
}

export interface FingerprintCsvOptions {
  input: Readable
  output: Writable
  spec: FingerprintSpecInput | FingerprintSpec
  licenceId: string
  /** Encoding of the input; the copy keeps it (default UTF-8). UTF-16 input must be transcoded first. */
  encoding?: CsvEncoding
  delimiter?: CsvDelimiter
  /** Defaults to keys derived from DATA_ENCRYPTION_KEY. */
  keys?: FingerprintKeys
}

export interface FingerprintResult extends FingerprintStats {
  /** SHA-256 (hex) of the bytes written. The same licence and input always give the same copy. */
  outputHash: string
}

/** A Transform producing the fingerprinted copy; `stats` and `outputHash()` once it has flushed. */
export class FingerprintTransform extends Transform {
  private readonly engine: FingerprintEngine
  private readonly hash = createHash('sha256')
  private digest: string | undefined

  constructor(
    spec: FingerprintSpec,
    keys: FingerprintKeys,
    licenceId: string,
    encoding: CsvEncoding = 'utf-8',
    delimiter: CsvDelimiter = ',',
  ) {
    super()
    this.engine = new FingerprintEngine(spec, keys, licenceId, encoding, delimiter)
  }

  get stats(): FingerprintStats {
    return this.engine.stats
  }

  outputHash(): string {
    this.digest ??= this.hash.digest('hex')
    return this.digest
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.emitBytes(this.engine.push(chunk))
      done()
    } catch (error) {
      done(error as Error)
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.emitBytes(this.engine.end())
      done()
    } catch (error) {
      done(error as Error)
    }
  }

  private emitBytes(out: Buffer): void {
    if (out.length === 0) return
    this.hash.update(out)
    this.push(out)
  }
}

/**
 * Streams `input` to `output` as the licence's fingerprinted copy (bounded memory: one input
 * chunk plus one record). Deterministic: retrying a delivery yields the same bytes and hash.
 */
export async function fingerprintCsv(options: FingerprintCsvOptions): Promise<FingerprintResult> {
  const spec = fingerprintSpecSchema.parse(options.spec)
  const keys = options.keys ?? platformFingerprintKeys()
  const transform = new FingerprintTransform(
    spec,
    keys,
    options.licenceId,
    options.encoding ?? 'utf-8',
    options.delimiter ?? ',',
  )
  await pipeline(options.input, transform, options.output)
  return { ...transform.stats, outputHash: transform.outputHash() }
}
