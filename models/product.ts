/**
 * Data product (數據產品) or analysis model (模型/算法) — C7, Art. 35–38. Collection `products`.
 *
 * - `ownerOrgId` the provider (or the authority, Art. 36) · `visibility` market|private (a model
 *   run's result belongs to the runner and is never listed)
 * - `kind` dataset|api|report|model · `title` `description` {zh,en} · `category` (catalog categories)
 *   · `grade` {tier important|general, level} (core is refused before it gets here) · `tags`
 * - `sample` a short preview (CSV text or prose) anyone browsing may read
 * - `pricePlans` [{key, kind one_off|subscription_monthly|per_call, title{zh,en}, amountFen (integer
 *   fen), currency CNY, callsQuota (per_call), seats (null = unlimited)}]
 * - `licenceTemplate` the usage policy a licence is made from (issue 6; models/licence.ts)
 * - `model` (kind model only) {inputs [{name, description{zh,en}, fields}], outputs [...],
 *   documentation{zh,en}, runner (built-in runner id)}
 * - projections kept by app/services/products: `latestPublished` {versionId, number, publishedAt}
 *   or null, `listed` (market + has a published version), `versionCount`
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import {
  DELIVERY_MODES,
  PRICE_PLAN_KINDS,
  PRODUCT_CATEGORIES,
  PRODUCT_GRADE_TIERS,
  PRODUCT_KINDS,
  PRODUCT_VISIBILITIES,
  USAGE_REPORT_PERIODS,
} from '~/vocab/products'

const localized = new Schema(
  { zh: { type: String, default: '' }, en: { type: String, default: '' } },
  { _id: false, strict: 'throw' },
)

const pricePlanSchema = new Schema(
  {
    key: { type: String, required: true },
    kind: { type: String, enum: PRICE_PLAN_KINDS, required: true },
    title: { type: localized, required: true },
    // Money is integer fen (1 CNY = 100 fen), never a float.
    amountFen: { type: Number, required: true, min: 0, validate: Number.isSafeInteger },
    currency: { type: String, enum: ['CNY'], default: 'CNY' },
    callsQuota: { type: Number, default: null },
    seats: { type: Number, default: null },
  },
  { _id: false, strict: 'throw' },
)

/** The usage policy a paid order or research grant turns into a licence (issue 6, Art. 24, 26). */
export const licenceTemplateSchema = new Schema(
  {
    purpose: { type: localized, required: true },
    scenario: { type: localized, required: true },
    // Minimal authorization (Art. 24): empty = every field of the version's schema.
    permittedFields: { type: [String], default: [] },
    deliveryMode: { type: String, enum: DELIVERY_MODES, required: true },
    durationDays: { type: Number, required: true, min: 1, max: 3650 },
    derivationAllowed: { type: Boolean, required: true },
    // Redistribution is forbidden by default (issue 6).
    redistribution: { type: Boolean, default: false },
    researchOnly: { type: Boolean, default: false },
    commercialUse: { type: Boolean, default: true },
    usageReport: { type: String, enum: USAGE_REPORT_PERIODS, default: 'quarterly' },
  },
  { _id: false, strict: 'throw' },
)

const modelPortSchema = new Schema(
  {
    name: { type: String, required: true },
    description: { type: localized, required: true },
    fields: { type: [String], default: [] },
  },
  { _id: false, strict: 'throw' },
)

const productSchema = new Schema(
  {
    ownerOrgId: { type: String, required: true },
    visibility: { type: String, enum: PRODUCT_VISIBILITIES, required: true, default: 'market' },
    kind: { type: String, enum: PRODUCT_KINDS, required: true },
    title: { type: localized, required: true },
    description: { type: localized, required: true },
    category: { type: String, enum: PRODUCT_CATEGORIES, required: true },
    grade: {
      type: new Schema(
        {
          tier: { type: String, enum: PRODUCT_GRADE_TIERS, required: true },
          level: { type: Number, default: null },
        },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    tags: { type: [String], default: [] },
    sample: { type: String, default: '' },
    pricePlans: { type: [pricePlanSchema], default: [] },
    licenceTemplate: { type: licenceTemplateSchema, required: true },
    model: {
      type: new Schema(
        {
          inputs: { type: [modelPortSchema], default: [] },
          outputs: { type: [modelPortSchema], default: [] },
          documentation: { type: localized, required: true },
          runner: { type: String, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
    latestPublished: {
      type: new Schema(
        {
          versionId: { type: String, required: true },
          number: { type: Number, required: true },
          publishedAt: { type: Date, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
    listed: { type: Boolean, required: true, default: false },
    versionCount: { type: Number, required: true, default: 0 },
    // The seed's stable name for a demo product (idempotent seeding); absent otherwise.
    seedKey: { type: String },
    // A private results product: `${orgId}:${modelProductId}` (one per org and model), absent otherwise.
    resultKey: { type: String },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// The provider console's "my products", paged by _id.
productSchema.index({ ownerOrgId: 1, _id: 1 })
// The seed finds its demo products again (one per key).
productSchema.index({ seedKey: 1 }, { unique: true, sparse: true })
// A model run finds (or creates, once) its requester's results product.
productSchema.index({ resultKey: 1 }, { unique: true, sparse: true })

export type ProductDoc = InferSchemaType<typeof productSchema> & { _id: mongoose.Types.ObjectId }
export type LicenceTemplate = InferSchemaType<typeof licenceTemplateSchema>

export const Product =
  (mongoose.models.Product as mongoose.Model<InferSchemaType<typeof productSchema>>) ??
  mongoose.model('Product', productSchema, 'products')
