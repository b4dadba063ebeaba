import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const ROLES = [
  'authority_admin',
  'agency_staff',
  'provider_staff',
  'buyer_staff',
  'researcher',
  'regulator',
  'data_subject',
] as const
export type Role = (typeof ROLES)[number]

const userSchema = new Schema(
  {
    // Lower-cased; unique so one login name maps to one person.
    email: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    passwordHash: { type: String, required: true },
    orgId: { type: Schema.Types.ObjectId, ref: 'Organization' },
    roles: { type: [String], enum: ROLES, required: true },
    // Natural persons (data subjects): GB 11643 resident ID, encrypted at rest,
    // with a keyed blind index so one ID maps to one account.
    residentIdEnc: { type: String },
    residentIdIndex: { type: String, unique: true, sparse: true },
    // C10 (Art. 39): when and how the person's identity was confirmed (null: not yet; the portal
    // shows no data about her until it is).
    identityConfirmedAt: { type: Date, default: null },
    identityMethod: { type: String, default: null },
    locale: { type: String, enum: ['zh', 'en'] },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

// Org members list (authority console, org home pages).
userSchema.index({ orgId: 1 })

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: mongoose.Types.ObjectId }

export const User =
  (mongoose.models.User as mongoose.Model<InferSchemaType<typeof userSchema>>) ??
  mongoose.model('User', userSchema, 'users')
