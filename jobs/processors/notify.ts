import { isDuplicateKey } from '~/utils/db.server'
import { NotificationModel } from '#models/notification'
import { parseJobData } from '../queues'

export interface NotifyDeps {
  now?: () => Date
}

export interface NotifyResult {
  key: string
  /** false: a Notification with this key already existed (a retry or a repeated enqueue). */
  created: boolean
}

/** `notifications` job: records one Notification per idempotency key. */
export async function notify(data: unknown, deps: NotifyDeps = {}): Promise<NotifyResult> {
  const { key, orgId, userId, kind, params } = parseJobData('notifications', data)
  const createdAt = deps.now?.() ?? new Date()
  try {
    // The unique index on `key` decides, not a read first: correct under concurrent runs.
    await NotificationModel.create({ key, orgId, userId, kind, params, createdAt })
    return { key, created: true }
  } catch (error) {
    if (isDuplicateKey(error)) return { key, created: false }
    throw error
  }
}
