// C11: the signed statement a checkpoint publishes, and how it is signed and checked. Pure (only
// node:crypto), shared by the server and the offline verifier so both read one definition.
//
// The signed bytes are a short UTF-8 text in the shape of a C2SP tlog checkpoint body (origin, tree
// size, base64 root), followed by extension lines naming the time, the tree hash and the key:
//
//   gd-public-data-exchange/ledger
//   1234
//   3q2+7w…=            (standard base64 of the root hash)
//   time 2026-11-27T08:00:00.000Z
//   tree sha256
//   key ed25519 9f2c…   (algorithm and key id)
//
// Ed25519 signs these bytes directly (RFC 8032, pure). SM2 signs them with SM3 (GB/T 32918) and the
// distinguishing ID OpenSSL 3.0 uses when none is set, which is EMPTY — not GM/T 0009's default
// "1234567812345678". `openssl pkeyutl -verify -rawin -digest sm3` without `-pkeyopt distid:…`
// verifies them; a tool that assumes the GM/T default ID must be told the empty ID.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'
import { TREE_ALGS, type TreeAlg } from '~/lib/merkle'

import { SIGNING_ALGS, type SigningAlg } from '~/vocab/ledger'

export { SIGNING_ALGS, type SigningAlg }

/** Names this log in every checkpoint, so a signature cannot be replayed as another log's. */
export const CHECKPOINT_ORIGIN = 'gd-public-data-exchange/ledger'

export interface CheckpointStatement {
  origin: string
  treeSize: number
  /** Hex. */
  rootHash: string
  treeAlg: TreeAlg
  /** ISO 8601 with milliseconds, UTC. */
  at: string
  keyAlg: SigningAlg
  keyId: string
}

/** The exact bytes that are signed. */
export function checkpointBody(s: CheckpointStatement): string {
  if (!/^[\x21-\x7e]+$/.test(s.origin))
    throw new Error('origin must be printable ASCII without spaces')
  if (!Number.isSafeInteger(s.treeSize) || s.treeSize < 1) throw new Error('tree size must be ≥ 1')
  if (!/^[0-9a-f]{64}$/.test(s.rootHash)) throw new Error('root hash must be 32 bytes of hex')
  if (!TREE_ALGS.includes(s.treeAlg)) throw new Error(`unknown tree hash ${String(s.treeAlg)}`)
  if (new Date(s.at).toISOString() !== s.at) throw new Error('time must be an ISO 8601 UTC string')
  if (!SIGNING_ALGS.includes(s.keyAlg)) throw new Error(`unknown key algorithm ${String(s.keyAlg)}`)
  if (!/^[0-9a-f]{32}$/.test(s.keyId)) throw new Error('key id must be 16 bytes of hex')
  const root = Buffer.from(s.rootHash, 'hex').toString('base64')
  return [
    s.origin,
    String(s.treeSize),
    root,
    `time ${s.at}`,
    `tree ${s.treeAlg}`,
    `key ${s.keyAlg} ${s.keyId}`,
    '',
  ].join('\n')
}

/** Reads a body back into its statement; null when it is not one this module writes. */
export function parseCheckpointBody(body: string): CheckpointStatement | null {
  const m =
    /^([\x21-\x7e]+)\n([1-9][0-9]*)\n([A-Za-z0-9+/]{43}=)\ntime (\S+)\ntree (\S+)\nkey (\S+) ([0-9a-f]{32})\n$/.exec(
      body,
    )
  if (!m) return null
  const statement = {
    origin: m[1]!,
    treeSize: Number(m[2]),
    rootHash: Buffer.from(m[3]!, 'base64').toString('hex'),
    at: m[4]!,
    treeAlg: m[5] as TreeAlg,
    keyAlg: m[6] as SigningAlg,
    keyId: m[7]!,
  }
  try {
    return checkpointBody(statement) === body ? statement : null
  } catch {
    return null
  }
}

/** A key's id: the first 16 bytes of SHA-256 over its SubjectPublicKeyInfo DER, in hex. */
export function keyIdOf(publicKey: string | KeyObject): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey
  const der = key.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('hex').slice(0, 32)
}

// DER of the SM2 curve's OID 1.2.156.10197.1.301 inside a key's AlgorithmIdentifier.
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex')

/** The signing algorithm a key is for, or null for any other key type. */
export function signingAlgOf(key: KeyObject): SigningAlg | null {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519'
  // Node 20 reports a generated SM2 key as `ec` on curve SM2, and one re-imported from PEM with no
  // type at all: read the curve from the public key's DER instead.
  if (key.asymmetricKeyType !== undefined && key.asymmetricKeyType !== 'ec') return null
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return der.includes(SM2_CURVE_OID) ? 'sm2' : null
}

/** The digest each signing algorithm signs with: SM2 signs an SM3 digest; Ed25519 takes none. */
function signatureDigest(alg: SigningAlg): string | null {
  return alg === 'sm2' ? 'sm3' : null
}

/**
 * Signs with a private key that was loaded from PEM (createPrivateKey): only a key re-imported
 * that way makes an SM2 signature; a freshly generated SM2 KeyObject makes plain ECDSA.
 */
export function signBody(body: string, alg: SigningAlg, privateKeyPem: string): Buffer {
  const key = createPrivateKey(privateKeyPem)
  if (signingAlgOf(key) !== alg) throw new Error(`the key is not an ${alg} key`)
  return sign(signatureDigest(alg), Buffer.from(body, 'utf8'), key)
}

/** Checks a signature; `publicKey` as PEM, or as a key already parsed (a verifier's key ring). */
export function verifyBody(
  body: string,
  signature: Buffer,
  alg: SigningAlg,
  publicKey: string | KeyObject,
): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey
    if (signingAlgOf(key) !== alg) return false
    return verify(signatureDigest(alg), Buffer.from(body, 'utf8'), key, signature)
  } catch {
    return false
  }
}

/**
 * verifyBody on libuv's thread pool, for a key already parsed: the offline verifier checks
 * checkpoint signatures while it reads entries.
 */
export function verifyBodyLater(
  body: string,
  signature: Buffer,
  alg: SigningAlg,
  key: KeyObject,
): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      if (signingAlgOf(key) !== alg) return resolve(false)
      verify(signatureDigest(alg), Buffer.from(body, 'utf8'), key, signature, (error, ok) =>
        resolve(!error && ok),
      )
    } catch {
      resolve(false)
    }
  })
}
