// C7 products: providers (and the authority, Art. 36) create and edit their products; the
// pages and the API read them here. Every state change is a ledger entry naming `product:<id>`,
// which is also how other web processes' market indexes learn of it.
import mongoose from 'mongoose'
import { Organization } from '#models/organization'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { DomainError } from '~/utils/errors'
import { refreshMarketProduct } from './market-index.server'
import { art36AssertModelPublisher, assertGradeListable } from './rules.server'
import type { ProductInput } from './schemas'
import { isObjectId } from '~/utils/schemas'

type Localized = { zh: string; en: string }

const notFound = () => new DomainError('not_found', 'error.market.productNotFound', 404)

export function requireOrg(user: AuthUser): NonNullable<AuthUser['org']> {
  if (!user.org) throw new DomainError('no_org', 'error.forbidden', 403)
  return user.org
}

export function isAuthorityUser(user: AuthUser | undefined): boolean {
  return user?.org?.type === 'authority'
}

/** The caller's own product, or 404 (another org's product is not disclosed; a forged id is not found). */
export async function loadOwnProduct(user: AuthUser, productId: string) {
  const org = requireOrg(user)
  if (!isObjectId(productId)) throw notFound()
  const product = await Product.findById(productId).lean()
  if (!product || product.ownerOrgId !== org.id) throw notFound()
  return product
}

function fields(input: ProductInput) {
  return {
    kind: input.kind,
    title: input.title,
    description: input.description,
    category: input.category,
    grade: {
      tier: input.grade.tier,
      level: input.grade.tier === 'general' ? input.grade.level : null,
    },
    tags: input.tags,
    sample: input.sample,
    pricePlans: input.pricePlans.map((p, i) => ({
      ...p,
      key: `${p.kind}-${i + 1}`,
      currency: 'CNY',
    })),
    licenceTemplate: input.licenceTemplate,
    model: input.kind === 'model' ? input.model : null,
  }
}

/**
 * A new product of the caller's organisation. Core grade is refused (never listed); a model is
 * the authority's and must state inputs, outputs and documentation (Art. 36). The owner is always
 * the caller's organisation — no owner id is taken from input.
 */
export async function createProduct(
  user: AuthUser,
  input: ProductInput,
  options: { seedKey?: string } = {},
): Promise<{ id: string }> {
  const org = requireOrg(user)
  assertGradeListable(input.grade.tier)
  art36AssertModelPublisher(user, input)
  const now = new Date()
  const doc = await Product.create({
    ownerOrgId: org.id,
    visibility: 'market',
    ...fields(input),
    listed: false,
    versionCount: 0,
    ...(options.seedKey ? { seedKey: options.seedKey } : {}),
    createdBy: user.id,
    createdAt: now,
    updatedAt: now,
  })
  const id = String(doc._id)
  await appendLedger({
    action: 'product.created',
    actor: { userId: user.id, orgId: org.id },
    subjects: [`product:${id}`, `org:${org.id}`],
    payload: fields(input),
    summary: { kind: input.kind, grade: input.grade.tier },
  })
  return { id }
}

/**
 * Edits a product. The kind is fixed once a version exists; the grade once one is published (a
 * listed important-grade product cannot slip out of review by being regraded).
 */
export async function updateProduct(
  user: AuthUser,
  productId: string,
  input: ProductInput,
): Promise<void> {
  const product = await loadOwnProduct(user, productId)
  assertGradeListable(input.grade.tier)
  art36AssertModelPublisher(user, input)
  if (product.visibility !== 'market')
    throw new DomainError('private_product', 'error.market.privateProduct', 409)
  if (input.kind !== product.kind && product.versionCount > 0) {
    throw new DomainError('kind_locked', 'error.market.kindLocked', 409, {
      kind: ['error.market.kindLocked'],
    })
  }
  if (
    product.latestPublished &&
    (input.grade.tier !== product.grade.tier ||
      (input.grade.level ?? null) !== (product.grade.level ?? null))
  ) {
    throw new DomainError('grade_locked', 'error.market.gradeLocked', 409, {
      gradeTier: ['error.market.gradeLocked'],
    })
  }
  await Product.updateOne(
    { _id: product._id },
    { $set: { ...fields(input), updatedAt: new Date() } },
  )
  await appendLedger({
    action: 'product.updated',
    actor: { userId: user.id, orgId: user.org!.id },
    subjects: [`product:${productId}`],
    payload: fields(input),
    summary: { kind: input.kind },
  })
  await refreshMarketProduct(productId)
}

export type ProductLean = NonNullable<Awaited<ReturnType<typeof loadOwnProduct>>>

export function productView(p: ProductLean) {
  return {
    id: String(p._id),
    ownerOrgId: p.ownerOrgId,
    visibility: p.visibility,
    kind: p.kind,
    title: { zh: p.title.zh, en: p.title.en },
    description: { zh: p.description.zh, en: p.description.en },
    category: p.category,
    grade: { tier: p.grade.tier, level: p.grade.level ?? null },
    tags: [...p.tags],
    sample: p.sample,
    pricePlans: p.pricePlans.map((plan) => ({
      key: plan.key,
      kind: plan.kind,
      title: { zh: plan.title.zh, en: plan.title.en },
      amountFen: plan.amountFen,
      currency: plan.currency,
      callsQuota: plan.callsQuota ?? null,
      seats: plan.seats ?? null,
    })),
    licenceTemplate: {
      purpose: { zh: p.licenceTemplate.purpose.zh, en: p.licenceTemplate.purpose.en },
      scenario: { zh: p.licenceTemplate.scenario.zh, en: p.licenceTemplate.scenario.en },
      permittedFields: [...p.licenceTemplate.permittedFields],
      deliveryMode: p.licenceTemplate.deliveryMode,
      durationDays: p.licenceTemplate.durationDays,
      derivationAllowed: p.licenceTemplate.derivationAllowed,
      redistribution: p.licenceTemplate.redistribution,
      researchOnly: p.licenceTemplate.researchOnly,
      commercialUse: p.licenceTemplate.commercialUse,
      usageReport: p.licenceTemplate.usageReport,
    },
    model: p.model
      ? {
          inputs: p.model.inputs.map((i) => ({
            name: i.name,
            description: { zh: i.description.zh, en: i.description.en },
            fields: [...i.fields],
          })),
          outputs: p.model.outputs.map((i) => ({
            name: i.name,
            description: { zh: i.description.zh, en: i.description.en },
            fields: [...i.fields],
          })),
          documentation: { zh: p.model.documentation.zh, en: p.model.documentation.en },
          runner: p.model.runner,
        }
      : null,
    latestPublished: p.latestPublished
      ? {
          versionId: p.latestPublished.versionId,
          number: p.latestPublished.number,
          publishedAt: p.latestPublished.publishedAt.toISOString(),
        }
      : null,
    listed: p.listed,
    versionCount: p.versionCount,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  }
}

export type ProductView = ReturnType<typeof productView>

export async function orgNamesOf(ids: string[]): Promise<Record<string, Localized>> {
  const valid = [...new Set(ids)].filter(isObjectId)
  if (valid.length === 0) return {}
  const orgs = await Organization.find(
    { _id: mongoose.trusted({ $in: valid }) },
    { name: 1 },
  ).lean()
  return Object.fromEntries(orgs.map((o) => [String(o._id), { zh: o.name.zh, en: o.name.en }]))
}

/** The provider console's product list, paged by `_id` (newest first). */
export async function listOwnProducts(user: AuthUser, query: { after?: string; limit: number }) {
  const org = requireOrg(user)
  const filter: Record<string, unknown> = { ownerOrgId: org.id }
  if (query.after) filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(query.after) })
  const rows = await Product.find(filter)
    .sort({ _id: -1 })
    .limit(query.limit + 1)
    .lean()
  const items = rows.slice(0, query.limit).map(productView)
  const ids = items.map((i) => i.id)
  // What each product is waiting for: counts of its versions by state.
  const versions = ids.length
    ? await ProductVersion.find(
        { productId: mongoose.trusted({ $in: ids }) },
        { productId: 1, state: 1 },
      ).lean()
    : []
  const states: Record<string, Record<string, number>> = {}
  for (const v of versions) {
    const s = (states[v.productId] ??= {})
    s[v.state] = (s[v.state] ?? 0) + 1
  }
  return {
    items: items.map((i) => ({ ...i, versionStates: states[i.id] ?? {} })),
    nextAfter: rows.length > query.limit ? items.at(-1)!.id : null,
  }
}

/**
 * Who may see a product: a listed market product is public; otherwise only its owner's staff and
 * the authority (which reviews listings). Anything else is a 404.
 */
export async function loadVisibleProduct(viewer: AuthUser | undefined, productId: string) {
  if (!isObjectId(productId)) throw notFound()
  const product = await Product.findById(productId).lean()
  if (!product) throw notFound()
  const owner = viewer?.org?.id === product.ownerOrgId
  const authority = isAuthorityUser(viewer) && product.visibility === 'market'
  if (!(product.listed && product.visibility === 'market') && !owner && !authority) throw notFound()
  return { product, owner, authority }
}
