import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// API keys are shown once; only a SHA-256 of the secret is kept. `_id` is the
// public key id embedded in the key (`gdpde_<id>_<secret>`), so lookups go by `_id`.
const apiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    secretHash: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    orgId: { type: Schema.Types.ObjectId },
    name: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    // Issue 14: a key stops working at its expiry (a year unless chosen shorter); null only on keys
    // made before expiry existed, which count as expiring a year after they were created.
    expiresAt: { type: Date, default: null },
    revokedAt: { type: Date },
  },
  { versionKey: false, strict: 'throw' },
)

// "My keys" list on the settings page.
apiKeySchema.index({ userId: 1 })

export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema>

export const ApiKey =
  (mongoose.models.ApiKey as mongoose.Model<ApiKeyDoc>) ??
  mongoose.model('ApiKey', apiKeySchema, 'api_keys')
