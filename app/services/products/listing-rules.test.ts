// The listing rules of C7 against the seeded demo world: rights to inputs (Art. 35, 37),
// grades, review and screening, models (Art. 36), and the ledger trail.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
process.env.STORAGE_DIR = mkdtempSync(path.join(os.tmpdir(), 'gdpde-store-'))

import { beforeAll, describe, expect, it } from 'vitest'
import { Licence, LicenceEvent } from '#models/licence'
import { LedgerEntry } from '#models/ledger-entry'
import { ProductVersion } from '#models/product-version'
import { SharingGrant } from '#models/sharing-grant'
import type { AuthUser } from '~/services/identity/auth.server'
import { refusal } from '../../../tests/fixtures/errors'
import {
  demoUser,
  draftWithFile,
  productInput,
  seededEntryId,
} from '../../../tests/fixtures/products'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import { scan } from '#jobs/processors/scan'
import { contentStore } from '~/services/storage/store.server'
import { listingSweep } from '#jobs/processors/listing-sweep'
import { reviewVersion, setScreeningByHand } from './listing.server'
import { landUseParcelsCsv } from './seed.server'
import { createProduct } from './products.server'
import { tryPublish } from './publication.server'
import { addFileToDraft, createDraftVersion, submitVersion } from './versions.server'

const DAY = 86_400_000

let provider: AuthUser
let provider2: AuthUser
let authority: AuthUser
let open: string // amr-0001 enterprise basics: open_unconditional, general 1
let conditional: string // amr-0002 annual reports: open_conditional
let notOpen: string // psb-0002 household transfers: not_open
let core: string // nr-0007 classified mapping: core

async function publishedUpstream(owner: AuthUser, derivation: boolean) {
  const { id: productId } = await createProduct(
    owner,
    productInput({ title: { zh: `上游产品${Math.random()}`, en: 'Upstream' } }),
  )
  const draft = await draftWithFile(owner, productId, [{ kind: 'catalog-entry', id: open }])
  await submitVersion(owner, productId, draft.number)
  await setScreeningByHand({
    authority,
    versionId: draft.id,
    status: 'passed',
    note: '人工核验通过',
  })
  const version = await ProductVersion.findById(draft.id).lean()
  expect(version!.state).toBe('published')
  return { productId, versionId: draft.id, derivation }
}

async function licence(
  holder: AuthUser,
  productId: string,
  terms: Partial<{
    derivationAllowed: boolean
    start: Date
    end: Date
    researchOnly: boolean
  }> = {},
) {
  const now = Date.now()
  return Licence.create({
    licenseeOrgId: holder.org!.id,
    licensorOrgId: provider.org!.id,
    productId,
    purpose: '测试',
    scenario: '测试场景',
    deliveryMode: 'file_download',
    start: new Date(now - DAY),
    end: new Date(now + 30 * DAY),
    derivationAllowed: true,
    source: 'order',
    sourceRef: `test-order-${Math.random()}`,
    ...terms,
  })
}

describe('products: listing rules', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    provider = await demoUser('provider@demo.gd.example')
    provider2 = await demoUser('provider2@demo.gd.example')
    authority = await demoUser('authority@demo.gd.example')
    open = await seededEntryId('amr', '0001')
    conditional = await seededEntryId('amr', '0002')
    notOpen = await seededEntryId('psb', '0002')
    core = await seededEntryId('nr', '0007')
  }, 180_000)

  it('art35 open data is a right: a version built on an unconditionally open entry records basis "open"', async () => {
    const { id } = await createProduct(provider, productInput())
    const draft = await draftWithFile(provider, id, [{ kind: 'catalog-entry', id: open }])
    const v = await ProductVersion.findById(draft.id).lean()
    expect(v!.provenance.used).toMatchObject([
      { kind: 'catalog-entry', ref: open, basis: 'open', basisRef: null, role: 'input' },
    ])
    expect(v!.provenance.agent.orgId).toBe(provider.org!.id)
  })

  it('art35 refuses a version on a conditionally open entry without a grant, naming the entry and the missing right', async () => {
    const { id } = await createProduct(provider, productInput())
    const error = await refusal(() =>
      draftWithFile(provider, id, [
        { kind: 'catalog-entry', id: open },
        { kind: 'catalog-entry', id: conditional },
      ]),
    )
    expect(error.status).toBe(403)
    expect(error.messageKey).toBe('error.market.right.no_right')
    expect(error.params).toMatchObject({
      ref: `catalog-entry:${conditional}`,
      needed: 'sharing_grant',
    })
    expect(String(error.params!.input)).toContain('企业年度报告信息')
    const notOpenError = await refusal(() =>
      draftWithFile(provider, id, [{ kind: 'catalog-entry', id: notOpen }]),
    )
    expect(notOpenError.params).toMatchObject({ ref: `catalog-entry:${notOpen}` })
    expect(await ProductVersion.countDocuments({ productId: id })).toBe(0)
  })

  it('art35 an expired sharing grant blocks the version; a grant in force allows it', async () => {
    const { id } = await createProduct(provider, productInput())
    const now = Date.now()
    const expired = await SharingGrant.create({
      catalogEntryId: conditional,
      grantorOrgId: 'x',
      granteeOrgId: provider.org!.id,
      kind: 'conditional_open',
      scenario: '企业画像',
      start: new Date(now - 60 * DAY),
      end: new Date(now - DAY),
      approvedAt: new Date(now - 60 * DAY),
      approvedBy: 'test',
      sourceRef: 'test-grant-expired',
    })
    const error = await refusal(() =>
      draftWithFile(provider, id, [{ kind: 'catalog-entry', id: conditional }]),
    )
    expect(error.messageKey).toBe('error.market.right.grant_expired')
    expect(error.params).toMatchObject({ basisRef: String(expired._id) })

    const inForce = await SharingGrant.create({
      catalogEntryId: conditional,
      grantorOrgId: 'x',
      granteeOrgId: provider.org!.id,
      kind: 'conditional_open',
      scenario: '企业画像',
      start: new Date(now - DAY),
      end: new Date(now + 60 * DAY),
      approvedAt: new Date(now - DAY),
      approvedBy: 'test',
      sourceRef: 'test-grant-ok',
    })
    const draft = await draftWithFile(provider, id, [{ kind: 'catalog-entry', id: conditional }])
    const v = await ProductVersion.findById(draft.id).lean()
    expect(v!.provenance.used[0]).toMatchObject({ basis: 'grant', basisRef: String(inForce._id) })
  })

  it('art35 a licence that forbids derivation blocks the version; art37 one that allows it is a right', async () => {
    const upstream = await publishedUpstream(provider2, true)
    const { id } = await createProduct(provider, productInput())
    const input = [{ kind: 'product-version' as const, id: upstream.versionId }]

    const none = await refusal(() => draftWithFile(provider, id, input))
    expect(none.params).toMatchObject({ needed: 'licence_with_derivation' })
    expect(none.messageKey).toBe('error.market.right.no_right')

    const forbidding = await licence(provider, upstream.productId, { derivationAllowed: false })
    const forbidden = await refusal(() => draftWithFile(provider, id, input))
    expect(forbidden.messageKey).toBe('error.market.right.derivation_forbidden')
    expect(forbidden.params).toMatchObject({ basisRef: String(forbidding._id) })

    const allowing = await licence(provider, upstream.productId, { derivationAllowed: true })
    const draft = await draftWithFile(provider, id, input)
    expect((await ProductVersion.findById(draft.id).lean())!.provenance.used[0]).toMatchObject({
      basis: 'licence',
      basisRef: String(allowing._id),
    })

    // A revoked licence (an event, whatever the status field says) is no right.
    await LicenceEvent.create({
      _id: `${allowing._id}:revoked`,
      licenceId: String(allowing._id),
      kind: 'revoked',
    })
    const revoked = await refusal(() => draftWithFile(provider, id, input))
    expect(revoked.messageKey).toBe('error.market.right.derivation_forbidden')
    await Licence.deleteOne({ _id: forbidding._id })
    const onlyRevoked = await refusal(() => draftWithFile(provider, id, input))
    expect(onlyRevoked.messageKey).toBe('error.market.right.licence_revoked')
  })

  it('art35 a licence that expires between submission and publication blocks the version, naming the input', async () => {
    const upstream = await publishedUpstream(provider2, true)
    const l = await licence(provider, upstream.productId)
    const { id } = await createProduct(provider, productInput())
    const draft = await draftWithFile(provider, id, [
      { kind: 'product-version', id: upstream.versionId },
    ])
    await submitVersion(provider, id, draft.number)
    const submitted = await ProductVersion.findById(draft.id).lean()
    expect(submitted!.state).toBe('submitted')
    expect(submitted!.provenance.used[0]).toMatchObject({
      basis: 'licence',
      basisRef: String(l._id),
      digestOf: 'content',
    })
    expect(submitted!.provenance.used[0]!.digest).toMatch(/^[0-9a-f]{64}$/)
    expect(submitted!.provenance.generatedDigest).toMatch(/^[0-9a-f]{64}$/)

    await Licence.updateOne({ _id: l._id }, { $set: { end: new Date(Date.now() - 1000) } })
    await setScreeningByHand({
      authority,
      versionId: draft.id,
      status: 'passed',
      note: '人工核验通过',
    })
    const blocked = await ProductVersion.findById(draft.id).lean()
    expect(blocked!.state).toBe('blocked')
    expect(blocked!.blockedReason).toBe('right_licence_expired')
    const entry = await LedgerEntry.findOne({
      action: 'product.version.blocked',
      subjects: `product-version:${draft.id}`,
    }).lean()
    expect(entry!.subjects).toContain(`product-version:${upstream.versionId}`)
  })

  it('core grade can never be listed: a core product is refused, and so is a core catalog entry as input', async () => {
    const product = await refusal(() =>
      createProduct(provider, productInput({ grade: { tier: 'core', level: null } })),
    )
    expect(product.code).toBe('core_never_listed')
    expect(product.status).toBe(422)
    const { id } = await createProduct(authority, productInput())
    const input = await refusal(() =>
      draftWithFile(authority, id, [{ kind: 'catalog-entry', id: core }]),
    )
    expect(input.messageKey).toBe('error.market.right.core_grade')
  })

  it('important grade: the version waits for the authority, is returned with reasons, and a new one is approved and published', async () => {
    const { id } = await createProduct(
      provider,
      productInput({ grade: { tier: 'important', level: null } }),
    )
    const first = await draftWithFile(provider, id, [{ kind: 'catalog-entry', id: open }])
    const submitted = await submitVersion(provider, id, first.number)
    expect(submitted.review).toBe(true)
    await setScreeningByHand({
      authority,
      versionId: first.id,
      status: 'passed',
      note: '人工核验通过',
    })
    expect((await ProductVersion.findById(first.id).lean())!.state).toBe('submitted')
    const noReason = await refusal(() =>
      reviewVersion({
        reviewer: authority,
        versionId: first.id,
        decision: 'returned',
        reasons: [],
      }),
    )
    expect(noReason.code).toBe('reasons_required')
    await reviewVersion({
      reviewer: authority,
      versionId: first.id,
      decision: 'returned',
      reasons: ['样例数据含未脱敏字段'],
    })
    const returned = await ProductVersion.findById(first.id).lean()
    expect(returned!.state).toBe('returned')
    expect(returned!.review.reasons).toEqual(['样例数据含未脱敏字段'])
    const twice = await refusal(() =>
      reviewVersion({
        reviewer: authority,
        versionId: first.id,
        decision: 'approved',
        reasons: [],
      }),
    )
    expect(twice.status).toBe(409)
    const provReview = await refusal(() =>
      reviewVersion({ reviewer: provider, versionId: first.id, decision: 'approved', reasons: [] }),
    )
    expect(provReview.status).toBe(403)

    const second = await draftWithFile(provider, id, [{ kind: 'catalog-entry', id: open }])
    await submitVersion(provider, id, second.number)
    await reviewVersion({
      reviewer: authority,
      versionId: second.id,
      decision: 'approved',
      reasons: [],
    })
    expect((await ProductVersion.findById(second.id).lean())!.state).toBe('submitted') // screening still pending
    await setScreeningByHand({
      authority,
      versionId: second.id,
      status: 'passed',
      note: '人工核验通过',
    })
    expect((await ProductVersion.findById(second.id).lean())!.state).toBe('published')
  })

  it('general grade publishes when screening passes, and not before; failed screening blocks it', async () => {
    const { id } = await createProduct(provider, productInput())
    const draft = await draftWithFile(provider, id, [{ kind: 'catalog-entry', id: open }])
    const result = await submitVersion(provider, id, draft.number)
    expect(result).toMatchObject({ review: false, outcome: 'waiting' })
    expect(await tryPublish(draft.id)).toBe('waiting')
    await setScreeningByHand({
      authority,
      versionId: draft.id,
      status: 'failed',
      note: '发现身份证号',
    })
    expect((await ProductVersion.findById(draft.id).lean())!).toMatchObject({
      state: 'blocked',
      blockedReason: 'screening_failed',
    })
    await setScreeningByHand({
      authority,
      versionId: draft.id,
      status: 'passed',
      note: '复核：误报',
    })
    const v = await ProductVersion.findById(draft.id).lean()
    expect(v!.state).toBe('published')
    expect(v!.screening).toMatchObject({ status: 'passed', source: 'authority' })
  })

  it('art32 a general-grade version publishes once the desensitization scanner passes its file (scan job, then the listing sweep)', async () => {
    const { id } = await createProduct(provider, productInput())
    const draft = await createDraftVersion(provider, id, {
      note: { zh: '', en: '' },
      inputs: [{ kind: 'catalog-entry', id: open }],
      activity: { label: { zh: '汇总', en: '' }, description: '', parameters: '{}' },
      schema: [],
    })
    const stored = await contentStore().putBytes(landUseParcelsCsv())
    await addFileToDraft(provider, id, draft.number, {
      fileName: 'areas.csv',
      extension: 'csv',
      mediaType: 'text/csv',
      stored,
    })
    await submitVersion(provider, id, draft.number)
    const submitted = await ProductVersion.findById(draft.id).lean()
    expect(submitted!.distributions[0]!.scanRequested).toBe(true)
    expect(submitted!.state).toBe('submitted')
    // What the worker does with the queued job:
    const outcome = await scan({
      fileRef: contentStore().fileRef(stored.key),
      subjectRef: `product-version:${draft.id}`,
      fileName: 'areas.csv',
      requestedBy: { orgId: provider.org!.id },
    })
    expect(outcome.status).toBe('passed')
    const swept = await listingSweep({ reason: 'manual' })
    expect(swept.published).toBeGreaterThanOrEqual(1)
    const v = await ProductVersion.findById(draft.id).lean()
    expect(v!.state).toBe('published')
    expect(v!.screening).toMatchObject({ status: 'passed', source: 'scanner' })
  })

  it('art36 only the authority publishes models, and a model states its inputs, outputs and documentation', async () => {
    const model = productInput({
      kind: 'model',
      model: {
        inputs: [{ name: 'parcels', description: { zh: '地块', en: '' }, fields: [] }],
        outputs: [{ name: 'summary', description: { zh: '汇总', en: '' }, fields: [] }],
        documentation: { zh: '说明', en: '' },
        runner: 'land-use-structure',
      },
    })
    const byProvider = await refusal(() => createProduct(provider, model))
    expect(byProvider.code).toBe('models_are_authority')
    const incomplete = await refusal(() =>
      createProduct(authority, {
        ...model,
        model: { ...model.model!, outputs: [], documentation: { zh: '', en: '' } },
      }),
    )
    expect(incomplete.code).toBe('model_incomplete')
    expect(Object.keys(incomplete.fields!)).toEqual(['m_outputs', 'm_docZh'])
    const { id } = await createProduct(authority, model)
    expect(id).toMatch(/^[0-9a-f]{24}$/)
  })

  it('a draft needs at least one input (Art. 38), and another org cannot draft on a product it does not own', async () => {
    const { id } = await createProduct(provider, productInput())
    const noInputs = await refusal(() =>
      createDraftVersion(provider, id, {
        note: { zh: '', en: '' },
        inputs: [],
        activity: { label: { zh: '上传', en: '' }, description: '', parameters: '{}' },
        schema: [],
      }),
    )
    expect(noInputs.code).toBe('no_inputs')
    const forged = await refusal(() =>
      draftWithFile(provider2, id, [{ kind: 'catalog-entry', id: open }]),
    )
    expect(forged.status).toBe(404)
  })

  it('every state change of a version is in the ledger', async () => {
    const { id } = await createProduct(provider, productInput())
    const draft = await draftWithFile(provider, id, [{ kind: 'catalog-entry', id: open }])
    await submitVersion(provider, id, draft.number)
    await setScreeningByHand({ authority, versionId: draft.id, status: 'passed', note: 'ok' })
    const actions = (
      await LedgerEntry.find({ subjects: `product-version:${draft.id}` })
        .sort({ _id: 1 })
        .lean()
    ).map((e) => e.action)
    expect(actions).toEqual([
      'product.version.drafted',
      'product.version.file_added',
      'product.version.submitted',
      'product.version.screening_set',
      'product.version.published',
    ])
    expect(
      await LedgerEntry.countDocuments({ action: 'product.created', subjects: `product:${id}` }),
    ).toBe(1)
  })
})
