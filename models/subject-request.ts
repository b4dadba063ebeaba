/**
 * A data subject's request about a record held on her (C10; Art. 42): an objection, a correction
 * of one field, or the record's deletion, to the source department that holds it.
 * Collection `subject_requests`.
 *
 * - `userId` who asks · `subjectKey` her key (the blind index of her resident ID) · `kind`
 *   objection | correction | deletion · `entryId` `orgId` the catalog entry and its source
 *   department · `datasetId` the table the record was in when she asked · `row` its row there
 * - `field` `proposed` the field to correct and the value she asks for (corrections only) ·
 *   `reasons` why
 * - `status` pending → granted | refused (projected from the claim below) · `dueAt` the working-day
 *   deadline (the authority's default) · `note` the department's reasons · `answeredAt`
 * - `filedSeq` the filing's log entry, set once it and the department's notice are done (the
 *   sweep finishes a filing a crash cut short)
 * - `resultDatasetId` the new version of the table a granted correction or deletion made (its
 *   `cause` names this request) · `appliedAt` · `priorCopies` the grantees whose copies, made
 *   before, held the record (she and they are told)
 *
 * The decision is a claim in `subject_request_steps` (`_id` `<request>:decide`): two officers
 * answering at once make one decision.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { RECORD_REQUEST_KINDS, RECORD_REQUEST_STATUSES } from '~/vocab/subjects'

const priorCopySchema = new Schema(
  { orgId: { type: String, required: true }, ref: { type: String, required: true }, at: Date },
  { _id: false },
)

const subjectRequestSchema = new Schema(
  {
    userId: { type: String, required: true },
    subjectKey: { type: String, required: true },
    kind: { type: String, enum: RECORD_REQUEST_KINDS, required: true },
    entryId: { type: String, required: true },
    orgId: { type: String, required: true },
    datasetId: { type: String, required: true },
    row: { type: Number, required: true },
    field: { type: String, default: null },
    proposed: { type: String, default: null },
    reasons: { type: String, required: true },
    status: { type: String, enum: RECORD_REQUEST_STATUSES, required: true, default: 'pending' },
    submittedAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    note: { type: String, default: null },
    answeredAt: { type: Date, default: null },
    resultDatasetId: { type: String, default: null },
    appliedAt: { type: Date, default: null },
    priorCopies: { type: [priorCopySchema], default: [] },
    filedSeq: { type: Number, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// A person's requests, newest first; a department's inbox.
subjectRequestSchema.index({ userId: 1, submittedAt: -1 })
subjectRequestSchema.index({ orgId: 1, status: 1 })

export type SubjectRequestDoc = InferSchemaType<typeof subjectRequestSchema> & {
  _id: mongoose.Types.ObjectId
}

export const SubjectRequest =
  (mongoose.models.SubjectRequest as mongoose.Model<
    InferSchemaType<typeof subjectRequestSchema>
  >) ?? mongoose.model('SubjectRequest', subjectRequestSchema, 'subject_requests')

const requestStepSchema = new Schema(
  {
    _id: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    decision: { type: String, required: true },
    note: { type: String, default: '' },
  },
  { versionKey: false, strict: 'throw' },
)

export const SubjectRequestStep =
  (mongoose.models.SubjectRequestStep as mongoose.Model<
    InferSchemaType<typeof requestStepSchema>
  >) ?? mongoose.model('SubjectRequestStep', requestStepSchema, 'subject_request_steps')
