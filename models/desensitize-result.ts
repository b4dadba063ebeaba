import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// One application of a desensitization profile to one input file (C9; Art. 32, 41). `_id` =
// `<input sha256>-<profile sha256>`: applying the same profile to the same bytes again (a retried
// job, a second request) finds this record instead of making a second output. The output lives in
// the content store under its own hash; `provenance` is {input hash, profile, output hash}.
const desensitizeResultSchema = new Schema(
  {
    _id: { type: String, required: true },
    inputFileRef: { type: String, required: true },
    inputHash: { type: String, required: true },
    profileHash: { type: String, required: true },
    profileName: { type: String, required: true },
    // The profile's canonical JSON (shown verbatim in provenance, never interpreted from here).
    profileJson: { type: String, required: true },
    outputKey: { type: String, required: true },
    outputHash: { type: String, required: true },
    outputSize: { type: Number, required: true, min: 0 },
    rowsIn: { type: Number, required: true, min: 0 },
    rowsOut: { type: Number, required: true, min: 0 },
    pseudonymScope: { type: String, default: null },
    subjectRef: { type: String, required: true },
    orgId: { type: String },
    requestedBy: { type: String },
    // The ledger entry recording the application (set once it is appended).
    ledgerSeq: { type: Number },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type DesensitizeResultDoc = InferSchemaType<typeof desensitizeResultSchema>

export const DesensitizeResult =
  (mongoose.models.DesensitizeResult as mongoose.Model<DesensitizeResultDoc>) ??
  mongoose.model('DesensitizeResult', desensitizeResultSchema, 'desensitize_results')
