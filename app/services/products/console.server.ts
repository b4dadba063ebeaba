// What the product console shows (C7 "Provider console"): a provider's (or the authority's)
// products, their versions and review status, the inputs it may build on, and the form values.
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { ListingEvent } from '#models/listing-event'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import type { AuthUser } from '~/services/identity/auth.server'
import { licencesInForce, rightsToDerive } from '~/services/licences/rights.server'
import {
  loadOwnProduct,
  orgNamesOf,
  productView,
  requireOrg,
  type ProductView,
} from './products.server'
import { advanceVersion } from './publication.server'
import { fenToYuan } from './schemas'
import { listVersions, loadOwnVersion, versionView } from './versions.server'

const MAX_CANDIDATES = 300

export async function consoleProductData(user: AuthUser, productId: string) {
  await loadOwnProduct(user, productId)
  const waiting = await ProductVersion.find({ productId, state: 'submitted' }, { _id: 1 }).lean()
  for (const v of waiting) await advanceVersion(String(v._id))
  return {
    product: productView((await Product.findById(productId).lean())!),
    versions: await listVersions(productId, true),
  }
}

/** The product form's fields for an existing product (the form posts flat fields). */
export function productFormValues(p: ProductView): Record<string, unknown> {
  return {
    kind: p.kind,
    titleZh: p.title.zh,
    titleEn: p.title.en,
    descriptionZh: p.description.zh,
    descriptionEn: p.description.en,
    category: p.category,
    gradeTier: p.grade.tier,
    gradeLevel: p.grade.level ? String(p.grade.level) : '',
    tags: p.tags.join(', '),
    sample: p.sample,
    p_kind: p.pricePlans.map((x) => x.kind),
    p_titleZh: p.pricePlans.map((x) => x.title.zh),
    p_titleEn: p.pricePlans.map((x) => x.title.en),
    p_amount: p.pricePlans.map((x) => fenToYuan(x.amountFen).replace(/,/g, '')),
    p_quota: p.pricePlans.map((x) => (x.callsQuota ? String(x.callsQuota) : '')),
    p_seats: p.pricePlans.map((x) => (x.seats ? String(x.seats) : '')),
    l_purposeZh: p.licenceTemplate.purpose.zh,
    l_purposeEn: p.licenceTemplate.purpose.en,
    l_scenarioZh: p.licenceTemplate.scenario.zh,
    l_scenarioEn: p.licenceTemplate.scenario.en,
    l_fields: p.licenceTemplate.permittedFields.join(', '),
    l_mode: p.licenceTemplate.deliveryMode,
    l_days: String(p.licenceTemplate.durationDays),
    l_derivation: p.licenceTemplate.derivationAllowed ? 'on' : '',
    l_redistribution: p.licenceTemplate.redistribution ? 'on' : '',
    l_researchOnly: p.licenceTemplate.researchOnly ? 'on' : '',
    l_usageReport: p.licenceTemplate.usageReport,
    m_docZh: p.model?.documentation.zh ?? '',
    m_docEn: p.model?.documentation.en ?? '',
    m_inputs:
      p.model?.inputs
        .map((i) => `${i.name} | ${i.description.zh} | ${i.description.en}`)
        .join('\n') ?? '',
    m_outputs:
      p.model?.outputs
        .map((i) => `${i.name} | ${i.description.zh} | ${i.description.en}`)
        .join('\n') ?? '',
    m_runner: p.model?.runner ?? 'land-use-structure',
  }
}

export interface InputCandidate {
  ref: string
  kind: 'catalog-entry' | 'product-version'
  title: { zh: string; en: string }
  detail: string
  /** The right the caller holds now, or the one missing (the server checks again on submit). */
  right: string
  ok: boolean
}

/**
 * What a new version may build on: listed catalog entries, and published versions of products the
 * org holds a licence to (or owns) — each marked with the right the org holds or lacks now.
 */
export async function inputCandidates(user: AuthUser, now = new Date()): Promise<InputCandidate[]> {
  const org = requireOrg(user)
  const entries = await CatalogEntry.find({ listed: true }, { code: 1, published: 1, orgId: 1 })
    .sort({ _id: 1 })
    .limit(MAX_CANDIDATES)
    .lean()
  const licensed = (await licencesInForce(org.id, now))
    .map((l) => l.productId)
    .filter((id): id is string => Boolean(id))
  const products = await Product.find(
    {
      $or: mongoose.trusted([{ ownerOrgId: org.id }, { _id: mongoose.trusted({ $in: licensed }) }]),
    },
    { title: 1, ownerOrgId: 1, kind: 1 },
  )
    .limit(MAX_CANDIDATES)
    .lean()
  const productIds = products.filter((p) => p.kind !== 'model').map((p) => String(p._id))
  const versions = productIds.length
    ? await ProductVersion.find(
        {
          productId: mongoose.trusted({ $in: productIds }),
          state: mongoose.trusted({ $in: ['published', 'private'] }),
        },
        { productId: 1, number: 1, ownerOrgId: 1 },
      )
        .sort({ number: -1 })
        .lean()
    : []
  const inputs = [
    ...entries.map((e) => ({ kind: 'catalog-entry' as const, id: String(e._id) })),
    ...versions.map((v) => ({ kind: 'product-version' as const, id: String(v._id) })),
  ]
  const checks = await rightsToDerive(org.id, inputs, now, 'list')
  const titles = new Map(products.map((p) => [String(p._id), { zh: p.title.zh, en: p.title.en }]))
  const names = await orgNamesOf([
    ...entries.map((e) => e.orgId),
    ...products.map((p) => p.ownerOrgId),
  ])
  return checks.map((c, i) => {
    const input = inputs[i]!
    const right = c.ok ? c.basis : c.code
    if (input.kind === 'catalog-entry') {
      const e = entries[i]!
      return {
        ref: `catalog-entry:${input.id}`,
        kind: input.kind,
        title: { zh: e.published?.title.zh ?? '', en: e.published?.title.en ?? '' },
        detail: `${e.code} · ${names[e.orgId]?.zh ?? ''}`,
        right,
        ok: c.ok,
      }
    }
    const v = versions[i - entries.length]!
    return {
      ref: `product-version:${input.id}`,
      kind: input.kind,
      title: titles.get(v.productId) ?? { zh: '', en: '' },
      detail: `v${v.number} · ${names[v.ownerOrgId]?.zh ?? ''}`,
      right,
      ok: c.ok,
    }
  })
}

export async function versionConsoleData(user: AuthUser, productId: string, number: number) {
  const first = await loadOwnVersion(user, productId, number)
  if (first.version.state === 'submitted') await advanceVersion(String(first.version._id))
  const { product, version } = await loadOwnVersion(user, productId, number)
  const history = await ListingEvent.find({ versionId: String(version._id) })
    .sort({ at: 1, _id: 1 })
    .lean()
  const inputTitles = await inputLabels(
    version.provenance.used.map((u) => ({ kind: u.kind, ref: u.ref })),
  )
  return {
    product: productView(product),
    version: versionView(version),
    inputTitles,
    history: history.map((e) => ({
      step: e.step,
      outcome: e.outcome,
      reasons: [...e.reasons],
      at: e.at.toISOString(),
    })),
  }
}

/** Display names of inputs (catalog entries and product versions), by `kind:id`. */
export async function inputLabels(
  inputs: { kind: string; ref: string }[],
): Promise<Record<string, { zh: string; en: string }>> {
  const entryIds = inputs.filter((i) => i.kind === 'catalog-entry').map((i) => i.ref)
  const versionIds = inputs.filter((i) => i.kind === 'product-version').map((i) => i.ref)
  const [entries, versions] = await Promise.all([
    entryIds.length
      ? CatalogEntry.find(
          { _id: mongoose.trusted({ $in: entryIds }) },
          { code: 1, published: 1 },
        ).lean()
      : [],
    versionIds.length
      ? ProductVersion.find(
          { _id: mongoose.trusted({ $in: versionIds }) },
          { productId: 1, number: 1 },
        ).lean()
      : [],
  ])
  const products = versions.length
    ? await Product.find(
        { _id: mongoose.trusted({ $in: versions.map((v) => v.productId) }) },
        { title: 1 },
      ).lean()
    : []
  const title = new Map(products.map((p) => [String(p._id), p.title]))
  const out: Record<string, { zh: string; en: string }> = {}
  for (const e of entries)
    out[`catalog-entry:${e._id}`] = {
      zh: `${e.published?.title.zh ?? ''} (${e.code})`,
      en: `${e.published?.title.en ?? ''} (${e.code})`,
    }
  for (const v of versions) {
    const t = title.get(v.productId)
    out[`product-version:${v._id}`] = {
      zh: `${t?.zh ?? ''} v${v.number}`,
      en: `${t?.en ?? ''} v${v.number}`,
    }
  }
  return out
}
