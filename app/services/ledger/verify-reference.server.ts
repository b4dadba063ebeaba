// C11 / issue 16: the reference verifier of a ledger export — the same checks as the fast verifier
// (verify-export.server.ts), written to be read in one sitting rather than to be fast: every file is
// read whole and parsed with JSON.parse, every entry line is rebuilt and compared, and the Merkle
// tree is recomputed with a ten-line frontier straight from RFC 9162 §2.1.1. `npm run ledger:verify
// -- --export DIR --reference` runs it; a test asserts both verifiers agree on every tampered export
// the suite makes. It needs the export's files and nothing else (no database, no configuration).
//
// What an export is: export-format.ts. What is checked, in order (the first failure is reported):
//  1. each public key's id is the hash of the key; each checkpoint's body is the canonical text of
//     its fields, names this log, and its signature verifies with the key it names; sizes increase;
//  2. the consistency proof between each two consecutive checkpoints;
//  3. the manifest's signature, and the SHA-256 and size of every file it lists;
//  4. each line of entries.jsonl is exactly `{"entry":<canonical JSON>,"hash":"<hex>"}`, the hash is
//     H(canonical JSON) with the entry's own algorithm, seqs run 1, 2, 3 … and each entry links to
//     the previous one's hash; at every checkpoint the recomputed Merkle root equals the signed root;
//  5. the manifest's count and head, and the last checkpoint covers every entry.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import canonicalize from 'canonicalize'
import { CHECKPOINT_ORIGIN, checkpointBody, keyIdOf, verifyBody } from './checkpoint-note'
import {
  EXPORT_FILES,
  EXPORT_FORMAT,
  exportLine,
  manifestBody,
  type ExportManifest,
  type ExportedCheckpoint,
  type ExportedConsistency,
  type ExportedKey,
} from './export-format'
import { verifyConsistency } from '~/lib/merkle'

export type ReferenceVerdict =
  | { ok: true; entries: number; headHash: string; rootHash: string }
  | { ok: false; reason: string; seq?: number }

class Broken extends Error {
  constructor(
    readonly reason: string,
    readonly seq?: number,
  ) {
    super(reason)
  }
}

const GENESIS = '0'.repeat(64)
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')
const digest = (alg: string, bytes: Buffer) => createHash(alg).update(bytes).digest()

/** RFC 9162 §2.1.1 leaf and node hashes. */
const leafHash = (alg: string, data: Buffer) => digest(alg, Buffer.concat([Buffer.of(0), data]))
const nodeHash = (alg: string, l: Buffer, r: Buffer) =>
  digest(alg, Buffer.concat([Buffer.of(1), l, r]))

/** The Merkle tree of the leaves pushed so far: one subtree root per set bit of the count. */
class Frontier {
  private stack: Buffer[] = []
  private count = 0
  constructor(private readonly alg: string) {}
  push(leaf: Buffer): void {
    let node = leaf
    for (let size = this.count; size & 1; size >>= 1)
      node = nodeHash(this.alg, this.stack.pop()!, node)
    this.stack.push(node)
    this.count++
  }
  root(): Buffer {
    let acc = this.stack.at(-1)!
    for (let i = this.stack.length - 2; i >= 0; i--) acc = nodeHash(this.alg, this.stack[i]!, acc)
    return acc
  }
}

async function readJson<T>(dir: string, file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path.join(dir, file), 'utf8')) as T
  } catch {
    throw new Broken(`${file} is missing or is not JSON`)
  }
}

function checkKeysAndCheckpoints(keys: ExportedKey[], checkpoints: ExportedCheckpoint[]) {
  const byId = new Map<string, ExportedKey>()
  for (const key of keys) {
    if (keyIdOf(key.publicKeyPem) !== key.keyId)
      throw new Broken(`key ${key.keyId}: its id is not the hash of the key`)
    byId.set(key.keyId, key)
  }
  if (checkpoints.length === 0) throw new Broken('the export has no checkpoint')
  let size = 0
  for (const cp of checkpoints) {
    const { treeSize, rootHash, treeAlg, at, origin, keyId, keyAlg } = cp
    let body: string
    try {
      body = checkpointBody({ origin, treeSize, rootHash, treeAlg, at, keyAlg, keyId })
    } catch {
      throw new Broken(`checkpoint ${treeSize}: its fields are malformed`)
    }
    if (body !== cp.body)
      throw new Broken(`checkpoint ${treeSize}: its body is not the text of its fields`)
    if (origin !== CHECKPOINT_ORIGIN) throw new Broken(`checkpoint ${treeSize} names another log`)
    const key = byId.get(keyId)
    if (!key || key.alg !== keyAlg)
      throw new Broken(`checkpoint ${treeSize}: its key ${keyId} is not in the export`)
    if (!verifyBody(body, Buffer.from(cp.signature, 'base64'), keyAlg, key.publicKeyPem))
      throw new Broken(`checkpoint ${treeSize}: its signature does not verify`)
    if (treeSize <= size)
      throw new Broken(`checkpoint ${treeSize} does not follow checkpoint ${size}`)
    size = treeSize
  }
  return byId
}

function checkConsistency(checkpoints: ExportedCheckpoint[], proofs: ExportedConsistency[]) {
  for (let i = 1; i < checkpoints.length; i++) {
    const older = checkpoints[i - 1]!
    const newer = checkpoints[i]!
    const proof = proofs.find((p) => p.from === older.treeSize && p.to === newer.treeSize)
    const ok =
      proof !== undefined &&
      verifyConsistency(
        newer.treeAlg,
        older.treeSize,
        newer.treeSize,
        proof.proof.map((h) => Buffer.from(h, 'hex')),
        Buffer.from(older.rootHash, 'hex'),
        Buffer.from(newer.rootHash, 'hex'),
      )
    if (!ok)
      throw new Broken(
        `no valid consistency proof from checkpoint ${older.treeSize} to ${newer.treeSize}`,
      )
  }
}

async function checkManifest(
  dir: string,
  manifest: ExportManifest,
  keys: Map<string, ExportedKey>,
) {
  if (manifest.format !== EXPORT_FORMAT)
    throw new Broken(`manifest.json: not a ${EXPORT_FORMAT} export`)
  const signature = manifest.signature
  const key = signature ? keys.get(signature.keyId) : undefined
  if (
    !signature ||
    !key ||
    !verifyBody(
      manifestBody(manifest),
      Buffer.from(signature.value, 'base64'),
      signature.keyAlg,
      key.publicKeyPem,
    )
  )
    throw new Broken('manifest.json: its signature does not verify')
  // The entry file is compared after its lines (step 5), so a changed entry is named, not just the file.
  for (const [file, listed] of Object.entries(manifest.files)) {
    if (file !== EXPORT_FILES.entries) await checkListed(dir, file, listed)
  }
}

async function checkListed(
  dir: string,
  file: string,
  listed: { sha256: string; bytes: number } | undefined,
) {
  const bytes = await readFile(path.join(dir, file)).catch(() => null)
  if (!listed || !bytes || bytes.length !== listed.bytes || sha256(bytes) !== listed.sha256)
    throw new Broken(`${file} is not the file the manifest lists`)
}

function checkEntries(text: string, checkpoints: ExportedCheckpoint[], treeAlg: string) {
  const lines = text.split('\n')
  if (lines.pop() !== '') throw new Broken('entries.jsonl does not end with a line break')
  const signedRoots = new Map(checkpoints.map((cp) => [cp.treeSize, cp.rootHash]))
  const tree = new Frontier(treeAlg)
  let prevHash = GENESIS
  let root = ''
  lines.forEach((line, i) => {
    const seq = i + 1
    let parsed: { entry: Record<string, unknown>; hash: string }
    try {
      parsed = JSON.parse(line) as typeof parsed
    } catch {
      throw new Broken(`line ${seq} is not an export line`, seq)
    }
    const preimage = canonicalize(parsed.entry) ?? ''
    if (`${line}\n` !== exportLine(preimage, parsed.hash))
      throw new Broken(`line ${seq} is not an export line`, seq)
    const id = parsed.entry._id
    const alg = parsed.entry.alg
    if (alg !== 'sha256' && alg !== 'sm3')
      throw new Broken(`entry ${String(id)} names no known hash algorithm`, seq)
    if (digest(alg, Buffer.from(preimage, 'utf8')).toString('hex') !== parsed.hash)
      throw new Broken(
        `entry ${String(id)}: its hash does not match its content`,
        typeof id === 'number' ? id : seq,
      )
    if (id !== seq)
      throw new Broken(
        `entry ${seq} is missing or out of place (entry ${String(id)} is there)`,
        seq,
      )
    if (parsed.entry.prevHash !== prevHash)
      throw new Broken(`entry ${seq} does not link to entry ${seq - 1}`, seq - 1 || 1)
    prevHash = parsed.hash
    tree.push(leafHash(treeAlg, Buffer.from(parsed.hash, 'hex')))
    const signed = signedRoots.get(seq)
    if (signed !== undefined) {
      root = tree.root().toString('hex')
      if (root !== signed)
        throw new Broken(`the entries up to ${seq} are not the ones checkpoint ${seq} signed`, seq)
    }
  })
  return { entries: lines.length, headHash: lines.length ? prevHash : '', rootHash: root }
}

/** C11: the reference verdict on an export directory (see the top of this file). */
export async function verifyExportReference(dir: string): Promise<ReferenceVerdict> {
  try {
    const manifest = await readJson<ExportManifest>(dir, EXPORT_FILES.manifest)
    const keys = await readJson<ExportedKey[]>(dir, EXPORT_FILES.keys)
    const checkpoints = await readJson<ExportedCheckpoint[]>(dir, EXPORT_FILES.checkpoints)
    const proofs = await readJson<ExportedConsistency[]>(dir, EXPORT_FILES.consistency)
    const keyRing = checkKeysAndCheckpoints(keys, checkpoints)
    checkConsistency(checkpoints, proofs)
    await checkManifest(dir, manifest, keyRing)
    const text = await readFile(path.join(dir, EXPORT_FILES.entries), 'utf8').catch(() => {
      throw new Broken('entries.jsonl is missing')
    })
    const result = checkEntries(text, checkpoints, manifest.treeAlg)
    const last = checkpoints.at(-1)!
    if (last.treeSize !== result.entries)
      throw new Broken(
        `entry ${Math.min(last.treeSize, result.entries) + 1} is missing or not covered by a checkpoint`,
        Math.min(last.treeSize, result.entries) + 1,
      )
    if (
      manifest.checkpoint.treeSize !== last.treeSize ||
      manifest.checkpoint.rootHash !== last.rootHash
    )
      throw new Broken('manifest.json does not name the last checkpoint')
    if (result.entries !== manifest.entries || result.headHash !== manifest.head.hash)
      throw new Broken('the entries are not the count and head the manifest lists')
    await checkListed(dir, EXPORT_FILES.entries, manifest.files[EXPORT_FILES.entries])
    return { ok: true, ...result }
  } catch (error) {
    if (error instanceof Broken)
      return { ok: false, reason: error.reason, ...(error.seq !== undefined && { seq: error.seq }) }
    throw error
  }
}
