/**
 * Research public-interest access request (科研公益使用申请) — C8, Art. 26 (with the Art. 23–24
 * procedure it refers to). Collection `research_requests`; the owner's decision in
 * `research_decisions`.
 *
 * - `requesterOrgId` a university or research institute · `requesterUserId`
 * - subject: `subjectKind` product|catalog-entry · `productId` + `versionId` (the published version
 *   whose fields were offered) or `catalogEntryId` · `subjectTitle` {zh,en} snapshot
 * - `ownerOrgId` who decides: the product's owner, or the entry's source department (`orgId`)
 * - `useKind` research|education|public_interest|commercial (commercial is refused, Art. 26 ¶2)
 * - `purpose` · `project` {name, number} · `people` [{name, role}] · `fields` the data asked for
 *   · `periodStart` `periodEnd` · `ethicsRef` the ethics / approval reference
 * - `replyDueAt` the owner's reply deadline (Art. 23 via Art. 26: 5 working days)
 * - `status` pending|approved|refused and `decision` — projections of the ResearchDecision claim
 * - `submittedSeq` ledger receipt of the submission · `createdAt`
 *
 * ResearchDecision: `_id` = the request id, so a request is decided once (ADR 003): two concurrent
 * decisions race on the insert and one wins. Holds the outcome and its terms (approved fields, end)
 * or the reasons of a refusal.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import {
  RESEARCH_OUTCOMES,
  RESEARCH_STATUSES,
  RESEARCH_SUBJECT_KINDS,
  RESEARCH_USE_KINDS,
} from '~/vocab/research'

export { RESEARCH_OUTCOMES, RESEARCH_STATUSES, RESEARCH_SUBJECT_KINDS, RESEARCH_USE_KINDS }

const localized = new Schema(
  { zh: { type: String, default: '' }, en: { type: String, default: '' } },
  { _id: false, strict: 'throw' },
)

const personSchema = new Schema(
  { name: { type: String, required: true }, role: { type: String, required: true } },
  { _id: false, strict: 'throw' },
)

const decisionProjection = new Schema(
  {
    outcome: { type: String, enum: RESEARCH_OUTCOMES, required: true },
    fields: { type: [String], default: [] },
    end: { type: Date, default: null },
    reasons: { type: String, default: '' },
    decidedAt: { type: Date, required: true },
    decidedBy: { type: String, required: true },
    decidedByOrgId: { type: String, required: true },
    licenceId: { type: String, default: null },
    ledgerSeq: { type: Number, default: null },
  },
  { _id: false, strict: 'throw' },
)

const researchRequestSchema = new Schema(
  {
    requesterOrgId: { type: String, required: true },
    requesterUserId: { type: String, required: true },
    subjectKind: { type: String, enum: RESEARCH_SUBJECT_KINDS, required: true },
    productId: { type: String, default: null },
    versionId: { type: String, default: null },
    catalogEntryId: { type: String, default: null },
    subjectTitle: { type: localized, required: true },
    ownerOrgId: { type: String, required: true },
    useKind: { type: String, enum: RESEARCH_USE_KINDS, required: true },
    purpose: { type: String, required: true },
    project: {
      type: new Schema(
        { name: { type: String, required: true }, number: { type: String, required: true } },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    people: { type: [personSchema], default: [] },
    fields: { type: [String], default: [] },
    periodStart: { type: Date, required: true },
    periodEnd: { type: Date, required: true },
    ethicsRef: { type: String, required: true },
    replyDueAt: { type: Date, required: true },
    status: { type: String, enum: RESEARCH_STATUSES, required: true, default: 'pending' },
    decision: { type: decisionProjection, default: null },
    submittedSeq: { type: Number, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// The researcher's list: their organization's requests, newest first.
researchRequestSchema.index({ requesterOrgId: 1, _id: -1 })
// The owner's inbox: requests on its products / entries, newest first.
researchRequestSchema.index({ ownerOrgId: 1, _id: -1 })

const researchDecisionSchema = new Schema(
  {
    _id: { type: String, required: true },
    outcome: { type: String, enum: RESEARCH_OUTCOMES, required: true },
    fields: { type: [String], default: [] },
    end: { type: Date, default: null },
    reasons: { type: String, default: '' },
    decidedBy: { type: String, required: true },
    decidedByOrgId: { type: String, required: true },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type ResearchRequestDoc = InferSchemaType<typeof researchRequestSchema> & {
  _id: mongoose.Types.ObjectId
}
export type ResearchDecisionDoc = InferSchemaType<typeof researchDecisionSchema>

export const ResearchRequest =
  (mongoose.models.ResearchRequest as mongoose.Model<
    InferSchemaType<typeof researchRequestSchema>
  >) ?? mongoose.model('ResearchRequest', researchRequestSchema, 'research_requests')

export const ResearchDecision =
  (mongoose.models.ResearchDecision as mongoose.Model<ResearchDecisionDoc>) ??
  mongoose.model('ResearchDecision', researchDecisionSchema, 'research_decisions')
