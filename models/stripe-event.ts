/**
 * A Stripe webhook event as received (C8; ADR 005). Collection `stripe_events`. `_id` = the
 * Stripe event id, so a replayed delivery is recorded once. Only the fields the payment-events job
 * needs are kept (no customer details): `type`, the object's ids, `orderId` from our metadata,
 * amounts, the invoice's billing reason and period end. `processedAt` is set once the job handled it.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const stripeEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    livemode: { type: Boolean, default: false },
    // Set when the event came from a connected account (Connect), not the platform's own.
    account: { type: String, default: null },
    createdAt: { type: Date, required: true },
    objectId: { type: String, default: null },
    orderId: { type: String, default: null },
    paymentIntentId: { type: String, default: null },
    subscriptionId: { type: String, default: null },
    invoiceId: { type: String, default: null },
    billingReason: { type: String, default: null },
    periodEnd: { type: Date, default: null },
    amountFen: { type: Number, default: null },
    currency: { type: String, default: null },
    paymentStatus: { type: String, default: null },
    fullyRefunded: { type: Boolean, default: null },
    receivedAt: { type: Date, required: true, default: () => new Date() },
    processedAt: { type: Date, default: null },
    outcome: { type: String, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

export type StripeEventDoc = InferSchemaType<typeof stripeEventSchema>

export const StripeEvent =
  (mongoose.models.StripeEvent as mongoose.Model<StripeEventDoc>) ??
  mongoose.model('StripeEvent', stripeEventSchema, 'stripe_events')
