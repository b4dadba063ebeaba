// The sharing clocks (C4; Art. 22–23): the source department is warned when a request has waited 3
// working days, and a request still unanswered after its 5th working day is overdue and escalated
// to the data authority of the source department's level and region, which coordinates (Art. 22).
// Nothing is decided for the source department. Every notice carries a key and the escalation an
// event key in the log, so reruns and overlapping sweeps send and record nothing twice.
import mongoose from 'mongoose'
import { Organization } from '#models/organization'
import { SharingRequest } from '#models/sharing-request'
import { workingDaysBetween } from '~/services/calendar/working-days.server'
import { authorityOf, notifyOrg } from '~/services/catalog/notify.server'
import { appendLedger } from '~/services/ledger/ledger.server'

/** Art. 23 ¶2: the source department is reminded once the request has waited this many working days. */
export const SHARING_WARN_AFTER_WORKING_DAYS = 3

export interface SharingSweepResult {
  pending: number
  warned: number
  escalated: number
}

/** The authority that coordinates for `orgId` (Art. 22): the one of its level and region. */
async function coordinatingAuthority(orgId: string): Promise<string | undefined> {
  if (!mongoose.isValidObjectId(orgId)) return undefined
  const org = await Organization.findById(orgId, { level: 1, regionCode: 1 }).lean()
  return org?.level && org.regionCode ? authorityOf(org.level, org.regionCode) : undefined
}

/**
 * Art. 22–23: for every request still waiting, warn the source department after 3 working days
 * and, once the reply is overdue, mark the request, tell both agencies and escalate it to the
 * coordinating authority (logged as `sharing-request.escalated`).
 */
export async function runSharingReplySweep(now: Date = new Date()): Promise<SharingSweepResult> {
  const pending = await SharingRequest.find(
    { status: 'pending' },
    {
      sourceOrgId: 1,
      requesterOrgId: 1,
      catalogEntryId: 1,
      entryTitle: 1,
      replyDueAt: 1,
      createdAt: 1,
      escalatedAt: 1,
      escalatedTo: 1,
    },
  ).lean()
  const result: SharingSweepResult = { pending: pending.length, warned: 0, escalated: 0 }
  for (const r of pending) {
    if (!r.replyDueAt) continue
    const requestId = String(r._id)
    const params = { requestId, title: r.entryTitle.zh, dueAt: r.replyDueAt.toISOString() }
    if (now > r.replyDueAt) {
      const authorityOrgId = r.escalatedTo ?? (await coordinatingAuthority(r.sourceOrgId)) ?? null
      await appendLedger({
        action: 'sharing-request.escalated',
        subjects: [
          `sharing-request:${requestId}`,
          `catalog-entry:${r.catalogEntryId}`,
          `org:${r.requesterOrgId}`,
          `org:${r.sourceOrgId}`,
          ...(authorityOrgId ? [`org:${authorityOrgId}`] : []),
        ],
        payload: { requestId, replyDueAt: r.replyDueAt.toISOString() },
        summary: {
          sourceOrgId: r.sourceOrgId,
          replyDueAt: r.replyDueAt.toISOString(),
          ...(authorityOrgId && { authorityOrgId }),
        },
        eventKey: `sharing-request.escalated:${requestId}`,
      })
      if (!r.escalatedAt)
        await SharingRequest.updateOne(
          { _id: r._id, status: 'pending' },
          { $set: { escalatedAt: now, escalatedTo: authorityOrgId } },
        )
      for (const [orgId, who] of [
        [r.sourceOrgId, 'source'],
        [r.requesterOrgId, 'requester'],
        [authorityOrgId, 'authority'],
      ] as const)
        await notifyOrg({
          key: `sharing-request:${requestId}:overdue:${who}`,
          orgId: orgId ?? undefined,
          kind: 'sharing-request.overdue',
          params,
        })
      result.escalated++
      continue
    }
    const waited = await workingDaysBetween(r.createdAt, now)
    if (waited < SHARING_WARN_AFTER_WORKING_DAYS) continue
    await notifyOrg({
      key: `sharing-request:${requestId}:warn${SHARING_WARN_AFTER_WORKING_DAYS}`,
      orgId: r.sourceOrgId,
      kind: 'sharing-request.reply_due',
      params: {
        ...params,
        workingDaysLeft: await workingDaysBetween(now, r.replyDueAt),
      },
    })
    result.warned++
  }
  return result
}
