import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { catalogContentSchema } from './catalog-entry'

export const REVIEW_CLAIM_STEPS = ['submit', 'decide', 'confirm_grade'] as const
export type ReviewClaimStep = (typeof REVIEW_CLAIM_STEPS)[number]

// One claim per step of one submission round of one revision (Art. 10: the authority 審定 the
// catalog). `_id` = `${entryId}:r${revision}.${round}:${step}`: a second submit of the same round,
// or a second reviewer deciding the same submission, is refused by the unique `_id`.
// The entry's status is a projection of these claims.
const catalogReviewSchema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    revision: { type: Number, required: true },
    round: { type: Number, required: true },
    step: { type: String, enum: REVIEW_CLAIM_STEPS, required: true },
    outcome: { type: String, enum: ['submitted', 'approved', 'returned'], required: true },
    reasons: { type: [String], default: [] },
    actorUserId: { type: String, required: true },
    actorOrgId: { type: String, required: true },
    at: { type: Date, required: true, default: () => new Date() },
    // On `submit`: the content as submitted; the review decides on this snapshot, not the live copy.
    content: { type: catalogContentSchema, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// The review history on the entry page.
catalogReviewSchema.index({ entryId: 1, at: 1 })

export type CatalogReviewDoc = InferSchemaType<typeof catalogReviewSchema>

export function reviewClaimId(
  entryId: string,
  revision: number,
  round: number,
  step: ReviewClaimStep,
) {
  return `${entryId}:r${revision}.${round}:${step}`
}

export const CatalogReview =
  (mongoose.models.CatalogReview as mongoose.Model<CatalogReviewDoc>) ??
  mongoose.model('CatalogReview', catalogReviewSchema, 'catalog_reviews')
