// Art. 38 (可追溯): trace a leaked file back to the licence whose copy it came from.
//
// The leak is read once (CSV/TSV in any encoding the table reader detects, or XLSX); every row is
// re-anchored from its content and every marked cell becomes a position with a 96-bit vector v
// and the bit read from the cell. Positions are de-duplicated (a row repeated or anchors that
// collide count once, by majority), so padding a leak with copies of rows cannot inflate a score.
// Each candidate licence is then scored by how many positions read parity(v·s) for its secret s —
// with the positions held as 96 bit-columns, one candidate costs ~48 XORs of n/32 words.
import {
  dateSpelling,
  digitAt,
  expandExponent,
  lastPlace,
  parseDecimal,
  trim,
  trimmed,
} from './canonical'
import type { CsvRecord } from '~/lib/csv-scanner'
import { resolveLimits } from '~/services/desensitize/limits'
import { readTable, type TableInput } from '~/services/desensitize/table.server'
import { binomialUpperTail, type Tail } from '~/lib/binomial'
import { licenceSecret, platformFingerprintKeys, type FingerprintKeys } from './keys.server'
import {
  AnchorBuilder,
  CellBatch,
  FAMILY_ID,
  FAMILY_NONE,
  FAMILY_REST,
  planColumns,
  type ColumnPlan,
  type MarkedColumn,
} from './positions.server'
import { fingerprintSpecSchema, type FingerprintSpec, type FingerprintSpecInput } from './spec'

/** Accuse a licence only when no innocent candidate would score this well but with this probability. */
export const DEFAULT_ACCUSATION_THRESHOLD = 1e-6

const FLUSH_ROWS = 4096

/** What a leak says, once read: independent of the candidates. */
export interface LeakPositions {
  /** Distinct marked positions with a definite read. */
  n: number
  /** 3 words per position. */
  vectors: Uint32Array
  bits: Uint8Array
  rows: number
  /** Positions by family ([id, rest]). */
  byFamily: [number, number]
  /** Spec columns the leak does not have. */
  missingColumns: string[]
  /** Columns that carried reads. */
  markedColumns: string[]
  /** Positions grouped by column: [start, end) into vectors/bits. */
  columns: { name: string; start: number; end: number }[]
  format?: string
  encoding?: string
}

export interface RankedCandidate {
  licenceId: string
  /** Positions whose read agrees with this licence's mark. */
  matches: number
  /** Positions examined. */
  trials: number
  /** The same per marked column. */
  columns: { name: string; matches: number; trials: number }[]
  /**
   * Probability that one innocent licence's key scores this well by chance. Its agreements are
   * Binomial(trials, ½), per column too, so each of 1 + 2C exact tests is valid: agreement over all
   * positions, and per column agreement or disagreement (a leaker who shifts every value by one
   * unit complements a column's marks). The smallest tail, times the number of tests.
   */
  pValue: number
  log10PValue: number
  /**
   * Probability that any innocent licence among the candidates scores this well by chance (the
   * p-value times the number of candidates, a union bound, capped at 1). The number to accuse by.
   */
  falseAccusationProbability: number
  log10FalseAccusationProbability: number
  accused: boolean
}

interface Votes {
  index: Map<string, number>
  vectors: Uint32Array
  zeros: Uint32Array
  ones: Uint32Array
  family: Uint8Array
  column: Uint8Array
  n: number
}

function newVotes(): Votes {
  return {
    index: new Map(),
    vectors: new Uint32Array(3 * 1024),
    zeros: new Uint32Array(1024),
    ones: new Uint32Array(1024),
    family: new Uint8Array(1024),
    column: new Uint8Array(1024),
    n: 0,
  }
}

function growVotes(v: Votes): void {
  const cap = v.zeros.length * 2
  const vectors = new Uint32Array(3 * cap)
  vectors.set(v.vectors)
  const zeros = new Uint32Array(cap)
  zeros.set(v.zeros)
  const ones = new Uint32Array(cap)
  ones.set(v.ones)
  const family = new Uint8Array(cap)
  family.set(v.family)
  const column = new Uint8Array(cap)
  column.set(v.column)
  Object.assign(v, { vectors, zeros, ones, family, column })
}

/** Collects positions from rows given as strings (whatever reader produced them). */
export class LeakCollector {
  private plan: ColumnPlan | null = null
  private batch: CellBatch | null = null
  private readonly anchors = new AnchorBuilder()
  private readonly rowAnchors = new Uint32Array(8)
  private readonly votes = newVotes()
  private rec: CsvRecord = {
    buf: Buffer.alloc(64 * 1024),
    count: 0,
    starts: new Int32Array(64),
    ends: new Int32Array(64),
    quoted: new Uint8Array(64),
  }
  private needed: number[] = []
  private numericColumns = new Set<number>()
  // Per cell of the pending batch: the bit read now, or -1 with the text kept (last-digit columns
  // are read at the column's place, known only at the end).
  private cellBit = new Int8Array(1024)
  private cellCol: MarkedColumn[] = []
  private deferred: { pos: number; col: MarkedColumn; text: string }[] = []
  private pendingCells: { c: number; text: string }[] = []
  private placeCounts = new Map<MarkedColumn, Map<number, number>>()
  private rowsInBatch = 0
  rows = 0
  private readonly missing = new Set<string>()
  /** Marked columns by name, in the order first seen (positions refer to them by index). */
  private readonly markedNames = new Map<string, number>()

  constructor(
    private readonly spec: FingerprintSpec,
    private readonly keys: FingerprintKeys,
  ) {}

  /** A new sheet (XLSX leaks may have several): its first row is a header. */
  sheet(): void {
    this.flush()
    this.plan = null
  }

  header(cells: string[]): void {
    this.flush()
    this.plan = planColumns(this.spec, cells, false)
    for (const m of this.plan.missing) this.missing.add(m)
    for (const m of this.plan.marked)
      if (!this.markedNames.has(m.name)) this.markedNames.set(m.name, this.markedNames.size)
    this.batch = new CellBatch(this.keys, this.plan.thresholdId, this.plan.thresholdRest)
    const needed = new Set<number>()
    for (const c of this.plan.idColumns ?? []) needed.add(c.index)
    for (const c of this.plan.restColumns ?? []) needed.add(c.index)
    this.numericColumns = new Set()
    for (const c of this.plan.marked) {
      needed.add(c.index)
      if (c.kind !== 'date') this.numericColumns.add(c.index)
    }
    this.needed = [...needed].sort((a, b) => a - b)
    const width = Math.max(1, cells.length)
    if (this.rec.starts.length < width) {
      this.rec.starts = new Int32Array(width)
      this.rec.ends = new Int32Array(width)
      this.rec.quoted = new Uint8Array(width)
    }
  }

  row(cells: string[]): void {
    const plan = this.plan
    if (!plan) return this.header(cells)
    if (cells.every((c) => c.trim() === '')) return
    this.rows++
    const rec = this.toRecord(cells)
    const a = this.rowAnchors
    const idAt = plan.idColumns && this.anchors.build(rec, plan.idColumns, a, 0) ? 0 : -1
    const restAt = plan.restColumns && this.anchors.build(rec, plan.restColumns, a, 4) ? 4 : -1
    if (idAt >= 0 || restAt >= 0) {
      for (const col of plan.marked) {
        if (col.index >= cells.length) continue
        this.readCell(rec, col, a, idAt, restAt)
      }
    }
    if (++this.rowsInBatch >= FLUSH_ROWS) this.flush()
  }

  private toRecord(cells: string[]): CsvRecord {
    const rec = this.rec
    let need = 0
    for (const i of this.needed) if (i < cells.length) need += cells[i]!.length * 3
    if (rec.buf.length < need) rec.buf = Buffer.alloc(need * 2)
    let o = 0
    rec.count = cells.length
    for (const i of this.needed) {
      if (i >= cells.length) continue
      let text = cells[i]!
      if (this.numericColumns.has(i) && (text.includes('e') || text.includes('E')))
        text = expandExponent(text)
      rec.starts[i] = o
      o += rec.buf.write(text, o, 'utf8')
      rec.ends[i] = o
      rec.quoted[i] = 0
    }
    return rec
  }

  private readCell(
    rec: CsvRecord,
    col: MarkedColumn,
    anchors: Uint32Array,
    idAt: number,
    restAt: number,
  ): void {
    const b = rec.buf
    trim(b, rec.starts[col.index]!, rec.ends[col.index]!)
    const s = trimmed.start
    const e = trimmed.end
    let bit = -1
    let text = ''
    if (col.kind === 'date') {
      const d = dateSpelling(b, s, e)
      if (d < 0) return
      bit = d & 1
    } else {
      const d = parseDecimal(b, s, e)
      if (!d) return
      if (col.kind === 'numeric-absolute') {
        const at = digitAt(d, col.place)
        // Fewer decimals than the mark's place: trailing zeros lost (Excel), the digit is 0.
        if (at < 0 && col.place >= 0) return
        bit = at < 0 ? 0 : (b[at]! - 0x30) & 1
      } else {
        let counts = this.placeCounts.get(col)
        if (!counts) this.placeCounts.set(col, (counts = new Map()))
        const p = lastPlace(d)
        counts.set(p, (counts.get(p) ?? 0) + 1)
        text = b.toString('latin1', s, e)
      }
    }
    const c = this.batch!.add(anchors, idAt, restAt, col)
    if (c >= this.cellBit.length) {
      const next = new Int8Array(this.cellBit.length * 2)
      next.set(this.cellBit)
      this.cellBit = next
    }
    this.cellBit[c] = bit
    this.cellCol[c] = col
    if (bit < 0) this.pendingCells.push({ c, text })
  }

  private flush(): void {
    const batch = this.batch
    this.rowsInBatch = 0
    if (!batch || batch.count === 0) return
    batch.run()
    const v = this.votes
    let pending = 0
    for (let c = 0; c < batch.count; c++) {
      const fam = batch.family(c)
      const deferredText = this.cellBit[c]! < 0 ? this.pendingCells[pending++]!.text : ''
      if (fam === FAMILY_NONE) continue
      const key = batch.key(c, fam)
      let p = v.index.get(key)
      if (p === undefined) {
        p = v.n++
        if (p >= v.zeros.length) growVotes(v)
        v.index.set(key, p)
        v.vectors[3 * p] = batch.word(c, fam, 1)
        v.vectors[3 * p + 1] = batch.word(c, fam, 2)
        v.vectors[3 * p + 2] = batch.word(c, fam, 3)
        v.family[p] = fam
        v.column[p] = this.markedNames.get(this.cellCol[c]!.name)!
      }
      const bit = this.cellBit[c]!
      if (bit < 0) this.deferred.push({ pos: p, col: this.cellCol[c]!, text: deferredText })
      else if (bit) v.ones[p]!++
      else v.zeros[p]!++
    }
    this.pendingCells.length = 0
    this.cellCol.length = 0
    batch.reset()
  }

  /**
   * The place a last-digit column is read at: the finest place that at least a tenth of its values
   * are written to (Excel drops trailing zeros from some values; one stray long value must not
   * move the place for all).
   */
  private columnPlace(col: MarkedColumn): number {
    const counts = this.placeCounts.get(col)
    if (!counts) return 0
    let total = 0
    for (const n of counts.values()) total += n
    let best = 0
    for (const [p, n] of counts) if (n >= total * 0.1 && p < best) best = p
    return best
  }

  finish(): LeakPositions {
    this.flush()
    const v = this.votes
    const places = new Map<MarkedColumn, number>()
    for (const d of this.deferred) {
      let place = places.get(d.col)
      if (place === undefined) places.set(d.col, (place = this.columnPlace(d.col)))
      const b = Buffer.from(d.text, 'latin1')
      const dec = parseDecimal(b, 0, b.length)
      if (!dec) continue
      const at = digitAt(dec, place)
      if (at < 0 && place >= 0) continue
      if (at >= 0 && (b[at]! - 0x30) & 1) v.ones[d.pos]!++
      else v.zeros[d.pos]!++
    }
    // Majority per position; a tie says nothing and is left out. Positions are grouped by column.
    const names = [...this.markedNames.keys()]
    const perColumn = new Array<number>(names.length).fill(0)
    for (let p = 0; p < v.n; p++) if (v.ones[p] !== v.zeros[p]) perColumn[v.column[p]!]!++
    const columns: LeakPositions['columns'] = []
    let n = 0
    names.forEach((name, i) => {
      columns.push({ name, start: n, end: n + perColumn[i]! })
      n += perColumn[i]!
    })
    const next = columns.map((c) => c.start)
    const vectors = new Uint32Array(3 * n)
    const bits = new Uint8Array(n)
    const byFamily: [number, number] = [0, 0]
    for (let p = 0; p < v.n; p++) {
      if (v.ones[p] === v.zeros[p]) continue
      const q = next[v.column[p]!]!++
      vectors[3 * q] = v.vectors[3 * p]!
      vectors[3 * q + 1] = v.vectors[3 * p + 1]!
      vectors[3 * q + 2] = v.vectors[3 * p + 2]!
      bits[q] = v.ones[p]! > v.zeros[p]! ? 1 : 0
      if (v.family[p] === FAMILY_ID) byFamily[0]++
      else if (v.family[p] === FAMILY_REST) byFamily[1]++
    }
    return {
      n,
      vectors,
      bits,
      rows: this.rows,
      byFamily,
      missingColumns: [...this.missing],
      markedColumns: names,
      columns,
    }
  }
}

const BLOCK_WORDS = 256

/**
 * Agreement counts for each secret. Positions are taken 8,192 at a time and transposed into 96
 * bit-columns; for each of the 12 bytes of a secret, a table holds the XOR of the bit-columns that
 * every byte value selects (the "Four Russians" trick), so one candidate costs 12 table rows XORed
 * per word instead of ~48 columns, and no hashing at all.
 */
export function countMatches(
  leak: LeakPositions,
  secrets: Uint32Array[],
  from = 0,
  to = leak.n,
): Int32Array {
  const n = to - from
  const m = secrets.length
  const secretBytes = new Uint8Array(12 * m)
  secrets.forEach((s, c) => {
    for (let g = 0; g < 12; g++) secretBytes[12 * c + g] = (s[g >>> 2]! >>> ((g & 3) * 8)) & 0xff
  })
  const columns = new Int32Array(96 * BLOCK_WORDS)
  const tables = new Int32Array(12 * 256 * BLOCK_WORDS)
  const reads = new Int32Array(BLOCK_WORDS)
  const mismatches = new Int32Array(m)
  for (let p0 = from; p0 < to; p0 += BLOCK_WORDS * 32) {
    const count = Math.min(to - p0, BLOCK_WORDS * 32)
    const words = Math.ceil(count / 32)
    columns.fill(0)
    reads.fill(0)
    for (let q = 0; q < count; q++) {
      const p = p0 + q
      const w = q >>> 5
      const bit = 1 << (q & 31)
      if (leak.bits[p]) reads[w]! |= bit
      for (let k = 0; k < 3; k++) {
        let x = leak.vectors[3 * p + k]!
        while (x !== 0) {
          const low = x & -x
          columns[(k * 32 + 31 - Math.clz32(low)) * BLOCK_WORDS + w]! |= bit
          x ^= low
        }
      }
    }
    // tables[g][v] = XOR of bit-columns 8g+j over the set bits j of v.
    for (let g = 0; g < 12; g++) {
      const base = g * 256 * BLOCK_WORDS
      for (let v = 1; v < 256; v++) {
        const low = v & -v
        const from = base + (v ^ low) * BLOCK_WORDS
        const col = (g * 8 + 31 - Math.clz32(low)) * BLOCK_WORDS
        const to = base + v * BLOCK_WORDS
        for (let w = 0; w < words; w++) tables[to + w] = tables[from + w]! ^ columns[col + w]!
      }
    }
    const lastMask = count % 32 === 0 ? -1 : (1 << (count % 32)) - 1
    for (let c = 0; c < m; c++) {
      const b = 12 * c
      const t0 = (0 * 256 + secretBytes[b]!) * BLOCK_WORDS
      const t1 = (1 * 256 + secretBytes[b + 1]!) * BLOCK_WORDS
      const t2 = (2 * 256 + secretBytes[b + 2]!) * BLOCK_WORDS
      const t3 = (3 * 256 + secretBytes[b + 3]!) * BLOCK_WORDS
      const t4 = (4 * 256 + secretBytes[b + 4]!) * BLOCK_WORDS
      const t5 = (5 * 256 + secretBytes[b + 5]!) * BLOCK_WORDS
      const t6 = (6 * 256 + secretBytes[b + 6]!) * BLOCK_WORDS
      const t7 = (7 * 256 + secretBytes[b + 7]!) * BLOCK_WORDS
      const t8 = (8 * 256 + secretBytes[b + 8]!) * BLOCK_WORDS
      const t9 = (9 * 256 + secretBytes[b + 9]!) * BLOCK_WORDS
      const t10 = (10 * 256 + secretBytes[b + 10]!) * BLOCK_WORDS
      const t11 = (11 * 256 + secretBytes[b + 11]!) * BLOCK_WORDS
      let miss = 0
      for (let w = 0; w < words; w++) {
        // Each position's predicted bit, XOR what the leak reads there: 1 where they differ.
        let x =
          tables[t0 + w]! ^
          tables[t1 + w]! ^
          tables[t2 + w]! ^
          tables[t3 + w]! ^
          tables[t4 + w]! ^
          tables[t5 + w]! ^
          tables[t6 + w]! ^
          tables[t7 + w]! ^
          tables[t8 + w]! ^
          tables[t9 + w]! ^
          tables[t10 + w]! ^
          tables[t11 + w]! ^
          reads[w]!
        if (w === words - 1) x &= lastMask
        x -= (x >>> 1) & 0x55555555
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
        x = (x + (x >>> 4)) & 0x0f0f0f0f
        miss += Math.imul(x, 0x01010101) >>> 24
      }
      mismatches[c]! += miss
    }
  }
  return mismatches.map((miss) => n - miss)
}

/** Ranks candidates, most incriminated first, with the probabilities that make an accusation sound or not. */
export function rankCandidates(
  leak: LeakPositions,
  candidates: { licenceId: string; secret: Uint32Array }[],
  threshold = DEFAULT_ACCUSATION_THRESHOLD,
): RankedCandidate[] {
  const secrets = candidates.map((c) => c.secret)
  const columns = leak.columns.filter((c) => c.end > c.start)
  const perColumn = columns.map((c) => countMatches(leak, secrets, c.start, c.end))
  const tests = 1 + 2 * columns.length
  const log10Tests = Math.log10(tests)
  const log10m = Math.log10(Math.max(1, candidates.length))
  const ranked = candidates.map((c, i) => {
    let matches = 0
    for (const col of perColumn) matches += col[i]!
    let best: Tail = binomialUpperTail(leak.n, matches)
    const detail = columns.map((col, j) => {
      const k = perColumn[j]![i]!
      const trials = col.end - col.start
      for (const t of [binomialUpperTail(trials, k), binomialUpperTail(trials, trials - k)])
        if (t.log10 < best.log10) best = t
      return { name: col.name, matches: k, trials }
    })
    const log10P = Math.min(0, best.log10 + log10Tests)
    const log10Fa = Math.min(0, log10P + log10m)
    return {
      licenceId: c.licenceId,
      matches,
      trials: leak.n,
      columns: detail,
      pValue: 10 ** log10P,
      log10PValue: log10P,
      falseAccusationProbability: 10 ** log10Fa,
      log10FalseAccusationProbability: log10Fa,
      accused: leak.n > 0 && log10Fa <= Math.log10(threshold),
    }
  })
  ranked.sort(
    (a, b) =>
      a.log10PValue - b.log10PValue ||
      b.matches - a.matches ||
      a.licenceId.localeCompare(b.licenceId),
  )
  return ranked
}

export interface IdentifyLeakOptions {
  /** The leaked file (a path or a stored blob): CSV/TSV (UTF-8, GBK/GB18030, UTF-16) or XLSX. */
  file: TableInput
  spec: FingerprintSpecInput | FingerprintSpec
  candidates: string[]
  keys?: FingerprintKeys
  threshold?: number
}

export interface IdentifyResult {
  ranked: RankedCandidate[]
  leak: Omit<LeakPositions, 'vectors' | 'bits'>
}

/** Reads a leaked file into positions (once; score any number of candidate sets against them). */
export async function readLeak(
  file: TableInput,
  spec: FingerprintSpec,
  keys: FingerprintKeys,
): Promise<LeakPositions> {
  const collector = new LeakCollector(spec, keys)
  const summary = await readTable(
    file,
    {
      onSheet: () => collector.sheet(),
      onRow: (cells) => collector.row(cells),
    },
    resolveLimits(),
  )
  const leak = collector.finish()
  return { ...leak, format: summary.format, encoding: summary.encoding }
}

/** Art. 38: which licence's copy is this? Best matches first. */
export async function identifyLeak(options: IdentifyLeakOptions): Promise<IdentifyResult> {
  const spec = fingerprintSpecSchema.parse(options.spec)
  const keys = options.keys ?? platformFingerprintKeys()
  const leak = await readLeak(options.file, spec, keys)
  const candidates = [...new Set(options.candidates)].map((licenceId) => ({
    licenceId,
    secret: licenceSecret(keys, licenceId),
  }))
  const ranked = rankCandidates(leak, candidates, options.threshold)
  const { vectors: _v, bits: _b, ...rest } = leak
  return { ranked, leak: rest }
}
