/**
 * Usage report (使用情况反馈) — C8, Art. 46: a licensee reports, for each period its licence
 * sets (`usageReport` monthly|quarterly|yearly, counted from the licence start), how it used the
 * data. Collection `usage_reports`; overdue marks in `usage_report_overdue`.
 *
 * UsageReport: `_id` = `${licenceId}:p${periodIndex}` — one report per licence per period (ADR 003).
 * - `licenceId` `licenseeOrgId` `licensorOrgId` · `periodIndex` 0, 1, … · `periodStart` `periodEnd`
 * - `usage` how the data was used · `outputs` what came of it (reports, papers, products)
 *   · `fieldsUsed` · `incidents` data-security incidents (empty = none) · `late` submitted after due
 * - `submittedBy` `submittedAt` `ledgerSeq`
 *
 * UsageReportOverdue: `_id` = the same key — a period is marked overdue once, however often the
 * reminder job runs; the dashboards read these.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const usageReportSchema = new Schema(
  {
    _id: { type: String, required: true },
    licenceId: { type: String, required: true },
    licenseeOrgId: { type: String, required: true },
    licensorOrgId: { type: String, required: true },
    periodIndex: { type: Number, required: true, min: 0 },
    periodStart: { type: Date, required: true },
    periodEnd: { type: Date, required: true },
    usage: { type: String, required: true },
    outputs: { type: String, default: '' },
    fieldsUsed: { type: [String], default: [] },
    incidents: { type: String, default: '' },
    late: { type: Boolean, required: true, default: false },
    submittedBy: { type: String, required: true },
    submittedAt: { type: Date, required: true, default: () => new Date() },
    ledgerSeq: { type: Number, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// A licence's reports (the licence page) and a batch of licences' reports (the sweep, `$in`).
usageReportSchema.index({ licenceId: 1 })

const usageReportOverdueSchema = new Schema(
  {
    _id: { type: String, required: true },
    licenceId: { type: String, required: true },
    licenseeOrgId: { type: String, required: true },
    licensorOrgId: { type: String, required: true },
    periodIndex: { type: Number, required: true },
    periodStart: { type: Date, required: true },
    periodEnd: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    markedAt: { type: Date, required: true, default: () => new Date() },
    // The `usage-report.overdue` entry; null until logged (a sweep that crashed in between logs it next run).
    ledgerSeq: { type: Number, default: null },
  },
  { versionKey: false, strict: 'throw' },
)

// The licensor's dashboard (provider home): overdue reports on its licences.
usageReportOverdueSchema.index({ licensorOrgId: 1 })
// The licensee's own list of overdue reports.
usageReportOverdueSchema.index({ licenseeOrgId: 1 })

export type UsageReportDoc = InferSchemaType<typeof usageReportSchema>
export type UsageReportOverdueDoc = InferSchemaType<typeof usageReportOverdueSchema>

export function usageReportId(licenceId: string, periodIndex: number): string {
  return `${licenceId}:p${periodIndex}`
}

export const UsageReport =
  (mongoose.models.UsageReport as mongoose.Model<UsageReportDoc>) ??
  mongoose.model('UsageReport', usageReportSchema, 'usage_reports')

export const UsageReportOverdue =
  (mongoose.models.UsageReportOverdue as mongoose.Model<UsageReportOverdueDoc>) ??
  mongoose.model('UsageReportOverdue', usageReportOverdueSchema, 'usage_report_overdue')
