/**
 * A seat of a price plan with a seat limit (C8). Collection `seat_claims`.
 *
 * `_id` = `${productId}:${planKey}:${n}` for n in 1..seats: an order claims the first free seat
 * by inserting its claim — the unique `_id` lets exactly one order hold each seat, however many
 * order at once (a conditional `$inc` on a counter oversells on the dev database, ADR 003). A seat
 * is released only by the order holding it (its cancellation or refund), by deleting its claim.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const seatClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    productId: { type: String, required: true },
    planKey: { type: String, required: true },
    seatNo: { type: Number, required: true },
    orderId: { type: String, required: true },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

// Seats taken of one product's plans (the order form shows what is left).
seatClaimSchema.index({ productId: 1 })

export type SeatClaimDoc = InferSchemaType<typeof seatClaimSchema>

export function seatClaimId(productId: string, planKey: string, n: number): string {
  return `${productId}:${planKey}:${n}`
}

export const SeatClaim =
  (mongoose.models.SeatClaim as mongoose.Model<SeatClaimDoc>) ??
  mongoose.model('SeatClaim', seatClaimSchema, 'seat_claims')
