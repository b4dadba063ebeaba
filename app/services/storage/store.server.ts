// The content-addressed file store (C7 "Storage for files"): product files live under the
// SHA-256 of their bytes, behind one interface. The local-disk store (under STORAGE_DIR) is the
// default and what tests use. An S3-compatible adapter is not part of this build (no
// S3-compatible server to test it against here); the interface is what it would implement.
//
// A write streams: bytes are hashed and counted as they arrive, encrypted (crypt.server.ts: a data
// key of the blob's own, wrapped by a key derived from DATA_ENCRYPTION_KEY) and written to a
// temporary file in `<STORAGE_DIR>/.tmp/`; only a complete file within the size limit, in a
// request that was accepted as a whole, is renamed into its content-addressed path
// (`sha256/ab/cd/<hash>`, its wrapped key beside it as `<hash>.<dek id>.key`) — `stage` then
// `commit` — so a truncated, oversized or refused upload leaves nothing behind. The key is the
// hash of the plaintext; nothing on disk is readable without the master key (Art. 45 ¶1). Names
// given by users never become paths.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import {
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import {
  BlobFormatError,
  blobLayout,
  envStorageKeys,
  HEADER_BYTES,
  newHeader,
  openChunk,
  parseHeader,
  StreamSealer,
  TAG_BYTES,
  sealedChunkBytes,
  unwrapKey,
  wrapKey,
  type BlobHeader,
  type StorageCipher,
  type StorageKeys,
  type WrappedKey,
} from './crypt.server'
import type { BlobSource, ByteRange } from './source.server'

export interface StoredObject {
  /** Hex SHA-256 of the bytes. */
  sha256: string
  size: number
  /** The store's key: `sha256/ab/cd/<hash>`. */
  key: string
  /** False when identical bytes were already stored (content addressing deduplicates). */
  created: boolean
}

export interface PutOptions {
  /** Refuse (413) once more than this many bytes arrived. */
  maxBytes?: number
  /** Called as bytes arrive (for progress). */
  onBytes?: (total: number) => void
  /**
   * A fixed temporary name (letters, digits, `-`) for a job's output: a rerun after a killed
   * attempt truncates what that attempt left instead of leaving it beside a new one.
   */
  tmpName?: string
}

/** Bytes received in full and hashed, not yet under their key: `commit` moves them there, `discard` drops them. */
export interface StagedObject {
  sha256: string
  size: number
  commit(): Promise<StoredObject>
  discard(): Promise<void>
}

export interface ContentStore {
  readonly kind: 'local'
  /** Receives bytes into a temporary file (hashing and counting them); nothing is under a key yet. */
  stage(source: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<StagedObject>
  /** `stage` then `commit`. */
  put(source: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<StoredObject>
  putBytes(bytes: Uint8Array | string): Promise<StoredObject>
  /** The plaintext size, or null when nothing (readable) is stored under the key. */
  stat(key: string): Promise<{ size: number } | null>
  /** The plaintext, decrypted as it is read; a missing or altered blob errors the stream. */
  read(key: string, range?: ByteRange): Readable
  /** The whole plaintext in memory (small blobs: indexes, reports, tests). */
  readAll(key: string): Promise<Buffer>
  /** The blob as something the table readers open by range (404 when it is missing). */
  source(key: string): Promise<BlobSource>
  /** Validates a key given as a file reference (what scan reports record as `fileRef`). */
  fileRef(key: string): string
  /** Every stored object with its last change (for the sweep of unreferenced blobs). */
  list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }>
  remove(key: string): Promise<void>
}

const KEY = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/
const SIDECAR = /^([0-9a-f]{64})\.([0-9a-f]{32})\.key$/

export function keyFor(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`
}

function checkKey(key: string): string {
  const m = KEY.exec(key)
  if (!m || m[3]!.slice(0, 2) !== m[1] || m[3]!.slice(2, 4) !== m[2]) {
    throw new DomainError('bad_storage_key', 'error.market.badStorageKey', 400)
  }
  return key
}

export interface LocalStoreOptions {
  cipher?: StorageCipher
  /** Defaults to the keys derived from DATA_ENCRYPTION_KEY (and _PREVIOUS). */
  keys?: StorageKeys
}

/** Whether a process with this id runs on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Temporary files of earlier attempts named `name` whose writing process has died. */
async function removeDeadAttempts(tmpDir: string, name: string): Promise<void> {
  for (const file of await readdir(tmpDir).catch(() => [] as string[])) {
    const m = /^(.+)\.(\d+)\.[0-9a-f-]{36}\.part$/.exec(file)
    if (m?.[1] === name && !alive(Number(m[2]))) await rm(path.join(tmpDir, file), { force: true })
  }
}

async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`
  await writeFile(tmp, data, { flag: 'wx', mode: 0o600 })
  await rename(tmp, file)
}

export class LocalContentStore implements ContentStore {
  readonly kind = 'local' as const
  readonly root: string
  private readonly cipherName: StorageCipher | undefined
  private readonly givenKeys: StorageKeys | undefined
  /** Unwrapped data keys by id: a range read of a big table does not unwrap per request. */
  private readonly deks = new Map<string, Buffer>()

  constructor(root: string, options: LocalStoreOptions = {}) {
    this.root = path.resolve(root)
    this.cipherName = options.cipher
    this.givenKeys = options.keys
  }

  private get keys(): StorageKeys {
    return this.givenKeys ?? envStorageKeys()
  }

  private get cipher(): StorageCipher {
    return this.cipherName ?? getEnv().STORAGE_CIPHER
  }

  private blobPath(key: string): string {
    return path.join(this.root, ...checkKey(key).split('/'))
  }

  /** The encrypted file on disk (for backups and for tests of what is at rest); not for reading. */
  storedPath(key: string): string {
    return this.blobPath(key)
  }

  fileRef(key: string): string {
    return checkKey(key)
  }

  async stage(source: AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StagedObject> {
    const maxBytes = options.maxBytes ?? getEnv().UPLOAD_MAX_BYTES
    const tmpDir = path.join(this.root, '.tmp')
    await mkdir(tmpDir, { recursive: true })
    if (options.tmpName !== undefined && !/^[A-Za-z0-9-]{1,100}$/.test(options.tmpName))
      throw new Error('bad temporary name')
    // Each attempt writes a file of its own: two writers of one file (a job whose lock lapsed while
    // it still ran, and its retry) would mix chunks sealed under two data keys. A named attempt
    // (`tmpName`) first removes what a dead earlier attempt of that name left (its process is gone).
    if (options.tmpName) await removeDeadAttempts(tmpDir, options.tmpName)
    const tmp = path.join(
      tmpDir,
      options.tmpName
        ? `${options.tmpName}.${process.pid}.${randomUUID()}.part`
        : `${randomUUID()}.part`,
    )
    const out = createWriteStream(tmp, {
      flags: 'wx',
      mode: 0o600,
      highWaterMark: 256 * 1024,
    })
    const hash = createHash('sha256')
    const header = newHeader(this.cipher)
    const dek = randomBytes(32)
    const sealer = new StreamSealer(dek, header)
    let size = 0
    const failed = new Promise<never>((_, reject) => out.once('error', reject))
    failed.catch(() => undefined)
    const write = async (buffer: Buffer) => {
      // Back-pressure: wait for the disk before taking more bytes from the network.
      if (!out.write(buffer))
        await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed])
    }
    try {
      await write(header.bytes)
      for await (const chunk of source) {
        size += chunk.byteLength
        if (size > maxBytes)
          throw new DomainError('payload_too_large', 'error.payloadTooLarge', 413)
        hash.update(chunk)
        options.onBytes?.(size)
        for (const sealed of sealer.push(chunk)) await write(sealed)
      }
      for (const sealed of sealer.end()) await write(sealed)
      await Promise.race([
        new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r()))),
        failed,
      ])
    } catch (error) {
      // The file is opened asynchronously: wait until the stream is closed, or an open still
      // pending would recreate the temp file after we removed it.
      const closed = out.closed
        ? Promise.resolve()
        : new Promise<void>((r) => out.once('close', () => r()))
      out.destroy()
      await closed
      await rm(tmp, { force: true })
      throw error
    }
    const sha256 = hash.digest('hex')
    let settled = false
    return {
      sha256,
      size,
      commit: async () => {
        if (settled) throw new Error('staged object already settled')
        settled = true
        const key = keyFor(sha256)
        const final = this.blobPath(key)
        // Deduplicated only when the blob there is one this store can read (its key unwraps under
        // the configured keys); anything else under the name is replaced by these bytes.
        const existing = await this.stat(key).catch(() => null)
        const readable =
          existing?.size === size && (await this.opened(key).then(Boolean, () => false))
        if (readable) {
          await rm(tmp, { force: true })
          // Stored again: the blob's age restarts, so the sweep's grace period covers the new reference.
          const at = new Date()
          await utimes(final, at, at).catch(() => undefined)
          return { sha256, size, key, created: false }
        }
        await mkdir(path.dirname(final), { recursive: true })
        // The wrapped key first, named by this blob's data-key id: a concurrent writer of the same
        // bytes writes its own sidecar, so whichever blob wins the rename finds its key.
        await writeAtomic(
          `${final}.${header.dekId}.key`,
          JSON.stringify(wrapKey(this.keys.current, dek, header.dekId)),
        )
        // Same filesystem: the rename is atomic; a reader never sees a partial file under the key.
        await rename(tmp, final)
        return { sha256, size, key, created: true }
      },
      discard: async () => {
        settled = true
        await rm(tmp, { force: true })
      },
    }
  }

  async put(source: AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StoredObject> {
    return (await this.stage(source, options)).commit()
  }

  putBytes(bytes: Uint8Array | string): Promise<StoredObject> {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes
    return this.put(Readable.from([buffer]), { maxBytes: Number.MAX_SAFE_INTEGER })
  }

  /** The blob's header and its data key, or null when no blob is stored under the key. */
  private async opened(
    key: string,
  ): Promise<{ file: string; header: BlobHeader; dek: Buffer; stored: number } | null> {
    const file = this.blobPath(key)
    let handle
    try {
      handle = await open(file, 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    let head: Buffer
    let stored: number
    try {
      head = Buffer.alloc(HEADER_BYTES)
      const { bytesRead } = await handle.read(head, 0, HEADER_BYTES, 0)
      head = head.subarray(0, bytesRead)
      stored = (await handle.stat()).size
    } finally {
      await handle.close()
    }
    const header = parseHeader(head)
    let dek = this.deks.get(header.dekId)
    if (!dek) {
      const wrapped = JSON.parse(
        await readFile(`${file}.${header.dekId}.key`, 'utf8').catch(() => {
          throw new BlobFormatError(`the key of ${key} is missing`)
        }),
      ) as WrappedKey
      dek = unwrapKey(this.keys, wrapped, header.dekId)
      this.deks.set(header.dekId, dek)
      if (this.deks.size > 4096) this.deks.delete(this.deks.keys().next().value!)
    }
    return { file, header, dek, stored }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    const file = this.blobPath(key)
    const s = await stat(file).catch(() => null)
    if (!s?.isFile()) return null
    try {
      return { size: blobLayout(parseHeader(await readHeaderBytes(file)), s.size).size }
    } catch {
      return null
    }
  }

  read(key: string, range?: ByteRange): Readable {
    return Readable.from(this.decrypt(key, range), { objectMode: false })
  }

  private async *decrypt(key: string, range?: ByteRange): AsyncGenerator<Buffer> {
    const blob = await this.opened(key)
    if (!blob) {
      throw Object.assign(new Error(`ENOENT: no stored blob ${key}`), { code: 'ENOENT' })
    }
    const { chunks, size } = blobLayout(blob.header, blob.stored)
    const chunkBytes = blob.header.chunkBytes
    const sealedBytes = sealedChunkBytes(blob.header)
    const start = Math.max(0, range?.start ?? 0)
    const end = Math.min(size - 1, range?.end ?? size - 1)
    const terminatorAt = blob.stored - TAG_BYTES
    if (end === size - 1) {
      // Reading to the end: the terminator first, so a blob cut short yields nothing.
      const handle = await open(blob.file, 'r')
      try {
        const tag = Buffer.alloc(TAG_BYTES)
        await handle.read(tag, 0, TAG_BYTES, terminatorAt)
        openChunk(blob.dek, blob.header, chunks, true, tag)
      } finally {
        await handle.close()
      }
    }
    if (start > end) return
    const first = Math.floor(start / chunkBytes)
    const last = Math.floor(end / chunkBytes)
    const stream = createReadStream(blob.file, {
      start: HEADER_BYTES + first * sealedBytes,
      end: Math.min(terminatorAt, HEADER_BYTES + (last + 1) * sealedBytes) - 1,
      // One sealed chunk per read: reads start on a chunk, so each is opened where it lies.
      highWaterMark: sealedBytes,
    })
    let index = first
    let pending: Buffer | null = null
    const openNext = (sealed: Buffer): Buffer => {
      const at = index++
      const offset = at * chunkBytes
      const plain = openChunk(blob.dek, blob.header, at, false, sealed)
      const from = Math.max(0, start - offset)
      const to = Math.min(plain.length, end - offset + 1)
      return from === 0 && to === plain.length ? plain : plain.subarray(from, to)
    }
    for await (const part of stream as AsyncIterable<Buffer>) {
      // Only a chunk split across two reads is copied; whole chunks are opened where they lie.
      let data = part
      if (pending) {
        const need = sealedBytes - pending.length
        if (part.length < need) {
          pending = Buffer.concat([pending, part])
          continue
        }
        yield openNext(Buffer.concat([pending, part.subarray(0, need)]))
        data = part.subarray(need)
        pending = null
      }
      let at = 0
      while (data.length - at >= sealedBytes) {
        yield openNext(data.subarray(at, at + sealedBytes))
        at += sealedBytes
      }
      if (at < data.length) pending = Buffer.from(data.subarray(at))
    }
    if (index <= last) {
      if (!pending) throw new BlobFormatError(`blob ${key} is cut short`)
      yield openNext(pending)
    }
  }

  async readAll(key: string): Promise<Buffer> {
    const parts: Buffer[] = []
    for await (const part of this.decrypt(key)) parts.push(part)
    return Buffer.concat(parts)
  }

  async source(key: string): Promise<BlobSource> {
    const s = await this.stat(key)
    if (!s) throw new DomainError('file_not_found', 'error.scan.fileNotFound', 404)
    return { name: key, size: s.size, open: (range) => this.read(key, range) }
  }

  async *list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }> {
    const top = path.join(this.root, 'sha256')
    for (const a of await readdir(top).catch(() => [] as string[])) {
      for (const b of await readdir(path.join(top, a)).catch(() => [] as string[])) {
        for (const name of await readdir(path.join(top, a, b)).catch(() => [] as string[])) {
          const key = `sha256/${a}/${b}/${name}`
          if (!KEY.test(key)) continue
          const s = await stat(path.join(top, a, b, name)).catch(() => null)
          if (s?.isFile()) yield { key, size: s.size, modifiedAt: s.mtime }
        }
      }
    }
  }

  /** The wrapped-key sidecars of one blob (the current one and any a lost race left). */
  private async sidecars(key: string): Promise<string[]> {
    const file = this.blobPath(key)
    const hash = path.basename(file)
    const names = await readdir(path.dirname(file)).catch(() => [] as string[])
    return names
      .filter((n) => SIDECAR.exec(n)?.[1] === hash)
      .map((n) => path.join(path.dirname(file), n))
  }

  async remove(key: string): Promise<void> {
    await rm(this.blobPath(key), { force: true })
    for (const sidecar of await this.sidecars(key)) await rm(sidecar, { force: true })
  }

  /**
   * Key rotation: every blob's data key re-wrapped under the current DATA_ENCRYPTION_KEY (blobs
   * are not rewritten), sidecars no blob uses removed, and blobs stored before encryption
   * encrypted in place. Idempotent; `npm run storage:rekey`.
   */
  async rekey(): Promise<{ blobs: number; rewrapped: number; encrypted: number; dropped: number }> {
    const result = { blobs: 0, rewrapped: 0, encrypted: 0, dropped: 0 }
    for await (const { key } of this.list()) {
      result.blobs++
      const file = this.blobPath(key)
      const head = await readHeaderBytes(file)
      let header: BlobHeader
      try {
        header = parseHeader(head)
      } catch {
        // Stored before encryption: encrypt the plaintext under its own key (same hash, same key).
        const staged = await this.stage(createReadStream(file), {
          maxBytes: Number.MAX_SAFE_INTEGER,
        })
        if (keyFor(staged.sha256) !== key) {
          await staged.discard()
          throw new BlobFormatError(`blob ${key} does not hold the bytes its name says`)
        }
        // Renamed over the plaintext: a reader sees the old file or the new, never neither.
        await staged.commit()
        result.encrypted++
        header = parseHeader(await readHeaderBytes(file))
      }
      const own = `${file}.${header.dekId}.key`
      for (const sidecar of await this.sidecars(key)) {
        if (sidecar === own) continue
        await rm(sidecar, { force: true })
        result.dropped++
      }
      const wrapped = JSON.parse(await readFile(own, 'utf8')) as WrappedKey
      if (wrapped.kek === this.keys.current.id) continue
      const dek = unwrapKey(this.keys, wrapped, header.dekId)
      await writeAtomic(own, JSON.stringify(wrapKey(this.keys.current, dek, header.dekId)))
      result.rewrapped++
    }
    return result
  }
}

async function readHeaderBytes(file: string): Promise<Buffer> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(HEADER_BYTES)
    const { bytesRead } = await handle.read(head, 0, HEADER_BYTES, 0)
    return head.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

let store: LocalContentStore | undefined
let storeRoot: string | undefined

/** The configured store (STORAGE_DIR, default `.data/files`). */
export function contentStore(): LocalContentStore {
  const root = path.resolve(getEnv().STORAGE_DIR)
  if (!store || storeRoot !== root) {
    store = new LocalContentStore(root)
    storeRoot = root
  }
  return store
}
