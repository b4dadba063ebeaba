// How a submitted version reaches the market (C7 "Listing review"): its listing events
// (models/listing-event.ts) are the record; the version's `state`, `review` and `screening` and the
// product's `latestPublished` / `listed` are projections of them, recomputed idempotently. A
// version is published once: the `published` event is an insert under a unique `_id`.
import mongoose from 'mongoose'
import { ListingEvent, listingEventId, type ListingStep } from '#models/listing-event'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { screeningStatus } from '~/services/desensitize/screening.server'
import { rightsToDerive } from '~/services/licences/rights.server'
import { appendLedger, type AppendLedgerInput } from '~/services/ledger/ledger.server'
import { enqueueVersionIndexes } from '~/services/subjects/holdings.server'
import { claim } from '~/utils/db.server'
import { refreshMarketProduct } from './market-index.server'
import { mayPublish } from './rules.server'

/** If a creator crashed between its event and its ledger entry, a later caller repairs it after this long. */
const LEDGER_REPAIR_AFTER_MS = 60_000

export interface EventInput {
  _id: string
  versionId: string
  productId: string
  step: ListingStep
  outcome: string
  reasons?: string[]
  actorUserId?: string | null
  actorOrgId?: string | null
  at?: Date
}

/**
 * Inserts a listing event that must happen once, then its ledger entry. `created` is false when
 * the event existed (a double click, a second reviewer, a retried job); then nothing is appended
 * unless the creator evidently crashed before its ledger entry.
 */
export async function recordOnce(
  event: EventInput,
  ledger: AppendLedgerInput,
): Promise<{ created: boolean }> {
  const created = await claim(ListingEvent, {
    reasons: [],
    actorUserId: null,
    actorOrgId: null,
    at: new Date(),
    ...event,
  })
  const stored = await ListingEvent.findById(event._id, { ledgerSeq: 1, at: 1 }).lean()
  const stale = stored && Date.now() - stored.at.getTime() > LEDGER_REPAIR_AFTER_MS
  if (
    stored &&
    (stored.ledgerSeq === null || stored.ledgerSeq === undefined) &&
    (created || stale)
  ) {
    const entry = await appendLedger(ledger)
    await ListingEvent.updateOne({ _id: event._id }, { $set: { ledgerSeq: entry._id } })
  }
  return { created }
}

/** Recomputes a version's listing projections from its events (and its scanner status). */
export async function projectVersion(versionId: string): Promise<void> {
  const version = await ProductVersion.findById(versionId, {
    state: 1,
    screening: 1,
    review: 1,
  }).lean()
  if (!version || version.state === 'draft' || version.state === 'private') return
  const events = await ListingEvent.find({ versionId }).sort({ at: 1, _id: 1 }).lean()
  const byStep = (step: ListingStep) => events.filter((e) => e.step === step)
  const submitted = byStep('submitted')[0]
  if (!submitted) return
  const review = byStep('review')[0]
  const published = byStep('published')[0]
  const blocked = byStep('blocked')[0]
  const withdrawn = byStep('withdrawn')[0]
  const handScreening = byStep('screening').at(-1)

  const screening = handScreening
    ? {
        status: handScreening.outcome,
        source: 'authority',
        at: handScreening.at,
        note: handScreening.reasons[0] ?? '',
      }
    : {
        status: version.screening.status,
        source: version.screening.source ?? null,
        at: version.screening.at ?? null,
        note: version.screening.note ?? '',
      }
  const reviewState = review
    ? { status: review.outcome, reasons: review.reasons, at: review.at }
    : {
        status: submitted.outcome === 'review_required' ? 'pending' : 'not_required',
        reasons: [],
        at: null,
      }

  let state: string
  let blockedReason: string | null = null
  if (withdrawn) {
    state = 'withdrawn'
    blockedReason = withdrawn.reasons[0] ?? 'emergency'
  } else if (published) state = 'published'
  else if (reviewState.status === 'returned') state = 'returned'
  else if (blocked) {
    state = 'blocked'
    blockedReason = blocked.reasons[0] ?? 'rights'
  } else if (screening.status === 'failed') {
    state = 'blocked'
    blockedReason = 'screening_failed'
  } else state = 'submitted'

  await ProductVersion.updateOne(
    { _id: versionId },
    {
      $set: {
        state,
        screening,
        review: reviewState,
        blockedReason,
        submittedAt: submitted.at,
        publishedAt: published?.at ?? null,
      },
    },
  )
}

/** Recomputes a product's market projections from its versions. */
export async function projectProduct(productId: string): Promise<void> {
  const versions = await ProductVersion.find(
    { productId },
    { number: 1, state: 1, publishedAt: 1 },
  ).lean()
  const published = versions
    .filter((v) => v.state === 'published' && v.publishedAt)
    .sort((a, b) => b.number - a.number)[0]
  const product = await Product.findById(productId, { visibility: 1 }).lean()
  if (!product) return
  await Product.updateOne(
    { _id: productId },
    {
      $set: {
        latestPublished: published
          ? {
              versionId: String(published._id),
              number: published.number,
              publishedAt: published.publishedAt,
            }
          : null,
        listed: Boolean(published) && product.visibility === 'market',
        versionCount: versions.length,
      },
    },
  )
  await refreshMarketProduct(productId)
}

/**
 * Art. 32: takes the desensitization scanner's verdict into the version (until the authority sets
 * screening by hand, which then wins).
 */
export async function syncScreening(versionId: string): Promise<void> {
  const version = await ProductVersion.findById(versionId, { state: 1, screening: 1 }).lean()
  if (!version || !['submitted', 'blocked'].includes(version.state)) return
  if (version.screening.source === 'authority') return
  const status = await screeningStatus(`product-version:${versionId}`)
  if (status === version.screening.status) return
  await ProductVersion.updateOne(
    { _id: versionId, 'screening.source': mongoose.trusted({ $ne: 'authority' }) },
    {
      $set: {
        screening: {
          status,
          source: status === 'pending' ? null : 'scanner',
          at: new Date(),
          note: '',
        },
      },
    },
  )
}

/**
 * Art. 32, 35, 38: publishes a submitted version once its screening passed and (important grade)
 * the authority approved it — after checking again that the owner still holds a right to every
 * input. A right that lapsed in between blocks the version, naming the input.
 */
export async function tryPublish(
  versionId: string,
  now = new Date(),
): Promise<'published' | 'waiting' | 'blocked'> {
  const version = await ProductVersion.findById(versionId).lean()
  if (!version) return 'waiting'
  if (version.state === 'published') return 'published'
  if (version.state !== 'submitted' || !mayPublish(version)) return 'waiting'
  const inputs = version.provenance.used
    .filter((u) => u.role === 'input')
    .map((u) => ({ kind: u.kind, id: u.ref }))
  const checks = await rightsToDerive(version.ownerOrgId, inputs, now, 'list')
  const missing = checks.find((c) => !c.ok)
  const subjects = [`product:${version.productId}`, `product-version:${versionId}`]
  if (missing && !missing.ok) {
    await recordOnce(
      {
        _id: listingEventId(versionId, 'blocked'),
        versionId,
        productId: version.productId,
        step: 'blocked',
        outcome: missing.code,
        reasons: [`right_${missing.code}`, `${missing.input.kind}:${missing.input.id}`],
        at: now,
      },
      {
        action: 'product.version.blocked',
        actor: { orgId: version.ownerOrgId },
        subjects: [...subjects, `${missing.input.kind}:${missing.input.id}`],
        payload: { missing: missing.code, input: missing.input },
        summary: { missing: missing.code },
      },
    )
    await projectVersion(versionId)
    return 'blocked'
  }
  await recordOnce(
    {
      _id: listingEventId(versionId, 'published'),
      versionId,
      productId: version.productId,
      step: 'published',
      outcome: 'published',
      at: now,
    },
    {
      action: 'product.version.published',
      actor: { orgId: version.ownerOrgId },
      subjects,
      payload: { number: version.number, generatedDigest: version.provenance.generatedDigest },
      summary: { number: version.number, digest: version.provenance.generatedDigest ?? '' },
    },
  )
  await projectVersion(versionId)
  await projectProduct(version.productId)
  // C10 (Art. 39): the records about data subjects its tables hold.
  await enqueueVersionIndexes(version)
  return 'published'
}

/** One step of a submitted version's way: scanner verdict in, projections, publication if due. */
export async function advanceVersion(versionId: string, now = new Date()) {
  await syncScreening(versionId)
  await projectVersion(versionId)
  return tryPublish(versionId, now)
}

/** Every version still on its way (the periodic listing sweep). */
export async function advanceWaitingVersions(
  limit = 500,
): Promise<{ checked: number; published: number }> {
  const waiting = await ProductVersion.find(
    { state: mongoose.trusted({ $in: ['submitted', 'blocked'] }) },
    { _id: 1 },
  )
    .sort({ _id: 1 })
    .limit(limit)
    .lean()
  let published = 0
  for (const v of waiting) if ((await advanceVersion(String(v._id))) === 'published') published++
  return { checked: waiting.length, published }
}
