/**
 * Server-only crypto helpers: password hashing (scrypt), field encryption
 * (AES-256-GCM), blind indexes (HMAC-SHA256) and random tokens.
 *
 * Keys are never read here. Callers pass them in from configuration. Use
 * separate keys for encryptField and blindIndex.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto'
import { getEnv } from '~/utils/env.server'

// ---------------------------------------------------------------------------
// Passwords: scrypt (RFC 7914), stored as `scrypt$N$r$p$saltB64$hashB64`
// ---------------------------------------------------------------------------

/**
 * scrypt's cost: N = 2^17 with r = 8, p = 1 (OWASP's password storage minimum; ~0.7 s on a 2-core
 * machine here). PASSWORD_SCRYPT_LOG2N lowers it only outside production (the test suite uses 15);
 * hashes made at a lower cost are upgraded at the next successful login (`needsRehash`).
 */
function scryptN(): number {
  return 2 ** getEnv().PASSWORD_SCRYPT_LOG2N
}
const SCRYPT_R = 8
const SCRYPT_P = 1
const SALT_BYTES = 16
const KEY_BYTES = 32
/** Rejects very long passwords before hashing, to limit DoS. */
export const MAX_PASSWORD_LENGTH = 1024

// Upper bounds on parameters read from a stored hash. They keep a corrupted
// or hostile row from requesting unbounded CPU or memory.
const MAX_N = 2 ** 20
const MAX_R = 32
const MAX_P = 16

function scryptAsync(
  pw: string,
  salt: Buffer,
  keylen: number,
  opts: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pw.normalize('NFC'), salt, keylen, opts, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/** scrypt needs about 128·N·r bytes; allow twice that, and at least 64 MiB. */
function maxmemFor(N: number, r: number): number {
  return Math.max(64 * 1024 * 1024, 256 * N * r)
}

function checkPasswordLength(pw: string): void {
  if (pw.length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(`password longer than ${MAX_PASSWORD_LENGTH} characters`)
  }
}

export async function hashPassword(pw: string): Promise<string> {
  checkPasswordLength(pw)
  const salt = randomBytes(SALT_BYTES)
  const N = scryptN()
  const hash = await scryptAsync(pw, salt, KEY_BYTES, {
    N,
    r: SCRYPT_R,
    p: SCRYPT_P,
    maxmem: maxmemFor(N, SCRYPT_R),
  })
  return ['scrypt', N, SCRYPT_R, SCRYPT_P, salt.toString('base64'), hash.toString('base64')].join(
    '$',
  )
}

/** True when a stored hash was made at a lower cost than today's (re-hash it after a good login). */
export function needsRehash(stored: string): boolean {
  const parts = stored.split('$')
  return parts[0] !== 'scrypt' || Number(parts[1]) < scryptN() || Number(parts[2]) < SCRYPT_R
}

/**
 * Verifies against a stored hash using the parameters in the stored string,
 * so older hashes keep working after the defaults are raised. Returns false
 * for a malformed stored value. Throws for an over-long password.
 */
export async function verifyPassword(pw: string, stored: string): Promise<boolean> {
  checkPasswordLength(pw)
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, nStr, rStr, pStr, saltB64, hashB64] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  const isInt = (s: string) => /^[1-9][0-9]{0,9}$/.test(s)
  if (!isInt(nStr) || !isInt(rStr) || !isInt(pStr)) return false
  const N = Number(nStr)
  const r = Number(rStr)
  const p = Number(pStr)
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r > MAX_R || p > MAX_P) return false
  const salt = Buffer.from(saltB64, 'base64')
  const expected = Buffer.from(hashB64, 'base64')
  if (salt.length === 0 || expected.length < 16 || expected.length > 64) return false
  const actual = await scryptAsync(pw, salt, expected.length, { N, r, p, maxmem: maxmemFor(N, r) })
  return timingSafeEqual(actual, expected)
}

// ---------------------------------------------------------------------------
// Field encryption: AES-256-GCM, token `v1.ivB64.tagB64.ctB64`
// ---------------------------------------------------------------------------

const IV_BYTES = 12
const TAG_BYTES = 16

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new RangeError('key must be 32 bytes')
}

export function encryptField(plaintext: string, key: Buffer): string {
  checkKey(key)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return ['v1', iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join('.')
}

/** Throws for a malformed token, a wrong key or tampered data. */
export function decryptField(token: string, key: Buffer): string {
  checkKey(key)
  const parts = token.split('.')
  if (parts.length !== 4 || parts[0] !== 'v1') throw new Error('unsupported encrypted field format')
  const [, ivB64, tagB64, ctB64] = parts as [string, string, string, string]
  const iv = Buffer.from(ivB64, 'base64')
  const tag = Buffer.from(tagB64, 'base64')
  const ct = Buffer.from(ctB64, 'base64')
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new Error('malformed encrypted field')
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  decipher.setAuthTag(tag)
  // final() throws "Unsupported state or unable to authenticate data" on a wrong key or tampering.
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8')
}

/**
 * Deterministic keyed hash for unique lookups of encrypted values. Normalise
 * the value first (e.g. normalizeResidentId), or equal values will not match.
 */
export function blindIndex(value: string, key: Buffer): string {
  if (key.length < 32) throw new RangeError('blind index key must be at least 32 bytes')
  return createHmac('sha256', key).update(value, 'utf8').digest('hex')
}

// ---------------------------------------------------------------------------
// Misc
// ---------------------------------------------------------------------------

/** Random URL-safe token (base64url, unpadded). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex')
}
