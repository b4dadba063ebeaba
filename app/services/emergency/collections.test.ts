// Emergency collections (C10; Art. 40) in the seeded demo world: psb collects an emergency table into
// its residents entry (shared with amr by API and with nr by file, verifiable); when the emergency
// ends nothing collected under it is deliverable any more, from any door.
import { beforeAll, describe, expect, it } from 'vitest'
import { getQueue } from '#jobs/queues'
import { CatalogEntry } from '#models/catalog-entry'
import { EmergencyCollection } from '#models/emergency-collection'
import { EntryDataset } from '#models/entry-dataset'
import { LedgerEntry } from '#models/ledger-entry'
import { SharingGrant } from '#models/sharing-grant'
import { User } from '#models/user'
import type { AuthUser } from '~/services/identity/auth.server'
import { verifyBody } from '~/services/ledger/checkpoint-note'
import { listPublicKeys } from '~/services/ledger/signing-keys.server'
import { currentDataset, storeEntryDatasetBytes } from '~/services/sharing/datasets.server'
import {
  deliverSharingGrant,
  grantDownload,
  grantRows,
  issueGrantApiKey,
} from '~/services/sharing/delivery.server'
import { demoResidentsCsv } from '~/services/sharing/seed.server'
import { contentStore } from '~/services/storage/store.server'
import { forgetSubjectIndexes, holdingsOf } from '~/services/subjects/holdings.server'
import { verifyRecord } from '~/services/verification/verify.server'
import { refusal } from '../../../tests/fixtures/errors'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  closeEmergencyCollection,
  declareEmergencyCollection,
  endEmergencyCollection,
  endExpiredEmergencies,
  myEmergencyCollections,
} from './collections.server'

const dayFromNow = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

let psb: AuthUser
let amr: AuthUser
let nr: AuthUser
let residentsId: string

const declaration = (entryIds: string[]) => ({
  event: '台风“海燕”登陆后的受灾群众安置与救助',
  instrument: '《中华人民共和国突发事件应对法》',
  article: '第五十五条',
  entryIds,
  endsOn: dayFromNow(30),
})

describe('emergency collections (C10)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    nr = await demoUser('nr@demo.gd.example')
    residentsId = String(
      (await CatalogEntry.findOne(
        { orgId: psb.org!.id, 'published.title.zh': '常住人口基本信息' },
        { _id: 1 },
      ).lean())!._id,
    )
  })

  it('art40 when the emergency ends, what was collected is classified and sealed, every grant revoked, verification stopped, a signed report logged — nothing is deliverable from any door', async () => {
    // The demo world's typhoon collection has ended and is sealed, its report written.
    const demo = (await myEmergencyCollections(psb)).find((c) => c.event.includes('海葵'))!
    expect(demo).toMatchObject({ status: 'ended', report: { datasets: 1, sensitive: 1 } })
    const before = (await currentDataset(residentsId))!
    const { collectionId } = await declareEmergencyCollection(psb, declaration([residentsId]))
    // The table stored during the emergency is tagged, and the grants' copies are made from it.
    const zhang = (await User.findOne(
      { email: 'zhangwei@demo.gd.example' },
      { displayName: 1 },
    ).lean())!
    const table =
      demoResidentsCsv(300) + `440106199003072314,${zhang.displayName},1,1990-03-07,01,安置点A\n`
    const stored = await storeEntryDatasetBytes(
      psb,
      residentsId,
      'typhoon-shelters.csv',
      table,
      new Date(Date.now() + 1000),
    )
    const datasetId = `${residentsId}:${stored.sha256}`
    expect((await EntryDataset.findById(datasetId).lean())!.emergencyId).toBe(collectionId)
    const grants = await SharingGrant.find({ catalogEntryId: residentsId, revokedAt: null }).lean()
    const api = grants.find((g) => g.mode === 'api')!
    const file = grants.find((g) => g.mode === 'file')!
    for (const g of grants) await deliverSharingGrant(String(g._id))
    const { key } = await issueGrantApiKey(amr, String(api._id))
    const read = () =>
      grantRows({ authorization: `Bearer ${key}`, grantId: String(api._id), offset: 0, limit: 5 })
    expect((await read()).rows).toHaveLength(5)
    expect(await grantDownload(nr, String(file._id))).toBeDefined()

    await endEmergencyCollection(psb, collectionId)
    expect(
      await getQueue('emergency-close').getJob(`emergency-close-${collectionId}`),
    ).toBeDefined()
    const closed = await closeEmergencyCollection(collectionId)
    expect(closed).toMatchObject({ datasets: 1, grantsRevoked: grants.length })

    // Sealed: classified (resident IDs found), the plain bytes gone, the ciphertext kept.
    const sealed = (await EntryDataset.findById(datasetId).lean())!
    expect(sealed.sealedAt).not.toBeNull()
    expect(sealed.sealed).toMatchObject({ sensitive: true })
    expect(sealed.sealed!.findings).toBeGreaterThan(0)
    expect(await contentStore().stat(sealed.storageKey)).toBeNull()
    const cipher = await contentStore().stat(sealed.sealed!.ciphertextKey)
    expect(cipher!.size).toBe(stored.sizeBytes + 12 + 16)
    // Every door: the API, the file, a new delivery, verification, the subject portal.
    expect((await refusal(read)).status).toBe(403)
    expect((await refusal(() => grantDownload(nr, String(file._id)))).status).toBe(403)
    expect(await deliverSharingGrant(String(api._id))).toMatchObject({ skipped: 'revoked' })
    expect(
      (
        await refusal(() =>
          verifyRecord(amr, { entryId: residentsId, record: { gmsfhm: '440106199003072314' } }),
        )
      ).status,
    ).toBe(404)
    expect((await currentDataset(residentsId))!._id).toBe(before._id)
    forgetSubjectIndexes()
    const zhangKey = (await User.findOne({ email: 'zhangwei@demo.gd.example' }).lean())!
      .residentIdIndex!
    const held = (await holdingsOf(zhangKey)).find((h) => h.entryId === residentsId)
    expect(held?.fileName).not.toBe('typhoon-shelters.csv')

    // The report: stored, its hash signed with the ledger's key, logged once.
    const c = (await EmergencyCollection.findById(collectionId).lean())!
    const logged = (await LedgerEntry.findOne({
      eventKey: `emergency-collection.closed:${collectionId}`,
    }).lean())!
    expect(logged.summary).toMatchObject({ datasets: 1, reportSha256: c.report!.sha256 })
    const keyInfo = (await listPublicKeys()).find((k) => k.keyId === c.report!.keyId)!
    expect(
      verifyBody(
        c.report!.sha256,
        Buffer.from(c.report!.signature, 'base64'),
        keyInfo.alg,
        keyInfo.publicKeyPem,
      ),
    ).toBe(true)
    const parts: Buffer[] = []
    for await (const p of contentStore().read(c.report!.storageKey)) parts.push(p as Buffer)
    const report = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
      datasets: { id: string; sensitive: boolean; action: string }[]
      grantsRevoked: string[]
    }
    expect(report.datasets).toEqual([
      expect.objectContaining({ id: datasetId, sensitive: true, action: 'sealed' }),
    ])
    expect(report.grantsRevoked.sort()).toEqual(grants.map((g) => String(g._id)).sort())
    // Again: nothing changes.
    expect(await closeEmergencyCollection(collectionId)).toMatchObject({ skipped: 'closed' })
    await endEmergencyCollection(psb, collectionId)
    expect(
      await LedgerEntry.countDocuments({ eventKey: `emergency-collection.closed:${collectionId}` }),
    ).toBe(1)
    expect((await myEmergencyCollections(psb))[0]).toMatchObject({
      id: collectionId,
      status: 'ended',
      report: { datasets: 1, sensitive: 1 },
    })
  })

  it('art40 a collection past its declared end is ended by the sweep; only the agency declares and ends its own, on its own entries, with a future end', async () => {
    const { collectionId } = await declareEmergencyCollection(psb, declaration([residentsId]))
    await EmergencyCollection.updateOne(
      { _id: collectionId },
      { $set: { endsAt: new Date(Date.now() - 1000) } },
    )
    expect((await endExpiredEmergencies()).ended).toBeGreaterThanOrEqual(1)
    expect((await EmergencyCollection.findById(collectionId).lean())!.status).toBe('ended')
    // Wrong role, another agency, another agency's entry, a past end: refused, nothing written.
    const buyer = await demoUser('buyer@demo.gd.example')
    const count = await EmergencyCollection.countDocuments({})
    expect(
      (await refusal(() => declareEmergencyCollection(buyer, declaration([residentsId])))).status,
    ).toBe(403)
    expect(
      (await refusal(() => declareEmergencyCollection(amr, declaration([residentsId])))).code,
    ).toBe('not_own_entries')
    expect(
      (
        await refusal(() =>
          declareEmergencyCollection(psb, {
            ...declaration([residentsId]),
            endsOn: dayFromNow(-2),
          }),
        )
      ).code,
    ).toBe('bad_end')
    expect(await EmergencyCollection.countDocuments({})).toBe(count)
    const other = await declareEmergencyCollection(psb, declaration([residentsId]))
    expect((await refusal(() => endEmergencyCollection(amr, other.collectionId))).status).toBe(404)
  })
})
