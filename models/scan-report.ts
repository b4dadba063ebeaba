import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose'

// One desensitization scan of one file (C9; Art. 32, 41, 46). The unique key
// (fileHash, schemaHash, profile) makes a retried or repeated scan of the same bytes under the
// same declarations one report. The full per-column result is kept as the report body.
const scanReportSchema = new Schema(
  {
    // SHA-256 of the file's bytes; `unreadable:<sha256 of the ref>` when it could not be opened.
    fileHash: { type: String, required: true },
    // SHA-256 of the declared schema's canonical JSON (of `null` when none was declared).
    schemaHash: { type: String, required: true },
    // The desensitization profile the file was produced with ('raw' for an untreated file).
    profile: { type: String, required: true },
    status: { type: String, enum: ['passed', 'failed'], required: true },
    format: { type: String },
    encoding: { type: String },
    bytes: { type: Number, required: true },
    blockingFindings: { type: Number, required: true },
    failureCode: { type: String },
    // ScanResult (app/services/desensitize/scanner.server.ts): sheets, columns, findings, k-anonymity.
    result: { type: Schema.Types.Mixed, required: true },
    // The organisation that asked first; who else may read it follows from the scan links.
    orgId: { type: String },
    requestedBy: { type: String },
    fileRef: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw', collection: 'scan_reports', minimize: false },
)

// The domain key: one report per bytes × declarations × profile (a retry finds the first).
scanReportSchema.index({ fileHash: 1, schemaHash: 1, profile: 1 }, { unique: true })

export type ScanReportDoc = InferSchemaType<typeof scanReportSchema> & {
  _id: mongoose.Types.ObjectId
}

export const ScanReport =
  (mongoose.models.ScanReport as Model<InferSchemaType<typeof scanReportSchema>>) ??
  mongoose.model('ScanReport', scanReportSchema, 'scan_reports')

// A subject (a product version, an open distribution) tied to a scan. `_id` is
// `<subjectRef>|<reportId>` for a finished scan and `<subjectRef>|request:<key>` for one
// requested and not yet finished, so re-running either is an idempotent upsert. The newest link
// of a subject is its screening status: pending → passed / failed.
const scanLinkSchema = new Schema(
  {
    _id: { type: String, required: true },
    subjectRef: { type: String, required: true },
    reportId: { type: String },
    status: { type: String, enum: ['pending', 'passed', 'failed'], required: true },
    fileHash: { type: String },
    orgId: { type: String },
    // Sequence of the ledger entry that recorded this scan for this subject.
    ledgerSeq: { type: Number },
    at: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', collection: 'scan_links' },
)

// screeningStatus(subjectRef): the subject's newest link.
scanLinkSchema.index({ subjectRef: 1, at: -1 })
// Who may read a report: the organisations that linked it.
scanLinkSchema.index({ reportId: 1 })

export type ScanLinkDoc = InferSchemaType<typeof scanLinkSchema>

export const ScanLink =
  (mongoose.models.ScanLink as Model<ScanLinkDoc>) ??
  mongoose.model('ScanLink', scanLinkSchema, 'scan_links')
