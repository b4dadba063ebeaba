// Queue registry: every queue's name, payload schema and worker concurrency in
// one place, plus the helpers the app uses to put work on them.
import {
  Queue,
  UnrecoverableError,
  type DefaultJobOptions,
  type Job,
  type JobsOptions,
} from 'bullmq'
import type { Redis } from 'ioredis'
import { z } from 'zod'
import { declaredSchemaSchema, profileSchema } from '~/services/desensitize/schemas'
import { getEnv } from '~/utils/env.server'
import { createRedis } from '~/utils/redis.server'

const notificationPayload = z.object({
  // The producer's idempotency key: one Notification per key, however often it is enqueued.
  key: z.string().min(1).max(200),
  orgId: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  kind: z.string().min(1).max(100),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
})

const ledgerAuditPayload = z.object({
  requestedBy: z.string().min(1).optional(),
})

// SPEC C11: publish a signed checkpoint at the head. No keys or entries travel in the payload.
const ledgerCheckpointPayload = z.object({
  reason: z.enum(['schedule', 'entries', 'manual']).default('schedule'),
  // The seq that triggered an `entries` run (for the dashboard; the job always covers the head).
  atSeq: z.number().int().min(1).optional(),
})

// SPEC C2/C3: the catalog's Art. 11 deadline sweep and Art. 16 freshness sweep. `at` is for tests.
const catalogSweepPayload = z.object({
  sweep: z.enum(['deadlines', 'freshness']),
  at: z.iso.datetime().optional(),
})

// SPEC C9: scan a stored file for personal data before it leaves (Art. 32, 41, 46). No file
// content travels in the payload, only a reference inside STORAGE_DIR.
const scanPayload = z.object({
  fileRef: z.string().min(1).max(500),
  subjectRef: z.string().regex(/^(product-version|distribution|catalog-entry|product):[A-Za-z0-9_-]{1,100}$/),
  schema: declaredSchemaSchema.optional(),
  profile: z.string().regex(/^[\w.-]{1,100}$/).optional(),
  fileName: z.string().max(300).optional(),
  requestId: z.string().max(64).optional(),
  requestedBy: z.object({ orgId: z.string().min(1).max(100).optional(), userId: z.string().min(1).max(100).optional() }).optional(),
})

// SPEC C9 (Art. 32, 41): apply a desensitization profile to a file inside STORAGE_DIR; the output
// is screened for `subjectRef`. No file content travels in the payload.
const desensitizeApplyPayload = z.object({
  fileRef: z.string().min(1).max(500),
  profile: profileSchema,
  subjectRef: scanPayload.shape.subjectRef,
  requestedBy: scanPayload.shape.requestedBy,
})

// SPEC C7 (Art. 36): run an authority model on licensed data; the run record holds everything else.
const runModelPayload = z.object({ runId: z.string().regex(/^[0-9a-f]{24}$/) })

// SPEC C7: take scanner verdicts into submitted product versions and publish those now due.
const listingSweepPayload = z.object({ reason: z.enum(['schedule', 'manual']).default('schedule') })

export const queues = {
  notifications: { schema: notificationPayload, concurrency: 10 },
  'ledger-audit': { schema: ledgerAuditPayload, concurrency: 1 },
  'catalog-sweeps': { schema: catalogSweepPayload, concurrency: 1 },
  'ledger-checkpoint': { schema: ledgerCheckpointPayload, concurrency: 1 },
  // One at a time: a scan streams a whole file and uses a core.
  scan: { schema: scanPayload, concurrency: 1 },
  'desensitize-apply': { schema: desensitizeApplyPayload, concurrency: 1 },
  'run-model': { schema: runModelPayload, concurrency: 1 },
  'listing-sweep': { schema: listingSweepPayload, concurrency: 1 },
} as const satisfies Record<string, { schema: z.ZodType; concurrency: number }>

export type QueueName = keyof typeof queues
export const queueNames = Object.keys(queues) as QueueName[]

/** What a producer passes to `enqueue`. */
export type JobInput<N extends QueueName> = z.input<(typeof queues)[N]['schema']>
/** What a processor receives once the payload is validated. */
export type JobData<N extends QueueName> = z.output<(typeof queues)[N]['schema']>

export const defaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  // Failed jobs stay until someone looks at them on the dashboard.
  removeOnFail: false,
} satisfies DefaultJobOptions

const open = new Map<QueueName, Queue>()
let connection: Redis | undefined

/** The queue for `name`, created on first use; all queues share one connection. */
export function getQueue<N extends QueueName>(name: N): Queue<JobData<N>> {
  let queue = open.get(name)
  if (!queue) {
    connection ??= createRedis()
    queue = new Queue(name, { connection, prefix: getEnv().QUEUE_PREFIX, defaultJobOptions })
    queue.on('error', (error) => console.error(`[jobs] queue ${name}: ${error.message}`))
    open.set(name, queue)
  }
  return queue as Queue<JobData<N>>
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')
}

/**
 * For processors: the validated payload, or an `UnrecoverableError` so a bad
 * payload (possibly enqueued before a deploy) fails once instead of retrying.
 */
export function parseJobData<N extends QueueName>(name: N, data: unknown): JobData<N> {
  const result = queues[name].schema.safeParse(data)
  if (!result.success) {
    throw new UnrecoverableError(`invalid ${name} payload: ${describeIssues(result.error)}`)
  }
  return result.data as JobData<N>
}

export type EnqueueOptions = Pick<JobsOptions, 'jobId' | 'delay' | 'priority'>

/**
 * Validates the payload (throws a ZodError on a bad one) and adds the job.
 * A `jobId` makes BullMQ ignore a second add while the first job is kept;
 * processors still deduplicate on their own domain key.
 */
export async function enqueue<N extends QueueName>(
  name: N,
  data: JobInput<N>,
  opts: EnqueueOptions = {},
): Promise<Job<JobData<N>>> {
  const payload = queues[name].schema.parse(data) as JobData<N>
  const queue: Queue = getQueue(name)
  return (await queue.add(name, payload, opts)) as Job<JobData<N>>
}

export const LEDGER_AUDIT_SCHEDULER = 'ledger-audit-hourly'
export const CATALOG_DEADLINES_SCHEDULER = 'catalog-deadlines-hourly'
export const CATALOG_FRESHNESS_SCHEDULER = 'catalog-freshness-daily'
export const LEDGER_CHECKPOINT_SCHEDULER = 'ledger-checkpoint-every-5-minutes'
export const LISTING_SWEEP_SCHEDULER = 'listing-sweep-every-minute'

/** Idempotent: upserting a scheduler replaces it, so every worker start may call this. */
export async function scheduleRepeatingJobs(): Promise<void> {
  // At the top of every hour (a pattern, not `every`, which would also run at each start).
  await getQueue('ledger-audit').upsertJobScheduler(
    LEDGER_AUDIT_SCHEDULER,
    { pattern: '0 * * * *' },
    { name: 'ledger-audit', data: {} },
  )
  // Art. 11: deadline warnings and overdue marks every hour; Art. 16: freshness once a day (02:30 in Guangdong).
  await getQueue('catalog-sweeps').upsertJobScheduler(
    CATALOG_DEADLINES_SCHEDULER,
    { pattern: '15 * * * *' },
    { name: 'catalog-sweeps', data: { sweep: 'deadlines' } },
  )
  await getQueue('catalog-sweeps').upsertJobScheduler(
    CATALOG_FRESHNESS_SCHEDULER,
    { pattern: '30 2 * * *', tz: 'Asia/Shanghai' },
    { name: 'catalog-sweeps', data: { sweep: 'freshness' } },
  )
  // SPEC C11: a signed checkpoint every 5 minutes (a no-op when nothing was appended); appendLedger
  // also asks for one after every LEDGER_CHECKPOINT_EVERY entries.
  await getQueue('ledger-checkpoint').upsertJobScheduler(
    LEDGER_CHECKPOINT_SCHEDULER,
    { pattern: '*/5 * * * *' },
    { name: 'ledger-checkpoint', data: { reason: 'schedule' } },
  )
  // SPEC C7: scanned product versions reach the market within a minute of their scan passing.
  await getQueue('listing-sweep').upsertJobScheduler(
    LISTING_SWEEP_SCHEDULER,
    { pattern: '* * * * *' },
    { name: 'listing-sweep', data: { reason: 'schedule' } },
  )
}

export async function closeQueues(): Promise<void> {
  const closing = [...open.values()]
  const client = connection
  open.clear()
  connection = undefined
  await Promise.all(closing.map((q) => q.close()))
  await client?.quit().catch(() => client.disconnect())
}
