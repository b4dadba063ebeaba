// `delivery` job (C8; Art. 24, 38): deliver one licence, or one sharing grant's copy (C4). The service does the work and is
// idempotent (claims under unique keys, atomic renames, ledger event keys), so a retry or a
// worker restarted after a crash finishes the same delivery instead of making a second one.
//
// Retries: an ordinary error retries with the queue's backoff (5 attempts over ~31 s). Waiting for
// someone (screening not finished, no version published yet) is slower: the job is put back after
// 1, 5, 15, 30 then 60 minutes before it counts as failing. A job that failed for good is retried
// by the licence sweep (enqueueMissingDeliveries) while the licence stays in force undelivered.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq'
import { deliverLicence, type DeliveryOutcome } from '~/services/delivery/deliver.server'
import { deliverSharingGrant, type GrantDeliveryOutcome } from '~/services/sharing/delivery.server'
import { DomainError } from '~/utils/errors'
import { parseJobData } from '../queues'

// Worth retrying: screening not finished yet, the version not published yet.
const TRANSIENT = new Set(['screening_not_passed', 'not_screened', 'no_version'])
const MINUTE = 60_000
/** The waits between attempts for a transient refusal; after the last, the queue's own backoff. */
export const TRANSIENT_DELAYS_MS = [1, 5, 15, 30, 60].map((m) => m * MINUTE)

export type DeliveryJob = Pick<Job, 'attemptsStarted' | 'token' | 'moveToDelayed'>

/** The wait before the next try of a transient refusal on the job's `attemptsStarted`-th run, or null. */
export function transientDelay(attemptsStarted: number): number | null {
  return TRANSIENT_DELAYS_MS[Math.max(0, attemptsStarted - 1)] ?? null
}

export async function deliver(
  data: unknown,
  job?: DeliveryJob,
  now = Date.now(),
): Promise<DeliveryOutcome | GrantDeliveryOutcome> {
  const payload = parseJobData('delivery', data)
  // A sharing grant's copy (Art. 24): nothing to wait for — no data yet is a no-op that the data's
  // upload queues again.
  if ('grantId' in payload) return deliverSharingGrant(payload.grantId)
  const { licenceId } = payload
  try {
    return await deliverLicence(licenceId)
  } catch (error) {
    if (error instanceof DomainError && !TRANSIENT.has(error.code)) {
      throw new UnrecoverableError(`delivery of licence ${licenceId} refused: ${error.code}`)
    }
    const wait = error instanceof DomainError && job ? transientDelay(job.attemptsStarted) : null
    if (job && wait !== null) {
      // Not an attempt used up: the job sleeps in the delayed set and runs again.
      await job.moveToDelayed(now + wait, job.token)
      throw new DelayedError(
        `delivery of licence ${licenceId} waits ${wait / MINUTE} min: ${(error as DomainError).code}`,
      )
    }
    throw error
  }
}
