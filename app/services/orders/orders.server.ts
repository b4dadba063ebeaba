// Orders (C8; Art. 24, 37, 38): a buyer orders a price plan of a listed product, stating the
// purpose and the application scenario its licence will carry. Each state change is an event under
// a unique `${orderId}:${kind}` and a ledger entry; `status` is a projection of those events.
import { randomBytes } from 'node:crypto'
import mongoose from 'mongoose'
import { Order, OrderEvent, orderEventId, type OrderDoc } from '#models/order'
import { Payment } from '#models/payment'
import { Product } from '#models/product'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim, insertOnce, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import type { OrderInput, OrdersQuery } from './schemas'
import { claimSeat, releaseOrphanClaims, releaseSeat } from './seats.server'
import { stripeClient, stripeEnabled } from './stripe.server'
import { isObjectId } from '~/utils/schemas'

const notFound = () => new DomainError('not_found', 'error.orders.notFound', 404)

export type OrderLean = OrderDoc

function requireOrg(user: AuthUser) {
  if (!user.org) throw new DomainError('no_org', 'error.forbidden', 403)
  return user.org
}

/** The ledger summary every order entry carries (the supervision reports read revenue from it). */
export function orderSummary(order: OrderLean) {
  return {
    amountFen: order.amountFen,
    currency: order.currency,
    method: order.method,
    productId: order.productId,
    sellerOrgId: order.sellerOrgId,
    buyerOrgId: order.buyerOrgId,
    planKind: order.planKind,
  }
}

export function orderSubjects(order: OrderLean): string[] {
  return [
    `order:${order._id}`,
    `product:${order.productId}`,
    `org:${order.buyerOrgId}`,
    `org:${order.sellerOrgId}`,
  ]
}

/** What a plan costs per order, in fen: a per-call plan is bought as a prepaid quota of calls. */
export function orderAmountFen(plan: {
  kind: string
  amountFen: number
  callsQuota?: number | null
}): number {
  return plan.kind === 'per_call' ? plan.amountFen * (plan.callsQuota ?? 1) : plan.amountFen
}

/** The reference a bank transfer (對公轉賬) quotes: `GD` + 10 characters without look-alikes. */
function newRemittanceRef(): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
  const bytes = randomBytes(10)
  let s = 'GD'
  for (const b of bytes) s += alphabet[b % alphabet.length]
  return s
}

/** A listed market product the caller may order, and the plan named. */
async function orderableProduct(user: AuthUser, productId: string, planKey: string) {
  if (!isObjectId(productId))
    throw new DomainError('not_found', 'error.orders.productNotFound', 404)
  const product = await Product.findById(productId).lean()
  if (!product || !product.listed || product.visibility !== 'market') {
    throw new DomainError('not_found', 'error.orders.productNotFound', 404)
  }
  if (product.ownerOrgId === user.org?.id)
    throw new DomainError('own_product', 'error.orders.ownProduct', 409)
  const plan = product.pricePlans.find((p) => p.key === planKey)
  if (!plan)
    throw new DomainError('invalid_input', 'error.badRequest', 400, {
      planKey: ['error.orders.badPlan'],
    })
  return { product, plan }
}

/**
 * Art. 24, 37, 38: places an order on the exchange. The buyer states purpose and application
 * scenario (the licence carries them); a plan with seats claims one first (409 when sold out);
 * card payment is offered only when Stripe is configured.
 */
export async function createOrder(
  user: AuthUser,
  input: OrderInput,
  options: { orderId?: string } = {},
): Promise<{ id: string; remittanceRef: string }> {
  const org = requireOrg(user)
  const { product, plan } = await orderableProduct(user, input.productId, input.planKey)
  if (input.method === 'stripe' && !stripeEnabled()) {
    throw new DomainError('invalid_input', 'error.badRequest', 400, {
      method: ['error.orders.stripeUnavailable'],
    })
  }
  // The demo seed names its orders (idempotent seeding); everyone else gets a fresh id.
  const orderId = new mongoose.Types.ObjectId(options.orderId)
  const id = String(orderId)
  const seatNo = plan.seats
    ? await claimSeatOrExpireStale({
        productId: input.productId,
        planKey: plan.key,
        seats: plan.seats,
        orderId: id,
      })
    : null
  let order: OrderLean | undefined
  try {
    for (let attempt = 0; !order; attempt++) {
      try {
        const created = await Order.create({
          _id: orderId,
          buyerOrgId: org.id,
          buyerUserId: user.id,
          sellerOrgId: product.ownerOrgId,
          productId: input.productId,
          planKey: plan.key,
          planKind: plan.kind,
          planTitle: { zh: plan.title.zh, en: plan.title.en },
          productTitle: { zh: product.title.zh, en: product.title.en },
          amountFen: orderAmountFen(plan),
          currency: 'CNY',
          callsQuota: plan.callsQuota ?? null,
          purpose: input.purpose,
          scenario: input.scenario,
          method: input.method,
          remittanceRef: newRemittanceRef(),
          seatNo,
          status: 'awaiting_payment',
        })
        order = created.toObject() as OrderLean
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        // A named order created before (a retried seed step after a crash): finish it below.
        const existing = options.orderId ? await Order.findById(orderId).lean() : null
        if (existing) {
          if (existing.buyerOrgId !== org.id) throw error
          order = existing as OrderLean
          break
        }
        // A remittance reference collision (one in 32^10): draw another.
        if (attempt >= 4) throw error
      }
    }
  } catch (error) {
    // The claim is this order id's: keep it if an order of that id exists after all.
    if (!(await Order.exists({ _id: orderId })))
      await releaseSeat({ productId: input.productId, planKey: plan.key, seatNo, orderId: id })
    throw error
  }
  await claim(OrderEvent, {
    _id: orderEventId(id, 'created'),
    orderId: id,
    kind: 'created',
    actorUserId: user.id,
    actorOrgId: org.id,
  })
  const entry = await appendLedger({
    action: 'order.created',
    actor: { userId: user.id, orgId: org.id },
    subjects: orderSubjects(order),
    payload: {
      planKey: plan.key,
      purpose: input.purpose,
      scenario: input.scenario,
      method: input.method,
      seatNo,
    },
    summary: orderSummary(order),
    eventKey: `order.created:${id}`,
  })
  await Order.updateOne({ _id: orderId }, { $set: { createdSeq: entry._id } })
  return { id, remittanceRef: order.remittanceRef }
}

/** An unpaid order holds its seat this long; after that the next buyer's order may cancel it. */
export const SEAT_HOLD_DAYS = 7

/**
 * Claims a seat; when the plan is sold out, first frees claims left without an order (a crash
 * between the claim and `Order.create`), cancels orders that have held a seat unpaid for more than
 * SEAT_HOLD_DAYS (expiry checked on read, ADR 003) and tries once more. The cancellation is the
 * same `settled` claim a payment races for, so a transfer confirmed at that moment wins or loses
 * cleanly; a card order's open Checkout Session is expired first so it can no longer be paid.
 */
async function claimSeatOrExpireStale(input: {
  productId: string
  planKey: string
  seats: number
  orderId: string
}): Promise<number> {
  try {
    return await claimSeat(input)
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'sold_out') throw error
    const orphans = await releaseOrphanClaims(input)
    const cutoff = new Date(Date.now() - SEAT_HOLD_DAYS * 24 * 3600 * 1000)
    const holders = await Order.find({
      productId: input.productId,
      planKey: input.planKey,
      status: 'awaiting_payment',
    }).lean()
    const stale = (holders as OrderLean[]).filter((o) => o.seatNo !== null && o.createdAt < cutoff)
    if (stale.length === 0 && orphans === 0) throw error
    for (const order of stale) {
      if (order.method === 'stripe' && order.stripeSessionId && stripeEnabled()) {
        const sessionId = order.stripeSessionId
        const expired = await stripeClient()
          .checkout.sessions.expire(sessionId)
          .then(
            () => true,
            () => false,
          )
        // Completed (or unreachable) at Stripe: it keeps its seat; the webhook decides.
        if (!expired) continue
      }
      await closeCancelled(order, {}, `unpaid after ${SEAT_HOLD_DAYS} days`).catch((e: unknown) => {
        // Paid meanwhile: it keeps its seat.
        if (!(e instanceof DomainError)) throw e
      })
    }
    return claimSeat(input)
  }
}

/** Recomputes `status` (and its dates) from the order's events: safe to run any number of times. */
export async function projectOrderStatus(orderId: string): Promise<void> {
  const events = await OrderEvent.find({ orderId }).lean()
  const settled = events.find((e) => e.kind === 'settled')
  const refunded = events.find((e) => e.kind === 'refunded')
  const status = refunded
    ? 'refunded'
    : settled?.outcome === 'paid'
      ? 'paid'
      : settled?.outcome === 'cancelled'
        ? 'cancelled'
        : 'awaiting_payment'
  await Order.updateOne(
    { _id: orderId },
    {
      $set: {
        status,
        paidAt: settled?.outcome === 'paid' ? settled.at : null,
        cancelledAt: settled?.outcome === 'cancelled' ? settled.at : null,
        refundedAt: refunded ? refunded.at : null,
      },
    },
  )
}

/**
 * The one outcome of an unpaid order: a payment and a cancellation insert the same
 * `${orderId}:settled` event, so exactly one of them wins. Returns the outcome that stands.
 */
export async function settleOrder(
  orderId: string,
  outcome: 'paid' | 'cancelled',
  actor: { userId?: string; orgId?: string },
  reason = '',
): Promise<{ outcome: 'paid' | 'cancelled'; at: Date; won: boolean }> {
  const id = orderEventId(orderId, 'settled')
  const { doc, won } = await insertOnce(
    OrderEvent,
    {
      _id: id,
      orderId,
      kind: 'settled',
      outcome,
      reason,
      actorUserId: actor.userId ?? null,
      actorOrgId: actor.orgId ?? null,
    },
    { _id: id },
  )
  return { outcome: doc.outcome as 'paid' | 'cancelled', at: doc.at, won }
}

export async function loadOrder(orderId: string): Promise<OrderLean> {
  if (!isObjectId(orderId)) throw notFound()
  const order = await Order.findById(orderId).lean()
  if (!order) throw notFound()
  return order as OrderLean
}

/** Whose order is it for this viewer: the buyer's staff, the seller's staff, or an overseer. */
export function orderRelation(
  user: AuthUser,
  order: OrderLean,
): { buyer: boolean; seller: boolean; overseer: boolean } {
  const ownOrg = user.permissions.has('read:order:own-org') ? user.org?.id : undefined
  return {
    buyer: Boolean(ownOrg) && ownOrg === order.buyerOrgId,
    seller: Boolean(ownOrg) && ownOrg === order.sellerOrgId,
    overseer: user.permissions.has('read:order:any'),
  }
}

/** An order the caller may read (its buyer, its seller, the authority, a regulator), else 404. */
export async function loadVisibleOrder(user: AuthUser, orderId: string): Promise<OrderLean> {
  const order = await loadOrder(orderId)
  const r = orderRelation(user, order)
  if (!r.buyer && !r.seller && !r.overseer) throw notFound()
  return order
}

/** May this user read orders at all (own organisation's or all)? */
export function canReadOrders(user: AuthUser): boolean {
  return user.permissions.has('read:order:own-org') || user.permissions.has('read:order:any')
}

/**
 * Orders the caller may see, newest first, paged by `_id`: all of them for the authority and
 * regulators, a buyer's purchases, a provider's sales.
 */
/** Whose orders a user sees: every order ('read:order:any'), else its org's purchases or its sales. */
export function orderScope(user: AuthUser, status?: OrderLean['status']): Record<string, unknown> {
  const filter: Record<string, unknown> = {}
  if (!user.permissions.has('read:order:any')) {
    const org = requireOrg(user)
    if (user.permissions.has('create:order:own-org')) filter.buyerOrgId = org.id
    else filter.sellerOrgId = org.id
  }
  if (status) filter.status = status
  return filter
}

/** The API's list: newest first, an `_id` cursor. */
export async function listOrders(user: AuthUser, query: OrdersQuery) {
  const filter = orderScope(user, query.status)
  if (query.after) filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(query.after) })
  const rows = (await Order.find(filter)
    .sort({ _id: -1 })
    .limit(query.limit + 1)
    .lean()) as OrderLean[]
  const items = rows.slice(0, query.limit)
  return { items, nextAfter: rows.length > query.limit ? String(items.at(-1)!._id) : null }
}

/** The authority's queue: bank-transfer orders awaiting the money. */
export const AWAITING_TRANSFER = { method: 'bank_transfer', status: 'awaiting_payment' } as const

export async function paymentsOf(orderId: string) {
  return Payment.find({ orderId }).sort({ at: 1 }).lean()
}

export async function eventsOf(orderId: string) {
  return OrderEvent.find({ orderId }).sort({ at: 1 }).lean()
}

/**
 * Art. 38: an unpaid order is withdrawn by its buyer or the authority; its seat is released. A
 * card order's open Checkout Session is expired first, so it can no longer be paid.
 */
export async function cancelOrder(
  user: AuthUser,
  orderId: string,
  reason: string,
): Promise<{ cancelledSeq: number }> {
  const order = await loadVisibleOrder(user, orderId)
  const r = orderRelation(user, order)
  const mayCancel =
    (r.buyer && user.permissions.has('create:order:own-org')) ||
    user.permissions.has('confirm:payment:any')
  if (!mayCancel) throw new DomainError('forbidden', 'error.forbidden', 403)
  if (order.status !== 'awaiting_payment' && order.status !== 'cancelled') {
    throw new DomainError('not_cancellable', 'error.orders.notCancellable', 409)
  }
  if (order.method === 'stripe' && order.stripeSessionId && order.status === 'awaiting_payment') {
    try {
      await stripeClient().checkout.sessions.expire(order.stripeSessionId)
    } catch {
      // Completed (or already expired) at Stripe: the webhook decides; a paid order is not cancelled.
      throw new DomainError('not_cancellable', 'error.orders.notCancellable', 409)
    }
  }
  const actor = { userId: user.id, orgId: user.org?.id }
  return closeCancelled(order, actor, reason)
}

/** The cancellation's downstream (also run for an expired Checkout Session): claim, seat, ledger. */
export async function closeCancelled(
  order: OrderLean,
  actor: { userId?: string; orgId?: string },
  reason: string,
): Promise<{ cancelledSeq: number }> {
  const id = String(order._id)
  const settled = await settleOrder(id, 'cancelled', actor, reason)
  if (settled.outcome !== 'cancelled')
    throw new DomainError('not_cancellable', 'error.orders.notCancellable', 409)
  await releaseSeat({
    productId: order.productId,
    planKey: order.planKey,
    seatNo: order.seatNo ?? null,
    orderId: id,
  })
  await projectOrderStatus(id)
  const entry = await appendLedger({
    action: 'order.cancelled',
    actor,
    subjects: orderSubjects(order),
    payload: { reason },
    summary: orderSummary(order),
    eventKey: `order.cancelled:${id}`,
  })
  await Order.updateOne({ _id: order._id }, { $set: { cancelledSeq: entry._id } })
  return { cancelledSeq: entry._id }
}
