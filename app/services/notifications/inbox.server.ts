// The notification centre (C4 and every capability that writes notices): each user sees the notices
// addressed to them and to their organisation — deadline warnings, replies, grants, revocations,
// escalations, deliveries, catalog and usage-report reminders — and the authority's and regulators'
// kind-level notices (a broken ledger chain). The `notifications` job writes them (one per key);
// this module only reads them and marks them read (read by anyone of the organisation counts).
import mongoose from 'mongoose'
import { NotificationModel, type Notification } from '#models/notification'
import type { AuthUser } from '~/services/identity/auth.server'
import { connectDb } from '~/utils/db.server'
import { pageOf } from '~/utils/listing.server'
import type { NotificationListQuery } from './schemas'

/** Whose notices `user` reads: their own, their organisation's, and (overseers) the kind-level ones. */
export function inboxFilter(user: AuthUser): Record<string, unknown> {
  const mine: Record<string, unknown>[] = [{ userId: user.id }]
  if (user.org) mine.push({ orgId: user.org.id })
  if (user.permissions.has('read:ledger:any'))
    mine.push({
      orgId: mongoose.trusted({ $exists: false }),
      userId: mongoose.trusted({ $exists: false }),
    })
  return { $or: mongoose.trusted(mine) }
}

/** How many notices `user` has not read (the header's count). */
export async function unreadCount(user: AuthUser): Promise<number> {
  await connectDb()
  return NotificationModel.countDocuments({
    ...inboxFilter(user),
    readAt: mongoose.trusted({ $exists: false }),
  })
}

const ID_PARAMS: [string, (id: string, kind: string) => string][] = [
  [
    'requestId',
    (id, kind) =>
      kind.startsWith('research-request') ? `/research/requests/${id}` : `/sharing/requests/${id}`,
  ],
  ['licenceId', (id) => `/licences/${id}`],
  ['reportId', (id) => `/supervision/reports/${id}`],
  ['entryId', (id) => `/catalog/${id}`],
  ['batchId', (id) => `/verification/batches/${id}`],
  ['complaintId', () => '/authority/complaints'],
  [
    'subjectRequestId',
    (_id, kind) =>
      /^subject-request\.(filed|reminder|overdue)$/.test(kind)
        ? '/agency/subject-requests'
        : '/me#requests',
  ],
  ['authorizationId', () => '/subject-authorizations'],
  ['emergencyId', () => '/agency/emergency-collections'],
  ['disputeId', (id) => `/disputes/${id}`],
  ['rectificationId', () => '/rectifications'],
  ['seq', (id) => `/regulator/log/${id}`],
  ['securityEvent', () => '/authority/security'],
]

/** Where a notice leads: the page of the thing it is about. */
export function notificationHref(kind: string, params: Record<string, unknown>): string | null {
  for (const [key, path] of ID_PARAMS) {
    const value = params[key]
    if ((typeof value === 'string' && /^[\w:.-]{1,120}$/.test(value)) || typeof value === 'number')
      return path(String(value), kind)
  }
  return null
}

/** A notice as the page shows it: its kind, the values its sentence needs, and its link. */
export function describeNotification(n: Notification & { _id: unknown }) {
  const params = (n.params ?? {}) as Record<string, unknown>
  const text: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(params))
    if (typeof v === 'string' || typeof v === 'number') text[k] = v
  // Every sentence may name what it is about: a title, else a catalog code, else nothing.
  text.title = typeof params.title === 'string' ? params.title : String(params.code ?? '')
  return {
    id: String(n._id),
    kind: n.kind,
    params: text,
    dueAt: typeof params.dueAt === 'string' ? params.dueAt : null,
    href: notificationHref(n.kind, params),
    createdAt: n.createdAt.toISOString(),
    read: Boolean(n.readAt),
  }
}

/** The user's notices, newest first, a page at a time; `unread` narrows to those not read yet. */
export async function notificationsPage(user: AuthUser, query: NotificationListQuery) {
  await connectDb()
  const filter = {
    ...inboxFilter(user),
    ...(query.unread && { readAt: mongoose.trusted({ $exists: false }) }),
  }
  const { items, paging } = await pageOf(NotificationModel, filter, query, {
    created: 'createdAt',
  })
  return {
    query,
    items: items.map((n) => describeNotification(n as Notification & { _id: unknown })),
    paging,
    unread: await unreadCount(user),
  }
}

/**
 * Marks notices read: the given ones, or every one (`all`) — only ever among the user's own, so an
 * id of someone else's notice changes nothing. Returns how many changed.
 */
export async function markNotificationsRead(
  user: AuthUser,
  which: { ids: string[] } | 'all',
  now: Date = new Date(),
): Promise<number> {
  await connectDb()
  const ids = which === 'all' ? null : which.ids.filter((id) => mongoose.isValidObjectId(id))
  if (ids && ids.length === 0) return 0
  const result = await NotificationModel.updateMany(
    {
      ...inboxFilter(user),
      readAt: mongoose.trusted({ $exists: false }),
      ...(ids && { _id: mongoose.trusted({ $in: ids }) }),
    },
    { $set: { readAt: now } },
  )
  return result.modifiedCount
}
