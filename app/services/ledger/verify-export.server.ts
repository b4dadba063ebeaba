// C11: offline verification of a ledger export (export-format.ts) and of single receipts. No
// database, no configuration, no network: a regulator runs it with the export and this repo.
//
// What is checked, in order (the first failure is reported, naming the entry where there is one):
//  1. every public key's id is the hash of its key; every checkpoint's body is the canonical text of
//     its fields and its signature verifies with the key it names; tree sizes strictly increase;
//  2. the consistency proof between each two consecutive checkpoints (RFC 9162 §2.1.4.2);
//  3. the manifest's signature, and the SHA-256 of each small file it lists;
//  4. entries.jsonl in one streaming pass: each line's hash is H(its entry text), seqs run 1, 2, 3 …
//     without gaps, repeats or reordering, each prevHash is the previous entry's hash, and at every
//     checkpoint the Merkle root recomputed from all entries so far equals the signed root. Equal
//     roots prove every entry's inclusion at once (a stronger check than one proof per entry);
//  5. the entry file's SHA-256 and count against the manifest, and that the last checkpoint covers
//     every entry (an export cut short names the first missing entry).
// A consistent rewrite of the entries (chain re-hashed after a change) passes step 4's chain checks
// but not the signed roots; the verifier then names the range between the last checkpoint that
// matches and the first that does not, which is all signed data can tell.
import { createHash, createPublicKey, hash as oneShotHash, type KeyObject } from 'node:crypto'
import { open, readFile, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import canonicalize from 'canonicalize'
import { z } from 'zod'
import {
  CHECKPOINT_ORIGIN,
  SIGNING_ALGS,
  checkpointBody,
  keyIdOf,
  verifyBody,
  verifyBodyLater,
  type SigningAlg,
} from './checkpoint-note'
import {
  EXPORT_FILES,
  EXPORT_FORMAT,
  HASH_KEY as HASH_KEY_TEXT,
  LINE_PREFIX,
  manifestBody,
  type ExportManifest,
  type ExportedCheckpoint,
  type ExportedKey,
} from './export-format'
import {
  TREE_ALGS,
  TreeBuilder,
  entryLeafHash,
  verifyConsistency,
  verifyInclusion,
  type TreeAlg,
} from '~/lib/merkle'

const ENTRY_ALGS = ['sha256', 'sm3'] as const

const hex64 = z.string().regex(/^[0-9a-f]{64}$/)
const keySchema = z.object({
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  alg: z.enum(SIGNING_ALGS),
  generation: z.number().int().min(1),
  publicKeyPem: z.string().min(1),
  createdAt: z.string(),
})
const checkpointSchema = z.object({
  treeSize: z.number().int().min(1),
  rootHash: hex64,
  treeAlg: z.enum(TREE_ALGS),
  at: z.string(),
  origin: z.string(),
  keyId: z.string(),
  keyAlg: z.enum(SIGNING_ALGS),
  signature: z.string(),
  body: z.string(),
})
const consistencySchema = z.object({
  from: z.number().int().min(1),
  to: z.number().int().min(1),
  proof: z.array(hex64),
})
const manifestSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  origin: z.string(),
  createdAt: z.string(),
  treeAlg: z.enum(TREE_ALGS),
  entries: z.number().int().min(0),
  head: z.object({ seq: z.number().int().min(0), hash: z.string() }),
  checkpoint: z.object({ treeSize: z.number().int().min(0), rootHash: z.string() }),
  files: z.record(z.string(), z.object({ sha256: hex64, bytes: z.number().int().min(0) })),
  signature: z.object({ keyId: z.string(), keyAlg: z.enum(SIGNING_ALGS), value: z.string() }),
})

export interface ExportFailure {
  reason: string
  /** The first entry that does not match, when the failure is about entries. */
  seq?: number
  /** The checkpoint (tree size) concerned. */
  checkpoint?: number
  file?: string
}

export type ExportVerifyResult =
  | {
      ok: true
      entries: number
      headHash: string
      rootHash: string
      checkpoints: number
      consistencyProofs: number
      keys: number
      bytes: number
    }
  | { ok: false; checked: number; failure: ExportFailure }

/** Keys parsed once: a checkpoint's signature is then checked without re-reading its PEM. */
type KeyRing = Map<string, { alg: SigningAlg; key: KeyObject }>

class Failure extends Error {
  constructor(readonly failure: ExportFailure) {
    super(failure.reason)
  }
}

function fail(failure: ExportFailure): never {
  throw new Failure(failure)
}

async function readJson<T>(
  dir: string,
  file: string,
  schema: z.ZodType<T>,
): Promise<{ value: T; text: string }> {
  let text: string
  try {
    text = await readFile(path.join(dir, file), 'utf8')
  } catch {
    fail({ file, reason: `${file} is missing` })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    fail({ file, reason: `${file} is not JSON` })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    fail({
      file,
      reason: `${file}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'malformed'}`,
    })
  }
  return { value: parsed.data, text }
}

/** Public keys by id, each id checked against its key. */
export function keyRing(keys: ExportedKey[]): KeyRing {
  const ring: KeyRing = new Map()
  for (const exported of keys) {
    let key: KeyObject
    let id: string
    try {
      key = createPublicKey(exported.publicKeyPem)
      id = keyIdOf(key)
    } catch {
      fail({ file: EXPORT_FILES.keys, reason: `public key ${exported.keyId} is not a valid key` })
    }
    if (id !== exported.keyId)
      fail({ file: EXPORT_FILES.keys, reason: `public key ${exported.keyId} has id ${id}` })
    ring.set(exported.keyId, { alg: exported.alg, key })
  }
  return ring
}

/** All of a checkpoint but its signature: its problem, or the text and key to verify it with. */
function readCheckpoint(
  cp: ExportedCheckpoint,
  keys: KeyRing,
): { problem: string } | { body: string; key: KeyObject } {
  let body: string
  try {
    body = checkpointBody({
      origin: cp.origin,
      treeSize: cp.treeSize,
      rootHash: cp.rootHash,
      treeAlg: cp.treeAlg,
      at: cp.at,
      keyAlg: cp.keyAlg,
      keyId: cp.keyId,
    })
  } catch (error) {
    return { problem: `malformed: ${(error as Error).message}` }
  }
  if (body !== cp.body) return { problem: 'its signed text does not match its fields' }
  if (cp.origin !== CHECKPOINT_ORIGIN)
    return { problem: `it belongs to another log (${cp.origin})` }
  const key = keys.get(cp.keyId)
  if (!key) return { problem: `it names key ${cp.keyId}, which is not among the public keys` }
  if (key.alg !== cp.keyAlg) return { problem: `key ${cp.keyId} is ${key.alg}, not ${cp.keyAlg}` }
  return { body, key: key.key }
}

function badSignature(cp: ExportedCheckpoint): string {
  return `its ${cp.keyAlg} signature does not verify with key ${cp.keyId}`
}

/** A checkpoint's problem, or null when its body is canonical and its signature verifies. */
export function checkCheckpoint(cp: ExportedCheckpoint, keys: KeyRing): string | null {
  const read = readCheckpoint(cp, keys)
  if ('problem' in read) return read.problem
  const signature = Buffer.from(cp.signature, 'base64')
  return verifyBody(read.body, signature, cp.keyAlg, read.key) ? null : badSignature(cp)
}

/** What scanLines reports for a run of lines: its first `count` lines' values, 32 bytes per line in the buffers (which may be longer). */
interface Scan {
  count: number
  ids: Float64Array
  chain: Buffer
  prev: Buffer
  leaves: Buffer
  /** The first line (index in this run) that could not be scanned, and why. */
  error: { line: number; id: number; kind: 'format' | 'alg' | 'hash' } | null
}

/** Hex digit values, either case (as Buffer's hex decoding takes them); -1 for any other byte. */
const HEX = new Int8Array(256).fill(-1)
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d
}

/** Whether buf holds `bytes` at `at` (a JS loop beats a native call for these few bytes). */
function hasAt(buf: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (buf[at + k] !== bytes[k]) return false
  return true
}

/** Decodes the 64 hex digits at buf[at] into out[to..to+32]; false if one is not a hex digit. */
function hexInto(buf: Uint8Array, at: number, out: Buffer, to: number): boolean {
  for (let k = 0; k < 32; k++) {
    const high = HEX[buf[at + 2 * k]!]!
    const low = HEX[buf[at + 2 * k + 1]!]!
    if ((high | low) < 0) return false
    out[to + k] = (high << 4) | low
  }
  return true
}

const PREFIX = Buffer.from(LINE_PREFIX)
const HASH_KEY = Buffer.from(HASH_KEY_TEXT)
const ID_KEY = Buffer.from('{"_id":')
const ALG_KEY = needle(',"alg":"')
const PREV_KEY = needle(',"prevHash":"')
/** The entry algorithms, each as it is written in a line: its name and the closing quote. */
const ENTRY_ALG_TEXT = ENTRY_ALGS.map((alg) => ({ alg, text: Buffer.from(`${alg}"`) }))
/** `,"hash":"<64 hex>"}` ends every line. */
const TAIL = HASH_KEY.length + 64 + 2
/** No line scanLines accepts is shorter (prefix, tail and newline), so a run of n bytes holds at most n / MIN_LINE of them. */
const MIN_LINE = PREFIX.length + TAIL + 2

/** A key to look for in a line, with its Horspool shift table (find). */
interface Needle {
  bytes: Buffer
  shift: Uint8Array
}

function needle(text: string): Needle {
  const bytes = Buffer.from(text)
  const shift = new Uint8Array(256).fill(bytes.length)
  for (let k = 0; k < bytes.length - 1; k++) shift[bytes[k]!] = bytes.length - 1 - k
  return { bytes, shift }
}

/**
 * The first `needle` in buf[from, to), or -1: Horspool's search, which skips most bytes of the
 * hex digests it passes over (a native indexOf per key costs more than these short searches).
 */
function find(buf: Uint8Array, { bytes, shift }: Needle, from: number, to: number): number {
  const last = bytes.length - 1
  for (let i = from; i + last < to; i += shift[buf[i + last]!]!) {
    if (buf[i + last] === bytes[last] && hasAt(buf, i, bytes)) return i
  }
  return -1
}

/**
 * The per-line half of entry checking (it needs nothing from other lines): each line must be `{"entry":<text>,"hash":"<hex>"}`; its hash must be H(<text>)
 * with the `alg` the text names; its leaf hash is computed. `_id`, `alg` and `prevHash` are read
 * straight from the canonical text: `_id` is its first key, and in RFC 8785 order `alg` and
 * `prevHash` come before the only nested values (subjects, summary), so their first occurrence is
 * the top-level one; whatever is read is bound by the hash of the bytes.
 * `hash` gives a digest's bytes as a latin1 ('binary') string, read character by character: on
 * Node 20 a one-shot hash that returns a Buffer costs twice as much for these small inputs.
 * `into`: a Scan to fill again when it is large enough (the verifier scans chunk after chunk).
 */
export function scanLines(
  buf: Buffer,
  hash: (alg: string, data: Uint8Array, encoding: 'binary') => string,
  treeAlg: string,
  into?: Scan,
): Scan {
  const capacity = Math.floor(buf.length / MIN_LINE) + 1
  const scan: Scan =
    into && into.ids.length >= capacity
      ? into
      : {
          count: 0,
          ids: new Float64Array(capacity),
          chain: Buffer.allocUnsafe(32 * capacity),
          prev: Buffer.allocUnsafe(32 * capacity),
          leaves: Buffer.allocUnsafe(32 * capacity),
          error: null,
        }
  const { ids, chain, prev, leaves } = scan
  const leafInput = Buffer.alloc(33)
  let error: Scan['error'] = null
  let n = 0
  let start = 0
  for (let end = buf.indexOf(10); end >= 0 && error === null; end = buf.indexOf(10, start)) {
    const hashKeyAt = end - TAIL
    const textAt = start + PREFIX.length
    let id = 0
    let i = textAt + ID_KEY.length
    let kind: 'format' | 'alg' | 'hash' | null = null
    if (
      end - start <= PREFIX.length + TAIL ||
      !hasAt(buf, start, PREFIX) ||
      !hasAt(buf, hashKeyAt, HASH_KEY) ||
      buf[end - 2] !== 0x22 ||
      buf[end - 1] !== 0x7d ||
      !hasAt(buf, textAt, ID_KEY)
    ) {
      kind = 'format'
    } else {
      for (; i < hashKeyAt && buf[i]! >= 0x30 && buf[i]! <= 0x39; i++) id = id * 10 + buf[i]! - 0x30
      if (buf[i] !== 0x2c || id === 0) kind = 'format'
    }
    if (kind === null) {
      const algAt = find(buf, ALG_KEY, i, hashKeyAt) + ALG_KEY.bytes.length
      const alg =
        algAt < ALG_KEY.bytes.length
          ? undefined
          : ENTRY_ALG_TEXT.find(
              (a) => algAt + a.text.length <= hashKeyAt && hasAt(buf, algAt, a.text),
            )
      const prevAt = alg ? find(buf, PREV_KEY, algAt + alg.text.length, hashKeyAt) : -1
      if (!alg) kind = 'alg'
      else if (prevAt < 0) kind = 'format'
      else {
        // leafInput = 0x00 || H(text), compared with the stated hash before it is used
        const digest = hash(alg.alg, buf.subarray(textAt, hashKeyAt), 'binary')
        const at = 32 * n
        const statedAt = end - 66
        for (let k = 0; k < 32; k++) {
          const high = HEX[buf[statedAt + 2 * k]!]!
          const low = HEX[buf[statedAt + 2 * k + 1]!]!
          const byte = digest.charCodeAt(k)
          if ((high | low) < 0 || ((high << 4) | low) !== byte) {
            kind = 'hash'
            break
          }
          chain[at + k] = byte
          leafInput[1 + k] = byte
        }
        if (kind === null) {
          const prevHexAt = prevAt + PREV_KEY.bytes.length
          if (prevHexAt + 64 > hashKeyAt || !hexInto(buf, prevHexAt, prev, at)) kind = 'format'
          const leaf = hash(treeAlg, leafInput, 'binary')
          for (let k = 0; k < 32; k++) leaves[at + k] = leaf.charCodeAt(k)
        }
      }
    }
    if (kind !== null) error = { line: n, id, kind }
    else ids[n++] = id
    start = end + 1
  }
  scan.count = n
  scan.error = error
  return scan
}

/**
 * The in-order half of entry checking: seqs, links, and the root at every checkpoint. It keeps
 * nothing of a Scan, which is filled again for the next chunk.
 */
class EntryChecker {
  expected = 1
  /** Hashes of the two newest entries (the genesis hash before entry 1), to tell a repeated seq from a fork. */
  private prevHash = Buffer.alloc(32)
  private prevPrevHash = Buffer.alloc(32)
  readonly builder: TreeBuilder
  private nextCheckpoint = 0
  private lastMatched = 0
  /**
   * A checkpoint whose root did not match, held back one entry: if the next entry's link then
   * fails, that names the changed entry exactly, which beats naming a range.
   */
  private rootMismatch: ExportFailure | null = null

  constructor(
    readonly treeAlg: TreeAlg,
    private readonly checkpoints: ExportedCheckpoint[],
  ) {
    this.builder = new TreeBuilder(treeAlg)
  }

  get checked(): number {
    return this.expected - 1
  }

  /** After the last entry: a root mismatch no later link explained. */
  finish(): void {
    if (this.rootMismatch) fail(this.rootMismatch)
  }

  get headHash(): string {
    return this.expected > 1 ? this.prevHash.toString('hex') : ''
  }

  apply(scan: Scan): void {
    for (let n = 0; n < scan.count; n++) {
      this.entry(scan, n)
    }
    const error = scan.error
    if (!error) return
    if (this.rootMismatch) fail(this.rootMismatch)
    const seq = this.expected
    if (error.kind === 'format') fail({ seq, reason: `line ${seq} is not an export line` })
    const id = error.id
    if (error.kind === 'alg') fail({ seq: id, reason: `entry ${id} names no known hash algorithm` })
    fail({
      seq: id,
      reason: `entry ${id}: its hash does not match its content (changed after it was written)`,
    })
  }

  private entry(scan: Scan, n: number): void {
    const seq = this.expected
    const id = scan.ids[n]!
    if (id !== seq) {
      const hash = scan.chain.subarray(32 * n, 32 * n + 32)
      const prev = scan.prev.subarray(32 * n, 32 * n + 32)
      if (id > seq) {
        fail({
          seq,
          reason: `entry ${seq} is missing: entry ${id} is in its place (dropped or reordered)`,
        })
      }
      if (id === seq - 1 && prev.equals(this.prevPrevHash)) {
        fail({
          seq: id,
          reason: hash.equals(this.prevHash)
            ? `entry ${id} appears twice`
            : `two different entries claim seq ${id}, both after entry ${id - 1}: one was inserted`,
        })
      }
      fail({
        seq: id,
        reason: `entry ${id} appears again after entry ${seq - 1} (reordered or inserted)`,
      })
    }
    if (!hasAt(scan.prev, 32 * n, this.prevHash)) {
      fail(
        seq === 1
          ? { seq, reason: 'entry 1 does not start from the genesis hash' }
          : {
              seq: seq - 1,
              reason: `entry ${seq - 1}: its hash is not the one entry ${seq} links to (entry ${seq - 1} was changed, or entry ${seq}'s link was)`,
            },
      )
    }
    if (this.rootMismatch) fail(this.rootMismatch)
    this.builder.push(scan.leaves, 32 * n)
    const older = this.prevPrevHash
    this.prevPrevHash = this.prevHash
    this.prevHash = older
    for (let k = 0; k < 32; k++) older[k] = scan.chain[32 * n + k]!
    this.expected++

    const cp = this.checkpoints[this.nextCheckpoint]
    if (cp && cp.treeSize === seq) {
      if (this.builder.root().toString('hex') !== cp.rootHash) {
        this.rootMismatch = {
          seq: this.lastMatched + 1,
          checkpoint: cp.treeSize,
          reason:
            `the entries do not have the root signed in checkpoint ${cp.treeSize}: ` +
            `an entry in ${this.lastMatched + 1}..${cp.treeSize} differs from what was signed ` +
            `(the chain was re-hashed after the change)`,
        }
      }
      this.lastMatched = cp.treeSize
      this.nextCheckpoint++
    }
  }
}

const CHUNK_BYTES = 1 << 20

/**
 * entries.jsonl chunk by chunk: the next chunk is read (on libuv's thread pool) while this one is
 * checked, and the first as soon as the file is opened.
 */
class ChunkReader {
  private position = 0
  private pending: Promise<Buffer> | undefined

  private constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
    private readonly chunkBytes: number,
  ) {
    this.pending = this.readAhead()
  }

  static async open(file: string, chunkBytes: number): Promise<ChunkReader> {
    let handle: FileHandle
    try {
      handle = await open(file, 'r')
    } catch {
      fail({ file: EXPORT_FILES.entries, reason: `${EXPORT_FILES.entries} is missing` })
    }
    return new ChunkReader(handle, (await handle.stat()).size, chunkBytes)
  }

  private readAhead(): Promise<Buffer> | undefined {
    if (this.position >= this.size) return undefined
    const chunk = Buffer.allocUnsafe(Math.min(this.chunkBytes, this.size - this.position))
    const reading = this.handle
      .read(chunk, 0, chunk.length, this.position)
      .then(({ bytesRead }) => chunk.subarray(0, bytesRead))
    this.position += chunk.length
    return reading
  }

  /** The next chunk, or null at the end of the file. */
  async next(): Promise<Buffer | null> {
    const data = await this.pending
    if (!data || data.length === 0) return null
    this.pending = this.readAhead()
    return data
  }

  async close(): Promise<void> {
    await this.pending?.catch(() => undefined)
    await this.handle.close()
  }
}

/** C11: verifies an export directory offline (see the comment at the top of this file). */
export async function verifyExport(
  dir: string,
  /** chunkBytes: how much is read at a time (tests use small reads). */
  options: { chunkBytes?: number } = {},
): Promise<ExportVerifyResult> {
  let checker: EntryChecker | undefined
  try {
    return await verifyExportOrThrow(dir, options, (c) => (checker = c))
  } catch (error) {
    if (error instanceof Failure)
      return { ok: false, checked: checker?.checked ?? 0, failure: error.failure }
    throw error
  }
}

type SignedManifest = ExportManifest & { signature: NonNullable<ExportManifest['signature']> }

interface ExportFiles {
  manifest: SignedManifest
  keysFile: { value: ExportedKey[]; text: string }
  checkpointsFile: { value: ExportedCheckpoint[]; text: string }
  consistencyFile: { value: z.infer<typeof consistencySchema>[]; text: string }
}

async function verifyExportOrThrow(
  dir: string,
  options: { chunkBytes?: number },
  started: (c: EntryChecker) => void,
): Promise<ExportVerifyResult> {
  // Every file is opened at once (the entries' first chunk is read meanwhile); failures are
  // still reported in the order of the steps.
  const reading = [
    readJson(dir, EXPORT_FILES.manifest, manifestSchema),
    readJson(dir, EXPORT_FILES.keys, z.array(keySchema)),
    readJson(dir, EXPORT_FILES.checkpoints, z.array(checkpointSchema)),
    readJson(dir, EXPORT_FILES.consistency, z.array(consistencySchema)),
  ] as const
  const opening = ChunkReader.open(
    path.join(dir, EXPORT_FILES.entries),
    options.chunkBytes ?? CHUNK_BYTES,
  )
  for (const promise of [...reading, opening]) promise.catch(() => undefined)
  // Step 1 starts each checkpoint's signature check on libuv's thread pool and step 4 reads the
  // entries meanwhile; a bad signature is still reported before any later checkpoint's or step's
  // failure.
  const signatures: Promise<ExportFailure | null>[] = []
  const failOnBadSignature = async () => {
    for (const signature of signatures) {
      const failure = await signature
      if (failure) fail(failure)
    }
  }
  try {
    const files: ExportFiles = {
      manifest: (await reading[0]).value as SignedManifest,
      keysFile: await reading[1],
      checkpointsFile: await reading[2],
      consistencyFile: await reading[3],
    }
    const result = await verifySteps(files, opening, signatures, started)
    await failOnBadSignature()
    return result
  } catch (error) {
    if (error instanceof Failure) await failOnBadSignature()
    throw error
  } finally {
    await (await opening.catch(() => undefined))?.close()
  }
}

/** Steps 1–5 (see the top of this file); checkpoint signature checks go into `signatures`. */
async function verifySteps(
  { manifest, keysFile, checkpointsFile, consistencyFile }: ExportFiles,
  opening: Promise<ChunkReader>,
  signatures: Promise<ExportFailure | null>[],
  started: (c: EntryChecker) => void,
): Promise<ExportVerifyResult> {
  const keys = keyRing(keysFile.value)
  const checkpoints = checkpointsFile.value
  // 1. checkpoints
  let previous = 0
  for (const cp of checkpoints) {
    const read = readCheckpoint(cp, keys)
    if ('problem' in read) {
      fail({ checkpoint: cp.treeSize, reason: `checkpoint ${cp.treeSize}: ${read.problem}` })
    }
    signatures.push(
      verifyBodyLater(read.body, Buffer.from(cp.signature, 'base64'), cp.keyAlg, read.key).then(
        (ok) =>
          ok
            ? null
            : {
                checkpoint: cp.treeSize,
                reason: `checkpoint ${cp.treeSize}: ${badSignature(cp)}`,
              },
      ),
    )
    if (cp.treeSize <= previous) {
      fail({
        checkpoint: cp.treeSize,
        reason: `checkpoint ${cp.treeSize} follows checkpoint ${previous}`,
      })
    }
    if (cp.treeAlg !== manifest.treeAlg) {
      fail({
        checkpoint: cp.treeSize,
        reason: `checkpoint ${cp.treeSize} uses tree hash ${cp.treeAlg}`,
      })
    }
    previous = cp.treeSize
  }
  // 2. consistency between consecutive checkpoints
  const proofs = new Map(consistencyFile.value.map((p) => [`${p.from}:${p.to}`, p.proof]))
  for (let i = 1; i < checkpoints.length; i++) {
    const a = checkpoints[i - 1]!
    const b = checkpoints[i]!
    const proof = proofs.get(`${a.treeSize}:${b.treeSize}`)
    if (!proof)
      fail({
        checkpoint: b.treeSize,
        reason: `no consistency proof from checkpoint ${a.treeSize} to ${b.treeSize}`,
      })
    const ok = verifyConsistency(
      manifest.treeAlg,
      a.treeSize,
      b.treeSize,
      proof.map((h) => Buffer.from(h, 'hex')),
      Buffer.from(a.rootHash, 'hex'),
      Buffer.from(b.rootHash, 'hex'),
    )
    if (!ok) {
      fail({
        checkpoint: b.treeSize,
        reason: `checkpoint ${b.treeSize} is not an extension of checkpoint ${a.treeSize} (consistency proof fails): the log was forked or rewritten`,
      })
    }
  }
  // 3. manifest
  const signer = keys.get(manifest.signature.keyId)
  if (
    !signer ||
    signer.alg !== manifest.signature.keyAlg ||
    !verifyBody(
      manifestBody(manifest),
      Buffer.from(manifest.signature.value, 'base64'),
      signer.alg,
      signer.key,
    )
  ) {
    fail({ file: EXPORT_FILES.manifest, reason: 'the manifest signature does not verify' })
  }
  for (const [file, text] of [
    [EXPORT_FILES.keys, keysFile.text],
    [EXPORT_FILES.checkpoints, checkpointsFile.text],
    [EXPORT_FILES.consistency, consistencyFile.text],
  ] as const) {
    const listed = manifest.files[file]
    if (!listed || listed.sha256 !== createHash('sha256').update(text).digest('hex')) {
      fail({ file, reason: `${file} does not have the SHA-256 the manifest lists` })
    }
  }

  // 4. entries
  const checker = new EntryChecker(manifest.treeAlg, checkpoints)
  started(checker)
  const reader = await opening
  const fileHash = createHash('sha256')
  let bytes = 0
  let carry = Buffer.alloc(0)
  let scan: Scan | undefined
  const applyLines = (lines: Buffer) => {
    scan = scanLines(lines, oneShotHash, manifest.treeAlg, scan)
    checker.apply(scan)
  }
  for (let data = await reader.next(); data; data = await reader.next()) {
    fileHash.update(data)
    bytes += data.length
    // The line the previous chunk ended in, then this chunk's whole lines; the rest is carried.
    let head = 0
    if (carry.length > 0) {
      const newline = data.indexOf(10)
      if (newline >= 0) {
        applyLines(Buffer.concat([carry, data.subarray(0, newline + 1)]))
        head = newline + 1
      }
    }
    const cut = Math.max(data.lastIndexOf(10) + 1, head)
    if (cut > head) applyLines(data.subarray(head, cut))
    carry = cut === 0 ? Buffer.concat([carry, data]) : Buffer.from(data.subarray(cut))
  }
  checker.finish()
  if (carry.length > 0)
    fail({
      seq: checker.expected,
      reason: `entry ${checker.expected}: the file ends in the middle of a line`,
    })

  // 5. completeness
  const count = checker.checked
  const last = checkpoints.at(-1)
  if (last && last.treeSize > count) {
    fail({
      seq: count + 1,
      checkpoint: last.treeSize,
      reason: `entries ${count + 1}..${last.treeSize} are missing: checkpoint ${last.treeSize} was signed over them`,
    })
  }
  const listed = manifest.files[EXPORT_FILES.entries]
  if (!listed || listed.sha256 !== fileHash.digest('hex') || listed.bytes !== bytes) {
    fail({
      file: EXPORT_FILES.entries,
      reason: `${EXPORT_FILES.entries} does not have the SHA-256 the manifest lists`,
    })
  }
  if (
    manifest.entries !== count ||
    manifest.head.seq !== count ||
    manifest.head.hash !== checker.headHash
  ) {
    fail({
      file: EXPORT_FILES.manifest,
      reason: `the manifest's head does not match the ${count} entries`,
    })
  }
  if (!last || last.treeSize !== count || manifest.checkpoint.rootHash !== last.rootHash) {
    fail({
      seq: (last?.treeSize ?? 0) + 1,
      reason: `entries after ${last?.treeSize ?? 0} are not covered by a signed checkpoint`,
    })
  }
  return {
    ok: true,
    entries: count,
    headHash: checker.headHash,
    rootHash: last.rootHash,
    checkpoints: checkpoints.length,
    consistencyProofs: checkpoints.length - 1,
    keys: keys.size,
    bytes,
  }
}

const receiptSchema = z.object({
  seq: z.number().int().min(1),
  index: z.number().int().min(0),
  entry: z.record(z.string(), z.unknown()),
  leafHash: hex64,
  checkpoint: checkpointSchema,
  inclusionProof: z.array(hex64),
})

/**
 * C11: checks a receipt (ledgerReceipt) with nothing but public keys: the entry hashes to its
 * `hash`, the checkpoint is signed, and the inclusion proof leads from the entry to the signed root.
 */
export function verifyReceipt(
  receipt: unknown,
  keys: ExportedKey[],
): { ok: true } | { ok: false; reason: string } {
  const parsed = receiptSchema.safeParse(receipt)
  if (!parsed.success) return { ok: false, reason: 'not a ledger receipt' }
  const r = parsed.data
  const { hash, ...fields } = r.entry
  const alg = fields.alg
  if (typeof hash !== 'string' || !(ENTRY_ALGS as readonly unknown[]).includes(alg)) {
    return { ok: false, reason: 'the entry has no hash or algorithm' }
  }
  if (fields._id !== r.seq || r.index !== r.seq - 1)
    return { ok: false, reason: 'seq and index disagree' }
  if (
    createHash(alg as string)
      .update(canonicalize(fields) ?? '', 'utf8')
      .digest('hex') !== hash
  ) {
    return { ok: false, reason: `entry ${r.seq}: its hash does not match its content` }
  }
  let ring: KeyRing
  try {
    ring = keyRing(keys)
  } catch (error) {
    return { ok: false, reason: (error as Error).message }
  }
  const problem = checkCheckpoint(r.checkpoint, ring)
  if (problem) return { ok: false, reason: `checkpoint ${r.checkpoint.treeSize}: ${problem}` }
  const leaf = entryLeafHash(r.checkpoint.treeAlg, hash)
  if (leaf.toString('hex') !== r.leafHash)
    return { ok: false, reason: 'the leaf hash is not the entry’s' }
  const proof = r.inclusionProof.map((h) => Buffer.from(h, 'hex'))
  const root = Buffer.from(r.checkpoint.rootHash, 'hex')
  if (!verifyInclusion(r.checkpoint.treeAlg, r.index, r.checkpoint.treeSize, leaf, proof, root)) {
    return {
      ok: false,
      reason: `the inclusion proof does not lead to checkpoint ${r.checkpoint.treeSize}'s root`,
    }
  }
  return { ok: true }
}
