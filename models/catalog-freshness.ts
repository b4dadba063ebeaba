import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Art. 16: one flag per (entry, last update) the freshness job found overdue. `_id` =
// `${entryId}:${lastDataUpdateAt ISO or 'never'}`, so a rerun of the job flags and logs it once.
const catalogFreshnessFlagSchema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    orgId: { type: String, required: true },
    updateFrequency: { type: String, required: true },
    lastDataUpdateAt: { type: Date, default: null },
    dueAt: { type: Date, required: true },
    flaggedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
)

export type CatalogFreshnessFlagDoc = InferSchemaType<typeof catalogFreshnessFlagSchema>

export const CatalogFreshnessFlag =
  (mongoose.models.CatalogFreshnessFlag as mongoose.Model<CatalogFreshnessFlagDoc>) ??
  mongoose.model('CatalogFreshnessFlag', catalogFreshnessFlagSchema, 'catalog_freshness_flags')
