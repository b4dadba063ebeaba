// The data authority coordinates sharing (C4; Art. 22): it sees every request whose reply is
// overdue, or whose agreed data has not reached the requester within its 5 working days (Art. 24)
// — escalated to it by the sweep, or past the deadline before the next sweep — and records what it
// did to resolve it. A coordination note is logged (`sharing-request.coordinated`)
// and sent to both agencies; the answer stays the source department's to give.
import { createHash } from 'node:crypto'
import mongoose from 'mongoose'
import { SharingRequest } from '#models/sharing-request'
import { notifyOrg } from '~/services/catalog/notify.server'
import { orgNames } from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { loadSharingRequest, type SharingRequestLean } from './requests.server'

type ClockFields = Pick<SharingRequestLean, 'status' | 'escalatedAt' | 'replyDueAt' | 'decision'>

/**
 * Which clock a request has overrun, if any: the reply (Art. 23 ¶2: unanswered past its deadline)
 * or the delivery (Art. 24: agreed, in force, and nothing delivered past its deadline).
 */
export function overdueClock(request: ClockFields, now: Date): 'reply' | 'delivery' | null {
  if (request.status === 'pending')
    return request.escalatedAt || (request.replyDueAt && request.replyDueAt < now) ? 'reply' : null
  const d = request.decision
  if (request.status !== 'granted' || !d || d.deliveredAt || d.revokedAt) return null
  if (d.end && d.end <= now) return null
  return d.deliveryEscalatedAt || (d.deliveryDueAt && d.deliveryDueAt < now) ? 'delivery' : null
}

export function isOverdue(request: ClockFields, now: Date): boolean {
  return overdueClock(request, now) !== null
}

/** Art. 22: the requests the authority has to coordinate now — either clock overrun. */
export async function overdueSharingRequests(user: AuthUser, now: Date = new Date()) {
  assertMay(user, 'coordinate:sharing-request:any')
  const open = await SharingRequest.find({
    status: mongoose.trusted({ $in: ['pending', 'granted'] }),
  }).lean()
  const overdue = open
    .map((r) => {
      const clock = overdueClock(r, now)
      const dueAt = clock === 'reply' ? r.replyDueAt : (r.decision?.deliveryDueAt ?? null)
      return { r, clock, dueAt }
    })
    .filter((o) => o.clock !== null)
    .sort((a, b) => (a.dueAt?.getTime() ?? 0) - (b.dueAt?.getTime() ?? 0))
  const names = await orgNames(overdue.flatMap(({ r }) => [r.requesterOrgId, r.sourceOrgId]))
  return {
    items: overdue.map(({ r, clock, dueAt }) => ({
      id: String(r._id),
      title: r.entryTitle,
      requesterOrgId: r.requesterOrgId,
      sourceOrgId: r.sourceOrgId,
      clock: clock!,
      dueAt: dueAt?.toISOString() ?? null,
      escalatedAt:
        (clock === 'reply' ? r.escalatedAt : r.decision?.deliveryEscalatedAt)?.toISOString() ??
        null,
      coordinations: r.coordinations.length,
    })),
    orgNames: names,
  }
}

/**
 * Art. 22: the authority records its coordination of an overdue request (what it did, whom it
 * asked). Logged and sent to both agencies; the same note posted twice is recorded once.
 */
export async function recordCoordination(
  user: AuthUser,
  requestId: string,
  note: string,
  now: Date = new Date(),
) {
  assertMay(user, 'coordinate:sharing-request:any')
  const request = await loadSharingRequest(requestId)
  if (!isOverdue(request, now))
    throw new DomainError('not_overdue', 'error.sharing.notOverdue', 409)
  const text = note.trim()
  if (text.length < 4)
    throw new DomainError('note_required', 'error.sharing.noteRequired', 422, {
      note: ['error.sharing.noteRequired'],
    })
  const digest = createHash('sha256').update(`${user.id}\n${text}`).digest('hex').slice(0, 32)
  const entry = await appendLedger({
    action: 'sharing-request.coordinated',
    actor: { userId: user.id, orgId: user.org?.id },
    subjects: [
      `sharing-request:${requestId}`,
      `catalog-entry:${request.catalogEntryId}`,
      `org:${request.requesterOrgId}`,
      `org:${request.sourceOrgId}`,
    ],
    payload: { note: text },
    summary: { sourceOrgId: request.sourceOrgId, note: text.slice(0, 500) },
    eventKey: `sharing-request.coordinated:${requestId}:${digest}`,
  })
  // The same object for a repeated post: $addToSet keeps one.
  await SharingRequest.updateOne(
    { _id: request._id },
    {
      $addToSet: {
        coordinations: { seq: entry._id, at: entry.at, by: user.id, note: text },
      },
    },
  )
  for (const orgId of [request.sourceOrgId, request.requesterOrgId])
    await notifyOrg({
      key: `sharing-request:${requestId}:coordinated:${digest}:${orgId}`,
      orgId,
      kind: 'sharing-request.coordinated',
      params: { requestId, title: request.entryTitle.zh },
    })
  return { requestId, ledgerSeq: entry._id }
}
