// The authority's view of the job queues (bull-board) and the counts for a
// status page. Authentication is the mounting code's job, not this module's.
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ExpressAdapter } from '@bull-board/express'
import type { Router } from 'express'
import { getQueue, queueNames, type QueueName } from '#jobs/queues'

/**
 * An Express router serving the dashboard at `basePath` (the full path it is
 * mounted at, e.g. `/admin/queues`): mount it as `app.use(basePath, router)`.
 */
export function createQueueDashboard(basePath: string): Router {
  const serverAdapter = new ExpressAdapter()
  serverAdapter.setBasePath(basePath)
  createBullBoard({
    queues: queueNames.map((name) => new BullMQAdapter(getQueue(name))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'GDPDE jobs' } },
  })
  return serverAdapter.getRouter() as Router
}

export interface QueueCounts {
  waiting: number
  active: number
  completed: number
  failed: number
  delayed: number
}

/** Per-queue job counts; `completed` only covers jobs not yet pruned (24 h / 1000). */
export async function queueCounts(): Promise<Record<QueueName, QueueCounts>> {
  const entries = await Promise.all(
    queueNames.map(async (name) => {
      const c = await getQueue(name).getJobCounts(
        'waiting',
        'active',
        'completed',
        'failed',
        'delayed',
      )
      const counts: QueueCounts = {
        waiting: c.waiting ?? 0,
        active: c.active ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        delayed: c.delayed ?? 0,
      }
      return [name, counts] as const
    }),
  )
  return Object.fromEntries(entries) as Record<QueueName, QueueCounts>
}
