// Seats of a price plan with a seat limit (C8; ADR 003, ADR 020). A seat is claimed when the
// order is placed — so nobody pays for a licence that cannot be issued — and released when that
// order is cancelled or refunded. The claim is an insert under `${productId}:${planKey}:${n}`:
// of any number of concurrent orders exactly `seats` win, on MongoDB and on the dev database alike.
import mongoose from 'mongoose'
import { Order } from '#models/order'
import { SeatClaim, seatClaimId } from '#models/seat-claim'
import { DomainError } from '~/utils/errors'
import { claim } from '~/utils/db.server'
import { isObjectId } from '~/utils/schemas'

/**
 * Art. 24, 38: claims the first free seat of the plan for `orderId` and returns its number, or
 * refuses with 409 when every seat is taken. Tries the seats in order; a lost race on seat n
 * moves on to n + 1. A claim this order already holds (a retried request) is returned again.
 */
export async function claimSeat(input: {
  productId: string
  planKey: string
  seats: number
  orderId: string
}): Promise<number> {
  const taken = await SeatClaim.find(
    { productId: input.productId },
    { _id: 1, planKey: 1, orderId: 1, seatNo: 1 },
  ).lean()
  const mine = taken.find((c) => c.orderId === input.orderId && c.planKey === input.planKey)
  if (mine) return mine.seatNo
  const held = new Set(taken.filter((c) => c.planKey === input.planKey).map((c) => c.seatNo))
  for (let n = 1; n <= input.seats; n++) {
    // Seats seen taken are skipped; the insert is what decides (the snapshot may be stale).
    if (held.has(n)) continue
    const won = await claim(SeatClaim, {
      _id: seatClaimId(input.productId, input.planKey, n),
      productId: input.productId,
      planKey: input.planKey,
      seatNo: n,
      orderId: input.orderId,
    })
    if (won) return n
  }
  throw new DomainError('sold_out', 'error.orders.soldOut', 409, {
    planKey: ['error.orders.soldOut'],
  })
}

/**
 * Frees the seat `orderId` holds. Only the holder's claim is deleted (its `orderId` is part of the
 * filter), so a release that runs twice, or late, never frees a seat another order has since claimed.
 */
export async function releaseSeat(input: {
  productId: string
  planKey: string
  seatNo: number | null
  orderId: string
}): Promise<void> {
  if (input.seatNo === null) return
  await SeatClaim.deleteOne({
    _id: seatClaimId(input.productId, input.planKey, input.seatNo),
    orderId: input.orderId,
  })
}

/** A claim this old whose order does not exist was left by a crash between claim and order. */
export const ORPHAN_CLAIM_MINUTES = 5

/**
 * Frees the plan's seats claimed for an order that was never created (a crash between the claim
 * and `Order.create`). Only claims older than ORPHAN_CLAIM_MINUTES count (an order being placed
 * right now is not an orphan), and each is deleted with its `orderId` in the filter, so a seat
 * claimed again meanwhile is never freed. Returns how many were freed.
 */
export async function releaseOrphanClaims(
  input: { productId: string; planKey: string },
  now = new Date(),
): Promise<number> {
  const cutoff = now.getTime() - ORPHAN_CLAIM_MINUTES * 60_000
  const claims = (await SeatClaim.find({ productId: input.productId }).lean()).filter(
    (c) => c.planKey === input.planKey && c.at.getTime() < cutoff,
  )
  if (claims.length === 0) return 0
  const ids = claims.map((c) => c.orderId).filter((id) => isObjectId(id))
  const existing = new Set(
    (await Order.find({ _id: mongoose.trusted({ $in: ids }) }, { _id: 1 }).lean()).map((o) =>
      String(o._id),
    ),
  )
  let freed = 0
  for (const claim of claims) {
    if (existing.has(claim.orderId)) continue
    const { deletedCount } = await SeatClaim.deleteOne({ _id: claim._id, orderId: claim.orderId })
    freed += deletedCount
  }
  return freed
}

/** Seats taken per plan of a product (the order form shows what is left). */
export async function seatsTaken(productId: string): Promise<Record<string, number>> {
  const claims = await SeatClaim.find({ productId }, { planKey: 1 }).lean()
  const out: Record<string, number> = {}
  for (const c of claims) out[c.planKey] = (out[c.planKey] ?? 0) + 1
  return out
}

/** Seats held by a set of orders (tests and the ADR's figures). */
export async function seatClaimsOf(orderIds: string[]) {
  return SeatClaim.find({ orderId: mongoose.trusted({ $in: orderIds }) }).lean()
}
