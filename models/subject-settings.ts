/**
 * The authority's settings for data subjects' requests (C10; Art. 42: "in time"). Collection
 * `subject_settings`; one document, `_id` = 'record-requests': `days` the working days a source
 * department has to decide a request about a record · `updatedBy` `updatedAt`.
 * Absent → the platform's default.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const subjectSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    days: { type: Number, required: true, min: 1, max: 60 },
    updatedBy: { type: String, default: null },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export const SubjectSettings =
  (mongoose.models.SubjectSettings as mongoose.Model<
    InferSchemaType<typeof subjectSettingsSchema>
  >) ?? mongoose.model('SubjectSettings', subjectSettingsSchema, 'subject_settings')
