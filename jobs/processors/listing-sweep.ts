import { sweepListings } from '~/services/products/listing.server'
import { parseJobData } from '../queues'

/**
 * `listing-sweep` job (C7; Art. 32, 38): every minute, takes the scanner's verdicts into
 * submitted product versions and publishes the ones now due. Idempotent (publication is a
 * unique-keyed event).
 */
export async function listingSweep(data: unknown) {
  parseJobData('listing-sweep', data)
  return sweepListings()
}
