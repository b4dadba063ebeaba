import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose'

export const LEDGER_ALGS = ['sha256', 'sm3'] as const
export type LedgerAlg = (typeof LEDGER_ALGS)[number]

export type LedgerSummary = Record<string, string | number | boolean>

// C11: append-only, hash-chained transaction log.
const ledgerEntrySchema = new Schema(
  {
    // The sequence number (1-based). Its uniqueness is what stops two concurrent appends from
    // forking the chain: only one insert can take a given seq.
    _id: { type: Number, required: true, min: 1 },
    at: { type: Date, required: true },
    alg: { type: String, enum: LEDGER_ALGS, required: true },
    action: { type: String, required: true },
    actorUserId: { type: String },
    actorOrgId: { type: String },
    // `type:id` strings, e.g. `org:665f…`.
    subjects: { type: [String], required: true },
    // Hash of the payload's canonical JSON; the payload itself may hold personal data, so it is not kept.
    payloadDigest: { type: String, required: true },
    // Small non-personal detail shown to regulators.
    summary: { type: Schema.Types.Mixed },
    // Idempotency key of the state change this entry records: a step retried after a crash
    // appends its entry once.
    eventKey: { type: String },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  {
    collection: 'ledger_entries',
    versionKey: false,
    strict: 'throw',
    // An empty summary must not vanish on save: the hash covers exactly what is stored.
    minimize: false,
  },
)

// A retried step finds the entry it already appended (appendLedger({ eventKey })).
ledgerEntrySchema.index({ eventKey: 1 }, { unique: true, sparse: true })
// Regulators list one subject's history, newest first (listLedger({ subject })).
ledgerEntrySchema.index({ subjects: 1, _id: -1 })
// Regulators list what one organisation did, newest first (listLedger({ orgId })).
ledgerEntrySchema.index({ actorOrgId: 1, _id: -1 })

type InferredLedgerEntry = InferSchemaType<typeof ledgerEntrySchema>

export type LedgerEntry = Omit<InferredLedgerEntry, '_id' | 'alg' | 'summary'> & {
  _id: number
  alg: LedgerAlg
  summary?: LedgerSummary
}

export const LedgerEntry: Model<LedgerEntry> =
  (mongoose.models.LedgerEntry as Model<LedgerEntry> | undefined) ??
  mongoose.model<LedgerEntry>('LedgerEntry', ledgerEntrySchema)
