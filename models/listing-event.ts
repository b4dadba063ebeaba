import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const LISTING_STEPS = [
  'submitted',
  'review',
  'screening',
  'published',
  'blocked',
  'withdrawn',
] as const
export type ListingStep = (typeof LISTING_STEPS)[number]

// What happened to a product version on its way to the market (C7). Append-only; the
// version's `state`, `review` and `screening` are projections of these records.
// `withdrawn`: a published version taken off the market because it derives from data collected in
// an emergency that has ended (Art. 40).
// `_id` = `${versionId}:${step}` for the steps that happen once (submitted, review, published) —
// a double submit, a second reviewer or a retried publication is refused by the unique `_id` —
// and `${versionId}:screening:${n}` for hand-set screening (the newest wins).
const listingEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    versionId: { type: String, required: true },
    productId: { type: String, required: true },
    step: { type: String, enum: LISTING_STEPS, required: true },
    outcome: { type: String, required: true },
    reasons: { type: [String], default: [] },
    actorUserId: { type: String, default: null },
    actorOrgId: { type: String, default: null },
    at: { type: Date, required: true, default: () => new Date() },
    // The ledger entry that recorded it (set right after the append; a retry appends only when unset).
    ledgerSeq: { type: Number, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// A version's history (version page, review page).
listingEventSchema.index({ versionId: 1, at: 1 })

export type ListingEventDoc = InferSchemaType<typeof listingEventSchema>

export function listingEventId(versionId: string, step: Exclude<ListingStep, 'screening'>): string {
  return `${versionId}:${step}`
}

export const ListingEvent =
  (mongoose.models.ListingEvent as mongoose.Model<ListingEventDoc>) ??
  mongoose.model('ListingEvent', listingEventSchema, 'listing_events')
