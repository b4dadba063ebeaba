/**
 * Verification without disclosure (C5; Art. 23 ¶3): a source department offers verification on a
 * catalog entry — an agency submits a candidate record and hears, per field, match / mismatch / not
 * found, never a stored value. Collection `verification_settings`, one document per entry.
 *
 * - `_id` the catalog entry id · `orgId` its source department
 * - `keyFields` the fields that find a record (e.g. the resident ID) · `checkFields` the fields
 *   compared once found (e.g. name, date of birth) · `enabled` · `updatedAt` `updatedBy`
 * - the index in force (built by the `verification-index` job from the entry's stored data):
 *   `index.storageKey` a file in the content store holding only keyed digests (HMAC with a key
 *   derived from DATA_ENCRYPTION_KEY), `index.datasetSha256` the data it was built from,
 *   `index.records`, `index.builtAt`, `index.fields` (the check fields in the file's order)
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const verificationSettingSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    keyFields: { type: [String], default: [] },
    checkFields: { type: [String], default: [] },
    enabled: { type: Boolean, required: true, default: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
    index: {
      type: new Schema(
        {
          storageKey: { type: String, required: true },
          datasetSha256: { type: String, required: true },
          records: { type: Number, required: true },
          builtAt: { type: Date, required: true },
          keyFields: { type: [String], default: [] },
          fields: { type: [String], default: [] },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

export type VerificationSettingDoc = InferSchemaType<typeof verificationSettingSchema>

export const VerificationSetting =
  (mongoose.models.VerificationSetting as mongoose.Model<VerificationSettingDoc>) ??
  mongoose.model('VerificationSetting', verificationSettingSchema, 'verification_settings')
