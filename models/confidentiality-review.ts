/**
 * A confidentiality review (保密审查, Art. 46). Collection `confidentiality_reviews`.
 *
 * `_id` is the claim: `entry-opening:<entryId>:<content digest>` — one review of exactly the content
 * that would be opened (an edit needs a new review) — or `sharing-grant:<requestId>` — one review of
 * a request for important-grade data. A review is final for what it saw.
 *
 * - `kind` · `entryId` · `requestId` (grants) · `digest` (openings: SHA-256 of the canonical content)
 * - `orgId` the reviewing body (the source department) · `reviewerUserId` · `at`
 * - `outcome` passed | failed · `note` what was checked, or why it failed
 * - `loggedSeq` its log entry, set last (a review a crash left unlogged is logged when next read)
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { CONFIDENTIALITY_KINDS, CONFIDENTIALITY_OUTCOMES } from '~/vocab/security'

const confidentialityReviewSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: CONFIDENTIALITY_KINDS, required: true },
    entryId: { type: String, required: true },
    requestId: { type: String, default: null },
    digest: { type: String, default: null },
    orgId: { type: String, required: true },
    reviewerUserId: { type: String, required: true },
    at: { type: Date, required: true },
    outcome: { type: String, enum: CONFIDENTIALITY_OUTCOMES, required: true },
    note: { type: String, required: true },
    loggedSeq: { type: Number, default: null },
  },
  { collection: 'confidentiality_reviews', versionKey: false, strict: 'throw' },
)

export type ConfidentialityReviewDoc = InferSchemaType<typeof confidentialityReviewSchema> & {
  _id: string
}

export const ConfidentialityReview: mongoose.Model<ConfidentialityReviewDoc> =
  (mongoose.models.ConfidentialityReview as mongoose.Model<ConfidentialityReviewDoc> | undefined) ??
  mongoose.model<ConfidentialityReviewDoc>('ConfidentialityReview', confidentialityReviewSchema)
