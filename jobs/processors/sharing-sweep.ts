import { runSharingReplySweep } from '~/services/sharing/clocks.server'
import { parseJobData } from '../queues'

/**
 * `sharing-sweep` job (C4; Art. 22–23): warn source departments of requests waiting 3 working
 * days, and escalate overdue ones to the coordinating authority. Idempotent: notices are keyed and
 * the escalation is logged under an event key, so a retry or an overlapping run changes nothing.
 */
export async function sharingSweep(data: unknown) {
  const { at } = parseJobData('sharing-sweep', data)
  return runSharingReplySweep(at ? new Date(at) : new Date())
}
