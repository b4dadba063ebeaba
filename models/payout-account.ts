/**
 * A provider's payout account (Stripe Connect; C8). Collection `payout_accounts`. `_id` = the
 * organisation id: one connected account per organisation (a double click links one). Checkout
 * pays the provider through destination charges to `stripeAccountId`, less the platform's fee.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const payoutAccountSchema = new Schema(
  {
    _id: { type: String, required: true },
    stripeAccountId: { type: String, required: true },
    createdByUserId: { type: String, required: true },
    ledgerSeq: { type: Number, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type PayoutAccountDoc = InferSchemaType<typeof payoutAccountSchema>

export const PayoutAccount =
  (mongoose.models.PayoutAccount as mongoose.Model<PayoutAccountDoc>) ??
  mongoose.model('PayoutAccount', payoutAccountSchema, 'payout_accounts')
