/**
 * A data subject's identity check in progress (C10; Art. 39: who the subject is). Collection
 * `identity_checks`, one per person (`_id` the user's id): the open desk code.
 *
 * - `method` how the identity is checked (`desk-code`: an officer checked the ID card in person) ·
 *   `codeHash` the one-time code's hash · `issuedAt` `issuedBy` `expiresAt`
 *
 * Each try at the code is a claim in `identity_attempts` (`_id` `<user>:<issuedAt ms>:<n>`, n = 1…5):
 * the unique `_id` holds the limit of five tries per code under any number of parallel guesses.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const identityCheckSchema = new Schema(
  {
    _id: { type: String, required: true },
    method: { type: String, enum: ['desk-code'], required: true },
    codeHash: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    issuedBy: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

export type IdentityCheckDoc = InferSchemaType<typeof identityCheckSchema>

export const IdentityCheck =
  (mongoose.models.IdentityCheck as mongoose.Model<IdentityCheckDoc>) ??
  mongoose.model('IdentityCheck', identityCheckSchema, 'identity_checks')

const identityAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
)

export const IdentityAttempt =
  (mongoose.models.IdentityAttempt as mongoose.Model<
    InferSchemaType<typeof identityAttemptSchema>
  >) ?? mongoose.model('IdentityAttempt', identityAttemptSchema, 'identity_attempts')
