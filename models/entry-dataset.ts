/**
 * The data behind a catalog entry, as its source department stores it for sharing (C4; Art. 23–24):
 * a CSV/TSV table in the content store from which every online grant's own copy is made (projected to
 * the granted fields and fingerprinted for the grantee, like a buyer's copy). Collection
 * `entry_datasets`.
 *
 * - `_id` = `${entryId}:${sha256}`: the same file stored twice is one record; the newest record of an
 *   entry is its current data (a new upload is a new version, older grants' copies stay as made)
 * - `storageKey` `sha256` `sizeBytes` `fileName` the table in the content store · `header` its columns
 * - `uploadedBy` `uploadedAt` · `ledgerSeq` the `catalog-entry.dataset-stored` receipt
 * - `cause` what made this version when the department did not upload it: `subject-request:<id>`
 *   for a data subject's correction or deletion (Art. 42), its provenance step
 * - `emergencyId` the emergency collection it was stored under (Art. 40) · `sealedAt` `sealed` when
 *   the collection ended: the scanner's classification and the ciphertext kept for audit (its data
 *   key destroyed); a sealed table is no one's current data
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const entryDatasetSchema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    orgId: { type: String, required: true },
    fileName: { type: String, required: true },
    storageKey: { type: String, required: true },
    sha256: { type: String, required: true },
    sizeBytes: { type: Number, required: true, min: 0 },
    header: { type: [String], default: [] },
    uploadedBy: { type: String, required: true },
    uploadedAt: { type: Date, required: true },
    ledgerSeq: { type: Number, default: null },
    cause: { type: String, default: null },
    emergencyId: { type: String, default: null },
    sealedAt: { type: Date, default: null },
    sealed: {
      type: new Schema(
        {
          sensitive: { type: Boolean, required: true },
          findings: { type: Number, required: true },
          ciphertextKey: { type: String, required: true },
          ciphertextSha256: { type: String, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// The entry's current data: its newest upload.
entryDatasetSchema.index({ entryId: 1, uploadedAt: -1 })

export type EntryDatasetDoc = InferSchemaType<typeof entryDatasetSchema>

export const EntryDataset =
  (mongoose.models.EntryDataset as mongoose.Model<EntryDatasetDoc>) ??
  mongoose.model('EntryDataset', entryDatasetSchema, 'entry_datasets')
