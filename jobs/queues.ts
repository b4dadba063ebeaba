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
import { objectId } from '~/utils/schemas'

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

// C11: publish a signed checkpoint at the head. No keys or entries travel in the payload.
const ledgerCheckpointPayload = z.object({
  reason: z.enum(['schedule', 'entries', 'manual']).default('schedule'),
  // The seq that triggered an `entries` run: the run covers at least it, and whatever else the
  // tail or the database holds by then.
  atSeq: z.number().int().min(1).optional(),
})

// C2/C3: the catalog's Art. 11 deadline sweep and Art. 16 freshness sweep. `at` is for tests.
const catalogSweepPayload = z.object({
  sweep: z.enum(['deadlines', 'freshness']),
  at: z.iso.datetime().optional(),
})

// C9: scan a stored file for personal data before it leaves (Art. 32, 41, 46). No file
// content travels in the payload, only a reference inside STORAGE_DIR.
const scanPayload = z.object({
  fileRef: z.string().min(1).max(500),
  subjectRef: z
    .string()
    .regex(/^(product-version|distribution|catalog-entry|product):[A-Za-z0-9_-]{1,100}$/),
  schema: declaredSchemaSchema.optional(),
  profile: z
    .string()
    .regex(/^[\w.-]{1,100}$/)
    .optional(),
  fileName: z.string().max(300).optional(),
  requestId: z.string().max(64).optional(),
  requestedBy: z
    .object({
      orgId: z.string().min(1).max(100).optional(),
      userId: z.string().min(1).max(100).optional(),
    })
    .optional(),
})

// C9 (Art. 32, 41): apply a desensitization profile to a file inside STORAGE_DIR; the output
// is screened for `subjectRef`. No file content travels in the payload.
const desensitizeApplyPayload = z.object({
  fileRef: z.string().min(1).max(500),
  profile: profileSchema,
  subjectRef: scanPayload.shape.subjectRef,
  schema: declaredSchemaSchema.optional(),
  requestedBy: scanPayload.shape.requestedBy,
})

// C7 (Art. 36): run an authority model on licensed data; the run record holds everything else.
const runModelPayload = z.object({ runId: objectId() })

// C7: take scanner verdicts into submitted product versions and publish those now due.
const listingSweepPayload = z.object({ reason: z.enum(['schedule', 'manual']).default('schedule') })

// C8 (Art. 38): deliver one licence — a fingerprinted file copy and a signed expiring link, or
// an API key with the licence's quota and field projection. Job id `delivery-<licenceId>`.
// C4 (Art. 24): or one sharing grant's copy of its entry's data, job id
// `delivery-grant-<grantId>-<data digest>`.
const deliveryPayload = z.union([
  z.object({ licenceId: objectId() }).strict(),
  z.object({ grantId: objectId() }).strict(),
])

// C8 (Art. 24, 38): expire licences whose end has passed and notify both sides. `at` is for tests.
const licenceSweepPayload = z.object({ at: z.iso.datetime().optional() })

// C12 (Art. 48–52): generate one supervision report. The schedulers pass `previous-month` /
// `previous-year` (resolved when the job runs); an authority request names the period.
const supervisionReportPayload = z.object({
  scope: z
    .string()
    .regex(/^(all|org:[0-9a-f]{24})$/)
    .default('all'),
  period: z.string().regex(/^(\d{4}(-(0[1-9]|1[0-2]))?|previous-month|previous-year)$/),
  requestedBy: objectId().optional(),
})

// C8 (ADR 005, 020): process one recorded Stripe webhook event. Job id `stripe-<eventId>`.
const paymentEventsPayload = z.object({ eventId: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/) })

// C8 (ADR 020): finish what a crash or a lost job left half-done — unprocessed Stripe events,
// paid orders without a licence. `at` is for tests.
const paymentSweepPayload = z.object({ at: z.iso.datetime().optional() })

// C8 (Art. 46): remind licensees of usage reports coming due and mark overdue ones; also warn owners of
// research requests (Art. 26 → Art. 23) whose reply is nearly or already overdue. `at` is for tests.
const usageRemindersPayload = z.object({ at: z.iso.datetime().optional() })

// C4 (Art. 22–23): warn source departments of sharing requests waiting 3 working days; escalate
// overdue ones to the coordinating authority. `at` is for tests.
const sharingSweepPayload = z.object({ at: z.iso.datetime().optional() })

// C5 (Art. 23 ¶3): build one entry's verification index from its stored data.
const verificationIndexPayload = z.object({ entryId: objectId() }).strict()

// C5: answer one batch of candidates (an uploaded file) into a file of match flags.
const verificationBatchPayload = z.object({ batchId: objectId() }).strict()

// C10 (Art. 39, 42): index a stored table by the data subjects its rows are about.
const subjectIndexPayload = z.object({ datasetId: z.string().min(1).max(200) }).strict()

// C10 (Art. 42): make a data subject's copy of what is held about them.
const subjectCopyPayload = z.object({ copyId: objectId() }).strict()
// C10 (Art. 40): an ended emergency collection is sealed, its grants revoked, its report signed.
const emergencyClosePayload = z.object({ collectionId: objectId() }).strict()
// C10 (Art. 42): a granted correction or deletion becomes a new version of the table.
const subjectRecordChangePayload = z.object({ requestId: objectId() }).strict()

// C5: drain the verification call stream into the ledger (every minute).
const verificationLogPayload = z.object({}).strict()

// Issue 14: remove content-store blobs no record refers to, past their grace period. `at` is for tests.
const storageSweepPayload = z.object({ at: z.iso.datetime().optional() })

// Issue 19 (Art. 45, 47): the daily security self-check (backups, keys, ledger audit, config).
const securitySelfCheckPayload = z.object({ at: z.iso.datetime().optional() }).strict()

// Issue 19 (Art. 45 ¶1): the daily encrypted backup to BACKUP_DIR (and BACKUP_MIRROR_DIR), then retention.
const backupPayload = z.object({}).strict()

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
  // One at a time: a report reads the log up to its period's end.
  'supervision-reports': { schema: supervisionReportPayload, concurrency: 1 },
  // Two at a time: a file delivery streams a whole file through the fingerprinter.
  delivery: { schema: deliveryPayload, concurrency: 2 },
  'licence-sweeps': { schema: licenceSweepPayload, concurrency: 1 },
  'payment-events': { schema: paymentEventsPayload, concurrency: 4 },
  'payment-sweeps': { schema: paymentSweepPayload, concurrency: 1 },
  'usage-reminders': { schema: usageRemindersPayload, concurrency: 1 },
  'verification-index': { schema: verificationIndexPayload, concurrency: 1 },
  'verification-log': { schema: verificationLogPayload, concurrency: 1 },
  // One at a time: a batch holds its flags in memory until it writes them.
  'verification-batch': { schema: verificationBatchPayload, concurrency: 1 },
  'subject-index': { schema: subjectIndexPayload, concurrency: 1 },
  'subject-copy': { schema: subjectCopyPayload, concurrency: 2 },
  'subject-record-change': { schema: subjectRecordChangePayload, concurrency: 1 },
  'emergency-close': { schema: emergencyClosePayload, concurrency: 1 },
  'storage-sweep': { schema: storageSweepPayload, concurrency: 1 },
  'sharing-sweep': { schema: sharingSweepPayload, concurrency: 1 },
  backup: { schema: backupPayload, concurrency: 1 },
  'security-self-check': { schema: securitySelfCheckPayload, concurrency: 1 },
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

export type EnqueueOptions = Pick<
  JobsOptions,
  'jobId' | 'delay' | 'priority' | 'attempts' | 'backoff'
>

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
export const LICENCE_EXPIRY_SCHEDULER = 'licence-expiry-every-minute'
export const PAYMENT_SWEEP_SCHEDULER = 'payment-sweep-every-5-minutes'
export const USAGE_REMINDERS_SCHEDULER = 'usage-reminders-daily'
export const STORAGE_SWEEP_SCHEDULER = 'storage-sweep-daily'
export const BACKUP_SCHEDULER = 'backup-daily'
export const SECURITY_SELF_CHECK_SCHEDULER = 'security-self-check-daily'
export const SHARING_SWEEP_SCHEDULER = 'sharing-sweep-hourly'
export const VERIFICATION_LOG_SCHEDULER = 'verification-log-every-minute'
export const SUPERVISION_MONTHLY_SCHEDULER = 'supervision-report-monthly'
export const SUPERVISION_YEARLY_SCHEDULER = 'supervision-report-yearly'

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
  // C11: a signed checkpoint every 5 minutes (a no-op when nothing was appended); appendLedger
  // also asks for one after every LEDGER_CHECKPOINT_EVERY entries.
  await getQueue('ledger-checkpoint').upsertJobScheduler(
    LEDGER_CHECKPOINT_SCHEDULER,
    { pattern: '*/5 * * * *' },
    { name: 'ledger-checkpoint', data: { reason: 'schedule' } },
  )
  // C7: scanned product versions reach the market within a minute of their scan passing.
  await getQueue('listing-sweep').upsertJobScheduler(
    LISTING_SWEEP_SCHEDULER,
    { pattern: '* * * * *' },
    { name: 'listing-sweep', data: { reason: 'schedule' } },
  )
  // C8 (Art. 46): usage-report reminders and overdue marks once a day, 09:05 Guangdong time.
  await getQueue('usage-reminders').upsertJobScheduler(
    USAGE_REMINDERS_SCHEDULER,
    { pattern: '5 9 * * *', tz: 'Asia/Shanghai' },
    { name: 'usage-reminders', data: {} },
  )
  // C4 (Art. 22–23): the sharing reply clock, hourly (working-day deadlines end at midnight).
  await getQueue('sharing-sweep').upsertJobScheduler(
    SHARING_SWEEP_SCHEDULER,
    { pattern: '20 * * * *' },
    { name: 'sharing-sweep', data: {} },
  )
  // C5: every verification reaches the ledger within a minute.
  await getQueue('verification-log').upsertJobScheduler(
    VERIFICATION_LOG_SCHEDULER,
    { pattern: '* * * * *' },
    { name: 'verification-log', data: {} },
  )
  // Issue 14: unreferenced blobs go once a day, 03:40 Guangdong time (after the grace period).
  await getQueue('storage-sweep').upsertJobScheduler(
    STORAGE_SWEEP_SCHEDULER,
    { pattern: '40 3 * * *', tz: 'Asia/Shanghai' },
    { name: 'storage-sweep', data: {} },
  )
  // Issue 19 (Art. 45 ¶1): an encrypted backup, local and mirrored, every night at 01:50 Guangdong time.
  await getQueue('backup').upsertJobScheduler(
    BACKUP_SCHEDULER,
    { pattern: '50 1 * * *', tz: 'Asia/Shanghai' },
    { name: 'backup', data: {} },
  )
  // Issue 19 (Art. 45, 47): the self-check after the night's backup, 06:10 Guangdong time.
  await getQueue('security-self-check').upsertJobScheduler(
    SECURITY_SELF_CHECK_SCHEDULER,
    { pattern: '10 6 * * *', tz: 'Asia/Shanghai' },
    { name: 'security-self-check', data: {} },
  )
  // C8 (Art. 24, 38): licences expire within a minute of their end.
  await getQueue('licence-sweeps').upsertJobScheduler(
    LICENCE_EXPIRY_SCHEDULER,
    { pattern: '* * * * *' },
    { name: 'licence-sweeps', data: {} },
  )
  // C8 (ADR 020): unprocessed Stripe events and paid orders without a licence, every 5 minutes.
  await getQueue('payment-sweeps').upsertJobScheduler(
    PAYMENT_SWEEP_SCHEDULER,
    { pattern: '*/5 * * * *' },
    { name: 'payment-sweeps', data: {} },
  )
  // C12 (Art. 48, 49): last month's report at 01:00 on the 1st, last year's evaluation at
  // 02:00 on 1 January, Guangdong time. Reruns of a period store one report (unique key).
  await getQueue('supervision-reports').upsertJobScheduler(
    SUPERVISION_MONTHLY_SCHEDULER,
    { pattern: '0 1 1 * *', tz: 'Asia/Shanghai' },
    { name: 'supervision-reports', data: { scope: 'all', period: 'previous-month' } },
  )
  await getQueue('supervision-reports').upsertJobScheduler(
    SUPERVISION_YEARLY_SCHEDULER,
    { pattern: '0 2 1 1 *', tz: 'Asia/Shanghai' },
    { name: 'supervision-reports', data: { scope: 'all', period: 'previous-year' } },
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
