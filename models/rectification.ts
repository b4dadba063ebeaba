/**
 * A rectification notice (限期整改, C12; Art. 52). Collection `rectifications`.
 *
 * - `authorityOrgId` the data authority that issues it · `agencyOrgId` the body it is addressed to
 * - `item` the situation of Art. 52 (1–10) · `finding` what was found · `evidenceSeqs` log entries
 *   that show it (from the supervision figures, or none when the authority recorded it itself)
 * - `dueAt` the deadline · `issuedBy` `issuedAt`
 * - `status` issued → answered → closed, or issued → escalated (overdue: reported to the
 *   government for supervision, 督查督办) → answered → closed; projected from the claims below
 * - `answer` {measures, by, at} the agency's account of what it did · `closedNote`
 * - `sealed` the notice as issued with its electronic seal (Art. 29–30), as JSON · `loggedSeq` its
 *   log entry, set last
 *
 * Each step happens once: a claim in `rectification_steps` (`_id` `<notice>:answer`, `:escalate`,
 * `:close`; `text` the measures or the closing note), from which the notice is projected.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const RECTIFICATION_STATUSES = ['issued', 'escalated', 'answered', 'closed'] as const

const rectificationSchema = new Schema(
  {
    authorityOrgId: { type: String, required: true },
    agencyOrgId: { type: String, required: true },
    item: { type: Number, required: true, min: 1, max: 10 },
    finding: { type: String, required: true },
    evidenceSeqs: { type: [Number], default: [] },
    dueAt: { type: Date, required: true },
    issuedBy: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    status: { type: String, enum: RECTIFICATION_STATUSES, required: true, default: 'issued' },
    escalatedAt: { type: Date, default: null },
    answer: {
      type: new Schema(
        {
          measures: { type: String, required: true },
          by: { type: String, required: true },
          at: { type: Date, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
    closedAt: { type: Date, default: null },
    closedNote: { type: String, default: null },
    // The notice as issued, sealed (app/services/seals): the sealed document's JSON.
    sealed: { type: String, default: null },
    // The `rectification.issued` log entry, set last (the sweep finishes an issue a crash cut short).
    loggedSeq: { type: Number, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

rectificationSchema.index({ agencyOrgId: 1, issuedAt: -1 })
rectificationSchema.index({ authorityOrgId: 1, issuedAt: -1 })

export type RectificationDoc = InferSchemaType<typeof rectificationSchema> & {
  _id: mongoose.Types.ObjectId
}

export const Rectification =
  (mongoose.models.Rectification as mongoose.Model<RectificationDoc>) ??
  mongoose.model('Rectification', rectificationSchema, 'rectifications')

const rectificationStepSchema = new Schema(
  {
    _id: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    text: { type: String, default: '' },
  },
  { versionKey: false, strict: 'throw' },
)

export const RectificationStep =
  (mongoose.models.RectificationStep as mongoose.Model<
    InferSchemaType<typeof rectificationStepSchema>
  >) ?? mongoose.model('RectificationStep', rectificationStepSchema, 'rectification_steps')
