// C11: a self-contained export of the ledger that a regulator verifies offline with
// `npm run ledger:verify -- --export DIR` (format in export-format.ts).
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { once } from 'node:events'
import { connectDb } from '~/utils/db.server'
import { CHECKPOINT_ORIGIN } from './checkpoint-note'
import {
  TREE_ALG,
  allCheckpoints,
  consistencyProofHex,
  publishCheckpoint,
  streamEntries,
} from './checkpoints.server'
import {
  EXPORT_FILES,
  EXPORT_FORMAT,
  exportLine,
  manifestBody,
  type ExportManifest,
  type ExportedCheckpoint,
  type ExportedConsistency,
} from './export-format'
import { entryPreimage } from './ledger.server'
import { activeSigningKey, listPublicKeys } from './signing-keys.server'

// Characters of entries.jsonl buffered per write.
const WRITE_CHUNK = 1 << 20

export interface ExportResult {
  dir: string
  entries: number
  checkpoints: number
  bytes: number
  manifest: ExportManifest
}

async function writeJson(dir: string, name: string, value: unknown) {
  const text = JSON.stringify(value, null, 2) + '\n'
  await writeFile(path.join(dir, name), text)
  return { sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) }
}

/**
 * Writes entries 1..N, every checkpoint up to N, the consistency proofs between them and every
 * public key to `dir`, where N is the size of a checkpoint published first (so every exported entry
 * is covered by a signature), then a signed manifest.
 */
export async function exportLedger(dir: string): Promise<ExportResult> {
  await connectDb()
  await mkdir(dir, { recursive: true })
  const { checkpoint: final } = await publishCheckpoint()
  const size = final?.treeSize ?? 0

  const entriesPath = path.join(dir, EXPORT_FILES.entries)
  const out = createWriteStream(entriesPath)
  const fileHash = createHash('sha256')
  let bytes = 0
  let headHash = ''
  let chunk = ''
  const flush = async () => {
    const buffer = Buffer.from(chunk, 'utf8')
    chunk = ''
    fileHash.update(buffer)
    bytes += buffer.length
    if (!out.write(buffer)) await once(out, 'drain')
  }
  if (size > 0) {
    for await (const entry of streamEntries(1, size)) {
      chunk += exportLine(entryPreimage(entry), entry.hash)
      headHash = entry.hash
      if (chunk.length >= WRITE_CHUNK) await flush()
    }
  }
  await flush()
  out.end()
  await once(out, 'finish')

  const checkpoints: ExportedCheckpoint[] = []
  for await (const cp of allCheckpoints()) if (cp.treeSize <= size) checkpoints.push(cp)
  const consistency: ExportedConsistency[] = []
  for (let i = 1; i < checkpoints.length; i++) {
    const from = checkpoints[i - 1]!.treeSize
    const to = checkpoints[i]!.treeSize
    consistency.push({ from, to, proof: await consistencyProofHex(from, to) })
  }
  // The manifest's signing key must be among the exported ones, so take it first.
  const key = await activeSigningKey()
  const keys = await listPublicKeys()

  const files: ExportManifest['files'] = {
    [EXPORT_FILES.entries]: { sha256: fileHash.digest('hex'), bytes },
    [EXPORT_FILES.checkpoints]: await writeJson(dir, EXPORT_FILES.checkpoints, checkpoints),
    [EXPORT_FILES.consistency]: await writeJson(dir, EXPORT_FILES.consistency, consistency),
    [EXPORT_FILES.keys]: await writeJson(dir, EXPORT_FILES.keys, keys),
  }
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    origin: CHECKPOINT_ORIGIN,
    createdAt: new Date().toISOString(),
    treeAlg: TREE_ALG,
    entries: size,
    head: { seq: size, hash: headHash },
    checkpoint: { treeSize: size, rootHash: final?.rootHash ?? '' },
    files,
  }
  manifest.signature = {
    keyId: key.keyId,
    keyAlg: key.alg,
    value: key.sign(manifestBody(manifest)).toString('base64'),
  }
  await writeFile(path.join(dir, EXPORT_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n')
  return { dir, entries: size, checkpoints: checkpoints.length, bytes, manifest }
}
