/**
 * Sharing request (共享申请) between agencies — C4, Art. 22–24. Collection `sharing_requests`; the
 * source department's reply in `sharing_decisions`.
 *
 * - `requesterOrgId` the agency asking · `requesterUserId`
 * - `catalogEntryId` what is asked for · `sourceOrgId` its source department (who replies)
 *   · `entryTitle` {zh,en} snapshot · `sharingType` the entry's type when asked (unconditional |
 *   conditional; not-shared entries are answered by verification, Art. 23 ¶3)
 * - the Art. 24 terms asked for: `scenario` (應用業務場景) · `usingUnit` (用數單位) · `duty` (the
 *   statutory duty it serves, 履行職責的需要) · `fields` · `mode` api|file|offline · `periodEnd`
 *   (截止時間)
 * - `replyDueAt` the source department's deadline (Art. 23 ¶2: 5 working days; null when granted at
 *   once) · `status` and `decision` — projections of the SharingDecision claim
 * - `reviewRequired` the entry was important-grade when asked: no grant before the source
 *   department's confidentiality review passed (Art. 46; a request otherwise granted at once waits
 *   for it, within the same 5 working days)
 * - `coordinatorOrgId` the authority of the source department's level and region, which coordinates
 *   (Art. 22) · `filings` a cross-level or cross-region request's filings with the requester's
 *   same-level and upper-level authorities (Art. 25), each with its log receipt · `filingComments`
 *   what those authorities said
 * - `art26` an enterprise's or institution's request made for it by the authority or the source
 *   department (Art. 26 ¶1): purpose, legal basis, who initiated it
 * - `submittedSeq` ledger receipt of the request · `escalatedAt` `escalatedTo` when the reply was
 *   overdue and the request went to the coordinating authority (Art. 22) · `coordinations` the
 *   authority's notes · `createdAt`
 *
 * SharingDecision: `_id` = the request id, so a request is answered once (ADR 003): concurrent
 * replies race on the insert and one wins. Holds the outcome, the agreed terms (never more fields
 * than asked, Art. 24) or the refusal's citation of a law, regulation or rule (Art. 23 ¶2), and the
 * date the data must reach the requester by (`deliveryDueAt`, 5 working days after the reply).
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { SHARING_MODES, SHARING_OUTCOMES, SHARING_REQUEST_STATUSES } from '~/vocab/sharing'

const localized = new Schema(
  { zh: { type: String, default: '' }, en: { type: String, default: '' } },
  { _id: false, strict: 'throw' },
)

const citation = new Schema(
  { instrument: { type: String, required: true }, article: { type: String, required: true } },
  { _id: false, strict: 'throw' },
)

/** A note an authority records (a coordination, a comment on a filing), with its log receipt. */
const noteSchema = new Schema(
  {
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    note: { type: String, required: true },
  },
  { _id: false, strict: 'throw' },
)

const decisionFields = {
  outcome: { type: String, enum: SHARING_OUTCOMES, required: true },
  /** Granted: the agreed terms. */
  fields: { type: [String], default: [] },
  mode: { type: String, enum: SHARING_MODES, default: null },
  end: { type: Date, default: null },
  deliveryDueAt: { type: Date, default: null },
  /** Refused: the law, regulation or rule the refusal rests on. */
  citation: { type: citation, default: null },
  note: { type: String, default: '' },
  /** Granted at once because the entry is unconditionally shared (Art. 23 ¶1). */
  automatic: { type: Boolean, default: false },
  decidedAt: { type: Date, required: true },
  decidedBy: { type: String, required: true },
  decidedByOrgId: { type: String, required: true },
}

const sharingRequestSchema = new Schema(
  {
    requesterOrgId: { type: String, required: true },
    requesterUserId: { type: String, required: true },
    catalogEntryId: { type: String, required: true },
    sourceOrgId: { type: String, required: true },
    entryTitle: { type: localized, required: true },
    sharingType: { type: String, enum: ['unconditional', 'conditional'], required: true },
    scenario: { type: String, required: true },
    usingUnit: { type: String, required: true },
    duty: { type: String, required: true },
    fields: { type: [String], default: [] },
    mode: { type: String, enum: SHARING_MODES, required: true },
    periodEnd: { type: Date, required: true },
    replyDueAt: { type: Date, default: null },
    status: { type: String, enum: SHARING_REQUEST_STATUSES, required: true },
    decision: {
      type: new Schema(
        {
          ...decisionFields,
          grantId: { type: String, default: null },
          ledgerSeq: { type: Number, default: null },
          /** The source department withdrew the grant (Art. 24), and why. */
          revokedAt: { type: Date, default: null },
          revokeReason: { type: String, default: '' },
          revokedBy: { type: String, default: null },
          /** The revocation's log entry: null while its steps are unfinished (the sweep repairs). */
          revokeSeq: { type: Number, default: null },
          /** The data reached the requester (an offline grant: the first hand-over's day). */
          deliveredAt: { type: Date, default: null },
          /** Not delivered by `deliveryDueAt`: escalated to the coordinating authority (Art. 22). */
          deliveryEscalatedAt: { type: Date, default: null },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
    coordinatorOrgId: { type: String, default: null },
    /**
     * Art. 26 ¶1: shared with an enterprise or institution (the requester) by the authority or the
     * source department, for a policy or an emergency, on the cited basis; null for agencies.
     */
    art26: {
      type: new Schema(
        {
          purpose: { type: String, enum: ['policy', 'emergency'], required: true },
          instrument: { type: String, required: true },
          article: { type: String, required: true },
          initiatedByOrgId: { type: String, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
    filings: {
      type: [
        new Schema(
          {
            authorityOrgId: { type: String, required: true },
            relation: { type: String, enum: ['same', 'upper'], required: true },
            filedSeq: { type: Number, default: null },
          },
          { _id: false, strict: 'throw' },
        ),
      ],
      default: [],
    },
    /** The filed authorities' comments (Art. 25), each with its log receipt. */
    filingComments: {
      type: [
        new Schema(
          {
            authorityOrgId: { type: String, required: true },
            seq: { type: Number, required: true },
            at: { type: Date, required: true },
            by: { type: String, required: true },
            note: { type: String, required: true },
          },
          { _id: false, strict: 'throw' },
        ),
      ],
      default: [],
    },
    reviewRequired: { type: Boolean, default: false },
    submittedSeq: { type: Number, default: null },
    /** Overdue and escalated to the coordinating authority (Art. 22), by the reply sweep. */
    escalatedAt: { type: Date, default: null },
    escalatedTo: { type: String, default: null },
    /** The authority's coordination notes (Art. 22), each with its ledger receipt. */
    coordinations: { type: [noteSchema], default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// The source department's inbox and the requester's list, newest first.
sharingRequestSchema.index({ sourceOrgId: 1, createdAt: -1 })
sharingRequestSchema.index({ requesterOrgId: 1, createdAt: -1 })
// An authority's filings inbox (Art. 25).
sharingRequestSchema.index({ 'filings.authorityOrgId': 1, createdAt: -1 })
// The reply sweep: requests still waiting.
sharingRequestSchema.index({ status: 1, replyDueAt: 1 })

const sharingDecisionSchema = new Schema(
  { _id: { type: Schema.Types.ObjectId, required: true }, ...decisionFields },
  { versionKey: false, strict: 'throw', minimize: false },
)

export type SharingRequestDoc = InferSchemaType<typeof sharingRequestSchema> & {
  _id: mongoose.Types.ObjectId
}
export type SharingDecisionDoc = InferSchemaType<typeof sharingDecisionSchema>

export const SharingRequest =
  (mongoose.models.SharingRequest as mongoose.Model<
    InferSchemaType<typeof sharingRequestSchema>
  >) ?? mongoose.model('SharingRequest', sharingRequestSchema, 'sharing_requests')

export const SharingDecision =
  (mongoose.models.SharingDecision as mongoose.Model<
    InferSchemaType<typeof sharingDecisionSchema>
  >) ?? mongoose.model('SharingDecision', sharingDecisionSchema, 'sharing_decisions')
