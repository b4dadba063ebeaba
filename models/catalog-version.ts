import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { catalogContentSchema } from './catalog-entry'

// Every approved change of a catalog entry is a new, immutable version (Art. 10, 11). `_id` is
// `${entryId}:v${version}`, so a retried approval projection writes the same version once.
const catalogVersionSchema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    version: { type: Number, required: true, min: 1 },
    content: { type: catalogContentSchema, required: true },
    // The review claim that approved it (catalog_reviews._id).
    reviewId: { type: String, required: true },
    approvedBy: { type: String, required: true },
    approvedAt: { type: Date, required: true },
    // Art. 13: a not_shared version is filed (備案) with the authority on approval.
    filedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// "Versions of this entry", newest first (entry page).
catalogVersionSchema.index({ entryId: 1, version: -1 })

export type CatalogVersionDoc = InferSchemaType<typeof catalogVersionSchema>

export function versionId(entryId: string, version: number): string {
  return `${entryId}:v${version}`
}

export const CatalogVersion =
  (mongoose.models.CatalogVersion as mongoose.Model<CatalogVersionDoc>) ??
  mongoose.model('CatalogVersion', catalogVersionSchema, 'catalog_versions')
