// In-app notices about catalog deadlines, freshness and quality issues, through the shared
// `notifications` queue. The key makes each notice idempotent; a Redis outage loses none of the
// catalog's state (the sweeps re-send deadline and freshness notices on their next run).
import { enqueue } from '#jobs/queues'
import { Organization } from '#models/organization'
import type { AdminLevel } from '#models/catalog-entry'

export async function notifyOrg(input: {
  key: string
  orgId: string | undefined
  kind: string
  params: Record<string, string | number>
}) {
  if (input.orgId) await enqueueNotice(input)
}

/** A notice to one person's inbox (a data subject: C10), idempotent by its key like the above. */
export async function notifyUser(input: {
  key: string
  userId: string
  kind: string
  params: Record<string, string | number>
}) {
  await enqueueNotice(input)
}

async function enqueueNotice(input: {
  key: string
  orgId?: string
  userId?: string
  kind: string
  params: Record<string, string | number>
}) {
  try {
    await enqueue(
      'notifications',
      {
        key: input.key,
        ...(input.orgId ? { orgId: input.orgId } : { userId: input.userId }),
        kind: input.kind,
        params: input.params,
      },
      { jobId: input.key.replace(/:/g, '_') },
    )
  } catch (error) {
    console.error(
      '[notify] could not enqueue notification',
      input.key,
      error instanceof Error ? error.message : error,
    )
  }
}

/** The data authority of an administrative level and region (the one that reviews its catalog). */
export async function authorityOf(level: string, regionCode: string): Promise<string | undefined> {
  const org = await Organization.findOne(
    { type: 'authority', level: level as AdminLevel, regionCode, status: 'approved' },
    { _id: 1 },
  ).lean()
  return org ? String(org._id) : undefined
}
