/**
 * A delivery (C8; Art. 24, 38): what one licence received, one record per licence and
 * distribution. Collection `deliveries`.
 *
 * - `_id` = `${licenceId}:${key}` — the claim: the delivery job inserts it first, so a retried or
 *   restarted job finds the same record and finishes it instead of delivering twice (ADR 003).
 *   `key` is the distribution key of a product version's file, `api`, `model-run`,
 *   `open:<distribution key>` (an open-data file of a catalog entry) or `offline`.
 * - `kind` file (a stored copy: fingerprinted CSV, or another file as-is) · open-file (an open-data
 *   file in GridFS, as-is) · api (an API key bound to the licence; the key itself in
 *   models/licence-api-key.ts) · model_run (nothing to deliver: the model runner checks the licence)
 *   · offline (the source department delivers outside the platform)
 * - file: `sourceSha256` the original's hash · `storageKey` `sha256` `sizeBytes` the buyer's copy in
 *   the content store · `fingerprinted` with `fingerprintSpec` (the column spec the marks were made
 *   with, JSON: identification re-reads leaks with exactly this spec) or `fingerprintNote` why not
 *   · `fields` the columns delivered and `droppedFields` those left out (Art. 24 minimal authorization)
 * - `status` claimed|completed — a projection: `completed` once the copy is stored; the ledger
 *   entry `delivery.completed` carries the event key `delivery.completed:<_id>`
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const DELIVERY_KINDS = ['file', 'open-file', 'api', 'model_run', 'offline'] as const
export type DeliveryKind = (typeof DELIVERY_KINDS)[number]

const deliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    licenceId: { type: String, required: true },
    key: { type: String, required: true },
    kind: { type: String, enum: DELIVERY_KINDS, required: true },
    productId: { type: String, default: null },
    versionId: { type: String, default: null },
    catalogEntryId: { type: String, default: null },
    licenseeOrgId: { type: String, required: true },
    licensorOrgId: { type: String, required: true },
    fileName: { type: String, default: null },
    mediaType: { type: String, default: null },
    sourceSha256: { type: String, default: null },
    storageKey: { type: String, default: null },
    sha256: { type: String, default: null },
    sizeBytes: { type: Number, default: null },
    rows: { type: Number, default: null },
    marks: { type: Number, default: null },
    fingerprinted: { type: Boolean, default: false },
    fingerprintSpec: { type: String, default: null },
    fingerprintNote: { type: String, default: null },
    fields: { type: [String], default: [] },
    droppedFields: { type: [String], default: [] },
    // open-file: the OpenDataFile `_id` delivered.
    openFileId: { type: String, default: null },
    status: { type: String, enum: ['claimed', 'completed'], required: true, default: 'claimed' },
    ledgerSeq: { type: Number, default: null },
    claimedAt: { type: Date, required: true, default: () => new Date() },
    completedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// The licence page: a licence's deliveries.
deliverySchema.index({ licenceId: 1 })
// Fingerprint look-up (Art. 38): the fingerprinted copies of one product are the candidate licences.
deliverySchema.index({ productId: 1, fingerprinted: 1 })

export type DeliveryDoc = InferSchemaType<typeof deliverySchema>

export function deliveryId(licenceId: string, key: string): string {
  return `${licenceId}:${key}`
}

export const Delivery =
  (mongoose.models.Delivery as mongoose.Model<DeliveryDoc>) ??
  mongoose.model('Delivery', deliverySchema, 'deliveries')
