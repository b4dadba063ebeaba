// Encryption at rest for the content store (issue 19; Art. 45 ¶1). Every blob is encrypted with a
// data key of its own; the data key is wrapped by a key-encryption key derived (HKDF) from
// DATA_ENCRYPTION_KEY and kept in a small sidecar beside the blob, so rotating the master key
// re-wraps sidecars and never rewrites a blob. ADR 036 gives the format and the reasons.
//
// A blob is a 48-byte header, then chunks of 1 MiB plaintext bytes (the last may be shorter; blobs
// written before 2026-12-08 have 256 KiB chunks, the header says which), each
// sealed on its own (AES-256-GCM, or SM4-CTR with an HMAC-SM3 tag where SM4 is chosen) with a
// 16-byte tag, then an empty terminator chunk sealed as the last. Each chunk's associated data
// binds the header, its index and whether it is the terminator, so chunks cannot be reordered,
// swapped between blobs or cut off. Fixed-size chunks let a range be read by decrypting only the
// chunks it touches; the terminator lets a chunk be sealed as its bytes stream in, without
// holding it to learn whether it is the last.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'
import { getEnv } from '~/utils/env.server'

export const STORAGE_CIPHERS = ['aes-256-gcm', 'sm4'] as const
export type StorageCipher = (typeof STORAGE_CIPHERS)[number]

const MAGIC = Buffer.from('GDPEBLB1', 'latin1')
export const HEADER_BYTES = 48
/** The chunk size new blobs are written with (ADR 036: 1 MiB costs 19 % on upload, 256 KiB 26 %). */
export const CHUNK_BYTES = 1024 * 1024
/** Chunk sizes a blob may have: what earlier versions wrote stays readable. */
const CHUNK_SIZES = [256 * 1024, CHUNK_BYTES]
export const TAG_BYTES = 16
const CIPHER_ID: Record<StorageCipher, number> = { 'aes-256-gcm': 1, sm4: 2 }

export class BlobFormatError extends Error {
  override name = 'BlobFormatError'
}

export interface BlobHeader {
  cipher: StorageCipher
  /** Names the sidecar holding this blob's wrapped data key. */
  dekId: string
  /** Plaintext bytes per chunk (the last may hold fewer). */
  chunkBytes: number
  noncePrefix: Buffer
  bytes: Buffer
}

export function newHeader(cipher: StorageCipher, chunkBytes = CHUNK_BYTES): BlobHeader {
  const bytes = Buffer.alloc(HEADER_BYTES)
  MAGIC.copy(bytes, 0)
  bytes[8] = CIPHER_ID[cipher]
  bytes[9] = Math.log2(chunkBytes)
  const dek = randomBytes(16)
  dek.copy(bytes, 16)
  const nonce = randomBytes(8)
  nonce.copy(bytes, 32)
  return { cipher, dekId: dek.toString('hex'), chunkBytes, noncePrefix: nonce, bytes }
}

export function parseHeader(bytes: Buffer): BlobHeader {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 8).equals(MAGIC)) {
    throw new BlobFormatError('not an encrypted blob (run npm run storage:rekey to encrypt it)')
  }
  const cipher = STORAGE_CIPHERS.find((c) => CIPHER_ID[c] === bytes[8])
  const chunkBytes = 2 ** bytes[9]!
  if (!cipher || !CHUNK_SIZES.includes(chunkBytes)) {
    throw new BlobFormatError('unknown blob cipher or chunk size')
  }
  const header = Buffer.from(bytes.subarray(0, HEADER_BYTES))
  return {
    cipher,
    dekId: header.subarray(16, 32).toString('hex'),
    chunkBytes,
    noncePrefix: header.subarray(32, 40),
    bytes: header,
  }
}

/** Bytes a sealed chunk of this blob takes in the file (all but the last). */
export function sealedChunkBytes(header: BlobHeader): number {
  return header.chunkBytes + TAG_BYTES
}

/** Data chunks and plaintext bytes of a blob whose stored (ciphertext) size is `stored`. */
export function blobLayout(header: BlobHeader, stored: number): { chunks: number; size: number } {
  const sealed = sealedChunkBytes(header)
  const body = stored - HEADER_BYTES - TAG_BYTES
  if (body < 0) throw new BlobFormatError('blob too short')
  const chunks = Math.ceil(body / sealed)
  const size = body - chunks * TAG_BYTES
  if (chunks > 0 && body - (chunks - 1) * sealed <= TAG_BYTES)
    throw new BlobFormatError('blob has a chunk with no bytes')
  return { chunks, size }
}

function chunkAad(header: BlobHeader, index: number, last: boolean): Buffer {
  const aad = Buffer.alloc(HEADER_BYTES + 5)
  header.bytes.copy(aad, 0)
  aad.writeUInt32BE(index, HEADER_BYTES)
  aad[HEADER_BYTES + 4] = last ? 1 : 0
  return aad
}

function iv(header: BlobHeader, index: number): Buffer {
  // GCM: 12 bytes (prefix ‖ index). SM4-CTR: 16 bytes, the low 4 counting blocks within a chunk.
  const out = Buffer.alloc(header.cipher === 'sm4' ? 16 : 12)
  header.noncePrefix.copy(out, 0)
  out.writeUInt32BE(index, 8)
  return out
}

// A data key's cipher keys, made once per key (the store keeps one Buffer per data key): creating a
// cipher from a raw key costs four times one from a KeyObject, once per chunk. Reads and SM4 use
// them. AES writes keep the raw key: with 256 KiB chunks the upload test's memory stayed 5–15 MB
// lower so; with 1 MiB chunks the set-up no longer shows in the upload's profile (ADR 036).
const gcmKeys = new WeakMap<Buffer, KeyObject>()
/** SM4 has no GCM in Node's OpenSSL: encrypt-then-MAC with keys split from the data key. */
const sm4Keys = new WeakMap<Buffer, { enc: KeyObject; mac: KeyObject }>()

function gcmKey(dek: Buffer): KeyObject {
  let k = gcmKeys.get(dek)
  if (!k) gcmKeys.set(dek, (k = createSecretKey(dek)))
  return k
}

function sm4Key(dek: Buffer): { enc: KeyObject; mac: KeyObject } {
  let k = sm4Keys.get(dek)
  if (!k) {
    const split = Buffer.from(hkdfSync('sha256', dek, Buffer.alloc(0), 'gdpde:sm4-chunk', 48))
    k = { enc: createSecretKey(split.subarray(0, 16)), mac: createSecretKey(split.subarray(16)) }
    sm4Keys.set(dek, k)
  }
  return k
}

interface ChunkCipher {
  update(plain: Buffer): Buffer
  /** Whatever the cipher still holds, then the tag. */
  final(): Buffer[]
}

/** Starts sealing chunk `index`: its bytes may then arrive in any number of pieces. */
function beginChunk(dek: Buffer, header: BlobHeader, index: number, last: boolean): ChunkCipher {
  const aad = chunkAad(header, index, last)
  if (header.cipher === 'sm4') {
    const k = sm4Key(dek)
    const c = createCipheriv('sm4-ctr', k.enc, iv(header, index))
    const mac = createHmac('sm3', k.mac).update(aad)
    return {
      update: (plain) => {
        const out = c.update(plain)
        mac.update(out)
        return out
      },
      final: () => {
        const rest = c.final()
        mac.update(rest)
        return [rest, mac.digest().subarray(0, TAG_BYTES)]
      },
    }
  }
  // The raw key on purpose (see `gcmKeys`).
  const c = createCipheriv('aes-256-gcm', dek, iv(header, index))
  c.setAAD(aad)
  return { update: (plain) => c.update(plain), final: () => [c.final(), c.getAuthTag()] }
}

/**
 * Seals a plaintext stream as it arrives: `push` returns ciphertext to write now, `end` the rest
 * and the terminator. Nothing is buffered beyond what the cipher holds.
 */
export class StreamSealer {
  private cipher: ChunkCipher | null = null
  private inChunk = 0
  private index = 0

  constructor(
    private readonly dek: Buffer,
    private readonly header: BlobHeader,
  ) {}

  push(data: Uint8Array): Buffer[] {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    const out: Buffer[] = []
    let at = 0
    while (at < bytes.length) {
      this.cipher ??= beginChunk(this.dek, this.header, this.index, false)
      const take = Math.min(this.header.chunkBytes - this.inChunk, bytes.length - at)
      out.push(
        this.cipher.update(
          at === 0 && take === bytes.length ? bytes : bytes.subarray(at, at + take),
        ),
      )
      this.inChunk += take
      at += take
      if (this.inChunk === this.header.chunkBytes) out.push(...this.close())
    }
    return out
  }

  end(): Buffer[] {
    const out = this.cipher ? this.close() : []
    const terminator = beginChunk(this.dek, this.header, this.index, true)
    return [...out, ...terminator.final()]
  }

  private close(): Buffer[] {
    const out = this.cipher!.final()
    this.cipher = null
    this.inChunk = 0
    this.index++
    return out
  }
}

/** `update` ‖ `final` without a copy when `final` is empty (stream ciphers, GCM). */
function joined(a: Buffer, b: Buffer): Buffer {
  return b.length === 0 ? a : Buffer.concat([a, b])
}

export function openChunk(
  dek: Buffer,
  header: BlobHeader,
  index: number,
  last: boolean,
  sealed: Buffer,
): Buffer {
  if (sealed.length < TAG_BYTES) throw new BlobFormatError('chunk too short')
  const body = sealed.subarray(0, sealed.length - TAG_BYTES)
  const tag = sealed.subarray(sealed.length - TAG_BYTES)
  const aad = chunkAad(header, index, last)
  try {
    if (header.cipher === 'sm4') {
      const k = sm4Key(dek)
      const want = createHmac('sm3', k.mac).update(aad).update(body).digest().subarray(0, TAG_BYTES)
      if (!timingSafeEqual(want, tag)) throw new Error('tag')
      const d = createDecipheriv('sm4-ctr', k.enc, iv(header, index))
      return joined(d.update(body), d.final())
    }
    const d = createDecipheriv('aes-256-gcm', gcmKey(dek), iv(header, index))
    d.setAAD(aad)
    d.setAuthTag(tag)
    const plain = d.update(body)
    return joined(plain, d.final())
  } catch {
    throw new BlobFormatError(`blob chunk ${index} failed authentication (altered, or a wrong key)`)
  }
}

// --- keys ---------------------------------------------------------------------------------------

export interface WrappedKey {
  v: 1
  /** Which key-encryption key wrapped it (a digest of the key, not the key). */
  kek: string
  iv: string
  key: string
  tag: string
}

export interface Kek {
  id: string
  key: Buffer
}

export function kekFrom(master: Buffer): Kek {
  const key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'gdpde:storage-kek:v1', 32))
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key }
}

/** The current key-encryption key and the previous ones (DATA_ENCRYPTION_KEY_PREVIOUS) still accepted. */
export interface StorageKeys {
  current: Kek
  previous: Kek[]
}

export function storageKeysFrom(master: Buffer, previous: Buffer[] = []): StorageKeys {
  return { current: kekFrom(master), previous: previous.map(kekFrom) }
}

let envKeys: { source: string; keys: StorageKeys } | undefined

export function envStorageKeys(): StorageKeys {
  const env = getEnv()
  const source = `${env.DATA_ENCRYPTION_KEY}|${env.DATA_ENCRYPTION_KEY_PREVIOUS ?? ''}`
  if (envKeys?.source !== source) {
    const previous = (env.DATA_ENCRYPTION_KEY_PREVIOUS ?? '')
      .split(',')
      .filter(Boolean)
      .map((k) => Buffer.from(k, 'base64'))
    envKeys = {
      source,
      keys: storageKeysFrom(Buffer.from(env.DATA_ENCRYPTION_KEY, 'base64'), previous),
    }
  }
  return envKeys.keys
}

export function wrapKey(kek: Kek, dek: Buffer, dekId: string): WrappedKey {
  const nonce = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', kek.key, nonce)
  c.setAAD(Buffer.from(dekId, 'latin1'))
  const key = Buffer.concat([c.update(dek), c.final()])
  return {
    v: 1,
    kek: kek.id,
    iv: nonce.toString('base64'),
    key: key.toString('base64'),
    tag: c.getAuthTag().toString('base64'),
  }
}

export function unwrapKey(keys: StorageKeys, wrapped: WrappedKey, dekId: string): Buffer {
  const kek = [keys.current, ...keys.previous].find((k) => k.id === wrapped.kek)
  if (!kek) {
    throw new BlobFormatError(
      `the blob's key was wrapped by key ${wrapped.kek}, which is not configured (DATA_ENCRYPTION_KEY or DATA_ENCRYPTION_KEY_PREVIOUS)`,
    )
  }
  try {
    const d = createDecipheriv('aes-256-gcm', kek.key, Buffer.from(wrapped.iv, 'base64'))
    d.setAAD(Buffer.from(dekId, 'latin1'))
    d.setAuthTag(Buffer.from(wrapped.tag, 'base64'))
    return Buffer.concat([d.update(Buffer.from(wrapped.key, 'base64')), d.final()])
  } catch {
    throw new BlobFormatError('the blob key failed authentication (altered sidecar)')
  }
}
