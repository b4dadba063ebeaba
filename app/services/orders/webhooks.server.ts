// Stripe webhooks (C8; ADR 005, ADR 020). The route verifies the signature on the raw body,
// records the event under its Stripe id (unique `_id`: a replay is recorded once), enqueues the
// `payment-events` job (job id `stripe-<eventId>`) and answers 200. The job does the work through
// the same services as the bank-transfer path, so a replayed, late or out-of-order event never
// makes a second payment, licence or delivery: events that arrive before what they refer to throw
// and are retried with backoff for hours; the payment sweep (reconcile.server.ts) picks up any event
// still unprocessed after that.
import { enqueue, getQueue } from '#jobs/queues'
import { OrderEvent, orderEventId } from '#models/order'
import { Order } from '#models/order'
import { Payment } from '#models/payment'
import { StripeEvent, type StripeEventDoc } from '#models/stripe-event'
import { claim } from '~/utils/db.server'
import { DomainError, isDomainError } from '~/utils/errors'
import { getEnv } from '~/utils/env.server'
import { closeCancelled, loadOrder } from './orders.server'
import { applyRefund, invoicePaymentIntent, recordPayment, recordRenewal } from './payments.server'
import {
  idempotencyKey,
  stripeClient,
  stripeEnabled,
  verifyWebhook,
  type Stripe,
} from './stripe.server'
import { isObjectId } from '~/utils/schemas'

export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.expired',
  'invoice.paid',
  'charge.refunded',
] as const
const HANDLED = new Set<string>(HANDLED_EVENT_TYPES)

/**
 * A `payment-events` job retries for hours, not seconds: a refund or renewal that arrives before
 * its payment, or a database hiccup, must outlast a short outage. Exponential from one minute over
 * 10 attempts ≈ 8.5 h; after that the payment sweep (reconcile.server.ts) keeps picking the event
 * up while it stays unprocessed.
 */
export const PAYMENT_EVENT_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 60_000 },
} as const

export const paymentEventJobId = (eventId: string) => `stripe-${eventId}`

const idOf = (v: unknown): string | null =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && 'id' in v
      ? String((v as { id: unknown }).id)
      : null
const orderIdOf = (v: unknown): string | null => (typeof v === 'string' && isObjectId(v) ? v : null)
const fromUnix = (s: unknown): Date | null => (typeof s === 'number' ? new Date(s * 1000) : null)

/** The fields of an event the job needs — no customer details are kept. */
export function eventRecord(
  event: Stripe.Event,
): Omit<StripeEventDoc, 'receivedAt' | 'processedAt' | 'outcome'> & { _id: string } {
  const object = event.data.object as unknown as Record<string, unknown>
  const metadata = (object.metadata ?? {}) as Record<string, string>
  const base = {
    _id: event.id,
    type: event.type,
    livemode: Boolean(event.livemode),
    account: typeof event.account === 'string' ? event.account : null,
    createdAt: fromUnix(event.created) ?? new Date(),
    objectId: idOf(object),
    orderId: orderIdOf(metadata.orderId),
    paymentIntentId: null as string | null,
    subscriptionId: null as string | null,
    invoiceId: null as string | null,
    billingReason: null as string | null,
    periodEnd: null as Date | null,
    amountFen: null as number | null,
    currency: null as string | null,
    paymentStatus: null as string | null,
    fullyRefunded: null as boolean | null,
  }
  if (event.type.startsWith('checkout.session.')) {
    const s = event.data.object as Stripe.Checkout.Session
    return {
      ...base,
      orderId: base.orderId ?? orderIdOf(s.client_reference_id),
      paymentIntentId: idOf(s.payment_intent),
      subscriptionId: idOf(s.subscription),
      invoiceId: idOf(s.invoice),
      amountFen: s.amount_total ?? null,
      currency: s.currency ?? null,
      paymentStatus: s.payment_status ?? null,
    }
  }
  if (event.type === 'invoice.paid') {
    const inv = event.data.object as Stripe.Invoice
    const details = inv.parent?.subscription_details ?? null
    const line = inv.lines?.data?.[0]
    // Present when the event carries the invoice's payments (else the job asks Stripe).
    const intent = inv.payments?.data?.find((p) => p.payment?.payment_intent)?.payment
      ?.payment_intent
    return {
      ...base,
      paymentIntentId: idOf(intent),
      invoiceId: inv.id ?? null,
      orderId: orderIdOf(details?.metadata?.orderId) ?? base.orderId,
      subscriptionId: idOf(details?.subscription),
      billingReason: inv.billing_reason ?? null,
      periodEnd: fromUnix(line?.period?.end) ?? fromUnix(inv.period_end),
      amountFen: inv.amount_paid ?? null,
      currency: inv.currency ?? null,
    }
  }
  if (event.type === 'charge.refunded') {
    const c = event.data.object as Stripe.Charge
    return {
      ...base,
      paymentIntentId: idOf(c.payment_intent),
      amountFen: c.amount ?? null,
      currency: c.currency ?? null,
      fullyRefunded: Boolean(c.refunded),
    }
  }
  return base
}

/**
 * The webhook route's work: verify (forged or unsigned → 400), record once, enqueue, answer.
 * `duplicate` says the event id was seen before (the job is enqueued again under the same job id,
 * which BullMQ ignores while the first is kept; the job itself is idempotent).
 */
export async function receiveStripeWebhook(
  rawBody: Buffer,
  signature: string | null,
): Promise<{ received: true; duplicate: boolean; type: string }> {
  if (!stripeEnabled()) throw new DomainError('not_found', 'error.notFound', 404)
  if (!signature) throw new DomainError('bad_signature', 'error.orders.badSignature', 400)
  let event: Stripe.Event
  try {
    event = verifyWebhook(rawBody, signature)
  } catch {
    throw new DomainError('bad_signature', 'error.orders.badSignature', 400)
  }
  const duplicate = !(await claim(StripeEvent, eventRecord(event)))
  if (HANDLED.has(event.type)) await enqueuePaymentEvent(event.id)
  return { received: true, duplicate, type: event.type }
}

/**
 * Enqueues the event's job. BullMQ ignores an add under a job id it still keeps — a failed job
 * included — so a failed job is retried instead: a replay from the Stripe dashboard gets through.
 */
export async function enqueuePaymentEvent(eventId: string): Promise<void> {
  const jobId = paymentEventJobId(eventId)
  const existing = await getQueue('payment-events').getJob(jobId)
  if (existing && (await existing.isFailed())) {
    await existing.retry('failed')
    return
  }
  await enqueue('payment-events', { eventId }, { jobId, ...PAYMENT_EVENT_JOB_OPTIONS })
}

async function orderIdFor(record: StripeEventDoc): Promise<string | null> {
  if (record.orderId) return record.orderId
  if (record.subscriptionId) {
    const order = await Order.findOne(
      { stripeSubscriptionId: record.subscriptionId },
      { _id: 1 },
    ).lean()
    if (order) return String(order._id)
  }
  if (record.paymentIntentId) {
    const payment = await Payment.findOne(
      { stripePaymentIntentId: record.paymentIntentId },
      { orderId: 1 },
    ).lean()
    if (payment) return payment.orderId
  }
  return null
}

/**
 * Art. 38: money taken for an order cancelled first is given back (once: the refund's idempotency
 * key). A subscription (Checkout in subscription mode names no payment intent) is cancelled first so
 * it bills no more, and its first invoice's payment intent is refunded, as `refundOrder` does.
 */
async function refundUnwanted(orderId: string, record: StripeEventDoc): Promise<string> {
  const stripe = stripeClient()
  let paymentIntentId = record.paymentIntentId ?? null
  if (record.subscriptionId) {
    const subscription = await stripe.subscriptions
      .cancel(record.subscriptionId)
      .catch((error: unknown) => {
        // Already cancelled at Stripe: nothing left to stop.
        if ((error as { code?: string }).code !== 'resource_missing') throw error
        return null
      })
    const invoiceId = record.invoiceId ?? idOf(subscription?.latest_invoice)
    if (!paymentIntentId && invoiceId)
      paymentIntentId = await invoicePaymentIntent(stripe, invoiceId)
    // Stripe names no payment intent: the subscription is stopped; the money is returned from the dashboard.
    if (!paymentIntentId) return 'subscription-cancelled:order_cancelled'
  }
  if (!paymentIntentId) return 'refused:order_cancelled'
  await stripe.refunds.create(
    {
      payment_intent: paymentIntentId,
      reverse_transfer: true,
      refund_application_fee: true,
      metadata: { orderId },
    },
    { idempotencyKey: idempotencyKey('order', orderId, 'refund-cancelled') },
  )
  return 'refunded:order_cancelled'
}

/**
 * A signed event is still checked against what the order expects: the mode of our own key (a test
 * event never pays a live order), the platform's own account (checkout sessions are created by
 * the platform; an event relayed from a connected account is not one of ours), and, when the
 * event carries money, the order's currency. The amount is checked where the payment is recorded.
 */
export function assertEventFitsOrder(
  record: Pick<StripeEventDoc, 'livemode' | 'account' | 'currency' | 'amountFen'>,
  order: { currency: string },
): void {
  const live = getEnv().STRIPE_SECRET_KEY?.startsWith('sk_live_') ?? false
  if (record.livemode !== live)
    throw new DomainError('livemode_mismatch', 'error.orders.eventMismatch', 400)
  if (record.account) throw new DomainError('account_mismatch', 'error.orders.eventMismatch', 400)
  if (
    record.currency !== null &&
    record.currency !== undefined &&
    record.currency.toUpperCase() !== order.currency.toUpperCase()
  ) {
    throw new DomainError('currency_mismatch', 'error.orders.eventMismatch', 400)
  }
}

async function handle(record: StripeEventDoc & { _id: string }): Promise<string> {
  const orderId = await orderIdFor(record)
  if (!orderId) {
    // A charge refund for a payment not recorded yet may be early; anything else is not ours.
    if (record.type === 'charge.refunded' && record.paymentIntentId)
      throw new Error(`charge.refunded ${record._id}: payment not recorded yet`)
    return 'ignored:no_order'
  }
  const order = await loadOrder(orderId).catch(() => null)
  if (!order) return 'ignored:unknown_order'
  assertEventFitsOrder(record, order)
  const stripe = {
    eventId: record._id,
    sessionId: record.type.startsWith('checkout.') ? record.objectId : null,
    paymentIntentId: record.paymentIntentId,
    subscriptionId: record.subscriptionId,
    invoiceId: record.invoiceId,
    periodEnd: record.periodEnd,
  }
  const pay = async () => {
    try {
      // A subscription's first invoice: its payment intent is kept on the order, so a refund made
      // in the Stripe dashboard (`charge.refunded` names only the intent) finds the order.
      if (record.type === 'invoice.paid' && !stripe.paymentIntentId && record.invoiceId) {
        try {
          stripe.paymentIntentId = await invoicePaymentIntent(stripeClient(), record.invoiceId)
        } catch (error) {
          // Not knowing it does not hold up the payment; a form refund looks it up again.
          console.warn(
            `[stripe] invoice ${record.invoiceId}: payment intent not found (${error instanceof Error ? error.message : String(error)})`,
          )
        }
      }
      await recordPayment({
        orderId,
        method: 'stripe',
        amountFen: record.amountFen ?? -1,
        actor: {},
        stripe,
      })
      return 'paid'
    } catch (error) {
      if (isDomainError(error) && error.code === 'order_cancelled')
        return refundUnwanted(orderId, record)
      throw error
    }
  }
  switch (record.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      if (record.paymentStatus !== 'paid' && record.paymentStatus !== 'no_payment_required')
        return 'waiting:unpaid'
      return pay()
    case 'checkout.session.expired':
      if (order.status !== 'awaiting_payment') return 'ignored:settled'
      await closeCancelled(order, {}, 'checkout session expired')
      return 'cancelled'
    case 'invoice.paid':
      if (record.billingReason === 'subscription_create') return pay()
      if (!record.invoiceId || !record.periodEnd) return 'ignored:no_period'
      await recordRenewal({
        orderId,
        invoiceId: record.invoiceId,
        amountFen: record.amountFen ?? 0,
        periodEnd: record.periodEnd,
        eventId: record._id,
      })
      return 'renewed'
    case 'charge.refunded': {
      if (!record.fullyRefunded) return 'ignored:partial_refund'
      const settled = await OrderEvent.findById(orderEventId(orderId, 'settled')).lean()
      // Out of order: the refund of a payment this exchange has not recorded yet waits for it.
      if (settled?.outcome !== 'paid')
        throw new Error(`charge.refunded ${record._id}: order ${orderId} not paid yet`)
      await applyRefund(order, {
        reason: 'refunded at Stripe',
        reference: record.objectId ?? '',
        actor: {},
      })
      return 'refunded'
    }
    default:
      return 'ignored:type'
  }
}

/**
 * The `payment-events` job: handles one recorded Stripe event. Refusals (an amount that does not
 * match the order) are recorded as the event's outcome, not retried; anything not yet possible
 * (a renewal or refund before the payment) throws and is retried with backoff.
 */
export async function processPaymentEvent(eventId: string): Promise<{ outcome: string }> {
  const record = await StripeEvent.findById(eventId).lean()
  if (!record) return { outcome: 'ignored:unknown_event' }
  let outcome: string
  try {
    outcome = await handle(record as StripeEventDoc & { _id: string })
  } catch (error) {
    if (!isDomainError(error)) throw error
    outcome = `refused:${error.code}`
  }
  await StripeEvent.updateOne({ _id: eventId }, { $set: { processedAt: new Date(), outcome } })
  return { outcome }
}
