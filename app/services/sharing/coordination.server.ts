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
import { loadSharingRequest, notFound, type SharingRequestLean } from './requests.server'

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

/**
 * Art. 22: whether `user`'s authority coordinates the request — the source department's authority
 * (recorded when asked), or the one it was escalated to. A request stored before coordinators were
 * recorded is every authority's.
 */
export function coordinates(
  user: AuthUser,
  request: Pick<SharingRequestLean, 'coordinatorOrgId' | 'escalatedTo'>,
): boolean {
  const orgId = user.org?.id
  if (!orgId) return false
  return (
    !request.coordinatorOrgId || request.coordinatorOrgId === orgId || request.escalatedTo === orgId
  )
}

/** Art. 22: the requests the authority has to coordinate now — either clock overrun. */
export async function overdueSharingRequests(user: AuthUser, now: Date = new Date()) {
  assertMay(user, 'coordinate:sharing-request:any')
  const open = await SharingRequest.find({
    status: mongoose.trusted({ $in: ['pending', 'granted'] }),
  }).lean()
  const overdue = open
    .filter((r) => coordinates(user, r))
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
  if (!coordinates(user, request)) throw notFound()
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

/**
 * Art. 25: the cross-level and cross-region requests filed with `user`'s authority, newest first —
 * only its own filings; no other authority sees them here.
 */
export async function filingsInbox(user: AuthUser) {
  assertMay(user, 'coordinate:sharing-request:any')
  const orgId = user.org?.id
  if (!orgId) return { items: [], orgNames: {} }
  const rows = await SharingRequest.find({ 'filings.authorityOrgId': orgId })
    .sort({ createdAt: -1 })
    .limit(100)
    .lean()
  const names = await orgNames(rows.flatMap((r) => [r.requesterOrgId, r.sourceOrgId]))
  return {
    items: rows.map((r) => {
      const filing = r.filings.find((f) => f.authorityOrgId === orgId)!
      return {
        id: String(r._id),
        title: r.entryTitle,
        requesterOrgId: r.requesterOrgId,
        sourceOrgId: r.sourceOrgId,
        status: r.status,
        relation: filing.relation,
        createdAt: r.createdAt.toISOString(),
        comments: r.filingComments.filter((c) => c.authorityOrgId === orgId).length,
      }
    }),
    orgNames: names,
  }
}

/**
 * Art. 25: an authority a request was filed with comments on it. Logged, kept on the filing and sent
 * to both agencies; the same comment posted twice is recorded once. Any other authority: 404.
 */
export async function commentOnFiling(user: AuthUser, requestId: string, note: string) {
  assertMay(user, 'coordinate:sharing-request:any')
  const request = await loadSharingRequest(requestId)
  const orgId = user.org?.id
  if (!orgId || !request.filings.some((f) => f.authorityOrgId === orgId)) throw notFound()
  const text = note.trim()
  if (text.length < 4)
    throw new DomainError('note_required', 'error.sharing.noteRequired', 422, {
      note: ['error.sharing.noteRequired'],
    })
  const digest = createHash('sha256').update(`${user.id}\n${text}`).digest('hex').slice(0, 32)
  const entry = await appendLedger({
    action: 'sharing-request.filing-commented',
    actor: { userId: user.id, orgId },
    subjects: [
      `sharing-request:${requestId}`,
      `catalog-entry:${request.catalogEntryId}`,
      `org:${request.requesterOrgId}`,
      `org:${request.sourceOrgId}`,
      `org:${orgId}`,
    ],
    payload: { note: text },
    summary: { authorityOrgId: orgId, note: text.slice(0, 500) },
    eventKey: `sharing-request.filing-commented:${requestId}:${digest}`,
  })
  // The same object for a repeated post: $addToSet keeps one.
  await SharingRequest.updateOne(
    { _id: request._id },
    {
      $addToSet: {
        filingComments: {
          authorityOrgId: orgId,
          seq: entry._id,
          at: entry.at,
          by: user.id,
          note: text,
        },
      },
    },
  )
  for (const agency of [request.requesterOrgId, request.sourceOrgId])
    await notifyOrg({
      key: `sharing-request:${requestId}:filing-comment:${digest}:${agency}`,
      orgId: agency,
      kind: 'sharing-request.filing_commented',
      params: { requestId, title: request.entryTitle.zh },
    })
  return { requestId, ledgerSeq: entry._id }
}
