// The content-addressed file store (C7 "Storage for files"): product files live under the
// SHA-256 of their bytes, behind one interface. The local-disk store (under STORAGE_DIR) is the
// default and what tests use. An S3-compatible adapter is not part of this build (no
// S3-compatible server to test it against here); the interface is what it would implement.
//
// A write streams: bytes are hashed and counted as they arrive and go to a temporary file in
// `<STORAGE_DIR>/.tmp/`; only a complete file within the size limit, in a request that was
// accepted as a whole, is renamed into its content-addressed path (`sha256/ab/cd/<hash>`) —
// `stage` then `commit` — so a truncated, oversized or refused upload leaves nothing behind.
// Names given by users never become paths.
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'

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
  stat(key: string): Promise<{ size: number } | null>
  read(key: string, range?: { start: number; end?: number }): ReadStream
  /** The file's path relative to STORAGE_DIR (what the desensitization scanner takes as `fileRef`). */
  fileRef(key: string): string
  absolutePath(key: string): string
  /** Every stored object with its last change (for the sweep of unreferenced blobs). */
  list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }>
  remove(key: string): Promise<void>
}

const KEY = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/

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

export class LocalContentStore implements ContentStore {
  readonly kind = 'local' as const
  readonly root: string

  constructor(root: string) {
    this.root = path.resolve(root)
  }

  absolutePath(key: string): string {
    return path.join(this.root, ...checkKey(key).split('/'))
  }

  fileRef(key: string): string {
    return checkKey(key)
  }

  async stage(source: AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StagedObject> {
    const maxBytes = options.maxBytes ?? getEnv().UPLOAD_MAX_BYTES
    const tmpDir = path.join(this.root, '.tmp')
    await mkdir(tmpDir, { recursive: true })
    const tmp = path.join(tmpDir, `${randomUUID()}.part`)
    const out = createWriteStream(tmp, { flags: 'wx' })
    const hash = createHash('sha256')
    let size = 0
    const failed = new Promise<never>((_, reject) => out.once('error', reject))
    failed.catch(() => undefined)
    try {
      for await (const chunk of source) {
        size += chunk.byteLength
        if (size > maxBytes)
          throw new DomainError('payload_too_large', 'error.payloadTooLarge', 413)
        hash.update(chunk)
        options.onBytes?.(size)
        // Back-pressure: wait for the disk before taking more bytes from the network.
        if (!out.write(chunk))
          await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed])
      }
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
        const final = this.absolutePath(key)
        const existing = await stat(final).catch(() => null)
        if (existing?.isFile() && existing.size === size) {
          await rm(tmp, { force: true })
          // Stored again: the blob's age restarts, so the sweep's grace period covers the new reference.
          const at = new Date()
          await utimes(final, at, at).catch(() => undefined)
          return { sha256, size, key, created: false }
        }
        await mkdir(path.dirname(final), { recursive: true })
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

  async stat(key: string): Promise<{ size: number } | null> {
    const s = await stat(this.absolutePath(key)).catch(() => null)
    return s?.isFile() ? { size: s.size } : null
  }

  read(key: string, range?: { start: number; end?: number }): ReadStream {
    return createReadStream(
      this.absolutePath(key),
      range ? { start: range.start, end: range.end } : undefined,
    )
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

  async remove(key: string): Promise<void> {
    await rm(this.absolutePath(key), { force: true })
  }
}

let store: ContentStore | undefined
let storeRoot: string | undefined

/** The configured store (STORAGE_DIR, default `.data/files`). */
export function contentStore(): ContentStore {
  const root = path.resolve(getEnv().STORAGE_DIR)
  if (!store || storeRoot !== root) {
    store = new LocalContentStore(root)
    storeRoot = root
  }
  return store
}
