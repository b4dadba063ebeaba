import { reconcilePayments } from '~/services/orders/reconcile.server'
import { parseJobData } from '../queues'

/**
 * `payment-sweeps` job (C8; ADR 020), every 5 minutes: processes Stripe events left
 * unprocessed and finishes paid orders left without a licence. Idempotent.
 */
export async function paymentSweep(data: unknown) {
  const { at } = parseJobData('payment-sweeps', data)
  return reconcilePayments(at ? new Date(at) : new Date())
}
