// Emergency collections (C10; Art. 40) in the seeded demo world: psb collects an emergency table into
// its residents entry (shared with amr by API and with nr by file, verifiable); when the emergency
// ends nothing collected under it is deliverable any more, from any door.
import { beforeAll, describe, expect, it } from 'vitest'
import { Delivery } from '#models/delivery'
import { Licence } from '#models/licence'
import { OpenDataFile } from '#models/open-data-file'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { getEntryForIndex } from '~/services/catalog/entries.server'
import { deliverLicence } from '~/services/delivery/deliver.server'
import { issueLicenceApiKey, licenceRows } from '~/services/delivery/api-access.server'
import { openDownload } from '~/services/delivery/download.server'
import { signDownloadLink } from '~/services/delivery/links.server'
import { issueLicence } from '~/services/licences/issue.server'
import { currentFile, publishDistributionFile } from '~/services/open-data/files.server'
import { packageShow } from '~/services/open-data/ckan.server'
import { openDownload as openPortalFile } from '~/services/open-data/portal.server'
import { setScreeningByHand } from '~/services/products/listing.server'
import { createProduct } from '~/services/products/products.server'
import { submitVersion } from '~/services/products/versions.server'
import { rightsToDerive } from '~/services/licences/rights.server'
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
import {
  demoUser,
  draftWithFile,
  productInput,
  seededEntryId,
} from '../../../tests/fixtures/products'
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
    // The grants' copies of the sealed table: destroyed.
    const copies = (await Delivery.find({ sourceSha256: stored.sha256 }).lean()).filter((d) =>
      d.licenceId.startsWith('grant:'),
    )
    expect(copies.length).toBeGreaterThan(0)
    for (const d of copies) expect(await contentStore().stat(d.storageKey!)).toBeNull()
    // Again: nothing changes.
    expect(await closeEmergencyCollection(collectionId)).toMatchObject({ skipped: 'closed' })
    // A table that slipped in as it closed (tagged after the job sealed the rest): the sweep seals it.
    const late = await storeEntryDatasetBytes(
      psb,
      residentsId,
      'late.csv',
      demoResidentsCsv(20),
      new Date(Date.now() + 2000),
    )
    const lateId = `${residentsId}:${late.sha256}`
    await EntryDataset.updateOne({ _id: lateId }, { $set: { emergencyId: collectionId } })
    expect((await endExpiredEmergencies()).lateSealed).toBe(1)
    const lateDoc = (await EntryDataset.findById(lateId).lean())!
    expect(lateDoc.sealedAt).not.toBeNull()
    expect(await contentStore().stat(lateDoc.storageKey)).toBeNull()
    expect((await endExpiredEmergencies()).lateSealed).toBe(0)
    expect(
      await LedgerEntry.countDocuments({
        eventKey: `emergency-collection.table-sealed:${lateId}`,
      }),
    ).toBe(1)
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

  it('art40 what derives from an emergency collection is withdrawn when it ends: its open files sealed, product versions drawn from it and their descendants off the market, their licences and research access revoked', async () => {
    const amrUser = await demoUser('amr@demo.gd.example')
    const provider = await demoUser('provider@demo.gd.example')
    const authority = await demoUser('authority@demo.gd.example')
    const buyer = await demoUser('buyer@demo.gd.example')
    const researcher = await demoUser('researcher@demo.gd.example')
    // amr's enterprise basics: open without conditions, with a file on the portal.
    const basics = await seededEntryId('amr', '0001')
    const key = (await getEntryForIndex(basics))!.content.distributions[0]!.key
    const before = await currentFile(basics, key)
    const { collectionId } = await declareEmergencyCollection(amrUser, declaration([basics]))

    // During it: a file opened on the portal, a product drawn from the entry and one from that.
    const published = await publishDistributionFile({
      user: amrUser,
      entryId: basics,
      key,
      filename: 'shelters.csv',
      contentType: 'text/csv',
      bytes: Buffer.from(`uscc,name\n91440101MA5CXXXX1X,安置点企业${Date.now()}\n`),
      scanNow: true,
    })
    expect((await OpenDataFile.findById(published.id).lean())!.emergencyId).toBe(collectionId)
    expect((await currentFile(basics, key))!._id).toBe(published.id)
    const publish = async (productId: string, inputs: Parameters<typeof draftWithFile>[2]) => {
      const draft = await draftWithFile(provider, productId, inputs)
      await submitVersion(provider, productId, draft.number)
      await setScreeningByHand({ authority, versionId: draft.id, status: 'passed', note: '通过' })
      expect((await ProductVersion.findById(draft.id).lean())!.state).toBe('published')
      return draft.id
    }
    const upstream = (
      await createProduct(provider, productInput({ title: { zh: '应急上游', en: 'Up' } }))
    ).id
    const v1 = await publish(upstream, [{ kind: 'catalog-entry', id: basics }])
    const downstream = (
      await createProduct(provider, productInput({ title: { zh: '应急下游', en: 'Down' } }))
    ).id
    const v2 = await publish(downstream, [{ kind: 'product-version', id: v1 }])
    // A product drawn from the entry before the emergency stays on the market.
    const untouched = await ProductVersion.findOne(
      { 'provenance.used.ref': basics, state: 'published' },
      { productId: 1 },
    ).lean()
    expect(untouched).not.toBeNull()

    // Licences: an API licence to v1, a file licence to the downstream product (v2 delivered),
    // research access to the entry.
    const licence = async (
      input: { productId?: string; versionId?: string; catalogEntryId?: string },
      holder: AuthUser,
      mode: 'api' | 'file_download',
    ) =>
      (
        await issueLicence({
          source: input.catalogEntryId ? 'research-grant' : 'order',
          sourceRef: `test:emergency:${Math.random()}`,
          licenseeOrgId: holder.org!.id,
          licensorOrgId: input.catalogEntryId ? amrUser.org!.id : provider.org!.id,
          productId: input.productId ?? null,
          versionId: input.versionId ?? null,
          catalogEntryId: input.catalogEntryId ?? null,
          pricePlanKey: null,
          terms: {
            purpose: '测试',
            scenario: '测试场景',
            permittedFields: [],
            deliveryMode: mode,
            start: new Date(Date.now() - 86_400_000),
            end: new Date(Date.now() + 30 * 86_400_000),
            derivationAllowed: true,
            redistribution: false,
            researchOnly: Boolean(input.catalogEntryId),
            commercialUse: !input.catalogEntryId,
            usageReport: 'none',
          },
          actor: { orgId: provider.org!.id },
        })
      ).licenceId
    const apiLicence = await licence({ productId: upstream, versionId: v1 }, buyer, 'api')
    const fileLicence = await licence({ productId: downstream }, buyer, 'file_download')
    const research = await licence({ catalogEntryId: basics }, researcher, 'file_download')
    for (const id of [apiLicence, fileLicence, research]) await deliverLicence(id)
    const { key: apiKey } = await issueLicenceApiKey(buyer, apiLicence)
    const rows = () =>
      licenceRows({ authorization: `Bearer ${apiKey}`, licenceId: apiLicence, offset: 0, limit: 5 })
    expect((await rows()).rows.length).toBeGreaterThan(0)
    const copy = (await Delivery.findOne({ licenceId: fileLicence }).lean())!
    expect(copy.versionId).toBe(v2)
    const download = () =>
      openDownload(
        buyer,
        fileLicence,
        copy.key,
        (() => {
          const href = signDownloadLink(copy, new Date(Date.now() + 86_400_000)).href
          const q = new URL(href, 'http://x').searchParams
          return { expires: Number(q.get('expires')), sig: q.get('sig')! }
        })(),
      )
    expect(await download()).toBeDefined()

    await endEmergencyCollection(amrUser, collectionId)
    const closed = await closeEmergencyCollection(collectionId)
    expect(closed).toMatchObject({ openFiles: 1, versionsWithdrawn: 2 })
    expect(closed.licencesRevoked).toBeGreaterThanOrEqual(3)

    // The open file: sealed, its bytes gone; the portal serves the file before the emergency.
    const sealedFile = (await OpenDataFile.findById(published.id).lean())!
    expect(sealedFile.sealedAt).not.toBeNull()
    expect(await contentStore().stat(sealedFile.sealed!.ciphertextKey)).not.toBeNull()
    expect((await currentFile(basics, key))?._id).toBe(before?._id)
    if (!before)
      expect((await refusal(() => openPortalFile(basics, key, undefined))).status).toBe(404)
    // CKAN (and DCAT's download link, which the portal serves) name the file before it, or none.
    const ckan = (await packageShow({ id: basics }, 'open', 'http://x')) as unknown as {
      resources: { id: string; screening_status: string; url: string }[]
    }
    const resource = ckan.resources.find((r) => r.id === `${basics}-${key}`)!
    if (!before) expect(resource).toMatchObject({ screening_status: 'no_file', url: '' })
    else expect(resource.screening_status).not.toBe('pending')
    // The versions: withdrawn, off the market, no longer a right to derive from.
    for (const [productId, versionId] of [
      [upstream, v1],
      [downstream, v2],
    ] as const) {
      expect((await ProductVersion.findById(versionId).lean())!).toMatchObject({
        state: 'withdrawn',
        blockedReason: 'emergency',
      })
      expect((await Product.findById(productId).lean())!).toMatchObject({
        latestPublished: null,
        listed: false,
      })
    }
    const rights = await rightsToDerive(
      provider.org!.id,
      [{ kind: 'product-version', id: v1 }],
      new Date(),
    )
    expect(rights[0]).toMatchObject({ ok: false })
    expect((await ProductVersion.findById(untouched!._id, { state: 1 }).lean())!.state).toBe(
      'published',
    )
    // Every licence revoked: the API answers 403, the copy is not given, research access ends.
    for (const id of [apiLicence, fileLicence, research])
      expect((await Licence.findById(id).lean())!.status).toBe('revoked')
    expect((await refusal(rows)).status).toBe(403)
    expect((await refusal(download)).status).toBeGreaterThanOrEqual(403)
    expect(await deliverLicence(research)).toMatchObject({ skipped: 'revoked' })
    // Logged once each; a rerun changes nothing.
    expect(await LedgerEntry.countDocuments({ eventKey: `product.version.withdrawn:${v1}` })).toBe(
      1,
    )
    expect(await closeEmergencyCollection(collectionId)).toMatchObject({ skipped: 'closed' })
  })
})
