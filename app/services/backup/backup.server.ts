// Backups and restore (issue 19; Art. 45 ¶1: encrypted, local and off-site, on a schedule). ADR 037.
//
// A backup repository is a directory (BACKUP_DIR; a second one, BACKUP_MIRROR_DIR, for the copy kept
// elsewhere) holding
//   objects/   an encrypted content store (the same format as the file store, ADR 036) of every
//              collection's documents, in chunks of canonical Extended JSON, gzip'd;
//   blobs/     the file store's blobs as they are on disk (already encrypted) with their wrapped keys;
//   snapshots/<id>.json  one manifest per backup: every chunk's key (the hash of its bytes) and
//              document count, every blob file's SHA-256 and size, the ledger head it is consistent
//              with, and an HMAC under a key derived from DATA_ENCRYPTION_KEY over all of it.
// Content addressing makes each backup after the first cost only what changed. A restore checks the
// manifest's HMAC and every chunk and blob against it before it writes anything, and writes only
// into an empty database and an empty file store.
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import canonicalize from 'canonicalize'
import mongoose from 'mongoose'
import { clearTail } from '~/services/ledger/tail.server'
import { ledgerHead } from '~/services/ledger/ledger.server'
import { referencedKeys } from '~/services/storage/sweep.server'
import { contentStore, keyFor, LocalContentStore } from '~/services/storage/store.server'
import { connectDb, ensureIndexes } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'

const FORMAT = 'gdpde-backup/1'
const DOCS_PER_CHUNK = 5000
const EJSON = mongoose.mongo.BSON.EJSON

export class BackupError extends Error {
  override name = 'BackupError'
}

export interface BlobFile {
  /** Relative to the store's root: `sha256/ab/cd/<hash>` or its wrapped key `<…>.<id>.key`. */
  name: string
  sha256: string
  size: number
}

export interface Manifest {
  format: typeof FORMAT
  id: string
  createdAt: string
  database: string
  ledgerHead: { seq: number; hash: string }
  collections: { name: string; count: number; chunks: { key: string; docs: number }[] }[]
  blobs: BlobFile[]
  /** HMAC-SHA256 (hex) over the canonical manifest without this field. */
  mac: string
}

function macKey(): Buffer {
  const master = Buffer.from(getEnv().DATA_ENCRYPTION_KEY, 'base64')
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'gdpde:backup-manifest:v1', 32))
}

function macOf(manifest: Omit<Manifest, 'mac'>): string {
  return createHmac('sha256', macKey())
    .update(canonicalize(manifest) ?? '')
    .digest('hex')
}

async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { sha256: hash.digest('hex'), size }
}

async function writeAtomic(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  await writeFile(tmp, data, { mode: 0o600 })
  await rename(tmp, file)
}

/** Copies a file unless the same bytes are already there (write-then-rename). */
async function copyIfMissing(from: string, to: string, size: number): Promise<boolean> {
  const have = await stat(to).catch(() => null)
  if (have?.isFile() && have.size === size) return false
  await mkdir(path.dirname(to), { recursive: true })
  await copyFile(from, `${to}.tmp`)
  await rename(`${to}.tmp`, to)
  return true
}

/** Which ledger documents belong to a backup consistent with the log at `head`. */
function withinHead(name: string, doc: Record<string, unknown>, head: number): boolean {
  if (name === 'ledger_entries') return (doc._id as number) <= head
  if (name === 'ledger_checkpoints') return (doc.treeSize as number) <= head
  if (name === 'ledger_nodes') {
    const [level, index] = String(doc._id).split(':').map(Number)
    return (index! + 1) * 2 ** level! <= head
  }
  return true
}

export interface BackupResult {
  manifest: Manifest
  /** Where the manifest was written (the repository, then the mirror). */
  written: string[]
  bytesWritten: number
}

/**
 * Art. 45 ¶1: one backup of every collection and every referenced blob into `dir` (and `mirror`).
 * The ledger head is read first: entries, checkpoints and tree nodes after it are left for the next
 * backup, so the restored log verifies. Other collections are read after it, so a record may name a
 * later log entry; the sweeps that finish half-done steps (`loggedSeq`) bring it back in line.
 */
export async function createBackup(options: {
  dir: string
  mirror?: string
  now?: Date
}): Promise<BackupResult> {
  await connectDb()
  const now = options.now ?? new Date()
  const id = now.toISOString().replace(/[:.]/g, '-')
  const objects = new LocalContentStore(path.join(options.dir, 'objects'))
  const head = await ledgerHead()
  const db = mongoose.connection.db!
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.'))
    .sort()
  let bytesWritten = 0
  const collections: Manifest['collections'] = []
  for (const name of names) {
    const chunks: { key: string; docs: number }[] = []
    let batch: string[] = []
    let count = 0
    const flush = async () => {
      if (batch.length === 0) return
      const stored = await objects.putBytes(gzipSync(batch.join('\n') + '\n'))
      if (stored.created) bytesWritten += stored.size
      chunks.push({ key: stored.key, docs: batch.length })
      batch = []
    }
    for await (const doc of db.collection(name).find({}).sort({ _id: 1 })) {
      if (!withinHead(name, doc, head.seq)) continue
      batch.push(EJSON.stringify(doc, { relaxed: false }))
      count++
      if (batch.length >= DOCS_PER_CHUNK) await flush()
    }
    await flush()
    collections.push({ name, count, chunks })
  }
  // Every blob a record refers to, as stored (encrypted) with its wrapped keys.
  const store = contentStore()
  const blobs: BlobFile[] = []
  const keys = [...(await referencedKeys())].sort()
  for (const key of keys) {
    const file = store.storedPath(key)
    if (!(await stat(file).catch(() => null))?.isFile()) continue
    const dirName = path.dirname(file)
    const base = path.basename(file)
    const siblings = (await readdir(dirName)).filter(
      (n) => n === base || (n.startsWith(`${base}.`) && n.endsWith('.key')),
    )
    for (const n of siblings.sort()) {
      const abs = path.join(dirName, n)
      const name = path.posix.join(path.posix.dirname(key), n)
      const digest = await sha256File(abs)
      if (await copyIfMissing(abs, path.join(options.dir, 'blobs', name), digest.size))
        bytesWritten += digest.size
      blobs.push({ name, ...digest })
    }
  }
  const body: Omit<Manifest, 'mac'> = {
    format: FORMAT,
    id,
    createdAt: now.toISOString(),
    database: db.databaseName,
    ledgerHead: head,
    collections,
    blobs,
  }
  const manifest: Manifest = { ...body, mac: macOf(body) }
  const text = JSON.stringify(manifest, null, 1) + '\n'
  // The manifest last: a backup cut short has no manifest, so it does not exist.
  await writeAtomic(path.join(options.dir, 'snapshots', `${id}.json`), text)
  const written = [options.dir]
  if (options.mirror) {
    await mirrorSnapshot(options.dir, options.mirror, manifest)
    written.push(options.mirror)
  }
  return { manifest, written, bytesWritten }
}

/** Copies one snapshot's chunks and blobs to another repository, its manifest last. */
async function mirrorSnapshot(from: string, to: string, manifest: Manifest): Promise<void> {
  for (const c of manifest.collections)
    for (const chunk of c.chunks) {
      const rel = chunk.key.split('/')
      const src = path.join(from, 'objects', ...rel)
      const size = (await stat(src)).size
      await copyIfMissing(src, path.join(to, 'objects', ...rel), size)
      const base = path.basename(src)
      for (const n of await readdir(path.dirname(src)))
        if (n.startsWith(`${base}.`) && n.endsWith('.key')) {
          const s = path.join(path.dirname(src), n)
          await copyIfMissing(
            s,
            path.join(to, 'objects', ...rel.slice(0, -1), n),
            (await stat(s)).size,
          )
        }
    }
  for (const b of manifest.blobs)
    await copyIfMissing(path.join(from, 'blobs', b.name), path.join(to, 'blobs', b.name), b.size)
  await writeAtomic(
    path.join(to, 'snapshots', `${manifest.id}.json`),
    JSON.stringify(manifest, null, 1) + '\n',
  )
}

/** The repository's snapshots, oldest first. */
export async function listSnapshots(dir: string): Promise<string[]> {
  const names = await readdir(path.join(dir, 'snapshots')).catch(() => [] as string[])
  return names
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -5))
    .sort()
}

/**
 * Retention: keeps the newest `keep` snapshots and removes chunks and blobs no kept snapshot names.
 */
export async function pruneBackups(
  dir: string,
  keep: number,
): Promise<{ removedSnapshots: string[]; removedFiles: number }> {
  const ids = await listSnapshots(dir)
  const drop = ids.slice(0, Math.max(0, ids.length - keep))
  for (const id of drop) await rm(path.join(dir, 'snapshots', `${id}.json`), { force: true })
  const kept = await Promise.all(ids.slice(drop.length).map((id) => readManifest(dir, id)))
  const chunkKeys = new Set(
    kept.flatMap((m) => m.collections.flatMap((c) => c.chunks.map((x) => x.key))),
  )
  const blobNames = new Set(kept.flatMap((m) => m.blobs.map((b) => b.name)))
  let removedFiles = 0
  const objects = new LocalContentStore(path.join(dir, 'objects'))
  for await (const o of objects.list())
    if (!chunkKeys.has(o.key)) {
      await objects.remove(o.key)
      removedFiles++
    }
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, 'blobs', rel), { withFileTypes: true }).catch(
      () => [],
    )) {
      const name = path.posix.join(rel, entry.name)
      if (entry.isDirectory()) await walk(name)
      else if (!blobNames.has(name)) {
        await rm(path.join(dir, 'blobs', name), { force: true })
        removedFiles++
      }
    }
  }
  await walk('')
  return { removedSnapshots: drop, removedFiles }
}

async function readManifest(dir: string, id: string): Promise<Manifest> {
  if (!/^[0-9A-Za-z-]{1,80}$/.test(id)) throw new BackupError(`no snapshot named ${id}`)
  let text: string
  try {
    text = await readFile(path.join(dir, 'snapshots', `${id}.json`), 'utf8')
  } catch {
    throw new BackupError(`no snapshot ${id} in ${dir}`)
  }
  let manifest: Manifest
  try {
    manifest = JSON.parse(text) as Manifest
  } catch {
    throw new BackupError(`the manifest of ${id} is not JSON (damaged)`)
  }
  if (manifest.format !== FORMAT) throw new BackupError(`${id} is not a ${FORMAT} manifest`)
  return manifest
}

/**
 * Checks a snapshot completely without writing anything: the manifest's HMAC (made under this
 * exchange's key — another exchange's archive, or an altered manifest, fails here), every chunk
 * decrypted and authenticated against its key, every blob file against its hash and size.
 */
export async function verifyBackup(
  dir: string,
  id?: string,
): Promise<{ manifest: Manifest; documents: number; blobs: number }> {
  const ids = await listSnapshots(dir)
  const chosen = id ?? ids.at(-1)
  if (!chosen) throw new BackupError(`no backup in ${dir}`)
  const manifest = await readManifest(dir, chosen)
  const { mac, ...body } = manifest
  const want = Buffer.from(macOf(body), 'hex')
  const got = Buffer.from(typeof mac === 'string' ? mac : '', 'hex')
  if (got.length !== want.length || !timingSafeEqual(got, want))
    throw new BackupError(
      `the manifest of ${chosen} does not carry this exchange's seal: it was altered, or made by an exchange with another DATA_ENCRYPTION_KEY`,
    )
  const objects = new LocalContentStore(path.join(dir, 'objects'))
  let documents = 0
  for (const c of manifest.collections)
    for (const chunk of c.chunks) {
      const bytes = await objects.readAll(chunk.key).catch((error: unknown) => {
        throw new BackupError(
          `chunk ${chunk.key} of ${c.name} is missing or damaged: ${(error as Error).message}`,
        )
      })
      if (keyFor(createHash('sha256').update(bytes).digest('hex')) !== chunk.key)
        throw new BackupError(`chunk ${chunk.key} of ${c.name} does not hold its bytes`)
      documents += chunk.docs
    }
  for (const b of manifest.blobs) {
    const file = path.join(dir, 'blobs', ...b.name.split('/'))
    const have = await sha256File(file).catch(() => null)
    if (!have) throw new BackupError(`blob file ${b.name} is missing`)
    if (have.sha256 !== b.sha256 || have.size !== b.size)
      throw new BackupError(`blob file ${b.name} is damaged (its hash differs from the manifest)`)
  }
  return { manifest, documents, blobs: manifest.blobs.length }
}

/**
 * Restores a snapshot into the configured database and file store, which must both be empty.
 * Everything is verified first (`verifyBackup`); a damaged or foreign archive writes nothing.
 */
export async function restoreBackup(
  dir: string,
  id?: string,
): Promise<{ id: string; documents: number; blobs: number }> {
  const { manifest } = await verifyBackup(dir, id)
  await connectDb()
  const db = mongoose.connection.db!
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (name.startsWith('system.')) continue
    if ((await db.collection(name).countDocuments({}, { limit: 1 })) > 0)
      throw new BackupError(
        `the database ${db.databaseName} is not empty (collection ${name}); restore into an empty one`,
      )
  }
  const store = contentStore()
  const first = await store.list()[Symbol.asyncIterator]().next()
  if (!first.done)
    throw new BackupError(`the file store ${store.root} is not empty; restore into an empty one`)
  const objects = new LocalContentStore(path.join(dir, 'objects'))
  let documents = 0
  for (const c of manifest.collections) {
    for (const chunk of c.chunks) {
      const lines = gunzipSync(await objects.readAll(chunk.key))
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
      const docs = lines.map((l) => EJSON.parse(l, { relaxed: false }) as mongoose.mongo.Document)
      await db.collection(c.name).insertMany(docs, { ordered: false })
      documents += docs.length
    }
  }
  for (const b of manifest.blobs)
    await copyIfMissing(
      path.join(dir, 'blobs', ...b.name.split('/')),
      path.join(store.root, ...b.name.split('/')),
      b.size,
    )
  await ensureIndexes()
  // The log's tail in Redis described the database that was there before.
  await clearTail()
  return { id: manifest.id, documents, blobs: manifest.blobs.length }
}
