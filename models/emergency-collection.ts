/**
 * An emergency collection (C10; Art. 40): for an emergency (a public-health event, a disaster) an
 * agency collects data beyond its everyday catalogue, on a legal basis, until the emergency ends.
 * Collection `emergency_collections`.
 *
 * - `orgId` `declaredBy` `declaredAt` · `event` what happened · `instrument` `article` the legal
 *   basis · `entryIds` the agency's catalog entries the collection fills (every table stored for
 *   them while it is active is tagged with this id) · `endsAt` the declared end
 * - `status` active → ended (projected from the claim below) · `endedAt` `endedBy`
 * - `report` the signed closing report: its file in the content store, its SHA-256, the signature
 *   over the hash and the ledger key that made it, the log entry, and counts (tables and open files
 *   sealed, grants revoked, derived versions withdrawn, licences revoked); set last, so a collection whose
 *   closing a crash cut short is finished by the next run of the job
 *
 * Ending is a claim in `emergency_collection_steps` (`_id` `<collection>:end`).
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const emergencyCollectionSchema = new Schema(
  {
    orgId: { type: String, required: true },
    declaredBy: { type: String, required: true },
    declaredAt: { type: Date, required: true },
    event: { type: String, required: true },
    instrument: { type: String, required: true },
    article: { type: String, required: true },
    entryIds: { type: [String], required: true },
    endsAt: { type: Date, required: true },
    status: { type: String, enum: ['active', 'ended'], required: true, default: 'active' },
    endedAt: { type: Date, default: null },
    endedBy: { type: String, default: null },
    report: {
      type: new Schema(
        {
          storageKey: { type: String, required: true },
          sha256: { type: String, required: true },
          signature: { type: String, required: true },
          keyId: { type: String, required: true },
          ledgerSeq: { type: Number, required: true },
          datasets: { type: Number, required: true },
          sensitive: { type: Number, required: true },
          grantsRevoked: { type: Number, required: true },
          openFiles: { type: Number, default: 0 },
          versionsWithdrawn: { type: Number, default: 0 },
          licencesRevoked: { type: Number, default: 0 },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

emergencyCollectionSchema.index({ orgId: 1, declaredAt: -1 })

export type EmergencyCollectionDoc = InferSchemaType<typeof emergencyCollectionSchema> & {
  _id: mongoose.Types.ObjectId
}

export const EmergencyCollection =
  (mongoose.models.EmergencyCollection as mongoose.Model<
    InferSchemaType<typeof emergencyCollectionSchema>
  >) ?? mongoose.model('EmergencyCollection', emergencyCollectionSchema, 'emergency_collections')

const stepSchema = new Schema(
  {
    _id: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
)

export const EmergencyCollectionStep =
  (mongoose.models.EmergencyCollectionStep as mongoose.Model<InferSchemaType<typeof stepSchema>>) ??
  mongoose.model('EmergencyCollectionStep', stepSchema, 'emergency_collection_steps')
