/**
 * A version of a data product (C7; Art. 35–38). Collection `product_versions`.
 *
 * - `productId` `ownerOrgId` · `number` 1, 2, … (unique per product: the insert claims the number)
 * - `note` {zh,en} what changed
 * - `distributions` [{key, kind file|api, title{zh,en}, format, fileName, mediaType, sha256,
 *   sizeBytes, storageKey (content store key), endpoint (api), scanRequested}]
 * - `dataSchema` (not `schema`, which Mongoose documents reserve) {fields [{name, label{zh,en}, type, personal, sensitive,
 *   fixed, toleranceAbsolute}]} — the last two: how far a fingerprinted copy may differ (ADR 021)
 * - `provenance` (models/provenance-record.ts, embedded: ADR 017) · `lineage` every ancestor
 *   version id (transitive inputs) with `lineageComplete`, so the walk reads a graph in one query
 * - projections of the listing events (models/listing-event.ts), kept by app/services/products:
 *   `state` draft|submitted|published|returned|blocked|private · `screening` {status, source
 *   scanner|authority, at, note} · `review` {status, reasons, at} · `blockedReason` (i18n key)
 *   · `submittedAt` `publishedAt`
 * - `runId` the model run that produced it (model-run results; unique, so a retried job finds it)
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import {
  REVIEW_STATES,
  SCHEMA_FIELD_TYPES,
  SCREENING_STATUSES,
  VERSION_STATES,
} from '~/vocab/products'
import { provenanceRecordSchema } from './provenance-record'

const localized = new Schema(
  { zh: { type: String, default: '' }, en: { type: String, default: '' } },
  { _id: false, strict: 'throw' },
)

const distributionSchema = new Schema(
  {
    key: { type: String, required: true },
    kind: { type: String, enum: ['file', 'api'], required: true },
    title: { type: localized, required: true },
    format: { type: String, required: true },
    fileName: { type: String, default: null },
    mediaType: { type: String, default: null },
    sha256: { type: String, default: null },
    sizeBytes: { type: Number, default: null },
    storageKey: { type: String, default: null },
    endpoint: { type: String, default: null },
    scanRequested: { type: Boolean, default: false },
    addedAt: { type: Date, required: true, default: () => new Date() },
  },
  { _id: false, strict: 'throw' },
)

const schemaFieldSchema = new Schema(
  {
    name: { type: String, required: true },
    label: { type: localized, required: true },
    type: { type: String, enum: SCHEMA_FIELD_TYPES, required: true },
    personal: { type: Boolean, default: false },
    sensitive: { type: Boolean, default: false },
    // Art. 38 (ADR 021): a numeric column's fingerprint tolerance, as the provider declares it.
    fixed: { type: Boolean, default: false },
    toleranceAbsolute: { type: Number, default: null },
  },
  { _id: false, strict: 'throw' },
)

const productVersionSchema = new Schema(
  {
    productId: { type: String, required: true },
    ownerOrgId: { type: String, required: true },
    number: { type: Number, required: true, min: 1 },
    note: { type: localized, required: true },
    distributions: { type: [distributionSchema], default: [] },
    dataSchema: {
      type: new Schema(
        { fields: { type: [schemaFieldSchema], default: [] } },
        { _id: false, strict: 'throw' },
      ),
      default: () => ({ fields: [] }),
    },
    provenance: { type: provenanceRecordSchema, required: true },
    // Every product version this one derives from, transitively (ADR 017): the inputs' ids plus
    // their lineages, fixed at drafting (inputs never change afterwards). Lets the provenance walk
    // read a whole graph with one `$in` instead of one per level. `lineageComplete` false (too
    // large, or an input without a lineage): the walk goes level by level.
    lineage: { type: [String], default: [] },
    lineageComplete: { type: Boolean, default: false },
    state: { type: String, enum: VERSION_STATES, required: true },
    screening: {
      type: new Schema(
        {
          status: { type: String, enum: SCREENING_STATUSES, required: true },
          source: { type: String, enum: ['scanner', 'authority', null], default: null },
          at: { type: Date, default: null },
          note: { type: String, default: '' },
        },
        { _id: false, strict: 'throw' },
      ),
      default: () => ({ status: 'pending' }),
    },
    review: {
      type: new Schema(
        {
          status: { type: String, enum: REVIEW_STATES, required: true },
          reasons: { type: [String], default: [] },
          at: { type: Date, default: null },
        },
        { _id: false, strict: 'throw' },
      ),
      default: () => ({ status: 'not_required' }),
    },
    blockedReason: { type: String, default: null },
    runId: { type: String },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    submittedAt: { type: Date, default: null },
    publishedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// One number per product: a concurrent second "new version" gets E11000 and takes the next.
productVersionSchema.index({ productId: 1, number: 1 }, { unique: true })
// The authority's queue (submitted versions), paged by _id.
productVersionSchema.index({ state: 1, _id: 1 })
// A model run's result, found again by a retried job.
productVersionSchema.index({ runId: 1 }, { unique: true, sparse: true })

export type ProductVersionDoc = InferSchemaType<typeof productVersionSchema> & {
  _id: mongoose.Types.ObjectId
}

export const ProductVersion =
  (mongoose.models.ProductVersion as mongoose.Model<
    InferSchemaType<typeof productVersionSchema>
  >) ?? mongoose.model('ProductVersion', productVersionSchema, 'product_versions')
