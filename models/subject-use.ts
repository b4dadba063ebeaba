/**
 * A use of data subjects' records (C10; Art. 39, 42: who used my data, when, for what, on what
 * basis). Collection `subject_uses`. Compact by design — one document per use, never one per record:
 *
 * - `_id` the use's event key (unique: a retried step records its use once) · `kind` what happened
 *   (`sharing-delivery` a grant's copy of a table, `sharing-api-read` rows read through a grant's
 *   API, `verification` a verification that found the record, `authorized-read` a read under her
 *   authorization, `licence-delivery` a licence's copy of a product version's table,
 *   `research-licence` a research licence's copy (of a version's table or an open file),
 *   `open-data-release` an open-data file published) · `at`
 * - `orgId` who used it · `purpose` · `basis` the legal basis or duty cited · `ref` what it was
 *   done under (`sharing-grant:<id>`, `catalog-entry:<id>`, `licence:<id>`)
 * - whose records: `datasetId` with `rowFrom`/`rowTo` (rows `[rowFrom, rowTo)` of that stored
 *   table, 1-based; null both for every row) — or `keys`, 16 bytes of each subject key it touched
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const SUBJECT_USE_KINDS = [
  'sharing-delivery',
  'sharing-api-read',
  'verification',
  'authorized-read',
  'licence-delivery',
  'research-licence',
  'open-data-release',
] as const

const subjectUseSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: SUBJECT_USE_KINDS, required: true },
    at: { type: Date, required: true },
    orgId: { type: String, required: true },
    purpose: { type: String, default: '' },
    basis: { type: String, default: '' },
    ref: { type: String, required: true },
    datasetId: { type: String, default: null },
    rowFrom: { type: Number, default: null },
    rowTo: { type: Number, default: null },
    keys: { type: Buffer, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

export type SubjectUseDoc = InferSchemaType<typeof subjectUseSchema>

export const SubjectUse =
  (mongoose.models.SubjectUse as mongoose.Model<SubjectUseDoc>) ??
  mongoose.model('SubjectUse', subjectUseSchema, 'subject_uses')
