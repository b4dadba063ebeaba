/**
 * A dispute between public bodies over the collection, use or management of public data (C13;
 * Art. 51). Collection `disputes`.
 *
 * - `claimantOrgId` who opened it · `respondentOrgId` the other body · `authorityOrgId` the data
 *   authority that coordinates — the parties' own when they are at one level in one region, their
 *   common upper authority otherwise (`route` same-level | common-upper)
 * - `matter` collection | use | management · `facts` · `documents` (titles or references, one per
 *   line as filed) · `asks` what the claimant asks for
 * - `stage` negotiation → coordination → consultation → opinion → submitted → resolved, projected
 *   from the stage claims below · `stageDueAt` the current stage's deadline · `invitedOrgIds` the
 *   bodies the authority invited to the joint consultation (e.g. the establishment office)
 * - `positions` [{id, stage, orgId, userId, text, at}] what each side said at each stage, in order;
 *   `positionsLogged` how many of them (from the first) are in the log — a position a crash left
 *   unlogged is logged when the dispute is next read or swept
 * - `opinion` the authority's summary of each side's reasons and its leaning opinion, submitted for
 *   decision to `submittedTo` · `decision` the decision it records · `openedBy` `openedAt`
 *   `resolvedAt` · `loggedSeq` the opening's log entry, set last
 *
 * Each stage ends once — the opinion and the decision too (`<dispute>:opinion`, `:submitted`): its outcome is a claim in `dispute_steps` (`_id` `<dispute>:<stage>`:
 * outcome resolved | failed, note, by, orgId, at, the bodies invited when it leads to the joint
 * consultation); the dispute's `stage` follows it.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { DISPUTE_MATTERS, DISPUTE_STAGES, type DisputeStage } from '~/vocab/disputes'

export { DISPUTE_MATTERS, DISPUTE_STAGES, type DisputeStage }

const positionSchema = new Schema(
  {
    id: { type: String, required: true },
    stage: { type: String, enum: DISPUTE_STAGES, required: true },
    orgId: { type: String, required: true },
    userId: { type: String, required: true },
    text: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false, strict: 'throw' },
)

const disputeSchema = new Schema(
  {
    claimantOrgId: { type: String, required: true },
    respondentOrgId: { type: String, required: true },
    authorityOrgId: { type: String, required: true },
    route: { type: String, enum: ['same-level', 'common-upper'], required: true },
    matter: { type: String, enum: DISPUTE_MATTERS, required: true },
    facts: { type: String, required: true },
    documents: { type: [String], default: [] },
    asks: { type: String, required: true },
    stage: { type: String, enum: DISPUTE_STAGES, required: true, default: 'negotiation' },
    stageDueAt: { type: Date, default: null },
    invitedOrgIds: { type: [String], default: [] },
    positions: { type: [positionSchema], default: [] },
    positionsLogged: { type: Number, default: 0 },
    opinion: {
      type: new Schema(
        {
          claimantReasons: { type: String, required: true },
          respondentReasons: { type: String, required: true },
          leaning: { type: String, required: true },
          submittedTo: { type: String, required: true },
          // The opinion as submitted, with the exchange's electronic seal (Art. 29–30), as JSON.
          sealed: { type: String, default: null },
          by: { type: String, required: true },
          at: { type: Date, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
    decision: {
      type: new Schema(
        {
          text: { type: String, required: true },
          by: { type: String, required: true },
          at: { type: Date, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
    openedBy: { type: String, required: true },
    openedAt: { type: Date, required: true },
    resolvedAt: { type: Date, default: null },
    // The `dispute.opened` log entry, set last (the sweep finishes an opening a crash cut short).
    loggedSeq: { type: Number, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// A body's disputes (either side) and an authority's, newest first.
disputeSchema.index({ claimantOrgId: 1, openedAt: -1 })
disputeSchema.index({ respondentOrgId: 1, openedAt: -1 })
disputeSchema.index({ authorityOrgId: 1, openedAt: -1 })

export type DisputeDoc = InferSchemaType<typeof disputeSchema> & { _id: mongoose.Types.ObjectId }

export const Dispute =
  (mongoose.models.Dispute as mongoose.Model<DisputeDoc>) ??
  mongoose.model('Dispute', disputeSchema, 'disputes')

const disputeStepSchema = new Schema(
  {
    _id: { type: String, required: true },
    disputeId: { type: String, required: true },
    stage: { type: String, enum: DISPUTE_STAGES, required: true },
    // A stage's outcome; `submitted` the authority's opinion, `decided` the decision recorded.
    outcome: { type: String, enum: ['resolved', 'failed', 'submitted', 'decided'], required: true },
    note: { type: String, required: true },
    by: { type: String, required: true },
    orgId: { type: String, required: true },
    at: { type: Date, required: true },
    invitedOrgIds: { type: [String], default: [] },
  },
  { versionKey: false, strict: 'throw' },
)

export type DisputeStepDoc = InferSchemaType<typeof disputeStepSchema>

export const DisputeStep =
  (mongoose.models.DisputeStep as mongoose.Model<DisputeStepDoc>) ??
  mongoose.model('DisputeStep', disputeStepSchema, 'dispute_steps')
