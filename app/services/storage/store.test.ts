// The content store's encryption at rest (issue 19; Art. 45 ¶1), on a real directory: no database.
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { CHUNK_BYTES, newHeader, storageKeysFrom, StreamSealer, wrapKey } from './crypt.server'
import { keyFor, LocalContentStore } from './store.server'

const dirs: string[] = []
function tmp(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdpde-store-'))
  dirs.push(dir)
  return dir
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const oldMaster = Buffer.alloc(32, 1)
const newMaster = Buffer.alloc(32, 2)

async function text(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const p of stream) parts.push(p as Buffer)
  return Buffer.concat(parts)
}

describe('the encrypted content store', () => {
  for (const cipher of ['aes-256-gcm', 'sm4'] as const) {
    it(`art45 a stored blob on disk is not readable without the key (${cipher})`, async () => {
      const root = tmp()
      const store = new LocalContentStore(root, { cipher, keys: storageKeysFrom(oldMaster) })
      const secret = '姓名,身份证号\n张伟,440106199003071234\n'.repeat(5000)
      const stored = await store.putBytes(secret)
      const onDisk = readFileSync(store.storedPath(stored.key))
      expect(onDisk.includes(Buffer.from('440106199003071234'))).toBe(false)
      expect(onDisk.includes(Buffer.from('张伟'))).toBe(false)
      // Read back through the store: the same bytes, the key is their hash.
      expect((await store.readAll(stored.key)).toString('utf8')).toBe(secret)
      expect(await store.stat(stored.key)).toEqual({ size: Buffer.byteLength(secret) })
      // Another master key cannot read it.
      const other = new LocalContentStore(root, { cipher, keys: storageKeysFrom(newMaster) })
      await expect(other.readAll(stored.key)).rejects.toThrow(/not configured/)
    })
  }

  it('art45 ranges decrypt only what they touch and match the plaintext at every boundary', async () => {
    const store = new LocalContentStore(tmp(), { keys: storageKeysFrom(oldMaster) })
    const bytes = randomBytes(CHUNK_BYTES * 3 + 123)
    const { key } = await store.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]))
    const cases: [number, number][] = [
      [0, 0],
      [0, CHUNK_BYTES - 1],
      [CHUNK_BYTES - 1, CHUNK_BYTES],
      [CHUNK_BYTES * 2 + 5, CHUNK_BYTES * 3 + 122],
      [CHUNK_BYTES * 3, CHUNK_BYTES * 3 + 500],
      [17, CHUNK_BYTES * 3 + 122],
    ]
    for (const [start, end] of cases) {
      expect(
        (await text(store.read(key, { start, end }))).equals(bytes.subarray(start, end + 1)),
      ).toBe(true)
    }
    expect((await text(store.read(key, { start: 10 }))).equals(bytes.subarray(10))).toBe(true)
    // An empty blob and one of exactly one chunk round-trip too.
    for (const b of [Buffer.alloc(0), randomBytes(CHUNK_BYTES)]) {
      const s = await store.putBytes(b)
      expect((await store.readAll(s.key)).equals(b)).toBe(true)
      expect(await store.stat(s.key)).toEqual({ size: b.length })
    }
  })

  it('art45 a blob written with 256 KiB chunks (before 2026-12-08) still reads, ranges included', async () => {
    const keys = storageKeysFrom(oldMaster)
    const store = new LocalContentStore(tmp(), { keys })
    const small = 256 * 1024
    const bytes = randomBytes(small * 3 + 77)
    const header = newHeader('aes-256-gcm', small)
    const dek = randomBytes(32)
    const sealer = new StreamSealer(dek, header)
    const sealed = [header.bytes, ...sealer.push(bytes), ...sealer.end()]
    const key = keyFor(createHash('sha256').update(bytes).digest('hex'))
    const file = store.storedPath(key)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, Buffer.concat(sealed))
    writeFileSync(
      `${file}.${header.dekId}.key`,
      JSON.stringify(wrapKey(keys.current, dek, header.dekId)),
    )
    expect(await store.stat(key)).toEqual({ size: bytes.length })
    expect((await store.readAll(key)).equals(bytes)).toBe(true)
    for (const [start, end] of [
      [small - 1, small],
      [small * 2 + 5, small * 3 + 76],
    ] as const)
      expect(
        (await text(store.read(key, { start, end }))).equals(bytes.subarray(start, end + 1)),
      ).toBe(true)
  })

  it('art45 a blob altered by one byte, cut short or given another blob’s chunk fails to read', async () => {
    const store = new LocalContentStore(tmp(), { keys: storageKeysFrom(oldMaster) })
    const a = await store.putBytes(randomBytes(CHUNK_BYTES * 2 + 10))
    const file = store.storedPath(a.key)
    const good = readFileSync(file)
    const flipped = Buffer.from(good)
    flipped[good.length - 40]! ^= 1
    writeFileSync(file, flipped)
    await expect(store.readAll(a.key)).rejects.toThrow(/failed authentication/)
    // The last chunk dropped: the one before it is not sealed as last.
    writeFileSync(file, good.subarray(0, 48 + 2 * (CHUNK_BYTES + 16)))
    await expect(store.readAll(a.key)).rejects.toThrow(/failed authentication/)
    writeFileSync(file, good)
    expect((await store.readAll(a.key)).length).toBe(CHUNK_BYTES * 2 + 10)
  })

  it('art45 key rotation re-wraps data keys without rewriting blobs, and encrypts blobs stored before encryption', async () => {
    const root = tmp()
    const before = new LocalContentStore(root, { keys: storageKeysFrom(oldMaster) })
    const stored = await before.putBytes('区域,数量\n天河区,3\n')
    const blobBytes = readFileSync(before.storedPath(stored.key))
    // A plaintext blob from before encryption, under its hash.
    const legacyText = 'plain,old\n1,2\n'
    const legacy = await before.putBytes(legacyText)
    writeFileSync(before.storedPath(legacy.key), legacyText)
    expect(await before.stat(legacy.key)).toBeNull()

    // The new master key is current; the old one is still accepted until the rotation ran.
    const rotated = new LocalContentStore(root, {
      keys: storageKeysFrom(newMaster, [oldMaster]),
    })
    expect((await rotated.readAll(stored.key)).toString()).toBe('区域,数量\n天河区,3\n')
    const result = await rotated.rekey()
    expect(result).toMatchObject({ blobs: 2, rewrapped: 1, encrypted: 1 })
    expect(readFileSync(rotated.storedPath(stored.key)).equals(blobBytes)).toBe(true)
    expect(await rotated.rekey()).toMatchObject({ rewrapped: 0, encrypted: 0 })

    // After rotation the old key is no longer needed.
    const only = new LocalContentStore(root, { keys: storageKeysFrom(newMaster) })
    expect((await only.readAll(stored.key)).toString()).toBe('区域,数量\n天河区,3\n')
    expect((await only.readAll(legacy.key)).toString()).toBe(legacyText)
    // Removing a blob removes its wrapped key too.
    await only.remove(stored.key)
    const dir = path.dirname(only.storedPath(stored.key))
    expect(readdirSync(dir).some((n) => n.startsWith(stored.sha256))).toBe(false)
  })
})
