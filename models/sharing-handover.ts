/**
 * Offline sharing hand-over (線下共享) — C4, Art. 23 ¶4: what a source department handed over
 * outside the platform under an agreed, offline grant, recorded so it is under the same rules and
 * the same log as online sharing. Collection `sharing_handovers`.
 *
 * - `grantId` `requestId` the grant it was made under · `fields` what it contained (never more than
 *   granted) · `rows` how many records · `contentSha256` the digest of what was handed over
 * - `medium` (an encrypted USB drive, a disc, a dedicated line…) · `handedOverAt` · `handedOverBy`
 *   and `receivedBy` (the people, by name and post) · `recordedBy` the user who recorded it
 * - `ledgerSeq` the log entry
 *
 * Unique on (grantId, contentSha256): the same content recorded twice is one hand-over.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const sharingHandoverSchema = new Schema(
  {
    grantId: { type: String, required: true },
    requestId: { type: String, required: true },
    fields: { type: [String], default: [] },
    rows: { type: Number, required: true },
    contentSha256: { type: String, required: true },
    medium: { type: String, required: true },
    handedOverAt: { type: Date, required: true },
    handedOverBy: { type: String, required: true },
    receivedBy: { type: String, required: true },
    recordedBy: { type: String, required: true },
    ledgerSeq: { type: Number, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

sharingHandoverSchema.index({ grantId: 1, contentSha256: 1 }, { unique: true })
// The request page lists a request's hand-overs.
sharingHandoverSchema.index({ requestId: 1, handedOverAt: 1 })

export type SharingHandoverDoc = InferSchemaType<typeof sharingHandoverSchema> & {
  _id: mongoose.Types.ObjectId
}

export const SharingHandover =
  (mongoose.models.SharingHandover as mongoose.Model<
    InferSchemaType<typeof sharingHandoverSchema>
  >) ?? mongoose.model('SharingHandover', sharingHandoverSchema, 'sharing_handovers')
