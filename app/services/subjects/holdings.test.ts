// What is held about a data subject (C10; Art. 39, 42) in the seeded demo world: psb's household
// transfer and ID-card tables hold records about zhangwei and lina among made-up ones.
import { beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { Delivery } from '#models/delivery'
import { LedgerEntry } from '#models/ledger-entry'
import { SharingGrant } from '#models/sharing-grant'
import { SubjectIndex } from '#models/subject-index'
import { SubjectRequest } from '#models/subject-request'
import { User } from '#models/user'
import type { AuthUser } from '~/services/identity/auth.server'
import { decryptField } from '~/services/identity/crypto.server'
import { dataKeys } from '~/services/identity/keys.server'
import { storeEntryDatasetBytes } from '~/services/sharing/datasets.server'
import { contentStore } from '~/services/storage/store.server'
import { refusal } from '../../../tests/fixtures/errors'
import { BASE, sessionCookieFor } from '../../../tests/fixtures/auth'
import { demoUser, productInput, seededEntryId } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { getEntryForIndex } from '~/services/catalog/entries.server'
import { deliverLicence } from '~/services/delivery/deliver.server'
import { issueLicence } from '~/services/licences/issue.server'
import {
  currentFile,
  publishDistributionFile,
  requireFileScreened,
  screeningSubject,
} from '~/services/open-data/files.server'
import { runScan } from '~/services/desensitize/screening.server'
import { setScreeningByHand } from '~/services/products/listing.server'
import { createProduct } from '~/services/products/products.server'
import {
  addFileToDraft,
  createDraftVersion,
  submitVersion,
} from '~/services/products/versions.server'
import { makeSubjectCopy, openSubjectCopy, requestSubjectCopy } from './copies.server'
import { forgetSubjectUses, useHistoryOf } from './uses.server'
import { grantRows, issueGrantApiKey } from '~/services/sharing/delivery.server'
import {
  runVerificationBatch,
  submitVerificationBatchBytes,
} from '~/services/verification/batches.server'
import {
  buildSubjectIndex,
  forgetSubjectIndexes,
  holdingsOf,
  openFileTableId,
  productTableId,
  subjectColumn,
  subjectKey,
} from './holdings.server'

async function subject(email: string) {
  const u = (await User.findOne({ email }, { residentIdEnc: 1, residentIdIndex: 1 }).lean())!
  return { id: decryptField(u.residentIdEnc!, dataKeys().field), key: u.residentIdIndex! }
}

let psb: AuthUser

describe('what is held about a data subject (C10)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
  })

  it('art39 a subject finds every entry holding a record about her, with her own values and the source department', async () => {
    const zhang = await subject('zhangwei@demo.gd.example')
    // The account's key is the key the tables are indexed by.
    expect(subjectKey(zhang.id.toLowerCase())).toBe(zhang.key)
    const held = await holdingsOf(zhang.key)
    expect(held.map((h) => h.title.zh).sort()).toEqual([
      '居民身份证签发信息',
      '常住人口基本信息',
      '户籍迁移登记信息',
    ])
    for (const h of held) {
      expect(h.orgName.zh).toContain('公安')
      expect(h.records).toHaveLength(1)
      const id = h.records[0]!.fields.find((f) => f.name === 'gmsfhm')!
      expect(id).toMatchObject({ label: { zh: '公民身份号码' }, value: zhang.id })
      expect(h.records[0]!.fields.length).toBeGreaterThan(2)
    }
  })

  it('art39 the subject’s home page shows where her data is held', async () => {
    const { loader } = await import('~/routes/me._index')
    const cookie = await sessionCookieFor('lina@demo.gd.example')
    const page = (await loader({
      request: new Request(`${BASE}/me`, { headers: { Cookie: cookie } }),
      params: {},
      context: {},
    })) as { holdings: { title: { zh: string } }[] }
    expect(page.holdings.map((h) => h.title.zh).sort()).toEqual([
      '居民身份证签发信息',
      '常住人口基本信息',
      '户籍迁移登记信息',
    ])
  })
  it('art42 a subject gets a copy of her records as CSV and JSON, once an hour, downloadable by her alone', async () => {
    const lina = await subject('lina@demo.gd.example')
    const me = await demoUser('lina@demo.gd.example')
    const other = await demoUser('zhangwei@demo.gd.example')
    const now = new Date()
    const asked = await requestSubjectCopy(me, now)
    expect(asked).toMatchObject({ status: 'queued', repeated: false })
    expect(await requestSubjectCopy(me, now)).toMatchObject({ id: asked.id, repeated: true })
    expect(await makeSubjectCopy(asked.id)).toMatchObject({ records: 3 })
    // The job again: nothing changes, the log has it once.
    expect(await makeSubjectCopy(asked.id)).toMatchObject({ skipped: 'done' })
    expect(await LedgerEntry.countDocuments({ eventKey: `subject.copy-made:${asked.id}` })).toBe(1)

    const text = async (format: string) =>
      // (Bytes as they are: the CSV's BOM kept.)
      Buffer.from(
        await new Response((await openSubjectCopy(me, asked.id, format)).body).arrayBuffer(),
      ).toString('utf8')
    const csv = await text('csv')
    expect(csv).toContain(`${lina.id}`)
    expect(csv.split('\r\n')[0]).toBe('\uFEFFentry,source_department,row,field,label,value')
    const json = JSON.parse(await text('json')) as {
      holdings: { title: { zh: string }; records: { fields: Record<string, string> }[] }[]
    }
    expect(json.holdings.map((h) => h.records[0]!.fields.gmsfhm)).toEqual([
      lina.id,
      lina.id,
      lina.id,
    ])
    expect(csv).toContain('used_at,kind,organisation,purpose,basis,ref')
    expect(JSON.stringify(json)).not.toContain((await subject('zhangwei@demo.gd.example')).id)

    expect((await refusal(() => openSubjectCopy(other, asked.id, 'csv'))).status).toBe(404)
    expect((await refusal(() => openSubjectCopy(me, asked.id, 'xml'))).status).toBe(404)
    expect((await refusal(() => requestSubjectCopy(psb))).status).toBe(403)
  })

  it('art39 her history has every use of her record: the grants’ copies, an API read of her row, a verification that found it — and nothing else', async () => {
    const lina = await subject('lina@demo.gd.example')
    const zhang = await subject('zhangwei@demo.gd.example')
    const amr = await demoUser('amr@demo.gd.example')
    const residents = (await CatalogEntry.findOne(
      { orgId: psb.org!.id, 'published.title.zh': '常住人口基本信息' },
      { _id: 1 },
    ).lean())!
    const grant = (await SharingGrant.findOne({
      catalogEntryId: String(residents._id),
      granteeOrgId: amr.org!.id,
      mode: 'api',
    }).lean())!
    const { key } = await issueGrantApiKey(amr, String(grant._id))
    const read = (offset: number, limit: number) =>
      grantRows({ authorization: `Bearer ${key}`, grantId: String(grant._id), offset, limit })
    // Rows 1–5 are made up; the demo's subjects are rows 2001 (lina) and 2002 (zhangwei).
    await read(0, 5)
    const page = await read(2000, 1)
    expect(page.rows[0]!.gmsfhm).toBeDefined()
    forgetSubjectUses()

    const hers = (await useHistoryOf(lina.key)).items
    const kinds = hers.map((u) => u.kind).sort()
    // (The demo world: the buyer read her ID-card record once under her Art. 41 authorization;
    // amr's program read her row, and amr verified her record, once each.)
    expect(kinds).toEqual([
      'authorized-read',
      'sharing-api-read',
      'sharing-api-read',
      'sharing-delivery',
      'sharing-delivery',
      'verification',
    ])
    const apiRead = hers.find((u) => u.kind === 'sharing-api-read')!
    expect(hers.filter((u) => u.kind === 'sharing-api-read').map((u) => u.id)).toHaveLength(2)
    expect(apiRead).toMatchObject({
      org: { zh: amr.org!.name.zh },
      ref: `sharing-grant:${String(grant._id)}`,
    })
    expect(apiRead.purpose).toBe('企业登记中核验法定代表人身份')
    expect(apiRead.basis).toContain('市场主体登记管理条例')
    // zhangwei's: the grants' copies, the seeded read of both rows and amr's verification of him;
    // not this test's read of lina's row alone.
    const his = (await useHistoryOf(zhang.key)).items
    expect(his.map((u) => u.kind).sort()).toEqual([
      'sharing-api-read',
      'sharing-delivery',
      'sharing-delivery',
      'verification',
    ])
    // A batch that finds her is a use too; one that does not find her is not.
    const batch = await submitVerificationBatchBytes(
      amr,
      String(residents._id),
      'two.csv',
      `gmsfhm\n${lina.id}\n440101190001019999\n`,
    )
    await runVerificationBatch(batch.id)
    const kindsOf = async (key: string) => (await useHistoryOf(key)).items.map((u) => u.kind)
    expect((await kindsOf(lina.key)).filter((k) => k === 'verification')).toHaveLength(2)
    expect((await kindsOf(zhang.key)).filter((k) => k === 'verification')).toHaveLength(1)
    expect(await useHistoryOf('nope')).toEqual({ total: 0, items: [] })
    expect((await useHistoryOf(lina.key, { limit: 2 })).items).toHaveLength(2)
  })

  it('art42 a subject never sees another person’s record; an unknown or malformed key sees nothing', async () => {
    const zhang = await subject('zhangwei@demo.gd.example')
    const lina = await subject('lina@demo.gd.example')
    const held = await holdingsOf(lina.key)
    const hers = JSON.stringify(held)
    expect(hers).toContain(lina.id)
    expect(hers).not.toContain(zhang.id)
    const mine = JSON.stringify(await holdingsOf(zhang.key))
    expect(mine).not.toContain(lina.id)
    // Every other row of the tables stays out: only one gmsfhm value is shown, hers.
    const ids = held.flatMap((h) =>
      h.records.flatMap((r) => r.fields.filter((f) => f.name === 'gmsfhm').map((f) => f.value)),
    )
    expect(new Set(ids)).toEqual(new Set([lina.id]))
    expect(await holdingsOf(subjectKey('110101199003078515'))).toEqual([])
    expect(await holdingsOf('not-a-key')).toEqual([])
  })

  it('art39 the index holds no identifier, and building it again changes nothing', async () => {
    const zhang = await subject('zhangwei@demo.gd.example')
    const indexes = await SubjectIndex.find({}).lean()
    expect(indexes.length).toBeGreaterThanOrEqual(3)
    for (const index of indexes) {
      const bytes = await contentStore().readAll(index.storageKey)
      expect(bytes.length).toBe(index.records * 32)
      expect(bytes.includes(Buffer.from(zhang.id))).toBe(false)
      expect(await buildSubjectIndex(index._id)).toMatchObject({ skipped: 'built' })
    }
  })

  it('art39 a new table replaces the old: the holdings follow the entry’s newest data', async () => {
    const zhang = await subject('zhangwei@demo.gd.example')
    const entry = (await CatalogEntry.findOne(
      { orgId: psb.org!.id, 'published.title.zh': '户籍迁移登记信息' },
      { _id: 1 },
    ).lean())!
    // A table with a quoted, moved record for her: found where it now lies.
    const table = `gmsfhm,qyrq,qcd,qrd,qyyy\n440101199001011234,2020-01-01,440101,440106,01\n"${zhang.id}",2024-05-06,"440106","440104",02\n`
    const stored = await storeEntryDatasetBytes(psb, String(entry._id), 'moves-2024.csv', table)
    expect(await buildSubjectIndex(`${String(entry._id)}:${stored.sha256}`)).toMatchObject({
      records: 2,
    })
    forgetSubjectIndexes()
    const moved = (await holdingsOf(zhang.key)).find((h) => h.entryId === String(entry._id))!
    expect(moved.fileName).toBe('moves-2024.csv')
    expect(moved.records).toEqual([
      {
        row: 2,
        fields: expect.arrayContaining([
          expect.objectContaining({ name: 'gmsfhm', value: zhang.id }),
          expect.objectContaining({ name: 'qyrq', value: '2024-05-06' }),
        ]),
      },
    ])
    // Without her row, the entry leaves her list.
    const without = await storeEntryDatasetBytes(
      psb,
      String(entry._id),
      'moves-2025.csv',
      'gmsfhm,qyrq,qcd,qrd,qyyy\n440101199001011234,2020-01-01,440101,440106,01\n',
      new Date(Date.now() + 1000),
    )
    await buildSubjectIndex(`${String(entry._id)}:${without.sha256}`)
    forgetSubjectIndexes()
    expect((await holdingsOf(zhang.key)).map((h) => h.entryId)).not.toContain(String(entry._id))
  })

  it('art39 the identifying column is the resident ID data item, else the national element name', () => {
    expect(subjectColumn([{ name: 'a' }, { name: 'sfz', dataItemCode: 'DI-P-0001' }])).toBe('sfz')
    expect(subjectColumn([{ name: 'xm' }, { name: 'gmsfhm' }])).toBe('gmsfhm')
    expect(subjectColumn([{ name: 'tyshxydm', dataItemCode: 'DI-E-0001' }])).toBeNull()
  })

  it('art39 art42 her record sent out by a licence, a research licence and an open-data release is in her history, the listed product holding it is shown, and a deletion keeps it out of later licence copies', async () => {
    const lina = await subject('lina@demo.gd.example')
    const zhang = await subject('zhangwei@demo.gd.example')
    const provider = await demoUser('provider@demo.gd.example')
    const authority = await demoUser('authority@demo.gd.example')
    const buyer = await demoUser('buyer@demo.gd.example')
    const researcher = await demoUser('researcher@demo.gd.example')
    const amr = await demoUser('amr@demo.gd.example')
    const basics = await seededEntryId('amr', '0001')
    // A provider's product whose table holds her row (the authority accepted its screening).
    const { id: productId } = await createProduct(
      provider,
      productInput({ title: { zh: '法定代表人名录', en: 'Legal representatives' } }),
    )
    const draft = await createDraftVersion(provider, productId, {
      note: { zh: '首版', en: 'First' },
      inputs: [{ kind: 'catalog-entry', id: basics }],
      activity: { label: { zh: '汇总', en: 'Aggregation' }, description: '', parameters: '{}' },
      schema: [],
    })
    const stored = await contentStore().putBytes(
      `gmsfhm,zw\n440101199001011234,董事\n${lina.id},法定代表人\n`,
    )
    const { key } = await addFileToDraft(provider, productId, draft.number, {
      fileName: 'reps.csv',
      extension: 'csv',
      mediaType: 'text/csv',
      stored,
    })
    await submitVersion(provider, productId, draft.number)
    await setScreeningByHand({ authority, versionId: draft.id, status: 'passed', note: '已核' })
    const table = productTableId(draft.id, key)
    expect(await buildSubjectIndex(table)).toMatchObject({ records: 2 })
    // A purchase and a research licence, each delivered once.
    const licence = async (holder: AuthUser, research: boolean) =>
      (
        await issueLicence({
          source: research ? 'research-grant' : 'order',
          sourceRef: `test:subject:${research}:${Date.now()}`,
          licenseeOrgId: holder.org!.id,
          licensorOrgId: provider.org!.id,
          productId,
          versionId: null,
          catalogEntryId: null,
          pricePlanKey: null,
          terms: {
            purpose: research ? '人口流动研究' : '供应商尽职调查',
            scenario: research ? '学术论文' : '采购审核',
            permittedFields: [],
            deliveryMode: 'file_download',
            start: new Date(Date.now() - 86_400_000),
            end: new Date(Date.now() + 30 * 86_400_000),
            derivationAllowed: false,
            redistribution: false,
            researchOnly: research,
            commercialUse: !research,
            usageReport: 'none',
          },
          actor: { orgId: provider.org!.id },
        })
      ).licenceId
    const bought = await licence(buyer, false)
    const studied = await licence(researcher, true)
    await deliverLicence(bought)
    await deliverLicence(bought)
    await deliverLicence(studied)
    // An open-data file holding her row.
    const distribution = (await getEntryForIndex(basics))!.content.distributions[0]!.key
    const opened = await publishDistributionFile({
      user: amr,
      entryId: basics,
      key: distribution,
      filename: 'reps-open.csv',
      contentType: 'text/csv',
      bytes: Buffer.from(`gmsfhm,zw\n${lina.id},法定代表人\n`),
      scanNow: true,
    })
    expect(await buildSubjectIndex(openFileTableId(opened.id))).toMatchObject({ records: 1 })
    // The scan blocks it (resident IDs): never served, so never opened — no use in her history.
    const file = (await currentFile(basics, distribution))!
    expect((await refusal(() => requireFileScreened(file))).code).toBe('not_screened')
    forgetSubjectUses()
    expect((await useHistoryOf(lina.key)).items.map((u) => u.kind)).not.toContain(
      'open-data-release',
    )
    // Once a verdict passes it and it is served, it is opened: a use, recorded once.
    const clean = await contentStore().putBytes(`区域,数量\n天河区,${Date.now()}\n`)
    await runScan({
      fileRef: contentStore().fileRef(clean.key),
      subjectRef: screeningSubject(file),
    })
    await requireFileScreened(file)
    await requireFileScreened(file)
    forgetSubjectIndexes()
    forgetSubjectUses()

    const hers = (await useHistoryOf(lina.key)).items
    const of = (kind: string) => hers.filter((u) => u.kind === kind)
    expect(of('licence-delivery')).toHaveLength(1)
    expect(of('licence-delivery')[0]).toMatchObject({
      org: { zh: buyer.org!.name.zh },
      purpose: '供应商尽职调查',
      basis: '采购审核',
      ref: `licence:${bought}`,
      datasetId: table,
    })
    expect(of('research-licence')[0]).toMatchObject({
      orgId: researcher.org!.id,
      purpose: '人口流动研究',
      ref: `licence:${studied}`,
    })
    expect(of('open-data-release')).toHaveLength(1)
    expect(of('open-data-release')[0]).toMatchObject({
      orgId: amr.org!.id,
      basis: expect.stringContaining('第三十三条'),
    })
    // His history has none of them: his record is in none of these tables.
    const his = (await useHistoryOf(zhang.key)).items.map((u) => u.kind)
    expect(his).not.toContain('licence-delivery')
    expect(his).not.toContain('open-data-release')
    // Where she is held now: the listed product version and the open file, besides the departments.
    const held = await holdingsOf(lina.key)
    const product = held.find((h) => h.source === 'product-version')!
    expect(product).toMatchObject({
      productId,
      versionNumber: draft.number,
      title: { zh: `法定代表人名录 v${draft.number}` },
      orgId: provider.org!.id,
      records: [
        { row: 2, fields: expect.arrayContaining([expect.objectContaining({ value: lina.id })]) },
      ],
    })
    expect(held.find((h) => h.source === 'open-data-file')).toMatchObject({
      entryId: basics,
      fileName: 'reps-open.csv',
    })
    expect(JSON.stringify(held)).not.toContain('440101199001011234')

    // Art. 42: her deletion granted on the product's input entry — a later licence's copy of the
    // version leaves her row out (the provider's table itself stays as listed).
    const linaUser = (await User.findOne({ email: 'lina@demo.gd.example' }, { _id: 1 }).lean())!
    await SubjectRequest.create({
      userId: String(linaUser._id),
      subjectKey: lina.key,
      kind: 'deletion',
      entryId: basics,
      orgId: amr.org!.id,
      datasetId: `${basics}:${'0'.repeat(64)}`,
      row: 1,
      reasons: '请删除。',
      status: 'granted',
      submittedAt: new Date(),
      dueAt: new Date(Date.now() + 86_400_000),
    })
    const later = await licence(buyer, false)
    await deliverLicence(later)
    const copy = (await Delivery.findOne({ licenceId: later }).lean())!
    const text = (await contentStore().readAll(copy.storageKey!)).toString('utf8')
    expect(text).not.toContain(lina.id)
    expect(text).toContain('440101199001011234')
    expect((await contentStore().readAll(stored.key)).toString('utf8')).toContain(lina.id)
  })
})
