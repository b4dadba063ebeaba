import { processPaymentEvent } from '~/services/orders/webhooks.server'
import { parseJobData } from '../queues'

/**
 * `payment-events` job (C8; ADR 005, 020): handles one recorded Stripe webhook event —
 * payment, renewal, refund or expiry — through the orders services. Idempotent: every step is a
 * unique-keyed insert or a projection; an event that arrives before what it refers to throws and
 * is retried with backoff (PAYMENT_EVENT_JOB_OPTIONS: ≈ 8.5 h); the payment sweep takes over after.
 */
export async function paymentEvents(data: unknown) {
  const { eventId } = parseJobData('payment-events', data)
  return processPaymentEvent(eventId)
}
