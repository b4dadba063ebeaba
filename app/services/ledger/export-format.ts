// C11: the layout of a ledger export, written by export.server.ts and read by the offline
// verifier (verify-export.server.ts). Pure: a regulator's copy of this repo reads an export with no
// database and no configuration.
//
//   entries.jsonl       one line per entry, in seq order:  {"entry":<preimage>,"hash":"<hex>"}
//                       <preimage> is the exact RFC 8785 text the chain hash is taken over, so the
//                       line is itself canonical JSON and `hash` = H(<preimage>) byte for byte.
//   checkpoints.json    every signed checkpoint up to the exported head, oldest first
//   consistency.json    a consistency proof between each two consecutive checkpoints
//   public-keys.json    every checkpoint signing key the log has used (key id, algorithm, SPKI PEM)
//   manifest.json       counts, head, final checkpoint, SHA-256 of every file above, and a signature
//                       by the platform's current key over its canonical JSON without `signature`
import canonicalize from 'canonicalize'
import type { SigningAlg } from './checkpoint-note'
import type { TreeAlg } from '~/lib/merkle'

export const EXPORT_FORMAT = 'gdpde-ledger-export/1'

export const EXPORT_FILES = {
  entries: 'entries.jsonl',
  checkpoints: 'checkpoints.json',
  consistency: 'consistency.json',
  keys: 'public-keys.json',
  manifest: 'manifest.json',
} as const

export const LINE_PREFIX = '{"entry":'
export const HASH_KEY = ',"hash":"'
export const LINE_SUFFIX = '"}'

export function exportLine(preimage: string, hash: string): string {
  return `${LINE_PREFIX}${preimage}${HASH_KEY}${hash}${LINE_SUFFIX}\n`
}

export interface ExportedCheckpoint {
  treeSize: number
  rootHash: string
  treeAlg: TreeAlg
  at: string
  origin: string
  keyId: string
  keyAlg: SigningAlg
  signature: string
  body: string
}

export interface ExportedConsistency {
  from: number
  to: number
  proof: string[]
}

export interface ExportedKey {
  keyId: string
  alg: SigningAlg
  generation: number
  publicKeyPem: string
  createdAt: string
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT
  origin: string
  createdAt: string
  treeAlg: TreeAlg
  entries: number
  head: { seq: number; hash: string }
  checkpoint: { treeSize: number; rootHash: string }
  files: Record<string, { sha256: string; bytes: number }>
  signature?: { keyId: string; keyAlg: SigningAlg; value: string }
}

/** The bytes the manifest signature covers. */
export function manifestBody(manifest: ExportManifest): string {
  const { signature: _signature, ...rest } = manifest
  return canonicalize(rest)!
}
