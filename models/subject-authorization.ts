/**
 * A data subject's authorization of a third party (C10; Art. 41): she lets a named organisation use
 * named fields of a catalog entry's data about her, for a purpose, for a period.
 * Collection `subject_authorizations`.
 *
 * - `userId` `subjectKey` who authorizes (her key finds her record) · `orgId` the organisation (found
 *   by its USCC) · `entryId` `fields` what it may read · `purpose` · `start` `end` the period
 * - `revokedAt` when she revoked it (projected from the claim below) · `loggedSeq` its log entry,
 *   set last: an authorization is in force only once logged
 *
 * A revocation is an insert into `subject_authorization_revocations` (`_id` = the authorization's
 * id): every call reads it before answering, so a call that starts after a revocation is refused.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const subjectAuthorizationSchema = new Schema(
  {
    userId: { type: String, required: true },
    subjectKey: { type: String, required: true },
    orgId: { type: String, required: true },
    entryId: { type: String, required: true },
    fields: { type: [String], required: true },
    purpose: { type: String, required: true },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    // The `subject.authorization-granted` log entry; set last, so the sweep (or the first call)
    // logs and notifies one a crash cut short.
    loggedSeq: { type: Number, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

subjectAuthorizationSchema.index({ userId: 1, createdAt: -1 })
subjectAuthorizationSchema.index({ orgId: 1, createdAt: -1 })

export type SubjectAuthorizationDoc = InferSchemaType<typeof subjectAuthorizationSchema> & {
  _id: mongoose.Types.ObjectId
}

export const SubjectAuthorization =
  (mongoose.models.SubjectAuthorization as mongoose.Model<
    InferSchemaType<typeof subjectAuthorizationSchema>
  >) ?? mongoose.model('SubjectAuthorization', subjectAuthorizationSchema, 'subject_authorizations')

const revocationSchema = new Schema(
  {
    _id: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
)

export const SubjectAuthorizationRevocation =
  (mongoose.models.SubjectAuthorizationRevocation as mongoose.Model<
    InferSchemaType<typeof revocationSchema>
  >) ??
  mongoose.model(
    'SubjectAuthorizationRevocation',
    revocationSchema,
    'subject_authorization_revocations',
  )
