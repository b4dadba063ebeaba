import mongoose, { Schema, type InferSchemaType } from 'mongoose'

import { QUALITY_KINDS, QUALITY_OUTCOMES } from '~/vocab/catalog'

export { QUALITY_KINDS, QUALITY_OUTCOMES }

// Art. 17: anyone using an entry raises a data-quality issue; the source department resolves it
// with a recorded outcome. `resolution` is a projection of the QualityResolution claim below.
const qualityIssueSchema = new Schema(
  {
    entryId: { type: String, required: true },
    // The source department that must resolve it (the entry's owning agency).
    orgId: { type: String, required: true },
    kind: { type: String, enum: QUALITY_KINDS, required: true },
    fieldName: { type: String, default: '' },
    description: { type: String, required: true },
    raisedByUserId: { type: String, required: true },
    raisedByOrgId: { type: String, default: null },
    raisedAt: { type: Date, required: true, default: () => new Date() },
    status: { type: String, enum: ['open', 'resolved'], required: true, default: 'open' },
    resolution: {
      type: new Schema(
        {
          outcome: { type: String, enum: QUALITY_OUTCOMES, required: true },
          note: { type: String, required: true },
          byUserId: { type: String, required: true },
          at: { type: Date, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// The source department's issue list, paged by _id.
qualityIssueSchema.index({ orgId: 1, _id: 1 })
// Issues on one entry (entry page).
qualityIssueSchema.index({ entryId: 1, _id: 1 })

export type QualityIssueDoc = InferSchemaType<typeof qualityIssueSchema>

export const QualityIssue =
  (mongoose.models.QualityIssue as mongoose.Model<QualityIssueDoc>) ??
  mongoose.model('QualityIssue', qualityIssueSchema, 'quality_issues')

// The resolution claim: `_id` = issue id, so an issue is resolved once.
const qualityResolutionSchema = new Schema(
  {
    _id: { type: String, required: true },
    outcome: { type: String, enum: QUALITY_OUTCOMES, required: true },
    note: { type: String, required: true },
    byUserId: { type: String, required: true },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export const QualityResolution =
  (mongoose.models.QualityResolution as mongoose.Model<
    InferSchemaType<typeof qualityResolutionSchema>
  >) ?? mongoose.model('QualityResolution', qualityResolutionSchema, 'quality_resolutions')
