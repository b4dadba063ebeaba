import { enqueueMissingDeliveries } from '~/services/delivery/deliver.server'
import { expireDueLicences } from '~/services/licences/expiry.server'
import { parseJobData } from '../queues'

/**
 * `licence-sweeps` job (Art. 24, 38): expires licences whose end has passed and notifies both
 * sides (and reinstates expired ones a renewal extended), then asks again for the delivery of any
 * licence in force not completely delivered (failed or half-done jobs included). Idempotent, so a
 * retry or an overlapping run changes nothing. `at` is for tests.
 */
export async function licenceSweep(data: unknown) {
  const { at } = parseJobData('licence-sweeps', data)
  const now = at ? new Date(at) : new Date()
  const expiry = await expireDueLicences(now)
  return { ...expiry, deliveriesRequested: await enqueueMissingDeliveries(now) }
}
