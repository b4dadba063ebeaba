import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose'

// The outcome of one ledger chain verification, kept as the trail a regulator
// reads: when the chain was checked, how far, and where it first broke.
const ledgerAuditSchema = new Schema(
  {
    // The job run that produced it: a retried run records its audit once.
    runId: { type: String, required: true, unique: true },
    at: { type: Date, required: true },
    ok: { type: Boolean, required: true },
    checked: { type: Number, required: true },
    headSeq: { type: Number },
    firstBrokenSeq: { type: Number },
    reason: { type: String },
    // Who asked for an on-demand audit; absent for the hourly scheduled run.
    requestedBy: { type: String },
  },
  { versionKey: false, collection: 'ledger_audits' },
)

// The status page's "latest audits", newest first.
ledgerAuditSchema.index({ at: -1 })

export type LedgerAudit = InferSchemaType<typeof ledgerAuditSchema>

export const LedgerAuditModel: Model<LedgerAudit> =
  (mongoose.models.LedgerAudit as Model<LedgerAudit> | undefined) ??
  mongoose.model<LedgerAudit>('LedgerAudit', ledgerAuditSchema)
