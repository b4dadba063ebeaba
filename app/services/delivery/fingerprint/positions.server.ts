// Where marks sit, computed the same way when a copy is made and when a leak is examined.
//
// A row is recognised by its content, never by its place in the file: an anchor is the
// canonical bytes of the row's identifier columns (family "id") or of its other unchanging
// columns (family "rest"), compressed by MurmurHash3. For each markable cell, the block
// anchor ⊕ tweak(column) is encrypted with the family's secret AES key; the 128-bit result says
// whether the cell carries a mark (24 bits vs the density threshold), which way a digit moves
// when it must change (1 bit), and the position's 96-bit vector v. A licence with secret s marks
// the bit parity(v·s). The id family takes precedence; a cell it leaves unmarked may be taken by
// the rest family. So a leak that drops the identifier column is still traced through the rest
// family, and one that drops a text column through the id family.
import { createCipheriv, type Cipheriv } from 'node:crypto'
import { endianness } from 'node:os'
import { ByteSink, writeCanonical } from './canonical'
import type { CsvRecord } from '~/lib/csv-scanner'
import { gbkToUtf8, gbkToUtf8Into } from './gbk.server'
import type { FingerprintKeys } from './keys.server'
import { murmur3x86_128 } from '~/lib/murmur3'
import { canonicalHeader, isMarkable, type FingerprintSpec } from './spec'

if (endianness() !== 'LE') throw new Error('fingerprint positions assume a little-endian host')

export const FAMILY_NONE = 0
export const FAMILY_ID = 1
export const FAMILY_REST = 2

const SELECT_BITS = 0xffffff
const SELECT_SCALE = 0x1000000

export type MarkedKind = 'numeric-absolute' | 'numeric-last-digit' | 'date'

export interface MarkedColumn {
  name: string
  /** Index of the column in the file being read or written. */
  index: number
  kind: MarkedKind
  /** numeric-absolute: the decimal place (10^place) whose digit carries the mark. */
  place: number
  tweakId: Uint32Array
  tweakRest: Uint32Array
}

export interface AnchorColumn {
  index: number
  isDate: boolean
}

/** How one file's columns map onto the spec. */
export interface ColumnPlan {
  /** Identifier columns in spec order, or null when the spec has none or one is missing. */
  idColumns: AnchorColumn[] | null
  restColumns: AnchorColumn[] | null
  marked: MarkedColumn[]
  /** Selection thresholds (out of 2^24); they depend on the spec only, never on the file. */
  thresholdId: number
  thresholdRest: number
  missing: string[]
}

/** The largest power of ten not above `delta`, as a decimal place: 0.05 → -2, 1 → 0, 25 → 1. */
export function placeForTolerance(delta: number): number {
  return Math.floor(Math.log10(delta) + 1e-9)
}

function tweak(family: string, column: string): Uint32Array {
  const bytes = Buffer.from(`${family}\u001f${canonicalHeader(column)}`, 'utf8')
  const out = new Uint32Array(4)
  murmur3x86_128(bytes, 0, bytes.length, 0x5eed, out)
  return out
}

/**
 * Maps the spec onto a header row. With `requireAll` (making a copy) a missing spec column is an
 * error; when examining a leak, missing columns are simply not used.
 */
export function planColumns(
  spec: FingerprintSpec,
  header: string[],
  requireAll: boolean,
): ColumnPlan {
  const at = new Map<string, number>()
  header.forEach((h, i) => {
    const k = canonicalHeader(h)
    if (!at.has(k)) at.set(k, i)
  })
  const missing: string[] = []
  const find = (name: string) => {
    const i = at.get(canonicalHeader(name))
    if (i === undefined) missing.push(name)
    return i
  }
  const ids: AnchorColumn[] = []
  const rest: AnchorColumn[] = []
  let idMissing = false
  let restMissing = false
  const marked: MarkedColumn[] = []
  for (const c of spec.columns) {
    const i = find(c.name)
    if (isMarkable(c)) {
      if (i === undefined) continue
      const kind: MarkedKind =
        c.kind === 'date'
          ? 'date'
          : c.kind === 'numeric' && c.tolerance && 'lastDigit' in c.tolerance
            ? 'numeric-last-digit'
            : 'numeric-absolute'
      const place =
        c.kind === 'numeric' && c.tolerance && 'absolute' in c.tolerance
          ? placeForTolerance(c.tolerance.absolute)
          : 0
      marked.push({
        name: c.name,
        index: i,
        kind,
        place,
        tweakId: tweak('id', c.name),
        tweakRest: tweak('rest', c.name),
      })
    } else if (c.kind === 'identifier') {
      if (i === undefined) idMissing = true
      else ids.push({ index: i, isDate: false })
    } else {
      if (i === undefined) restMissing = true
      else rest.push({ index: i, isDate: c.kind === 'date' })
    }
  }
  if (requireAll && missing.length) {
    throw new FingerprintInputError(
      `the file has no column ${missing.map((m) => JSON.stringify(m)).join(', ')}`,
    )
  }
  const specHasId = spec.columns.some((c) => c.kind === 'identifier')
  const specHasRest = spec.columns.some((c) => c.kind !== 'identifier' && !isMarkable(c))
  // Both families: the id family takes density/2 of the cells, the rest family density/2 of all
  // cells out of those the id family left, so together they mark `density` of them.
  const d = spec.density
  const dId = specHasId ? (specHasRest ? d / 2 : d) : 0
  const dRest = specHasRest ? (specHasId ? d / 2 / (1 - d / 2) : d) : 0
  return {
    idColumns: specHasId && !idMissing ? ids : null,
    restColumns: specHasRest && !restMissing ? rest : null,
    marked,
    thresholdId: Math.round(dId * SELECT_SCALE),
    thresholdRest: Math.round(dRest * SELECT_SCALE),
    missing,
  }
}

export class FingerprintInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FingerprintInputError'
  }
}

/** Builds the 128-bit anchor of a row from canonical field bytes. */
export class AnchorBuilder {
  private readonly sink = new ByteSink()
  private readonly scratch = new ByteSink()

  /** `gbk`: fields are GBK/GB18030 bytes, converted to UTF-8 before canonicalisation. */
  constructor(private readonly gbk = false) {}

  /** Writes the anchor into out[at..at+3]; false when every anchor field is empty. */
  build(rec: CsvRecord, columns: AnchorColumn[], out: Uint32Array, at: number): boolean {
    const sink = this.sink
    sink.reset()
    let content = false
    for (const col of columns) {
      if (col.index < rec.count) {
        let buf: Uint8Array = rec.buf
        let s = rec.starts[col.index]!
        let e = rec.ends[col.index]!
        if (this.gbk && hasHighByte(buf, s, e)) {
          const scratch = this.scratch
          scratch.reset()
          if (gbkToUtf8Into(buf, s, e, scratch)) buf = scratch.buf
          else buf = gbkToUtf8(rec.buf.subarray(s, e))
          s = 0
          e = buf === scratch.buf ? scratch.len : buf.length
        }
        const before = sink.len
        writeCanonical(buf, s, e, rec.quoted[col.index] === 1, col.isDate, sink)
        if (sink.len > before) content = true
      }
      sink.byte(0x1f)
    }
    if (!content) return false
    murmur3x86_128(sink.buf, 0, sink.len, 0, out, at, sink.words)
    return true
  }
}

function hasHighByte(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i]! >= 0x80) return true
  return false
}

/**
 * Cells waiting for their AES blocks. Callers add cells, then `run()` encrypts every block in
 * two native calls, then `family(i)` / `word(i, k)` say what each cell is.
 */
export class CellBatch {
  count = 0
  private capacity = 0
  private idIn = new Uint32Array(0)
  private restIn = new Uint32Array(0)
  /** Per cell: 1 = has an id anchor, 2 = has a rest anchor. */
  flags = new Uint8Array(0)
  private idOut: Buffer = Buffer.alloc(0)
  private restOut: Buffer = Buffer.alloc(0)
  /** The AES outputs as words: 4 per cell. */
  idWords: Int32Array<ArrayBufferLike> = new Int32Array(0)
  restWords: Int32Array<ArrayBufferLike> = new Int32Array(0)
  private readonly idCipher: Cipheriv
  private readonly restCipher: Cipheriv

  constructor(
    keys: FingerprintKeys,
    readonly thresholdId: number,
    readonly thresholdRest: number,
  ) {
    this.idCipher = createCipheriv('aes-128-ecb', keys.idPositions, null).setAutoPadding(false)
    this.restCipher = createCipheriv('aes-128-ecb', keys.restPositions, null).setAutoPadding(false)
  }

  reset(): void {
    this.count = 0
  }

  private grow(): void {
    const n = Math.max(1024, this.capacity * 2)
    const idIn = new Uint32Array(n * 4)
    idIn.set(this.idIn)
    const restIn = new Uint32Array(n * 4)
    restIn.set(this.restIn)
    const flags = new Uint8Array(n)
    flags.set(this.flags)
    this.idIn = idIn
    this.restIn = restIn
    this.flags = flags
    this.capacity = n
  }

  /** Adds a cell; anchors are 4-word slices of `anchors` at the given offsets, or -1 if absent. */
  add(anchors: Uint32Array, idAt: number, restAt: number, col: MarkedColumn): number {
    if (this.count === this.capacity) this.grow()
    const c = this.count++
    const o = c * 4
    let flags = 0
    if (idAt >= 0) {
      const t = col.tweakId
      this.idIn[o] = anchors[idAt]! ^ t[0]!
      this.idIn[o + 1] = anchors[idAt + 1]! ^ t[1]!
      this.idIn[o + 2] = anchors[idAt + 2]! ^ t[2]!
      this.idIn[o + 3] = anchors[idAt + 3]! ^ t[3]!
      flags |= 1
    }
    if (restAt >= 0) {
      const t = col.tweakRest
      this.restIn[o] = anchors[restAt]! ^ t[0]!
      this.restIn[o + 1] = anchors[restAt + 1]! ^ t[1]!
      this.restIn[o + 2] = anchors[restAt + 2]! ^ t[2]!
      this.restIn[o + 3] = anchors[restAt + 3]! ^ t[3]!
      flags |= 2
    }
    this.flags[c] = flags
    return c
  }

  run(): void {
    const bytes = this.count * 16
    if (bytes === 0) return
    this.idOut = this.idCipher.update(Buffer.from(this.idIn.buffer, 0, bytes))
    this.restOut = this.restCipher.update(Buffer.from(this.restIn.buffer, 0, bytes))
    this.idWords = wordsOf(this.idOut)
    this.restWords = wordsOf(this.restOut)
  }

  /** Which family marks cell i (FAMILY_NONE when neither selects it). */
  family(i: number): number {
    const f = this.flags[i]!
    if (f & 1 && (this.idWords[i * 4]! & SELECT_BITS) < this.thresholdId) return FAMILY_ID
    if (f & 2 && (this.restWords[i * 4]! & SELECT_BITS) < this.thresholdRest) return FAMILY_REST
    return FAMILY_NONE
  }

  /** Word k (0..3) of cell i's AES output in the given family (as unsigned). */
  word(i: number, family: number, k: number): number {
    return (family === FAMILY_ID ? this.idWords : this.restWords)[i * 4 + k]! >>> 0
  }

  /** The 16 output bytes as a map key (families never collide: different keys and a tag). */
  key(i: number, family: number): string {
    return (
      family +
      (family === FAMILY_ID ? this.idOut : this.restOut).toString('latin1', i * 16, i * 16 + 16)
    )
  }
}

function wordsOf(b: Buffer): Int32Array<ArrayBufferLike> {
  if ((b.byteOffset & 3) !== 0) b = Buffer.from(b)
  return new Int32Array(b.buffer, b.byteOffset, b.length >>> 2)
}

export function parity32(x: number): number {
  x ^= x >>> 16
  x ^= x >>> 8
  x ^= x >>> 4
  return (0x6996 >>> (x & 0xf)) & 1
}

/** The bit licence secret s marks at a position with vector (w1, w2, w3). */
export function markBit(w1: number, w2: number, w3: number, s: Uint32Array): number {
  return parity32((w1 & s[0]!) ^ (w2 & s[1]!) ^ (w3 & s[2]!))
}
