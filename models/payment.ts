/**
 * A payment received for an order (C8; Art. 38). Collection `payments`.
 *
 * `_id` = `${orderId}` for the order's payment (one per order: a replayed webhook or a second
 * confirmation of the same transfer hits the unique `_id`), `${orderId}:${invoiceId}` for a
 * subscription's renewal invoice (one per invoice). `kind` initial|renewal · `method`
 * stripe|bank_transfer · `amountFen` `currency` · Stripe ids, or the bank's reference for a
 * transfer and who confirmed it · `ledgerSeq` its `order.paid` entry (the receipt) · refund fields.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { PAYMENT_METHODS } from './order'

const paymentSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    kind: { type: String, enum: ['initial', 'renewal'], required: true },
    method: { type: String, enum: PAYMENT_METHODS, required: true },
    amountFen: { type: Number, required: true, min: 0, validate: Number.isSafeInteger },
    currency: { type: String, enum: ['CNY'], default: 'CNY' },
    stripeEventId: { type: String, default: null },
    stripeSessionId: { type: String, default: null },
    stripePaymentIntentId: { type: String, default: null },
    stripeInvoiceId: { type: String, default: null },
    periodEnd: { type: Date, default: null },
    bankReference: { type: String, default: null },
    confirmedByUserId: { type: String, default: null },
    transferSeq: { type: Number, default: null },
    ledgerSeq: { type: Number, default: null },
    refundReference: { type: String, default: null },
    refundedAt: { type: Date, default: null },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// An order page lists its payments (the first and any renewals).
paymentSchema.index({ orderId: 1 })
// charge.refunded names a payment intent: find the payment it refunds.
paymentSchema.index({ stripePaymentIntentId: 1 }, { sparse: true })

export type PaymentDoc = InferSchemaType<typeof paymentSchema>

export const Payment =
  (mongoose.models.Payment as mongoose.Model<PaymentDoc>) ??
  mongoose.model('Payment', paymentSchema, 'payments')
