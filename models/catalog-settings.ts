import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Art. 9: the authority sets the classification and grading rules. GB/T 43697-2024 fixes the
// tiers core / important / general; the sub-levels of `general` are local and configurable.
// One document, `_id` = 'grading'. Absent → the default ladder (general levels 1–4).
const catalogSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    generalLevels: {
      type: [
        new Schema(
          {
            level: { type: Number, required: true },
            zh: { type: String, required: true },
            en: { type: String, required: true },
          },
          { _id: false, strict: 'throw' },
        ),
      ],
      required: true,
    },
    updatedBy: { type: String, default: null },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type CatalogSettingsDoc = InferSchemaType<typeof catalogSettingsSchema>

export const DEFAULT_GENERAL_LEVELS = [
  { level: 1, zh: '一般 1 级（可公开）', en: 'General 1 (public)' },
  { level: 2, zh: '一般 2 级（内部）', en: 'General 2 (internal)' },
  { level: 3, zh: '一般 3 级（敏感）', en: 'General 3 (sensitive)' },
  { level: 4, zh: '一般 4 级（较敏感）', en: 'General 4 (more sensitive)' },
]

export const CatalogSettings =
  (mongoose.models.CatalogSettings as mongoose.Model<CatalogSettingsDoc>) ??
  mongoose.model('CatalogSettings', catalogSettingsSchema, 'catalog_settings')
