// "Does org X hold a right to use input Y for derivation at time T?" (Art. 35, 37). One answer
// for the listing rule, the model runner and (later) orders: open catalog entries, the org's own
// data, active licences whose terms allow derivation, and approved sharing grants in force.
// Batched: one query per collection for any number of inputs, so a version with many inputs
// costs the same handful of round trips.
//
// Licence status is derived here from the dates and the licence's events (issued / revoked /
// expired in `licence_events`), never from the `status` projection alone.
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Licence, LicenceEvent } from '#models/licence'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { SharingGrant } from '#models/sharing-grant'
import type { InputKind, RightBasis } from '~/vocab/products'
import { isObjectId } from '~/utils/schemas'

export interface InputRef {
  kind: InputKind
  id: string
}

/** What the input is, for messages and for the provenance record. */
export interface InputFacts {
  label: { zh: string; en: string }
  /** Catalog code, or `product title · vN`. */
  code: string
  /** catalog entry: its published version; product version: its number. */
  version: number | null
  productId: string | null
  gradeTier: string | null
}

export type MissingRightCode =
  | 'not_found'
  | 'not_published'
  | 'core_grade'
  | 'no_right'
  | 'derivation_forbidden'
  | 'research_only'
  | 'licence_expired'
  | 'licence_revoked'
  | 'licence_not_started'
  | 'grant_expired'
  | 'grant_revoked'
  | 'grant_not_started'

export type RightCheck =
  | { input: InputRef; ok: true; basis: RightBasis; basisRef: string | null; facts: InputFacts }
  | {
      input: InputRef
      ok: false
      code: MissingRightCode
      /** The right that would have made it lawful (i18n key suffix): open data, licence, grant. */
      needed: 'licence_with_derivation' | 'sharing_grant' | 'published_input' | 'none'
      basisRef: string | null
      facts: InputFacts | null
    }

/** What the right is for: listing a product for the market, or running a model (research or own use). */
export type RightUse = 'list' | 'run'

// When several licences or grants fail, the one nearest to being valid names the problem.
const FAILURE_ORDER: MissingRightCode[] = [
  'derivation_forbidden',
  'research_only',
  'licence_not_started',
  'licence_expired',
  'licence_revoked',
  'grant_not_started',
  'grant_expired',
  'grant_revoked',
  'no_right',
]

function worst(a: MissingRightCode | null, b: MissingRightCode): MissingRightCode {
  if (a === null) return b
  return FAILURE_ORDER.indexOf(b) < FAILURE_ORDER.indexOf(a) ? b : a
}

interface LicenceLike {
  _id: unknown
  start: Date
  end: Date
  revokedAt?: Date | null
  derivationAllowed: boolean
  researchOnly: boolean
}

/** A licence's standing at `at`, from its dates and its revocation event (not the status projection). */
function licenceStanding(
  l: LicenceLike,
  revoked: Set<string>,
  at: Date,
): 'active' | MissingRightCode {
  if (revoked.has(String(l._id)) || l.revokedAt) return 'licence_revoked'
  if (at < l.start) return 'licence_not_started'
  if (at >= l.end) return 'licence_expired'
  return 'active'
}

/**
 * Art. 35, 37: for each input, whether `orgId` may derive from it at `at`, and on what basis —
 * or which right is missing. Open means `open_unconditional` (Art. 32); conditionally open and
 * not-open entries need a grant or a licence. Core-graded data is never a lawful input for a
 * listed product. A licence must be in force and allow derivation; a research-only licence
 * allows running a model but not listing a product.
 */
export async function rightsToDerive(
  orgId: string,
  inputs: readonly InputRef[],
  at: Date,
  use: RightUse = 'list',
): Promise<RightCheck[]> {
  const entryIds = [
    ...new Set(
      inputs.filter((i) => i.kind === 'catalog-entry' && isObjectId(i.id)).map((i) => i.id),
    ),
  ]
  const versionIds = [
    ...new Set(
      inputs.filter((i) => i.kind === 'product-version' && isObjectId(i.id)).map((i) => i.id),
    ),
  ]

  const [entries, versions, grants, entryLicences] = await Promise.all([
    entryIds.length
      ? CatalogEntry.find(
          { _id: mongoose.trusted({ $in: entryIds }) },
          { code: 1, orgId: 1, listed: 1, publishedVersion: 1, published: 1 },
        ).lean()
      : [],
    versionIds.length
      ? ProductVersion.find(
          { _id: mongoose.trusted({ $in: versionIds }) },
          { productId: 1, ownerOrgId: 1, number: 1, state: 1 },
        ).lean()
      : [],
    entryIds.length
      ? SharingGrant.find({
          granteeOrgId: orgId,
          catalogEntryId: mongoose.trusted({ $in: entryIds }),
        }).lean()
      : [],
    entryIds.length
      ? Licence.find({
          licenseeOrgId: orgId,
          catalogEntryId: mongoose.trusted({ $in: entryIds }),
        }).lean()
      : [],
  ])
  const productIds = [...new Set(versions.map((v) => v.productId))]
  const [products, productLicences] = await Promise.all([
    productIds.length
      ? Product.find({ _id: mongoose.trusted({ $in: productIds }) }, { title: 1, grade: 1 }).lean()
      : [],
    productIds.length
      ? Licence.find({
          licenseeOrgId: orgId,
          productId: mongoose.trusted({ $in: productIds }),
        }).lean()
      : [],
  ])
  const licenceIds = [...entryLicences, ...productLicences].map((l) => String(l._id))
  const revocations = licenceIds.length
    ? await LicenceEvent.find(
        { licenceId: mongoose.trusted({ $in: licenceIds }), kind: 'revoked' },
        { licenceId: 1 },
      ).lean()
    : []
  const revoked = new Set(revocations.map((e) => e.licenceId))

  const entryById = new Map(entries.map((e) => [String(e._id), e]))
  const versionById = new Map(versions.map((v) => [String(v._id), v]))
  const productById = new Map(products.map((p) => [String(p._id), p]))

  return inputs.map((input): RightCheck => {
    if (input.kind === 'catalog-entry') {
      const e = entryById.get(input.id)
      if (!e || !e.published)
        return { input, ok: false, code: 'not_found', needed: 'none', basisRef: null, facts: null }
      const facts: InputFacts = {
        label: { zh: e.published.title.zh, en: e.published.title.en },
        code: e.code,
        version: e.publishedVersion,
        productId: null,
        gradeTier: e.published.grade.tier,
      }
      if (e.published.grade.tier === 'core')
        return { input, ok: false, code: 'core_grade', needed: 'none', basisRef: null, facts }
      if (!e.listed)
        return { input, ok: false, code: 'not_found', needed: 'none', basisRef: null, facts: null }
      if (e.published.openAttribute === 'open_unconditional')
        return { input, ok: true, basis: 'open', basisRef: null, facts }
      if (e.orgId === orgId) return { input, ok: true, basis: 'own', basisRef: null, facts }
      let failure: MissingRightCode | null = null
      let failedRef: string | null = null
      for (const g of grants.filter((g) => g.catalogEntryId === input.id)) {
        const problem: MissingRightCode | null = g.revokedAt
          ? 'grant_revoked'
          : at < g.start
            ? 'grant_not_started'
            : at >= g.end
              ? 'grant_expired'
              : null
        if (!problem) return { input, ok: true, basis: 'grant', basisRef: String(g._id), facts }
        if (worst(failure, problem) === problem) failedRef = String(g._id)
        failure = worst(failure, problem)
      }
      for (const l of entryLicences.filter((l) => l.catalogEntryId === input.id)) {
        const standing = licenceStanding(l, revoked, at)
        const problem: MissingRightCode | null =
          standing !== 'active'
            ? standing
            : !l.derivationAllowed
              ? 'derivation_forbidden'
              : use === 'list' && l.researchOnly
                ? 'research_only'
                : null
        if (!problem) return { input, ok: true, basis: 'licence', basisRef: String(l._id), facts }
        if (worst(failure, problem) === problem) failedRef = String(l._id)
        failure = worst(failure, problem)
      }
      return {
        input,
        ok: false,
        code: failure ?? 'no_right',
        needed: 'sharing_grant',
        basisRef: failedRef,
        facts,
      }
    }

    const v = versionById.get(input.id)
    const p = v ? productById.get(v.productId) : undefined
    if (!v || !p)
      return { input, ok: false, code: 'not_found', needed: 'none', basisRef: null, facts: null }
    const facts: InputFacts = {
      label: { zh: p.title.zh, en: p.title.en },
      code: `v${v.number}`,
      version: v.number,
      productId: v.productId,
      gradeTier: p.grade.tier,
    }
    if (v.ownerOrgId === orgId) {
      // One's own intermediate results (a model run's output) may feed one's own products — not
      // a draft, nor a version withdrawn because it derives from an ended emergency (Art. 40).
      if (v.state === 'draft' || v.state === 'withdrawn')
        return {
          input,
          ok: false,
          code: 'not_published',
          needed: 'published_input',
          basisRef: null,
          facts,
        }
      return { input, ok: true, basis: 'own', basisRef: null, facts }
    }
    if (v.state !== 'published')
      return {
        input,
        ok: false,
        code: 'not_published',
        needed: 'published_input',
        basisRef: null,
        facts,
      }
    let failure: MissingRightCode | null = null
    let failedRef: string | null = null
    for (const l of productLicences.filter(
      (l) => l.productId === v.productId && (!l.versionId || l.versionId === input.id),
    )) {
      const standing = licenceStanding(l, revoked, at)
      const problem: MissingRightCode | null =
        standing !== 'active'
          ? standing
          : !l.derivationAllowed
            ? 'derivation_forbidden'
            : use === 'list' && l.researchOnly
              ? 'research_only'
              : null
      if (!problem) return { input, ok: true, basis: 'licence', basisRef: String(l._id), facts }
      if (worst(failure, problem) === problem) failedRef = String(l._id)
      failure = worst(failure, problem)
    }
    return {
      input,
      ok: false,
      code: failure ?? 'no_right',
      needed: 'licence_with_derivation',
      basisRef: failedRef,
      facts,
    }
  })
}

/** The single-input form of `rightsToDerive`. */
export async function holdsRightToDerive(
  orgId: string,
  input: InputRef,
  at: Date,
  use: RightUse = 'list',
): Promise<RightCheck> {
  return (await rightsToDerive(orgId, [input], at, use))[0]!
}

/**
 * Art. 36: who may run a published model — its owner, or an org holding a licence to the model
 * product in force at `at` (any delivery mode; derivation is about the data, not the model).
 */
export async function rightToRunModel(
  orgId: string,
  model: { productId: string; versionId: string; ownerOrgId: string },
  at: Date,
): Promise<
  | { ok: true; basis: 'own' | 'licence'; basisRef: string | null }
  | { ok: false; code: MissingRightCode; basisRef: string | null }
> {
  if (model.ownerOrgId === orgId) return { ok: true, basis: 'own', basisRef: null }
  const licences = await Licence.find({ licenseeOrgId: orgId, productId: model.productId }).lean()
  const revocations = licences.length
    ? await LicenceEvent.find(
        {
          licenceId: mongoose.trusted({ $in: licences.map((l) => String(l._id)) }),
          kind: 'revoked',
        },
        { licenceId: 1 },
      ).lean()
    : []
  const revoked = new Set(revocations.map((e) => e.licenceId))
  let failure: MissingRightCode | null = null
  let failedRef: string | null = null
  for (const l of licences.filter((l) => !l.versionId || l.versionId === model.versionId)) {
    const standing = licenceStanding(l, revoked, at)
    if (standing === 'active') return { ok: true, basis: 'licence', basisRef: String(l._id) }
    if (worst(failure, standing) === standing) failedRef = String(l._id)
    failure = worst(failure, standing)
  }
  return { ok: false, code: failure ?? 'no_right', basisRef: failedRef }
}

/** Licences an org holds in force at `at` (the model-run form lists the data it may run on). */
export async function licencesInForce(orgId: string, at: Date, limit = 200) {
  const licences = await Licence.find({ licenseeOrgId: orgId })
    .sort({ _id: -1 })
    .limit(limit)
    .lean()
  if (licences.length === 0) return []
  const revocations = await LicenceEvent.find(
    { licenceId: mongoose.trusted({ $in: licences.map((l) => String(l._id)) }), kind: 'revoked' },
    { licenceId: 1 },
  ).lean()
  const revoked = new Set(revocations.map((e) => e.licenceId))
  return licences.filter((l) => licenceStanding(l, revoked, at) === 'active')
}
