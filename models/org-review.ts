import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// The authority's decision on a registration. One per organization: the unique
// `_id` (= orgId) makes "approve" a claim that cannot happen twice, even when
// two reviewers click at once (ADR 002: no conditional updates for invariants).
const orgReviewSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    decision: { type: String, enum: ['approved', 'rejected'], required: true },
    reason: { type: String },
    reviewerUserId: { type: String, required: true },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type OrgReviewDoc = InferSchemaType<typeof orgReviewSchema>

export const OrgReview =
  (mongoose.models.OrgReview as mongoose.Model<OrgReviewDoc>) ??
  mongoose.model('OrgReview', orgReviewSchema, 'org_reviews')
