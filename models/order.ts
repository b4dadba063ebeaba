/**
 * Order of a product's price plan (C8; Art. 24, 38). Collection `orders`; its events in
 * `order_events`.
 *
 * - `buyerOrgId` `buyerUserId` · `sellerOrgId` the product's owner · `productId` · `planKey`
 *   `planKind` one_off|subscription_monthly|per_call · `amountFen` (integer fen; a per-call plan is
 *   a prepaid quota: price × calls) · `currency` CNY
 * - `purpose` · `scenario` (應用業務場景, Art. 24) — the licence is issued with these
 * - `method` stripe|bank_transfer · `remittanceRef` the reference a bank transfer (對公轉賬) quotes
 * - `seatNo` the seat claimed for a plan with seats (models/seat-claim.ts), else null
 * - projections of the events and the payment: `status` awaiting_payment|paid|cancelled|refunded,
 *   `paidAt` `cancelledAt` `refundedAt`, `licenceId`, Stripe ids, and the ledger seqs of the
 *   order's entries (receipts)
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { ORDER_STATUSES_LIST, PAYMENT_METHODS_LIST } from '~/vocab/orders'
import { PRICE_PLAN_KINDS } from '~/vocab/products'

export const PAYMENT_METHODS = PAYMENT_METHODS_LIST
export type PaymentMethod = (typeof PAYMENT_METHODS)[number]
export const ORDER_STATUSES = ORDER_STATUSES_LIST
export type OrderStatus = (typeof ORDER_STATUSES)[number]
/**
 * `created` · `settled` (the one outcome of an unpaid order: `outcome` paid or cancelled — a
 * payment and a cancellation race for the same `_id`, so exactly one wins) · `refunded`.
 */
export const ORDER_EVENT_KINDS = ['created', 'settled', 'refunded'] as const
export type OrderEventKind = (typeof ORDER_EVENT_KINDS)[number]

const orderSchema = new Schema(
  {
    buyerOrgId: { type: String, required: true },
    buyerUserId: { type: String, required: true },
    sellerOrgId: { type: String, required: true },
    productId: { type: String, required: true },
    planKey: { type: String, required: true },
    planKind: { type: String, enum: PRICE_PLAN_KINDS, required: true },
    planTitle: { type: new Schema({ zh: String, en: String }, { _id: false }), required: true },
    productTitle: { type: new Schema({ zh: String, en: String }, { _id: false }), required: true },
    // Money is integer fen (1 CNY = 100 fen), never a float.
    amountFen: { type: Number, required: true, min: 0, validate: Number.isSafeInteger },
    currency: { type: String, enum: ['CNY'], default: 'CNY' },
    callsQuota: { type: Number, default: null },
    purpose: { type: String, required: true },
    scenario: { type: String, required: true },
    method: { type: String, enum: PAYMENT_METHODS, required: true },
    remittanceRef: { type: String, required: true },
    seatNo: { type: Number, default: null },
    status: { type: String, enum: ORDER_STATUSES, required: true, default: 'awaiting_payment' },
    stripeSessionId: { type: String, default: null },
    stripeSubscriptionId: { type: String, default: null },
    stripePaymentIntentId: { type: String, default: null },
    licenceId: { type: String, default: null },
    createdSeq: { type: Number, default: null },
    paidSeq: { type: Number, default: null },
    cancelledSeq: { type: Number, default: null },
    refundedSeq: { type: Number, default: null },
    paidAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    refundedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// "My orders": a buyer organisation's orders, newest first, paged by _id.
orderSchema.index({ buyerOrgId: 1, _id: -1 })
// A provider's sales: the orders of its products, newest first.
orderSchema.index({ sellerOrgId: 1, _id: -1 })
// The authority's list of bank transfers awaiting confirmation.
orderSchema.index({ method: 1, status: 1 })
// A bank transfer quotes this reference: it must name one order.
orderSchema.index({ remittanceRef: 1 }, { unique: true })
// A subscription's renewal invoice finds its order.
orderSchema.index({ stripeSubscriptionId: 1 }, { sparse: true })

// Append-only: `_id` = `${orderId}:${kind}`, so each happens once; `outcome` says how `settled` went.
const orderEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    kind: { type: String, enum: ORDER_EVENT_KINDS, required: true },
    outcome: { type: String, enum: ['paid', 'cancelled'], default: null },
    reason: { type: String, default: '' },
    actorUserId: { type: String, default: null },
    actorOrgId: { type: String, default: null },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

// An order page's history (`orderId` equality).
orderEventSchema.index({ orderId: 1 })

export type OrderDoc = InferSchemaType<typeof orderSchema> & { _id: mongoose.Types.ObjectId }
export type OrderEventDoc = InferSchemaType<typeof orderEventSchema>

export function orderEventId(orderId: string, kind: OrderEventKind): string {
  return `${orderId}:${kind}`
}

export const Order =
  (mongoose.models.Order as mongoose.Model<InferSchemaType<typeof orderSchema>>) ??
  mongoose.model('Order', orderSchema, 'orders')

export const OrderEvent =
  (mongoose.models.OrderEvent as mongoose.Model<OrderEventDoc>) ??
  mongoose.model('OrderEvent', orderEventSchema, 'order_events')
