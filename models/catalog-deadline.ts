import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Art. 11: the legal basis of an entry changed. The agency must update the catalog within 15
// working days, the authority review within 5. `_id` = `${entryId}:v${publishedVersion}`: the change
// to one published version is marked once. Phase and overdue flags are written by the service and
// the deadlines job; warnings are notifications keyed by `${_id}:${phase}:${kind}`.
const catalogDeadlineSchema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    orgId: { type: String, required: true },
    level: { type: String, required: true },
    reason: { type: String, required: true },
    markedAt: { type: Date, required: true },
    markedBy: { type: String, required: true },
    phase: { type: String, enum: ['agency', 'review', 'done'], required: true },
    agencyDueAt: { type: Date, required: true },
    agencySubmittedAt: { type: Date, default: null },
    reviewDueAt: { type: Date, default: null },
    reviewedAt: { type: Date, default: null },
    agencyOverdueAt: { type: Date, default: null },
    reviewOverdueAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// The deadlines job and dashboards: open items (phase agency/review).
catalogDeadlineSchema.index({ phase: 1, _id: 1 })
// An agency's dashboard.
catalogDeadlineSchema.index({ orgId: 1, phase: 1 })

export type CatalogDeadlineDoc = InferSchemaType<typeof catalogDeadlineSchema>

export const CatalogDeadline =
  (mongoose.models.CatalogDeadline as mongoose.Model<CatalogDeadlineDoc>) ??
  mongoose.model('CatalogDeadline', catalogDeadlineSchema, 'catalog_deadlines')
