import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// C12 (Art. 48–52): one generated supervision report. `content` is the report's canonical
// JSON (RFC 8785) exactly as computed from the ledger, `contentHash` its SHA-256: the same log
// yields the same bytes and the same hash, so `_id` = `${period}-${scopeKey}-${contentHash}`
// stores one document per distinct outcome; a regeneration over a grown log adds a new version.
const supervisionReportSchema = new Schema(
  {
    _id: { type: String, required: true },
    // 'all' (every organisation, one row each) or `org:<id>`.
    scope: { type: String, required: true },
    kind: { type: String, enum: ['monthly', 'yearly'], required: true },
    // 'YYYY-MM' (monthly) or 'YYYY' (yearly), calendar periods in China Standard Time.
    period: { type: String, required: true },
    contentHash: { type: String, required: true },
    content: { type: String, required: true },
    // The last ledger entry the figures read (also inside `content`).
    throughSeq: { type: Number, required: true },
    generatedAt: { type: Date, required: true },
    // User id of an on-demand request; 'scheduler' for the monthly/yearly job.
    generatedBy: { type: String, required: true },
  },
  { versionKey: false, strict: 'throw' },
)

// The report key: one document per (scope, period, content) however often it is generated.
supervisionReportSchema.index({ scope: 1, period: 1, contentHash: 1 }, { unique: true })
// The report list of one scope (all organisations, or one agency), newest generation first.
supervisionReportSchema.index({ scope: 1, generatedAt: -1 })

export type SupervisionReportDoc = InferSchemaType<typeof supervisionReportSchema>

export const SupervisionReport =
  (mongoose.models.SupervisionReport as mongoose.Model<SupervisionReportDoc>) ??
  mongoose.model('SupervisionReport', supervisionReportSchema, 'supervision_reports')
