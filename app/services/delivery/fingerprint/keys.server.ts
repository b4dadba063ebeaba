// Fingerprint keys, derived like app/services/identity/keys.server.ts (HKDF-SHA256 over the one
// configured secret, distinct labels): two platform position keys, which say where marks sit,
// and one secret per licence, which says what the marks read. Nothing here is stored: every key
// can be derived again from DATA_ENCRYPTION_KEY and the licence id, which is how identification
// tests a thousand candidate licences without a key table.
import { hkdfSync } from 'node:crypto'
import { getEnv } from '~/utils/env.server'

export interface FingerprintKeys {
  /** AES-128 key locating marks anchored on the row's identifier columns. */
  readonly idPositions: Buffer
  /** AES-128 key locating marks anchored on the row's other unchanging columns. */
  readonly restPositions: Buffer
  readonly master: Buffer
}

function derive(master: Buffer, label: string, bytes: number): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `gdpde:${label}`, bytes))
}

export function fingerprintKeysFrom(master: Buffer): FingerprintKeys {
  if (master.length < 16) throw new Error('fingerprint master key must be at least 16 bytes')
  return {
    idPositions: derive(master, 'fingerprint-positions-id:v1', 16),
    restPositions: derive(master, 'fingerprint-positions-rest:v1', 16),
    master,
  }
}

let platform: FingerprintKeys | undefined

/** Keys derived from the platform's DATA_ENCRYPTION_KEY. */
export function platformFingerprintKeys(): FingerprintKeys {
  platform ??= fingerprintKeysFrom(Buffer.from(getEnv().DATA_ENCRYPTION_KEY, 'base64'))
  return platform
}

/**
 * The licence's 96-bit secret s: the mark bit at a position with 96-bit vector v is the parity
 * of v·s over GF(2). Distinct licences have distinct secrets, so for any innocent licence the bit
 * it predicts is independent of the guilty copy's bit: agreement is a fair coin per position.
 */
export function licenceSecret(keys: FingerprintKeys, licenceId: string): Uint32Array {
  if (!licenceId) throw new Error('licence id is empty')
  const raw = derive(keys.master, `fingerprint-licence:v1:${licenceId}`, 12)
  const s = new Uint32Array([raw.readUInt32LE(0), raw.readUInt32LE(4), raw.readUInt32LE(8)])
  // The zero vector would predict 0 everywhere; 2^-96 — but make it impossible.
  if ((s[0]! | s[1]! | s[2]!) === 0) s[0] = 1
  return s
}
