import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const ORG_TYPES = [
  'authority',
  'agency',
  'provider',
  'buyer',
  'research',
  'regulator',
] as const
export type OrgType = (typeof ORG_TYPES)[number]
export const ADMIN_LEVELS = ['province', 'city', 'county'] as const

const localizedName = new Schema(
  { zh: { type: String, required: true }, en: { type: String, required: true } },
  { _id: false, strict: 'throw' },
)

const organizationSchema = new Schema(
  {
    type: { type: String, enum: ORG_TYPES, required: true },
    name: { type: localizedName, required: true },
    // GB 32100 unified social credit code; unique so one legal entity registers once.
    uscc: { type: String, required: true, unique: true },
    level: { type: String, enum: ADMIN_LEVELS, default: 'province' },
    regionCode: { type: String, default: '440000' },
    // Projection of the OrgReview claim (models/org-review.ts); 'approved' for seeded orgs.
    status: { type: String, enum: ['pending', 'approved', 'rejected'], required: true },
    contactEmail: { type: String },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type OrganizationDoc = InferSchemaType<typeof organizationSchema> & {
  _id: mongoose.Types.ObjectId
}

export const Organization =
  (mongoose.models.Organization as mongoose.Model<InferSchemaType<typeof organizationSchema>>) ??
  mongoose.model('Organization', organizationSchema, 'organizations')
