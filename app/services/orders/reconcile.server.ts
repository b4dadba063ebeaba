// The payment sweep (C8; ADR 020): what a crash or a lost job left half-done is finished by a
// scheduled job (`payment-sweeps`, every few minutes), through the same idempotent steps as the
// first attempt, so running it any number of times changes nothing more.
//  - Stripe events recorded but never processed (the job gave up, was lost, or the process died):
//    processed again. Stripe does not resend an event we answered 200.
//  - Orders whose `settled` event says paid but that have no licence (a crash between the `paid`
//    claim and `issueLicence`): the payment's downstream is run again from its payment record.
//  - Refunds whose `refunded` event exists but that were not carried through (no `refundedSeq`:
//    the ledger entry, the licence revocation or the seat release may be missing): finished.
import mongoose from 'mongoose'
import { getQueue } from '#jobs/queues'
import { Order, OrderEvent, orderEventId } from '#models/order'
import { StripeEvent } from '#models/stripe-event'
import { resumePayment, resumeRefund } from './payments.server'
import { HANDLED_EVENT_TYPES, paymentEventJobId, processPaymentEvent } from './webhooks.server'

/** Left alone this long: the first attempt (or its job's retries) may still be under way. */
export const RECONCILE_AFTER_MINUTES = 5
/** Events older than this are not retried by the sweep any more (they stay on record, unprocessed). */
export const RECONCILE_EVENTS_WITHIN_DAYS = 14
const BATCH = 100

export interface ReconcileResult {
  events: { processed: number; failed: number }
  orders: { completed: number; waiting: number; failed: number }
  refunds: { completed: number; failed: number }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Runs both parts of the sweep; `at` is the sweep's "now" (tests). */
export async function reconcilePayments(at = new Date()): Promise<ReconcileResult> {
  const cutoff = new Date(at.getTime() - RECONCILE_AFTER_MINUTES * 60_000)
  const events = await reprocessStaleEvents(at, cutoff)
  const orders = await completePaidOrders(cutoff)
  const refunds = await completeRefunds(at, cutoff)
  return { events, orders, refunds }
}

/**
 * Refund events recorded before `cutoff` (within the events window) whose order has no
 * `refundedSeq`: the refund's remaining steps are run again (applyRefund is idempotent).
 */
async function completeRefunds(at: Date, cutoff: Date): Promise<ReconcileResult['refunds']> {
  const oldest = new Date(at.getTime() - RECONCILE_EVENTS_WITHIN_DAYS * 24 * 3600_000)
  const events = await OrderEvent.find(
    { kind: 'refunded', at: mongoose.trusted({ $lt: cutoff, $gte: oldest }) },
    { orderId: 1 },
  ).lean()
  const result = { completed: 0, failed: 0 }
  if (events.length === 0) return result
  const unfinished = await Order.find(
    { _id: mongoose.trusted({ $in: events.map((e) => e.orderId) }), refundedSeq: null },
    { _id: 1 },
  ).lean()
  for (const { _id } of unfinished) {
    try {
      await resumeRefund(String(_id))
      result.completed++
    } catch (error) {
      result.failed++
      console.warn(`[payment-sweep] refund of order ${String(_id)}: ${message(error)}`)
    }
  }
  return result
}

/**
 * Stripe events with `processedAt` null received before `cutoff`: each is processed again here
 * (processPaymentEvent is idempotent). A failed job under the event's job id is removed once the
 * event is done, so it does not block a later add (BullMQ ignores an add under a kept job id).
 */
async function reprocessStaleEvents(at: Date, cutoff: Date): Promise<ReconcileResult['events']> {
  const oldest = new Date(at.getTime() - RECONCILE_EVENTS_WITHIN_DAYS * 24 * 3600_000)
  const stale = await StripeEvent.find(
    {
      processedAt: null,
      receivedAt: mongoose.trusted({ $lt: cutoff, $gte: oldest }),
      type: mongoose.trusted({ $in: HANDLED_EVENT_TYPES }),
    },
    { _id: 1 },
  )
    .sort({ receivedAt: 1 })
    .limit(BATCH)
    .lean()
  const result = { processed: 0, failed: 0 }
  for (const { _id } of stale) {
    const eventId = String(_id)
    try {
      await processPaymentEvent(eventId)
      result.processed++
      const job = await getQueue('payment-events').getJob(paymentEventJobId(eventId))
      if (job && (await job.isFailed())) await job.remove()
    } catch (error) {
      // Still too early (its payment not recorded yet) or still failing: the next sweep tries again.
      result.failed++
      console.warn(`[payment-sweep] stripe event ${eventId}: ${message(error)}`)
    }
  }
  return result
}

/**
 * Orders without a licence whose `settled` event says paid (claimed before `cutoff`): the payment's
 * downstream — projection, `order.paid`, licence, delivery — is run again.
 */
async function completePaidOrders(cutoff: Date): Promise<ReconcileResult['orders']> {
  const candidates = await Order.find(
    {
      licenceId: null,
      status: mongoose.trusted({ $in: ['awaiting_payment', 'paid'] }),
      createdAt: mongoose.trusted({ $lt: cutoff }),
    },
    { _id: 1 },
  ).lean()
  const result = { completed: 0, waiting: 0, failed: 0 }
  if (candidates.length === 0) return result
  const settled = await OrderEvent.find({
    _id: mongoose.trusted({ $in: candidates.map((o) => orderEventId(String(o._id), 'settled')) }),
  }).lean()
  for (const event of settled) {
    if (event.outcome !== 'paid' || event.at >= cutoff) continue
    try {
      const done = await resumePayment(event.orderId)
      result[done]++
    } catch (error) {
      result.failed++
      console.warn(`[payment-sweep] order ${event.orderId}: ${message(error)}`)
    }
  }
  return result
}
