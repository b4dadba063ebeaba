// Something a reader can open whole or by byte range: a stored blob (decrypted as it is read) or a
// plain file on disk (a fixture, the `npm run scan` command's argument). The table readers take
// one, so nothing needs a decrypted copy on disk.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'

export interface ByteRange {
  start: number
  /** Inclusive, like `fs.createReadStream`. */
  end?: number
}

export interface BlobSource {
  /** A name for messages and format hints (a file name or a store key). */
  name: string
  size: number
  open(range?: ByteRange): Readable
}

export async function fileSource(file: string): Promise<BlobSource> {
  const s = await stat(file)
  if (!s.isFile()) throw Object.assign(new Error(`not a file: ${file}`), { code: 'EISDIR' })
  return {
    name: path.basename(file),
    size: s.size,
    open: (range) => createReadStream(file, { ...range, highWaterMark: 1024 * 1024 }),
  }
}

export function asSource(input: string | BlobSource): Promise<BlobSource> {
  return typeof input === 'string' ? fileSource(input) : Promise.resolve(input)
}

/** The first `n` bytes (fewer when the source is shorter). */
export async function readHead(source: BlobSource, n: number): Promise<Buffer> {
  if (source.size === 0 || n === 0) return Buffer.alloc(0)
  const parts: Buffer[] = []
  for await (const part of source.open({ start: 0, end: Math.min(n, source.size) - 1 }))
    parts.push(part as Buffer)
  return Buffer.concat(parts)
}
