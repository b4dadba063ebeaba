// Offline sharing (C4; Art. 23 ¶4): a source department records what it handed over under an
// agreed offline grant — the fields (never more than granted, Art. 24), the rows, the digest of the
// content, the medium, when, who handed it over and who received it. The first hand-over meets the
// grant's delivery clock (5 working days after the agreement). Logged as `sharing-grant.handed-over`.
import { SharingGrant } from '#models/sharing-grant'
import { SharingHandover, type SharingHandoverDoc } from '#models/sharing-handover'
import { SharingRequest } from '#models/sharing-request'
import { chinaDate, endOfChinaDay } from '~/services/calendar/working-days.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { assertMinimalFields } from '~/services/research/decisions.server'
import { insertOnce } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { assertMayReply, loadSharingRequest, type SharingRequestLean } from './requests.server'
import type { HandoverInput } from './schemas'

/**
 * Art. 23 ¶4: record an offline hand-over. Only the source department, only under an agreed offline
 * grant still in force, only the granted fields. The same content recorded twice is one hand-over.
 */
export async function recordOfflineHandover(
  user: AuthUser,
  requestId: string,
  input: Omit<HandoverInput, 'intent'>,
  now: Date = new Date(),
) {
  assertMay(user, 'decide:sharing-request:own-org')
  const request = await loadSharingRequest(requestId)
  assertMayReply(user, request)
  const grantId = request.decision?.grantId
  const grant = grantId ? await SharingGrant.findById(grantId).lean() : null
  if (request.status !== 'granted' || !grant || grant.mode !== 'offline')
    throw new DomainError('not_offline', 'error.sharing.notOffline', 409)
  if (grant.revokedAt || now >= grant.end)
    throw new DomainError('grant_not_in_force', 'error.sharing.grantNotInForce', 409)
  // A hand-over happens on a day between the agreement and today.
  if (input.handedOverAt > chinaDate(now) || input.handedOverAt < chinaDate(grant.start))
    throw new DomainError('bad_date', 'error.sharing.handoverDate', 422, {
      handedOverAt: ['error.sharing.handoverDate'],
    })
  const handedOverAt = endOfChinaDay(input.handedOverAt)
  assertMinimalFields(input.fields, grant.fields)
  const key = { grantId: String(grant._id), contentSha256: input.contentSha256 }
  const { doc } = await insertOnce(
    SharingHandover,
    {
      ...key,
      requestId,
      fields: [...new Set(input.fields)],
      rows: input.rows,
      medium: input.medium,
      handedOverAt,
      handedOverBy: input.handedOverBy,
      receivedBy: input.receivedBy,
      recordedBy: user.id,
      createdAt: now,
    },
    key,
  )
  return completeHandover(doc.toObject(), request)
}

/**
 * The steps after a hand-over is stored, from the stored record alone: log it and mark the
 * delivery. Safe to run again: the reply sweep finishes one a crash left unlogged (`ledgerSeq` null).
 */
export async function completeHandover(
  handover: SharingHandoverDoc,
  request: Pick<SharingRequestLean, '_id' | 'catalogEntryId' | 'requesterOrgId' | 'sourceOrgId'>,
) {
  const requestId = String(request._id)
  const entry = await appendLedger({
    action: 'sharing-grant.handed-over',
    actor: { userId: handover.recordedBy, orgId: request.sourceOrgId },
    subjects: [
      `sharing-grant:${handover.grantId}`,
      `sharing-request:${requestId}`,
      `catalog-entry:${request.catalogEntryId}`,
      `org:${request.requesterOrgId}`,
      `org:${request.sourceOrgId}`,
    ],
    // Names of people: digested in the log, not stored in it.
    payload: {
      fields: handover.fields,
      rows: handover.rows,
      contentSha256: handover.contentSha256,
      medium: handover.medium,
      handedOverAt: handover.handedOverAt.toISOString(),
      handedOverBy: handover.handedOverBy,
      receivedBy: handover.receivedBy,
    },
    summary: {
      fields: handover.fields.length,
      rows: handover.rows,
      contentSha256: handover.contentSha256,
      medium: handover.medium,
      handedOverAt: handover.handedOverAt.toISOString(),
    },
    eventKey: `sharing-grant.handed-over:${handover.grantId}:${handover.contentSha256}`,
  })
  await SharingHandover.updateOne({ _id: handover._id }, { $set: { ledgerSeq: entry._id } })
  // The first hand-over is the delivery (Art. 24: within 5 working days of the agreement).
  await SharingRequest.updateOne(
    { _id: request._id, 'decision.deliveredAt': null },
    { $set: { 'decision.deliveredAt': handover.handedOverAt } },
  )
  return { handoverId: String(handover._id), ledgerSeq: entry._id }
}

/** A request's hand-overs, oldest first (the request page). */
export async function handoversOf(requestId: string) {
  const rows = await SharingHandover.find({ requestId }).sort({ handedOverAt: 1, _id: 1 }).lean()
  return rows.map((h) => ({
    id: String(h._id),
    fields: h.fields,
    rows: h.rows,
    contentSha256: h.contentSha256,
    medium: h.medium,
    handedOverAt: h.handedOverAt.toISOString(),
    handedOverBy: h.handedOverBy,
    receivedBy: h.receivedBy,
    ledgerSeq: h.ledgerSeq ?? null,
  }))
}
