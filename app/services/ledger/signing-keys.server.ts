// C11: the platform keys that sign ledger checkpoints. Ed25519 by default, SM2 selectable by
// rotating to it; every public key is kept so old checkpoints stay verifiable. Private keys never
// leave this module unencrypted at rest: generated on first use, stored as PKCS#8 PEM encrypted
// under a key derived (HKDF) from DATA_ENCRYPTION_KEY, never in the repo or in job data.
import { generateKeyPairSync } from 'node:crypto'
import { LedgerSigningKey } from '#models/ledger-signing-key'
import { decryptField, encryptField } from '~/services/identity/crypto.server'
import { dataKeys } from '~/services/identity/keys.server'
import { claim, connectDb } from '~/utils/db.server'
import { keyIdOf, signBody, SIGNING_ALGS, type SigningAlg } from './checkpoint-note'
import { appendLedger } from './ledger.server'

export const DEFAULT_SIGNING_ALG: SigningAlg = 'ed25519'

export interface PublicSigningKey {
  keyId: string
  alg: SigningAlg
  generation: number
  publicKeyPem: string
  createdAt: string
}

export interface ActiveSigningKey extends PublicSigningKey {
  sign(body: string): Buffer
}

function newKeyPair(alg: SigningAlg): { publicKeyPem: string; privateKeyPem: string } {
  const pair =
    alg === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'SM2' })
  return {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}

function toPublic(doc: {
  _id: string
  alg: SigningAlg
  generation: number
  publicKeyPem: string
  createdAt: Date
}): PublicSigningKey {
  return {
    keyId: doc._id,
    alg: doc.alg,
    generation: doc.generation,
    publicKeyPem: doc.publicKeyPem,
    createdAt: doc.createdAt.toISOString(),
  }
}

// Decrypted private keys, by key id, for this process's lifetime.
const unwrapped = new Map<string, string>()

async function newestKey() {
  await connectDb()
  // A handful of documents: the sort on `generation` is cheap even where it scans.
  return LedgerSigningKey.findOne({}).sort({ generation: -1 }).lean()
}

/**
 * Inserts generation `generation` with a fresh key. The unique generation decides a race: the
 * loser's key is discarded and null returned.
 */
async function insertGeneration(
  generation: number,
  alg: SigningAlg,
  actor?: { userId?: string; orgId?: string },
): Promise<PublicSigningKey | null> {
  const { publicKeyPem, privateKeyPem } = newKeyPair(alg)
  const doc = {
    _id: keyIdOf(publicKeyPem),
    generation,
    alg,
    publicKeyPem,
    privateKeyEnc: encryptField(privateKeyPem, dataKeys().ledgerSigning),
    createdAt: new Date(),
  }
  if (!(await claim(LedgerSigningKey, doc))) return null
  await appendLedger({
    action: 'ledger.signing-key-created',
    ...(actor && { actor }),
    subjects: [`ledger-key:${doc._id}`],
    payload: { keyId: doc._id, alg, generation, publicKeyPem },
    summary: { keyId: doc._id, alg, generation },
  })
  return toPublic(doc)
}

/** The key that signs new checkpoints; the first call creates generation 1 (Ed25519). */
export async function activeSigningKey(): Promise<ActiveSigningKey> {
  let doc = await newestKey()
  if (!doc) {
    await insertGeneration(1, DEFAULT_SIGNING_ALG)
    doc = await newestKey()
    if (!doc) throw new Error('no ledger signing key after creating one')
  }
  let privateKeyPem = unwrapped.get(doc._id)
  if (!privateKeyPem) {
    privateKeyPem = decryptField(doc.privateKeyEnc, dataKeys().ledgerSigning)
    unwrapped.set(doc._id, privateKeyPem)
  }
  const pem = privateKeyPem
  const alg = doc.alg
  return { ...toPublic(doc), sign: (body) => signBody(body, alg, pem) }
}

/**
 * Rotates to a new key of `alg` (SM2 is chosen this way). Old keys stay for verification. When
 * another rotation wins the race, its key is returned.
 */
export async function rotateSigningKey(
  alg: SigningAlg,
  actor?: { userId?: string; orgId?: string },
): Promise<PublicSigningKey> {
  if (!SIGNING_ALGS.includes(alg)) throw new Error(`unknown signing algorithm ${String(alg)}`)
  const current = await newestKey()
  const created = await insertGeneration((current?.generation ?? 0) + 1, alg, actor)
  if (created) return created
  const winner = await newestKey()
  if (!winner) throw new Error('no ledger signing key after a rotation race')
  return toPublic(winner)
}

/** Every public key, oldest first: what a verifier needs for every checkpoint ever signed. */
export async function listPublicKeys(): Promise<PublicSigningKey[]> {
  await connectDb()
  const docs = await LedgerSigningKey.find({}, { privateKeyEnc: 0 }).sort({ generation: 1 }).lean()
  return docs.map(toPublic)
}
