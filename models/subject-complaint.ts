/**
 * A data subject's complaint (C10; Art. 43): a public body broke a law, regulation or rule and
 * harmed her rights; she complains to the data authority at the same level as that body.
 * Collection `subject_complaints`.
 *
 * - `userId` who complains · `respondentOrgId` the body concerned · `authorityOrgId` the
 *   authority at its level, who handles it · `facts` · `remedy` what she asks for
 * - `status` submitted → accepted → decided, or submitted → not_accepted (projected from the steps
 *   below) · `acceptDueAt` the working-day deadline to accept or not · `decideDueAt` to decide once
 *   accepted · `note` the reasons for not accepting, or the outcome's reasons · `outcome` upheld |
 *   partly_upheld | dismissed
 *
 * Each step is a claim in `subject_complaint_steps` (`_id` `<complaint>:accept` or `:decide`): two
 * officers answering at once make one answer.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { COMPLAINT_OUTCOMES, COMPLAINT_STATUSES } from '~/vocab/subjects'

const subjectComplaintSchema = new Schema(
  {
    userId: { type: String, required: true },
    respondentOrgId: { type: String, required: true },
    authorityOrgId: { type: String, required: true },
    facts: { type: String, required: true },
    remedy: { type: String, required: true },
    status: { type: String, enum: COMPLAINT_STATUSES, required: true, default: 'submitted' },
    submittedAt: { type: Date, required: true },
    acceptDueAt: { type: Date, required: true },
    decideDueAt: { type: Date, default: null },
    outcome: { type: String, enum: [...COMPLAINT_OUTCOMES, null], default: null },
    note: { type: String, default: null },
    answeredAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

export type SubjectComplaintDoc = InferSchemaType<typeof subjectComplaintSchema> & {
  _id: mongoose.Types.ObjectId
}

export const SubjectComplaint =
  (mongoose.models.SubjectComplaint as mongoose.Model<
    InferSchemaType<typeof subjectComplaintSchema>
  >) ?? mongoose.model('SubjectComplaint', subjectComplaintSchema, 'subject_complaints')

const complaintStepSchema = new Schema(
  {
    _id: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    decision: { type: String, required: true },
    note: { type: String, default: '' },
  },
  { versionKey: false, strict: 'throw' },
)

export const SubjectComplaintStep =
  (mongoose.models.SubjectComplaintStep as mongoose.Model<
    InferSchemaType<typeof complaintStepSchema>
  >) ?? mongoose.model('SubjectComplaintStep', complaintStepSchema, 'subject_complaint_steps')
