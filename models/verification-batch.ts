/**
 * A batch verification (C5; Art. 23 ¶3): an agency's CSV of candidate records checked against an
 * entry that offers verification, by the `verification-batch` job, into a file of match flags.
 * Collection `verification_batches`.
 *
 * - `entryId` `orgId` `userId` who asked, on what · `fileName` `inputKey` `inputSha256` `sizeBytes`
 *   the candidates' file in the content store · `indexKey` the index in force when it was submitted
 * - `rows` candidates in the file · `processed` answered so far (the progress) · `found`
 * - `status` queued → running → done | failed (`error` the message key) · `resultKey`
 *   `resultSha256` the flags' file · `createdAt` `finishedAt`
 *
 * One batch per requester, entry, file and index (unique): the same file against the same index
 * has the same answer, so a repeated upload finds the batch already there and is not counted twice.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const VERIFICATION_BATCH_STATUSES = ['queued', 'running', 'done', 'failed'] as const

const verificationBatchSchema = new Schema(
  {
    entryId: { type: String, required: true },
    orgId: { type: String, required: true },
    userId: { type: String, required: true },
    fileName: { type: String, required: true },
    inputKey: { type: String, required: true },
    inputSha256: { type: String, required: true },
    sizeBytes: { type: Number, required: true },
    indexKey: { type: String, required: true },
    rows: { type: Number, required: true },
    processed: { type: Number, required: true, default: 0 },
    found: { type: Number, required: true, default: 0 },
    status: { type: String, enum: VERIFICATION_BATCH_STATUSES, required: true, default: 'queued' },
    error: { type: String, default: null },
    resultKey: { type: String, default: null },
    resultSha256: { type: String, default: null },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)
verificationBatchSchema.index(
  { userId: 1, entryId: 1, inputSha256: 1, indexKey: 1 },
  { unique: true, name: 'one_batch_per_file_and_index' },
)

// An agency's batches, newest first.
verificationBatchSchema.index({ orgId: 1, createdAt: -1 })

export type VerificationBatchDoc = InferSchemaType<typeof verificationBatchSchema> & {
  _id: mongoose.Types.ObjectId
}

export const VerificationBatch =
  (mongoose.models.VerificationBatch as mongoose.Model<
    InferSchemaType<typeof verificationBatchSchema>
  >) ?? mongoose.model('VerificationBatch', verificationBatchSchema, 'verification_batches')
