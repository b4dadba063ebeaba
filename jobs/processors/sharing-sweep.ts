import {
  repairSharing,
  runSharingDeliverySweep,
  runSharingReplySweep,
} from '~/services/sharing/clocks.server'
import { runRecordRequestSweep } from '~/services/subjects/record-requests.server'
import { endExpiredEmergencies } from '~/services/emergency/collections.server'
import { runAuthorizationSweep } from '~/services/subjects/authorizations.server'
import { runComplaintSweep } from '~/services/subjects/complaints.server'
import { runDisputeSweep } from '~/services/disputes/disputes.server'
import { runRectificationSweep } from '~/services/rectifications/rectifications.server'
import { parseJobData } from '../queues'

/**
 * `sharing-sweep` job (C4; Art. 22–23): finish steps a crash left undone, then warn source
 * departments of requests (and agreed deliveries) waiting 3 working days and escalate overdue ones
 * to the coordinating authority; remind and escalate data subjects' record requests. Idempotent: every step is keyed, so a retry or an overlapping run changes nothing.
 */
export async function sharingSweep(data: unknown) {
  const { at } = parseJobData('sharing-sweep', data)
  const now = at ? new Date(at) : new Date()
  const repaired = await repairSharing(now)
  const delivery = await runSharingDeliverySweep(now)
  // C10 (Art. 42): the data subjects' record requests run on the same hourly clock.
  const recordRequests = await runRecordRequestSweep(now)
  // C10 (Art. 40): emergency collections past their declared end are ended and closed.
  const emergencies = await endExpiredEmergencies(now)
  // Art. 43: the complaint clocks.
  const complaints = await runComplaintSweep(now)
  // Art. 41: authorizations a crash left unlogged.
  const authorizations = await runAuthorizationSweep(now)
  // Art. 51: the dispute clocks.
  const disputes = await runDisputeSweep(now)
  // Art. 52: rectification notices past their deadline go to the government's supervision list.
  const rectifications = await runRectificationSweep(now)
  return {
    ...(await runSharingReplySweep(now)),
    delivery,
    repaired,
    recordRequests,
    emergencies,
    complaints,
    authorizations,
    disputes,
    rectifications,
  }
}
