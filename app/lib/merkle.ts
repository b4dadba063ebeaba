// C11: the ledger as an append-only Merkle tree in the manner of Certificate Transparency
// (RFC 9162 §2.1). Pure functions, no database and no Node-only imports but `node:crypto`, so the
// offline verifier (tools/ledger-verify.ts --export) and the server share one definition.
//
// Leaf data: the 32 raw bytes of the entry's chain hash (`LedgerEntry.hash`, hex-decoded). The chain
// hash already commits to the entry's RFC 8785 canonical encoding, its algorithm and its `prevHash`,
// so a leaf commits to the entry and, through it, to every entry before it.
//   leaf hash = H(0x00 || leaf data)      node hash = H(0x01 || left || right)      (RFC 9162 §2.1.1)
// Leaf index = seq − 1 (seq is 1-based, RFC indexes are 0-based).
import { hash as oneShotHash } from 'node:crypto'

import { TREE_ALGS, type TreeAlg } from '~/vocab/ledger'

export { TREE_ALGS, type TreeAlg }

/** A perfect subtree: leaves [index·2^level, (index+1)·2^level). Stored ones are keyed by this. */
export interface NodeRef {
  level: number
  index: number
}

/** A contiguous run of leaves [start, end). */
export interface LeafRange {
  start: number
  end: number
}

export type NodeLookup = (ref: NodeRef) => Buffer

const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01

// On Node 20 a one-shot hash returning a Buffer costs about twice one returning a string, for
// inputs this small; the latin1 string holds the digest's bytes as they are.
function digest(alg: TreeAlg, data: Uint8Array): Buffer {
  return Buffer.from(oneShotHash(alg, data, 'binary'), 'latin1')
}

/** MTH({}) = H(""): the root of the empty tree. */
export function emptyRoot(alg: TreeAlg): Buffer {
  return digest(alg, new Uint8Array(0))
}

// Hashing is synchronous, so one scratch buffer serves every small input (the offline verifier
// hashes two or three of these per entry).
const scratch = Buffer.allocUnsafe(1 + 2 * 64)

function prefixed(prefix: number, a: Uint8Array, b?: Uint8Array): Buffer {
  const length = 1 + a.length + (b?.length ?? 0)
  const input = length <= scratch.length ? scratch.subarray(0, length) : Buffer.allocUnsafe(length)
  input[0] = prefix
  input.set(a, 1)
  if (b) input.set(b, 1 + a.length)
  return input
}

/** RFC 9162 §2.1.1: MTH({d}) = H(0x00 || d). */
export function leafHash(alg: TreeAlg, data: Uint8Array): Buffer {
  return digest(alg, prefixed(LEAF_PREFIX, data))
}

/** RFC 9162 §2.1.1: H(0x01 || left || right). */
export function nodeHash(alg: TreeAlg, left: Uint8Array, right: Uint8Array): Buffer {
  return digest(alg, prefixed(NODE_PREFIX, left, right))
}

/** The leaf hash of a ledger entry, from its hex chain hash. */
export function entryLeafHash(alg: TreeAlg, chainHashHex: string): Buffer {
  return leafHash(alg, Buffer.from(chainHashHex, 'hex'))
}

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Number.isInteger(Math.log2(n)) && 2 ** Math.log2(n) === n
}

function checkSize(name: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min)
    throw new RangeError(`${name} must be an integer ≥ ${min}`)
}

/**
 * The ranges whose hashes make up PATH(m, D[n]) (RFC 9162 §2.1.3.1), lowest level first: the
 * audit path of leaf `index` in a tree of `size` leaves.
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  checkSize('size', size, 1)
  checkSize('index', index, 0)
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`)
  const out: LeafRange[] = []
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start
    if (n === 1) return
    const k = splitPoint(n)
    if (m < k) {
      walk(m, start, start + k)
      out.push({ start: start + k, end })
    } else {
      walk(m - k, start + k, end)
      out.push({ start, end: start + k })
    }
  }
  walk(index, 0, size)
  return out
}

/**
 * The ranges whose hashes make up PROOF(m, D[n]) (RFC 9162 §2.1.4.1) for 0 < m ≤ n; empty when
 * m = n (the same tree needs no proof).
 */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  checkSize('first size', m, 1)
  checkSize('second size', n, 1)
  if (m > n) throw new RangeError(`tree of ${m} cannot be a prefix of a tree of ${n}`)
  const out: LeafRange[] = []
  const sub = (mm: number, start: number, end: number, complete: boolean): void => {
    const len = end - start
    if (mm === len) {
      if (!complete) out.push({ start, end })
      return
    }
    const k = splitPoint(len)
    if (mm <= k) {
      sub(mm, start, start + k, complete)
      out.push({ start: start + k, end })
    } else {
      sub(mm - k, start + k, end, false)
      out.push({ start, end: start + k })
    }
  }
  sub(m, 0, n, true)
  return out
}

/**
 * The perfect subtrees whose hashes determine MTH of `range`. Every range RFC 9162's recursion
 * produces starts at a multiple of the largest power of two not above its length, so it splits
 * into aligned perfect subtrees, largest first.
 */
export function perfectNodes(range: LeafRange): NodeRef[] {
  const out: NodeRef[] = []
  const visit = (start: number, end: number): void => {
    const n = end - start
    if (isPowerOfTwo(n) && start % n === 0) {
      out.push({ level: Math.log2(n), index: start / n })
      return
    }
    if (n < 1) throw new RangeError(`empty range at ${start}`)
    const k = splitPoint(n)
    visit(start, start + k)
    visit(start + k, end)
  }
  visit(range.start, range.end)
  return out
}

/** MTH of a range, from the hashes of its perfect subtrees (see perfectNodes). */
export function rangeHash(alg: TreeAlg, range: LeafRange, node: NodeLookup): Buffer {
  const n = range.end - range.start
  if (isPowerOfTwo(n) && range.start % n === 0) {
    return node({ level: Math.log2(n), index: range.start / n })
  }
  const k = splitPoint(n)
  return nodeHash(
    alg,
    rangeHash(alg, { start: range.start, end: range.start + k }, node),
    rangeHash(alg, { start: range.start + k, end: range.end }, node),
  )
}

/** The stored nodes a proof over these ranges reads, without duplicates. */
export function nodesFor(ranges: LeafRange[]): NodeRef[] {
  const seen = new Map<string, NodeRef>()
  for (const range of ranges) for (const ref of perfectNodes(range)) seen.set(nodeKey(ref), ref)
  return [...seen.values()]
}

/** The storage key of a perfect subtree: `level:index`. */
export function nodeKey(ref: NodeRef): string {
  return `${ref.level}:${ref.index}`
}

export function inclusionProof(
  alg: TreeAlg,
  index: number,
  size: number,
  node: NodeLookup,
): Buffer[] {
  return inclusionRanges(index, size).map((r) => rangeHash(alg, r, node))
}

export function consistencyProof(alg: TreeAlg, m: number, n: number, node: NodeLookup): Buffer[] {
  return consistencyRanges(m, n).map((r) => rangeHash(alg, r, node))
}

/** The perfect subtrees that make up a tree of `size` leaves, largest (leftmost) first. */
export function frontierNodes(size: number): NodeRef[] {
  checkSize('size', size, 0)
  const out: NodeRef[] = []
  let start = 0
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
    const width = 2 ** level
    if (size - start >= width) {
      out.push({ level, index: start / width })
      start += width
    }
  }
  return out
}

const bit0 = (n: number) => n % 2 === 1
const half = (n: number) => Math.floor(n / 2)

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0
}

/**
 * RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when the proof has the wrong
 * length for this index and size.
 */
export function rootFromInclusion(
  alg: TreeAlg,
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return null
  }
  let fn = index
  let sn = size - 1
  let r: Buffer = Buffer.from(leaf)
  for (const p of proof) {
    if (sn === 0) return null
    if (bit0(fn) || fn === sn) {
      r = nodeHash(alg, p, r)
      if (!bit0(fn)) {
        do {
          fn = half(fn)
          sn = half(sn)
        } while (!bit0(fn) && fn !== 0)
      }
    } else {
      r = nodeHash(alg, r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 ? r : null
}

export function verifyInclusion(
  alg: TreeAlg,
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusion(alg, index, size, leaf, proof)
  return computed !== null && equal(computed, root)
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `m` leaves with root `oldRoot` is a prefix
 * of the tree of `n` leaves with root `newRoot`? For m = n the proof must be empty and the roots
 * equal (the RFC only defines 0 < m < n).
 */
export function verifyConsistency(
  alg: TreeAlg,
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) return false
  if (m === n) return proof.length === 0 && equal(oldRoot, newRoot)
  if (proof.length === 0) return false
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof] : [...proof]
  let fn = m - 1
  let sn = n - 1
  while (bit0(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr: Buffer = Buffer.from(path[0]!)
  let sr: Buffer = Buffer.from(path[0]!)
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (bit0(fn) || fn === sn) {
      fr = nodeHash(alg, c, fr)
      sr = nodeHash(alg, c, sr)
      if (!bit0(fn)) {
        do {
          fn = half(fn)
          sn = half(sn)
        } while (!bit0(fn) && fn !== 0)
      }
    } else {
      sr = nodeHash(alg, sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot)
}

/**
 * Grows the tree one leaf at a time, keeping only the perfect subtrees on its right edge
 * (O(log n) memory), and reports every perfect subtree as it completes. Used by the checkpoint
 * job to fill stored nodes and by the offline verifier to recompute roots.
 */
export class TreeBuilder {
  /** The frontier's levels, oldest (largest) subtree first. */
  private readonly levels: number[] = []
  /** The frontier's hashes, 32 bytes each in `levels` order (a tree of < 2^64 leaves has < 64). */
  private readonly stack = Buffer.allocUnsafe(64 * 32)
  /** 0x01 || left || right: the next node's input; its right half holds the newest hash. */
  private readonly input = Buffer.allocUnsafe(1 + 2 * 32)
  private count: number

  constructor(
    readonly alg: TreeAlg,
    /** Resume from a tree of `size` leaves given its frontierNodes() hashes, in that order. */
    start: { size: number; frontier: Buffer[] } = { size: 0, frontier: [] },
    private readonly onNode?: (ref: NodeRef, hash: Buffer) => void,
  ) {
    const refs = frontierNodes(start.size)
    if (refs.length !== start.frontier.length) {
      throw new RangeError(`a tree of ${start.size} has ${refs.length} frontier nodes`)
    }
    refs.forEach((ref, i) => {
      this.levels.push(ref.level)
      this.stack.set(start.frontier[i]!, 32 * i)
    })
    this.count = start.size
  }

  get size(): number {
    return this.count
  }

  /**
   * Appends a leaf by its leaf hash (see leafHash): the 32 bytes at `at` in `leaf`. Nothing is
   * allocated unless onNode is given (the offline verifier pushes every entry of an export).
   */
  push(leaf: Uint8Array, at = 0): void {
    this.count++
    const { input, levels, stack } = this
    for (let k = 0; k < 32; k++) input[33 + k] = leaf[at + k]!
    let level = 0
    this.onNode?.({ level: 0, index: this.count - 1 }, Buffer.from(input.subarray(33)))
    input[0] = NODE_PREFIX
    while (levels.length > 0 && levels[levels.length - 1] === level) {
      levels.pop()
      for (let k = 0, from = 32 * levels.length; k < 32; k++) input[1 + k] = stack[from + k]!
      const hash = oneShotHash(this.alg, input, 'binary')
      for (let k = 0; k < 32; k++) input[33 + k] = hash.charCodeAt(k)
      level++
      this.onNode?.({ level, index: this.count / 2 ** level - 1 }, Buffer.from(input.subarray(33)))
    }
    for (let k = 0, to = 32 * levels.length; k < 32; k++) stack[to + k] = input[33 + k]!
    levels.push(level)
  }

  /** MTH of the leaves so far. */
  root(): Buffer {
    const hashes = this.frontier()
    if (hashes.length === 0) return emptyRoot(this.alg)
    let acc = hashes[hashes.length - 1]!
    for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(this.alg, hashes[i]!, acc)
    return acc
  }

  /** The frontier hashes, in frontierNodes(size) order (to resume later). */
  frontier(): Buffer[] {
    return this.levels.map((_, i) => Buffer.from(this.stack.subarray(32 * i, 32 * i + 32)))
  }
}

/** MTH of a list of leaf hashes (small trees; tests and receipts). */
export function treeRoot(alg: TreeAlg, leaves: readonly Buffer[]): Buffer {
  const builder = new TreeBuilder(alg)
  for (const leaf of leaves) builder.push(leaf)
  return builder.root()
}
