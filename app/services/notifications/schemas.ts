// What the notification centre accepts: its list query and its one form (mark read).
import { z } from 'zod'
import { listParams, objectId } from '~/utils/schemas'

export const notificationListQuery = z.strictObject({
  ...listParams(['created'], { sort: 'created', dir: 'desc' }),
  unread: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v === '1'),
    z.boolean().optional(),
  ),
})
export type NotificationListQuery = z.infer<typeof notificationListQuery>

/** Mark one notice read (`id`), or every one (`all`). */
export const markReadInput = z.union([
  z.strictObject({ intent: z.literal('read'), id: objectId() }),
  z.strictObject({ intent: z.literal('read-all') }),
])
