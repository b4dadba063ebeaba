import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Server-side sessions: `_id` is the SHA-256 of the cookie token, so lookups go
// by `_id` (fast on every server) and a stolen database cannot mint cookies.
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date },
    replacedBy: { type: String },
  },
  { versionKey: false, strict: 'throw' },
)

export type SessionDoc = InferSchemaType<typeof sessionSchema>

export const Session =
  (mongoose.models.Session as mongoose.Model<SessionDoc>) ??
  mongoose.model('Session', sessionSchema, 'sessions')
