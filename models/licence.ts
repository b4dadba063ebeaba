/**
 * Licence (usage policy) — the shared contract between products (issue 5) and orders / research
 * access (issue 6). Collection `licences`; its events in `licence_events`.
 *
 * Issue 6 creates licences (a paid order, or an approved research request) from the product's
 * `licenceTemplate` (models/product.ts); issue 5 reads them to answer "may org X derive from Y
 * at time T?" (app/services/licences/rights.server.ts). Modelled on ODRL: the flags below are the
 * permissions (use, derive), prohibitions (redistribute, commercial use when research-only) and
 * duties (usage reports, Art. 46).
 *
 * - `licenseeOrgId` who may use · `licensorOrgId` the product's owner (or the source department)
 * - subject: `productId` + `versionId` (null = every version of the product), or `catalogEntryId`
 *   (research access to a catalog entry, Art. 26)
 * - `purpose` · `scenario` (應用業務場景) · `permittedFields` (minimal authorization, Art. 24; empty
 *   = every field) · `deliveryMode` file_download|api|model_run
 * - `start` `end` (截止時間): valid for start ≤ T < end
 * - `derivationAllowed` · `redistribution` (false by default) · `researchOnly` · `commercialUse`
 *   · `usageReport` none|monthly|quarterly|yearly (Art. 46)
 * - `source` order|research-grant · `sourceRef` the order id or research request id (unique: one
 *   licence per order / request; seeded demo licences use `demo:<key>`) · `pricePlanKey` · `callsQuota`
 *   the API call quota bought with it (null = no per-call quota)
 * - `status` active|expired|revoked — a projection of the events; readers that decide rights
 *   check the events and the dates themselves (rights.server.ts), never `status` alone
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { DELIVERY_MODES, USAGE_REPORT_PERIODS } from '~/vocab/products'

export const LICENCE_SOURCES = ['order', 'research-grant'] as const
export const LICENCE_STATUSES = ['active', 'expired', 'revoked'] as const
// `extended`: a subscription renewal (issue 6 orders); its `_id` is `${licenceId}:extended:${invoiceId}`.
export const LICENCE_EVENT_KINDS = ['issued', 'revoked', 'expired', 'extended'] as const

const licenceSchema = new Schema(
  {
    licenseeOrgId: { type: String, required: true },
    licensorOrgId: { type: String, required: true },
    productId: { type: String, default: null },
    versionId: { type: String, default: null },
    catalogEntryId: { type: String, default: null },
    purpose: { type: String, required: true },
    scenario: { type: String, required: true },
    permittedFields: { type: [String], default: [] },
    deliveryMode: { type: String, enum: DELIVERY_MODES, required: true },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    derivationAllowed: { type: Boolean, required: true },
    redistribution: { type: Boolean, required: true, default: false },
    researchOnly: { type: Boolean, required: true, default: false },
    commercialUse: { type: Boolean, required: true, default: true },
    usageReport: { type: String, enum: USAGE_REPORT_PERIODS, default: 'none' },
    source: { type: String, enum: LICENCE_SOURCES, required: true },
    sourceRef: { type: String, required: true, unique: true },
    pricePlanKey: { type: String, default: null },
    // The plan's call quota when bought (Art. 38: the terms sold, not the plan's later edits); null = none.
    callsQuota: { type: Number, default: null },
    status: { type: String, enum: LICENCE_STATUSES, required: true, default: 'active' },
    revokedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// rights.server.ts: an org's licences for one product (Art. 35/37 derivation check).
licenceSchema.index({ licenseeOrgId: 1, productId: 1 })
// rights.server.ts: an org's licences for one catalog entry (research access).
licenceSchema.index({ licenseeOrgId: 1, catalogEntryId: 1 })

// Append-only: `_id` = `licenceEventId(...)`, so each happens once (a second revocation, a
// replayed expiry job for the same end) and the licence's status is derived from these.
const licenceEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    licenceId: { type: String, required: true },
    kind: { type: String, enum: LICENCE_EVENT_KINDS, required: true },
    reason: { type: String, default: '' },
    actorUserId: { type: String, default: null },
    actorOrgId: { type: String, default: null },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

// rights.server.ts: the revocations among a batch of licences (`$in` on licenceId).
licenceEventSchema.index({ licenceId: 1 })

export type LicenceDoc = InferSchemaType<typeof licenceSchema> & { _id: mongoose.Types.ObjectId }
export type LicenceEventDoc = InferSchemaType<typeof licenceEventSchema>

/**
 * `${licenceId}:${kind}`, or `${licenceId}:${kind}:${qualifier}` for what may happen more than once:
 * an expiry is keyed by the end that passed (`expired:<end ISO>`), since a renewal can move the end
 * and the licence can expire again; an extension by its invoice.
 */
export function licenceEventId(
  licenceId: string,
  kind: (typeof LICENCE_EVENT_KINDS)[number],
  qualifier?: string,
): string {
  return qualifier ? `${licenceId}:${kind}:${qualifier}` : `${licenceId}:${kind}`
}

export const Licence =
  (mongoose.models.Licence as mongoose.Model<InferSchemaType<typeof licenceSchema>>) ??
  mongoose.model('Licence', licenceSchema, 'licences')

export const LicenceEvent =
  (mongoose.models.LicenceEvent as mongoose.Model<LicenceEventDoc>) ??
  mongoose.model('LicenceEvent', licenceEventSchema, 'licence_events')
