// The sharing clocks (C4; Art. 22–24): the source department is warned when a request has waited 3
// working days, and a request still unanswered after its 5th working day is overdue and escalated
// to the data authority of the source department's level and region, which coordinates (Art. 22).
// The same for the delivery of agreed data (Art. 24: within 5 working days of the agreement).
// Nothing is decided for the source department. Every notice carries a key and the escalation an
// event key in the log, so reruns and overlapping sweeps send and record nothing twice.
import mongoose from 'mongoose'
import { SharingHandover } from '#models/sharing-handover'
import { SharingDecision, SharingRequest } from '#models/sharing-request'
import { workingDaysBetween } from '~/services/calendar/working-days.server'
import { notifyOrg } from '~/services/catalog/notify.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { EntryDataset } from '#models/entry-dataset'
import { completeDatasetStored, enqueueGrantDelivery } from './datasets.server'
import { completeHandover } from './handovers.server'
import {
  answerByRule,
  answerOrWait,
  completeRevocation,
  completeSharingDecision,
  completeSubmission,
  coordinatingAuthority,
} from './requests.server'
import { grantReviewOf } from '~/services/security/confidentiality.server'

/** Art. 23 ¶2: the source department is reminded once the request has waited this many working days. */
export const SHARING_WARN_AFTER_WORKING_DAYS = 3

export interface SharingSweepResult {
  pending: number
  warned: number
  escalated: number
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

export interface DeliverySweepResult {
  waiting: number
  warned: number
  escalated: number
  requeued: number
}

/**
 * Art. 24 (and Art. 22): the delivery clock — an agreed grant's data must reach the requester
 * within 5 working days of the agreement. For every grant in force with nothing delivered yet:
 * queue its copy again when its data is stored (a lost job), warn the source department after 3
 * working days, and once the deadline passed, mark it, tell both agencies and escalate it to the
 * coordinating authority (logged once as `sharing-grant.delivery-overdue`).
 */
export async function runSharingDeliverySweep(
  now: Date = new Date(),
): Promise<DeliverySweepResult> {
  const waiting = await SharingRequest.find({
    status: 'granted',
    'decision.deliveredAt': null,
    'decision.revokedAt': null,
  }).lean()
  const result: DeliverySweepResult = { waiting: 0, warned: 0, escalated: 0, requeued: 0 }
  for (const r of waiting) {
    const d = r.decision
    if (!d?.grantId || !d.deliveryDueAt || (d.end && d.end <= now)) continue
    result.waiting++
    const requestId = String(r._id)
    if (d.mode !== 'offline' && (await enqueueGrantDelivery(d.grantId, r.catalogEntryId)))
      result.requeued++
    const params = { requestId, title: r.entryTitle.zh, dueAt: d.deliveryDueAt.toISOString() }
    if (now > d.deliveryDueAt) {
      const authorityOrgId = r.escalatedTo ?? (await coordinatingAuthority(r.sourceOrgId)) ?? null
      await appendLedger({
        action: 'sharing-grant.delivery-overdue',
        subjects: [
          `sharing-grant:${d.grantId}`,
          `sharing-request:${requestId}`,
          `catalog-entry:${r.catalogEntryId}`,
          `org:${r.requesterOrgId}`,
          `org:${r.sourceOrgId}`,
          ...(authorityOrgId ? [`org:${authorityOrgId}`] : []),
        ],
        payload: { requestId, deliveryDueAt: d.deliveryDueAt.toISOString(), mode: d.mode },
        summary: {
          sourceOrgId: r.sourceOrgId,
          deliveryDueAt: d.deliveryDueAt.toISOString(),
          ...(authorityOrgId && { authorityOrgId }),
        },
        eventKey: `sharing-grant.delivery-overdue:${d.grantId}`,
      })
      if (!d.deliveryEscalatedAt)
        await SharingRequest.updateOne(
          { _id: r._id, 'decision.deliveryEscalatedAt': null },
          { $set: { 'decision.deliveryEscalatedAt': now } },
        )
      for (const [orgId, who] of [
        [r.sourceOrgId, 'source'],
        [r.requesterOrgId, 'requester'],
        [authorityOrgId, 'authority'],
      ] as const)
        await notifyOrg({
          key: `sharing-grant:${d.grantId}:delivery-overdue:${who}`,
          orgId: orgId ?? undefined,
          kind: 'sharing-grant.delivery_overdue',
          params,
        })
      result.escalated++
      continue
    }
    if ((await workingDaysBetween(d.decidedAt, now)) < SHARING_WARN_AFTER_WORKING_DAYS) continue
    await notifyOrg({
      key: `sharing-grant:${d.grantId}:delivery-warn${SHARING_WARN_AFTER_WORKING_DAYS}`,
      orgId: r.sourceOrgId,
      kind: 'sharing-grant.delivery_due',
      params: { ...params, workingDaysLeft: await workingDaysBetween(now, d.deliveryDueAt) },
    })
    result.warned++
  }
  return result
}

/** Steps younger than this are left to the request that is still running them. */
export const REPAIR_AFTER_MS = 10 * 60_000

/**
 * ADR 003: finish what a crash between two steps left undone — a request stored but not logged, an
 * answer claimed but not carried out, a revocation recorded but not applied, a hand-over stored but
 * not logged, a stored table not logged or not yet delivered from. Each step is the same idempotent
 * function the request itself runs.
 */
export async function repairSharing(now: Date = new Date()) {
  const before = new Date(now.getTime() - REPAIR_AFTER_MS)
  const result = { submissions: 0, answers: 0, revocations: 0, handovers: 0, datasets: 0 }
  for (const r of await SharingRequest.find({ status: 'pending' }).lean()) {
    if (r.createdAt > before) continue
    const answer = await SharingDecision.findById(r._id).lean()
    if (answer && answer.decidedAt <= before) {
      await completeSharingDecision(r, answer)
      result.answers++
      continue
    }
    // Not logged in full yet (completing the submission also gives any answer by rule).
    if (r.submittedSeq == null) {
      await completeSubmission(r)
      result.submissions++
      continue
    }
    // An answer the stored facts give — granted at once by rule, or after its Art. 46 review, or
    // refused by a failed review — but never stored. A request still waiting has nothing to finish.
    const review = r.reviewRequired ? await grantReviewOf(String(r._id)) : null
    if (!answer && answerByRule(r, review)) {
      await answerOrWait(r)
      result.submissions++
    }
  }
  const revoked = await SharingRequest.find({
    status: 'granted',
    'decision.revokedAt': mongoose.trusted({ $ne: null, $lte: before }),
    'decision.revokeSeq': null,
  }).lean()
  for (const r of revoked) {
    await completeRevocation(r)
    result.revocations++
  }
  for (const h of await SharingHandover.find({
    ledgerSeq: null,
    createdAt: mongoose.trusted({ $lte: before }),
  }).lean()) {
    const r = await SharingRequest.findById(h.requestId).lean()
    if (!r) continue
    await completeHandover(h, r)
    result.handovers++
  }
  for (const d of await EntryDataset.find({
    ledgerSeq: null,
    uploadedAt: mongoose.trusted({ $lte: before }),
  }).lean()) {
    await completeDatasetStored(d)
    result.datasets++
  }
  return result
}
