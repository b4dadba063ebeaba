/**
 * An API key bound to one licence (C8; Art. 24, 38): the licensee's programs call the data
 * endpoint with it; the licence is checked at every call. Collection `licence_api_keys`.
 *
 * The key is shown once (`gdpl_<_id>_<secret>`); only a SHA-256 of the secret is kept. `_id` is
 * the public key id, so a call looks the key up by `_id`. Issuing a new key revokes the older
 * ones (`revokedAt`). The call quota is per licence, not per key: counted in Redis with INCR
 * (atomic), so replacing a key never resets it.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const licenceApiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    licenceId: { type: String, required: true },
    secretHash: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw' },
)

// The licence page: a licence's keys (newest first), and revoking the older ones on re-issue.
licenceApiKeySchema.index({ licenceId: 1, createdAt: -1 })

export type LicenceApiKeyDoc = InferSchemaType<typeof licenceApiKeySchema>

export const LicenceApiKey =
  (mongoose.models.LicenceApiKey as mongoose.Model<LicenceApiKeyDoc>) ??
  mongoose.model('LicenceApiKey', licenceApiKeySchema, 'licence_api_keys')
