// A provider cannot fill the disk (issue 14): uploads are checked against the draft's file limit
// and the organisation's quota before a byte is read, and blobs nothing refers to are removed by
// the storage sweep after their grace period — never a blob that a record of the demo world's
// flows (product files, open-data files, delivered copies, scans) still refers to.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
const STORE = mkdtempSync(path.join(os.tmpdir(), 'gdpde-sweep-'))
process.env.STORAGE_DIR = STORE
// Small enough that a few MB fill it, large enough for the seeded providers' files.
process.env.ORG_STORAGE_QUOTA_BYTES = String(4 * 1024 * 1024)

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Licence } from '#models/licence'
import { ProductVersion } from '#models/product-version'
import { storageSweep } from '#jobs/processors/storage-sweep'
import { deliverLicence } from '~/services/delivery/deliver.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { createProduct } from '~/services/products/products.server'
import { receiveVersionFile } from '~/services/products/upload.server'
import { createDraftVersion, MAX_FILES_PER_VERSION } from '~/services/products/versions.server'
import { contentStore } from '~/services/storage/store.server'
import {
  orgStorageUsed,
  referencedKeys,
  sweepUnreferencedBlobs,
} from '~/services/storage/sweep.server'
import { BASE } from '../fixtures/auth'
import { demoUser, productInput, seededEntryId } from '../fixtures/products'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

const BOUNDARY = '----gdpdeSweepBoundary'
const MB = 1024 * 1024

function upload(productId: string, number: number, bytes: number, declare: boolean): Request {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`)
  const body = Buffer.concat([head, Buffer.alloc(bytes, 0x31), tail])
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < body.length; at += 64 * 1024)
        controller.enqueue(body.subarray(at, at + 64 * 1024))
      controller.close()
    },
  })
  return new Request(`${BASE}/api/v1/products/${productId}/versions/${number}/files`, {
    method: 'POST',
    headers: {
      'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
      ...(declare ? { 'Content-Length': String(body.length) } : {}),
    },
    body: stream,
    duplex: 'half',
  } as RequestInit)
}

async function blobs(): Promise<string[]> {
  const keys: string[] = []
  for await (const b of contentStore().list()) keys.push(b.key)
  return keys.sort()
}

describe('storage quota and the sweep of unreferenced blobs', () => {
  useTestDb()
  let provider: AuthUser
  let productId: string
  let number: number

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    // Deliver the seeded licences too: their fingerprinted copies are blobs records refer to.
    for (const licence of await Licence.find({}, { _id: 1 }).lean())
      await deliverLicence(String(licence._id)).catch(() => undefined)
    provider = await demoUser('provider@demo.gd.example')
    productId = (await createProduct(provider, productInput())).id
    const entry = await seededEntryId('amr', '0001')
    number = (
      await createDraftVersion(provider, productId, {
        note: { zh: '', en: '' },
        inputs: [{ kind: 'catalog-entry', id: entry }],
        activity: { label: { zh: '上传', en: 'Upload' }, description: '', parameters: '{}' },
        schema: [],
      })
    ).number
  }, 180_000)

  afterAll(() => rmSync(STORE, { recursive: true, force: true }))

  it('every blob the demo world’s flows stored is referenced: a sweep with no grace removes none', async () => {
    const before = await blobs()
    expect(before.length).toBeGreaterThan(5)
    const referenced = await referencedKeys()
    expect(before.filter((k) => !referenced.has(k))).toEqual([])
    const result = await sweepUnreferencedBlobs({ graceMs: 0 })
    expect(result.removed).toEqual([])
    expect(await blobs()).toEqual(before)
  })

  it('an unreferenced blob stays through its grace period, then the sweep job removes it once', async () => {
    const orphan = await contentStore().putBytes(`orphan ${Date.now()}`)
    const soon = new Date(Date.now() + 3600_000)
    expect((await storageSweep({ at: soon.toISOString() })).removed).toBe(0)
    expect(await contentStore().stat(orphan.key)).not.toBeNull()
    const later = new Date(Date.now() + 49 * 3600_000)
    const swept = await storageSweep({ at: later.toISOString() })
    expect(swept.removed).toBe(1)
    expect(await contentStore().stat(orphan.key)).toBeNull()
    expect((await storageSweep({ at: later.toISOString() })).removed).toBe(0)
  })

  it('an upload whose declared size exceeds the quota is refused before a byte is stored', async () => {
    const used = await orgStorageUsed(provider.org!.id)
    expect(used).toBeLessThan(4 * MB)
    const before = await blobs()
    await expect(
      receiveVersionFile(provider, productId, number, upload(productId, number, 5 * MB, true)),
    ).rejects.toMatchObject({ status: 413, code: 'storage_quota' })
    expect(await blobs()).toEqual(before)
  })

  it('an undeclared (chunked) upload is cut off where the quota ends, leaving nothing behind', async () => {
    const before = await blobs()
    await expect(
      receiveVersionFile(provider, productId, number, upload(productId, number, 5 * MB, false)),
    ).rejects.toMatchObject({ status: 413 })
    expect(await blobs()).toEqual(before)
    // Within the quota it is stored and counted.
    const ok = await receiveVersionFile(
      provider,
      productId,
      number,
      upload(productId, number, 1 * MB, false),
    )
    expect(ok.size).toBe(MB)
    expect(await orgStorageUsed(provider.org!.id)).toBeGreaterThanOrEqual(MB)
  })

  it('a draft with its file limit reached refuses the next upload before reading it', async () => {
    const version = (await ProductVersion.findOne({ productId, number }).lean())!
    const filler = Array.from(
      { length: MAX_FILES_PER_VERSION - version.distributions.length },
      (_, i) => ({
        key: `filler-${i}`,
        kind: 'api' as const,
        title: { zh: '接口', en: 'API' },
        format: 'API',
        endpoint: 'https://api.example.cn/x',
        addedAt: new Date(),
      }),
    )
    await ProductVersion.updateOne(
      { _id: version._id },
      { $push: { distributions: { $each: filler } } },
    )
    const before = await blobs()
    await expect(
      receiveVersionFile(provider, productId, number, upload(productId, number, 1000, true)),
    ).rejects.toMatchObject({ status: 400, code: 'too_many_files' })
    expect(await blobs()).toEqual(before)
  })
})
