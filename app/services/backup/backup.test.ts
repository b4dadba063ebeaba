// Backups and restore (issue 19; Art. 45 ¶1) on the run's own database and a file store of this
// file's own: back up the demo world, wipe it, restore it, and find it whole.
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Delivery } from '#models/delivery'
import { Product } from '#models/product'
import { deliverLicence } from '~/services/delivery/deliver.server'
import { openDownload } from '~/services/delivery/download.server'
import { signDownloadLink } from '~/services/delivery/links.server'
import { verifyChain } from '~/services/ledger/ledger.server'
import { issueLicence, termsFromTemplate } from '~/services/licences/issue.server'
import { referencedKeys } from '~/services/storage/sweep.server'
import { contentStore } from '~/services/storage/store.server'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  createBackup,
  listSnapshots,
  pruneBackups,
  restoreBackup,
  verifyBackup,
} from './backup.server'

const storage = mkdtempSync(path.join(os.tmpdir(), 'gdpde-backup-store-'))
process.env.STORAGE_DIR = storage
const repo = mkdtempSync(path.join(os.tmpdir(), 'gdpde-backup-repo-'))
const mirror = mkdtempSync(path.join(os.tmpdir(), 'gdpde-backup-mirror-'))
const EJSON = mongoose.mongo.BSON.EJSON

/** Every collection's document count and a hash of its documents in canonical Extended JSON. */
async function digest(): Promise<Record<string, { count: number; sha256: string }>> {
  const db = mongoose.connection.db!
  const out: Record<string, { count: number; sha256: string }> = {}
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const hash = createHash('sha256')
    let count = 0
    for await (const doc of db.collection(name).find({}).sort({ _id: 1 })) {
      hash.update(EJSON.stringify(doc, { relaxed: false }))
      count++
    }
    if (count > 0) out[name] = { count, sha256: hash.digest('hex') }
  }
  return out
}

async function blobHashes(): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const key of [...(await referencedKeys())].sort()) {
    if (!(await contentStore().stat(key))) continue
    out[key] = createHash('sha256')
      .update(await contentStore().readAll(key))
      .digest('hex')
  }
  return out
}

async function wipe(): Promise<void> {
  await mongoose.connection.dropDatabase()
  for (const name of readdirSync(storage)) rmSync(path.join(storage, name), { recursive: true })
}

describe('backups (Art. 45)', () => {
  useTestDb()
  let licenceId = ''
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    // A buyer's licence with its fingerprinted copy, so the restore can be checked by a download.
    const p = (await Product.findOne({ seedKey: 'authority-land-use-parcels' }).lean())!
    const buyer = await demoUser('buyer@demo.gd.example')
    licenceId = (
      await issueLicence({
        source: 'order',
        sourceRef: `backup-test:${Date.now()}`,
        licenseeOrgId: buyer.org!.id,
        licensorOrgId: p.ownerOrgId,
        productId: String(p._id),
        versionId: null,
        catalogEntryId: null,
        pricePlanKey: p.pricePlans[0]?.key ?? null,
        terms: termsFromTemplate(p.licenceTemplate, new Date(Date.now() - 86_400_000), {}),
        actor: { orgId: p.ownerOrgId },
      })
    ).licenceId
    await deliverLicence(licenceId)
  })
  afterAll(() => {
    for (const d of [storage, repo, mirror]) rmSync(d, { recursive: true, force: true })
  })

  it('art45 back up, wipe, restore from the off-site copy: counts and content hashes equal, the log verifies, a licence still downloads', async () => {
    const before = await digest()
    const files = await blobHashes()
    expect(Object.keys(files).length).toBeGreaterThan(5)
    const { manifest } = await createBackup({ dir: repo, mirror })
    expect(manifest.collections.find((c) => c.name === 'users')?.count).toBe(before.users!.count)
    // Nothing on the backup's disk is readable without the key.
    for (const dir of [repo, mirror]) {
      for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!f.isFile() || f.name.endsWith('.json')) continue
        expect(readFileSync(path.join(f.parentPath, f.name)).includes('buyer@demo')).toBe(false)
      }
    }

    await wipe()
    expect(await digest()).toEqual({})
    const restored = await restoreBackup(mirror)
    expect(restored.id).toBe(manifest.id)
    // The indexes the models declare are built again; everything else is what was backed up.
    expect(await digest()).toEqual(before)
    expect(await blobHashes()).toEqual(files)
    expect(await verifyChain()).toMatchObject({ ok: true })

    const buyer = await demoUser('buyer@demo.gd.example')
    const copy = (await Delivery.findOne({ licenceId, status: 'completed' }).lean())!
    const q = new URL(signDownloadLink(copy, new Date(Date.now() + 86_400_000)).href, 'http://x')
      .searchParams
    const download = await openDownload(buyer, licenceId, copy.key, {
      expires: Number(q.get('expires')),
      sig: q.get('sig')!,
    })
    const bytes = Buffer.from(await new Response(download.body).arrayBuffer())
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(copy.sha256)
  })

  it('art45 a damaged, altered or foreign archive is refused before anything is written, and so is a restore over data', async () => {
    const id = (await listSnapshots(repo)).at(-1)!
    // Over a database that is not empty.
    await expect(restoreBackup(repo)).rejects.toThrow(/not empty/)
    await verifyBackup(repo)

    const manifestFile = path.join(repo, 'snapshots', `${id}.json`)
    const manifestText = readFileSync(manifestFile, 'utf8')
    const manifest = JSON.parse(manifestText) as { collections: { count: number }[]; mac: string }
    await wipe()
    const expectRefused = async (pattern: RegExp) => {
      await expect(restoreBackup(repo)).rejects.toThrow(pattern)
      expect(await digest()).toEqual({})
      expect(readdirSync(storage)).toEqual([])
    }
    // A manifest changed by hand (a count), or sealed by another exchange's key.
    manifest.collections[0]!.count += 1
    writeFileSync(manifestFile, JSON.stringify(manifest))
    await expectRefused(/does not carry this exchange's seal/)
    manifest.collections[0]!.count -= 1
    manifest.mac = createHash('sha256').update('another exchange').digest('hex')
    writeFileSync(manifestFile, JSON.stringify(manifest))
    await expectRefused(/does not carry this exchange's seal/)
    writeFileSync(manifestFile, manifestText)

    // One byte of a chunk of the documents.
    const objects = path.join(repo, 'objects', 'sha256')
    const chunk = readdirSync(objects, { recursive: true, withFileTypes: true }).find(
      (f) => f.isFile() && /^[0-9a-f]{64}$/.test(f.name),
    )!
    const chunkFile = path.join(chunk.parentPath, chunk.name)
    const good = readFileSync(chunkFile)
    const bad = Buffer.from(good)
    bad[bad.length - 30]! ^= 1
    writeFileSync(chunkFile, bad)
    await expectRefused(/missing or damaged/)
    writeFileSync(chunkFile, good)

    // One byte of a stored file.
    const blob = readdirSync(path.join(repo, 'blobs'), {
      recursive: true,
      withFileTypes: true,
    }).find((f) => f.isFile() && /^[0-9a-f]{64}$/.test(f.name))!
    const blobFile = path.join(blob.parentPath, blob.name)
    const blobGood = readFileSync(blobFile)
    const blobBad = Buffer.from(blobGood)
    blobBad[60]! ^= 1
    writeFileSync(blobFile, blobBad)
    await expectRefused(/damaged/)
    writeFileSync(blobFile, blobGood)

    // Whole again: it restores.
    await expect(restoreBackup(repo)).resolves.toMatchObject({ id })
  })

  it('art45 retention keeps the newest backups and removes what only the older ones held', async () => {
    const second = await createBackup({ dir: repo, now: new Date(Date.now() + 60_000) })
    expect(await listSnapshots(repo)).toHaveLength(2)
    const pruned = await pruneBackups(repo, 1)
    expect(pruned.removedSnapshots).toHaveLength(1)
    expect(await listSnapshots(repo)).toEqual([second.manifest.id])
    // What remains is whole.
    await expect(verifyBackup(repo)).resolves.toMatchObject({
      manifest: { id: second.manifest.id },
    })
  })
})
