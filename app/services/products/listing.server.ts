// The authority's side of listing (C7 "Listing review"): the review queue, approve / return
// with reasons for important-grade versions, and screening set by hand while a version has no
// scanner verdict (or the authority overrules one). Each decision is an event under a unique id.
import mongoose from 'mongoose'
import { ListingEvent, listingEventId } from '#models/listing-event'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { orgNamesOf } from './products.server'
import {
  advanceVersion,
  advanceWaitingVersions,
  projectVersion,
  recordOnce,
  tryPublish,
} from './publication.server'
import { requestScans, versionView } from './versions.server'
import { isObjectId } from '~/utils/schemas'

function requireAuthority(user: AuthUser) {
  if (user.org?.type !== 'authority') throw new DomainError('forbidden', 'error.forbidden', 403)
  return user.org
}

async function loadVersion(versionId: string) {
  if (!isObjectId(versionId))
    throw new DomainError('not_found', 'error.market.versionNotFound', 404)
  const version = await ProductVersion.findById(versionId).lean()
  if (!version || version.state === 'draft' || version.state === 'private')
    throw new DomainError('not_found', 'error.market.versionNotFound', 404)
  return version
}

/**
 * Important-grade listings: the authority approves a submitted version, or returns it with at
 * least one reason. One decision per version (a second reviewer is refused by the unique id).
 */
export async function reviewVersion(input: {
  reviewer: AuthUser
  versionId: string
  decision: 'approved' | 'returned'
  reasons: string[]
}) {
  const org = requireAuthority(input.reviewer)
  const version = await loadVersion(input.versionId)
  if (version.review.status !== 'pending' || version.state !== 'submitted') {
    throw new DomainError('not_pending', 'error.market.notPendingReview', 409)
  }
  if (input.decision === 'returned' && input.reasons.length === 0) {
    throw new DomainError('reasons_required', 'error.market.reasonsRequired', 400, {
      reasons: ['error.market.reasonsRequired'],
    })
  }
  const { created } = await recordOnce(
    {
      _id: listingEventId(input.versionId, 'review'),
      versionId: input.versionId,
      productId: version.productId,
      step: 'review',
      outcome: input.decision,
      reasons: input.reasons,
      actorUserId: input.reviewer.id,
      actorOrgId: org.id,
    },
    {
      action:
        input.decision === 'approved' ? 'product.version.approved' : 'product.version.returned',
      actor: { userId: input.reviewer.id, orgId: org.id },
      subjects: [
        `product:${version.productId}`,
        `product-version:${input.versionId}`,
        `org:${version.ownerOrgId}`,
      ],
      payload: { decision: input.decision, reasons: input.reasons },
      summary: { decision: input.decision, reasons: input.reasons.length },
    },
  )
  if (!created) throw new DomainError('not_pending', 'error.market.notPendingReview', 409)
  await projectVersion(input.versionId)
  const outcome = await tryPublish(input.versionId)
  return { outcome }
}

/**
 * Art. 32: until the desensitization scanner has a verdict for a version (or when the authority
 * overrules one after reading the report), the authority sets its screening by hand, with a note.
 * The newest hand setting wins over the scanner.
 */
export async function setScreeningByHand(input: {
  authority: AuthUser
  versionId: string
  status: 'passed' | 'failed'
  note: string
}) {
  const org = requireAuthority(input.authority)
  const version = await loadVersion(input.versionId)
  if (
    !['submitted', 'blocked'].includes(version.state) ||
    (version.state === 'blocked' && version.blockedReason !== 'screening_failed')
  ) {
    throw new DomainError('not_screenable', 'error.market.notScreenable', 409)
  }
  const count = await ListingEvent.countDocuments({ versionId: input.versionId, step: 'screening' })
  let stored: string | null = null
  for (let n = count + 1; n < count + 10 && !stored; n++) {
    try {
      const id = `${input.versionId}:screening:${n}`
      await ListingEvent.create({
        _id: id,
        versionId: input.versionId,
        productId: version.productId,
        step: 'screening',
        outcome: input.status,
        reasons: [input.note],
        actorUserId: input.authority.id,
        actorOrgId: org.id,
        at: new Date(),
      })
      stored = id
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
  }
  if (!stored) throw new DomainError('busy', 'error.market.tryAgain', 409)
  const entry = await appendLedger({
    action: 'product.version.screening_set',
    actor: { userId: input.authority.id, orgId: org.id },
    subjects: [`product:${version.productId}`, `product-version:${input.versionId}`],
    payload: { status: input.status, note: input.note },
    summary: { status: input.status, source: 'authority' },
  })
  await ListingEvent.updateOne({ _id: stored }, { $set: { ledgerSeq: entry._id } })
  await projectVersion(input.versionId)
  const outcome = await tryPublish(input.versionId)
  return { outcome }
}

export type QueueFilter = 'review' | 'screening' | 'all'

/** The authority's queue: versions on their way to the market, oldest first, paged by `_id`. */
export async function listingQueue(
  user: AuthUser,
  query: { filter: QueueFilter; after?: string; limit: number },
) {
  requireAuthority(user)
  const filter: Record<string, unknown> = {
    state: mongoose.trusted({ $in: ['submitted', 'blocked'] }),
  }
  if (query.filter === 'review') {
    filter.state = 'submitted'
    filter['review.status'] = 'pending'
  }
  if (query.filter === 'screening') filter['screening.status'] = mongoose.trusted({ $ne: 'passed' })
  if (query.after) filter._id = mongoose.trusted({ $gt: new mongoose.Types.ObjectId(query.after) })
  const rows = await ProductVersion.find(filter)
    .sort({ _id: 1 })
    .limit(query.limit + 1)
    .lean()
  // The listing sweep may lag: refresh what the page shows.
  for (const v of rows.slice(0, query.limit)) await advanceVersion(String(v._id))
  const fresh = rows.length
    ? await ProductVersion.find({
        _id: mongoose.trusted({ $in: rows.slice(0, query.limit).map((r) => r._id) }),
      })
        .sort({ _id: 1 })
        .lean()
    : []
  const products = fresh.length
    ? await Product.find(
        { _id: mongoose.trusted({ $in: [...new Set(fresh.map((v) => v.productId))] }) },
        { title: 1, grade: 1, kind: 1, ownerOrgId: 1 },
      ).lean()
    : []
  const productById = new Map(products.map((p) => [String(p._id), p]))
  const items = fresh.map((v) => {
    const p = productById.get(v.productId)
    return {
      ...versionView(v),
      product: p
        ? {
            title: { zh: p.title.zh, en: p.title.en },
            grade: { tier: p.grade.tier, level: p.grade.level ?? null },
            kind: p.kind,
          }
        : null,
    }
  })
  return {
    items,
    nextAfter: rows.length > query.limit ? items.at(-1)!.id : null,
    orgNames: await orgNamesOf(items.map((i) => i.ownerOrgId)),
  }
}

/** One version for the review page (any state but draft), with the product and the history. */
export async function listingDetail(user: AuthUser, versionId: string) {
  requireAuthority(user)
  await advanceVersion(versionId).catch(() => undefined)
  const version = await loadVersion(versionId)
  const product = await Product.findById(version.productId).lean()
  const history = await ListingEvent.find({ versionId }).sort({ at: 1, _id: 1 }).lean()
  return {
    version: versionView(version),
    product: product
      ? {
          id: String(product._id),
          title: { zh: product.title.zh, en: product.title.en },
          kind: product.kind,
          grade: { tier: product.grade.tier, level: product.grade.level ?? null },
          ownerOrgId: product.ownerOrgId,
        }
      : null,
    history: history.map((e) => ({
      step: e.step,
      outcome: e.outcome,
      reasons: [...e.reasons],
      at: e.at.toISOString(),
      actorOrgId: e.actorOrgId ?? null,
    })),
    orgNames: await orgNamesOf([version.ownerOrgId, ...history.map((e) => e.actorOrgId ?? '')]),
  }
}

/**
 * The periodic listing sweep (job `listing-sweep`): asks again for scans whose request failed
 * (Redis was away), then takes verdicts in and publishes what is due.
 */
export async function sweepListings(limit = 500) {
  const unscanned = await ProductVersion.find(
    {
      state: 'submitted',
      'screening.source': mongoose.trusted({ $ne: 'authority' }),
      'distributions.scanRequested': false,
    },
    { ownerOrgId: 1 },
  )
    .limit(limit)
    .lean()
  let requested = 0
  for (const v of unscanned)
    requested += await requestScans({ org: { id: v.ownerOrgId } }, String(v._id))
  return { requested, ...(await advanceWaitingVersions(limit)) }
}
