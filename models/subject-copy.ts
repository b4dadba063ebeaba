/**
 * A data subject's copy of what is held about them (C10; Art. 42 read and copy), made by the
 * `subject-copy` job as CSV and JSON in the content store. Collection `subject_copies`.
 *
 * - `userId` whose copy · `hour` the hour it was asked in (`YYYY-MM-DDTHH`, UTC) · `status` queued →
 *   done | failed · `records` rows in it · `csvKey` `jsonKey` the files · `requestedAt` `doneAt`
 *
 * One per person and hour (unique): asking again within the hour finds the copy already asked.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const SUBJECT_COPY_STATUSES = ['queued', 'done', 'failed'] as const

const subjectCopySchema = new Schema(
  {
    userId: { type: String, required: true },
    hour: { type: String, required: true },
    status: { type: String, enum: SUBJECT_COPY_STATUSES, required: true, default: 'queued' },
    records: { type: Number, default: null },
    csvKey: { type: String, default: null },
    jsonKey: { type: String, default: null },
    requestedAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)
subjectCopySchema.index({ userId: 1, hour: 1 }, { unique: true, name: 'one_copy_per_hour' })

export type SubjectCopyDoc = InferSchemaType<typeof subjectCopySchema> & {
  _id: mongoose.Types.ObjectId
}

export const SubjectCopy =
  (mongoose.models.SubjectCopy as mongoose.Model<InferSchemaType<typeof subjectCopySchema>>) ??
  mongoose.model('SubjectCopy', subjectCopySchema, 'subject_copies')
