import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// The authority's desensitization rules (C9; Art. 32; GB/T 37964): the minimum k of
// k-anonymity per security grade (`core`, `important`, `general-<level>`, and `default`). One
// document, `_id` = 'k-by-grade'. Absent → every grade needs k ≥ 5. Read by every scan job.
const desensitizeSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    minK: {
      type: [
        new Schema(
          {
            grade: { type: String, required: true },
            k: { type: Number, required: true, min: 2, max: 1000 },
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

export type DesensitizeSettingsDoc = InferSchemaType<typeof desensitizeSettingsSchema>

export const DesensitizeSettings =
  (mongoose.models.DesensitizeSettings as mongoose.Model<DesensitizeSettingsDoc>) ??
  mongoose.model('DesensitizeSettings', desensitizeSettingsSchema, 'desensitize_settings')
