// Confidentiality review (保密审查, Art. 46): a public body reviews its data for secrets before it
// opens it or shares important data. Two doors need one: an entry whose working copy would open
// data (its open attribute is not "not open") is not submitted for the catalog review until a
// review of exactly that content passed; a request for important-grade data is not granted until a
// review of that request passed (a failed one refuses it, citing Art. 46). The source department
// reviews; the reviewer, the outcome and what was checked are logged.
//
// A review is a claim (ADR 003): one per content digest, or one per request, so two reviewers
// clicking at once record one outcome; the log entry follows from the stored claim and is written
// again (keyed, once) whenever the claim is read unlogged.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import type { CatalogContent } from '#models/catalog-entry'
import { User } from '#models/user'
import {
  ConfidentialityReview,
  type ConfidentialityReviewDoc,
} from '#models/confidentiality-review'
import {
  assertOwner,
  loadEntry,
  plainContent,
  type PlainContent,
} from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import type { ConfidentialityOutcome } from '~/vocab/security'
import { confidentialityReviewInput } from './schemas'

export interface ReviewInput {
  outcome: ConfidentialityOutcome
  note: string
}

/** The citation a refusal after a failed review rests on (Art. 23 ¶2 asks for one). */
export const ART46_CITATION = { instrument: '《广东省公共数据管理办法》', article: '第四十六条' }

/** Art. 46: opening data needs a confidentiality review first; a not-open entry needs none. */
export function needsOpeningReview(content: Pick<CatalogContent, 'openAttribute'>): boolean {
  return content.openAttribute !== 'not_open'
}

/** Art. 46 with Art. 9 (GB/T 43697-2024): a grant of important-grade data needs one first. */
export function needsGrantReview(grade: { tier: string } | null | undefined): boolean {
  return grade?.tier === 'important'
}

/** Stored content, or the plain copy a page already holds (plainContent leaves one unchanged). */
type Content = CatalogContent | PlainContent

/** The digest a review of an entry's content is filed under: SHA-256 of its canonical JSON. */
export function contentDigest(content: Content): string {
  return createHash('sha256')
    .update(canonicalize(plainContent(content as CatalogContent))!)
    .digest('hex')
}

const openingId = (entryId: string, digest: string) => `entry-opening:${entryId}:${digest}`
const grantId = (requestId: string) => `sharing-grant:${requestId}`

export interface ReviewView {
  outcome: ConfidentialityOutcome
  note: string
  at: string
  reviewerUserId: string
  loggedSeq: number | null
}

function view(doc: ConfidentialityReviewDoc): ReviewView {
  return {
    outcome: doc.outcome as ConfidentialityOutcome,
    note: doc.note,
    at: doc.at.toISOString(),
    reviewerUserId: doc.reviewerUserId,
    loggedSeq: doc.loggedSeq ?? null,
  }
}

/** The review's log entry, then `loggedSeq`. Keyed: a repeat writes nothing new. */
async function logReview(doc: ConfidentialityReviewDoc): Promise<ConfidentialityReviewDoc> {
  if (doc.loggedSeq != null) return doc
  const entry = await appendLedger({
    action: 'confidentiality.reviewed',
    actor: { userId: doc.reviewerUserId, orgId: doc.orgId },
    subjects: [
      `catalog-entry:${doc.entryId}`,
      `org:${doc.orgId}`,
      ...(doc.requestId ? [`sharing-request:${doc.requestId}`] : []),
    ],
    payload: {
      kind: doc.kind,
      outcome: doc.outcome,
      note: doc.note,
      ...(doc.digest && { digest: doc.digest }),
    },
    summary: { kind: doc.kind, outcome: doc.outcome, ...(doc.digest && { digest: doc.digest }) },
    eventKey: `confidentiality.reviewed:${doc._id}`,
  })
  await ConfidentialityReview.updateOne({ _id: doc._id }, { $set: { loggedSeq: entry._id } })
  return { ...doc, loggedSeq: entry._id }
}

async function read(id: string): Promise<ConfidentialityReviewDoc | null> {
  const doc = await ConfidentialityReview.findById(id).lean()
  return doc ? logReview(doc) : null
}

/** Store one review (the first wins); the caller learns whether this call's outcome stands. */
async function record(doc: Omit<ConfidentialityReviewDoc, 'loggedSeq'>) {
  const won = await claim(ConfidentialityReview, { ...doc, loggedSeq: null })
  const stored = (await read(doc._id))!
  return { won, review: stored }
}

/** The note by the forms' and API's own rule (a caller inside the app is held to it too). */
function cleanNote(input: ReviewInput): string {
  const note = confidentialityReviewInput.shape.note.safeParse(input.note)
  if (!note.success)
    throw new DomainError('note_required', 'error.confidentiality.noteRequired', 422, {
      note: ['error.confidentiality.noteRequired'],
    })
  return note.data
}

/** The review of this content of the entry, if one was made. */
export async function openingReviewOf(
  entryId: string,
  content: Content,
): Promise<ReviewView | null> {
  const doc = await read(openingId(entryId, contentDigest(content)))
  return doc ? view(doc) : null
}

/**
 * Art. 46: why this content may not be opened yet — no review of exactly this content, or a review
 * that failed — or null (passed, or nothing is opened).
 */
export async function openingReviewProblem(
  entryId: string,
  content: CatalogContent,
): Promise<{ key: string; params?: Record<string, string> } | null> {
  if (!needsOpeningReview(content)) return null
  const review = await openingReviewOf(entryId, content)
  if (!review) return { key: 'error.confidentiality.openingNotReviewed' }
  if (review.outcome === 'failed')
    return { key: 'error.confidentiality.openingFailed', params: { note: review.note } }
  return null
}

/**
 * Art. 46: the source department reviews the working copy of an entry that would open data, before
 * it is submitted. One review per content: a second one of the same content is refused (409), and
 * an edit makes a new content that needs its own.
 */
export async function reviewEntryOpening(
  reviewer: AuthUser,
  entryId: string,
  input: ReviewInput,
  now = new Date(),
): Promise<ReviewView> {
  assertMay(reviewer, 'review:confidentiality:own-org')
  const entry = await loadEntry(entryId)
  assertOwner(reviewer, entry)
  if (entry.status === 'submitted') throw new DomainError('locked', 'error.catalog.locked', 409)
  if (!needsOpeningReview(entry.content))
    throw new DomainError('not_opened', 'error.confidentiality.notOpened', 409)
  const note = cleanNote(input)
  const digest = contentDigest(entry.content)
  const { won, review } = await record({
    _id: openingId(entryId, digest),
    kind: 'entry-opening',
    entryId,
    requestId: null,
    digest,
    orgId: reviewer.org!.id,
    reviewerUserId: reviewer.id,
    at: now,
    outcome: input.outcome,
    note,
  })
  if (!won) throw new DomainError('already_reviewed', 'error.confidentiality.alreadyReviewed', 409)
  return view(review)
}

/** A review as its page shows it: with the reviewer's display name. */
export async function withReviewerName(review: ReviewView | null) {
  if (!review) return null
  const reviewer = await User.findById(review.reviewerUserId, { displayName: 1 }).lean()
  return { ...review, reviewerName: reviewer?.displayName ?? review.reviewerUserId }
}

/** The review of a sharing request, if one was made. */
export async function grantReviewOf(requestId: string): Promise<ReviewView | null> {
  const doc = await read(grantId(requestId))
  return doc ? view(doc) : null
}

/**
 * Art. 46: stores the source department's review of a request for important data (one per
 * request). The caller (the sharing service) carries out what the stored outcome implies.
 */
export async function recordGrantReview(
  reviewer: AuthUser,
  request: { _id: unknown; catalogEntryId: string },
  input: ReviewInput,
  now: Date,
): Promise<{ won: boolean; review: ReviewView }> {
  const note = cleanNote(input)
  const requestId = String(request._id)
  const { won, review } = await record({
    _id: grantId(requestId),
    kind: 'sharing-grant',
    entryId: request.catalogEntryId,
    requestId,
    digest: null,
    orgId: reviewer.org!.id,
    reviewerUserId: reviewer.id,
    at: now,
    outcome: input.outcome,
    note,
  })
  return { won, review: view(review) }
}
