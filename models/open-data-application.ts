import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Art. 32: conditionally open data is opened to an applicant once its conditions are met. One
// application per (entry, organization): `_id` = `${entryId}:${orgId}`, so a second application
// of the same organization is refused by the unique key, not by a read-then-write. The source
// agency's decision is its own claim document (`decision`), written once.
export const APPLICATION_STATUSES = ['pending', 'approved', 'refused'] as const

const openDataApplicationSchema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    // The entry's owning agency, which decides.
    ownerOrgId: { type: String, required: true },
    applicantOrgId: { type: String, required: true },
    applicantUserId: { type: String, required: true },
    purpose: { type: String, required: true },
    // How the applicant meets the stated conditions.
    conditionsStatement: { type: String, required: true },
    status: { type: String, enum: APPLICATION_STATUSES, required: true, default: 'pending' },
    decidedBy: { type: String, default: null },
    decidedAt: { type: Date, default: null },
    reason: { type: String, default: '' },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

// The owning agency's applications for one entry (its decision page).
openDataApplicationSchema.index({ entryId: 1, createdAt: -1 })

export type OpenDataApplicationDoc = InferSchemaType<typeof openDataApplicationSchema>

export const OpenDataApplication =
  (mongoose.models.OpenDataApplication as mongoose.Model<OpenDataApplicationDoc>) ??
  mongoose.model('OpenDataApplication', openDataApplicationSchema, 'open_data_applications')

// The decision claim: `_id` = the application id. Inserting it is the decision; a second decision
// (two clicks, two staff) is refused by the unique key. The application's status is its projection.
const openDataDecisionSchema = new Schema(
  {
    _id: { type: String, required: true },
    decision: { type: String, enum: ['approved', 'refused'], required: true },
    reason: { type: String, default: '' },
    decidedBy: { type: String, required: true },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export const OpenDataDecision =
  (mongoose.models.OpenDataDecision as mongoose.Model<
    InferSchemaType<typeof openDataDecisionSchema>
  >) ?? mongoose.model('OpenDataDecision', openDataDecisionSchema, 'open_data_decisions')
