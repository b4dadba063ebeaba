// The worker process: one BullMQ Worker per queue, each handing job data to its
// processor. Run it with `npm run worker` (tsx jobs/worker.ts); the dev launcher
// and the tests start it in-process through `startWorkers()`.
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { connectDb, disconnectDb, ensureIndexes } from '~/utils/db.server'
import { getEnv, requireEnvOrExit } from '~/utils/env.server'
import { installProcessGuards } from '~/utils/process-guards.server'
import { closeRedis, createRedis } from '~/utils/redis.server'
import { auditLedger } from './processors/ledger-audit'
import { catalogSweep } from './processors/catalog-sweeps'
import { checkpointLedger } from './processors/ledger-checkpoint'
import { notify } from './processors/notify'
import { scan } from './processors/scan'
import { desensitizeApply } from './processors/desensitize-apply'
import { listingSweep } from './processors/listing-sweep'
import { runModel } from './processors/run-model'
import { deliver } from './processors/deliver'
import { licenceSweep } from './processors/licence-sweeps'
import { storageSweep } from './processors/storage-sweep'
import { backup } from './processors/backup'
import { securitySelfCheck } from './processors/security-self-check'
import { supervisionReport } from './processors/supervision-report'
import { paymentEvents } from './processors/payment-events'
import { paymentSweep } from './processors/payment-sweeps'
import { sharingSweep } from './processors/sharing-sweep'
import {
  emergencyClose,
  subjectCopy,
  subjectIndex,
  subjectRecordChange,
} from './processors/subjects'
import { verificationBatch, verificationIndex, verificationLog } from './processors/verification'
import { usageReminders } from './processors/usage-reminders'
import { closeQueues, queueNames, queues, scheduleRepeatingJobs, type QueueName } from './queues'

// Every queue in the registry must have a processor here (the mapped type enforces it).
const processors: { [N in QueueName]: (job: Job) => Promise<unknown> } = {
  'payment-events': (job) => paymentEvents(job.data),
  'payment-sweeps': (job) => paymentSweep(job.data),
  notifications: (job) => notify(job.data),
  'ledger-audit': (job) => auditLedger(job.data, { jobId: job.id }),
  'catalog-sweeps': (job) => catalogSweep(job.data),
  'ledger-checkpoint': (job) => checkpointLedger(job.data),
  scan: (job) => scan(job.data),
  'desensitize-apply': (job) => desensitizeApply(job.data),
  'run-model': (job) => runModel(job.data, { jobId: job.id }),
  'listing-sweep': (job) => listingSweep(job.data),
  'usage-reminders': (job) => usageReminders(job.data),
  'supervision-reports': (job) =>
    supervisionReport(job.data, {
      scheduledAt: new Date(job.processedOn ?? Date.now()),
      updateProgress: (p) => job.updateProgress(p),
    }),
  delivery: (job) => deliver(job.data, job),
  'licence-sweeps': (job) => licenceSweep(job.data),
  'storage-sweep': (job) => storageSweep(job.data),
  backup: (job) => backup(job.data),
  'security-self-check': (job) => securitySelfCheck(job.data),
  'sharing-sweep': (job) => sharingSweep(job.data),
  'verification-index': (job) => verificationIndex(job.data),
  'verification-log': (job) => verificationLog(job.data),
  'verification-batch': (job) => verificationBatch(job.data),
  'subject-index': (job) => subjectIndex(job.data),
  'subject-copy': (job) => subjectCopy(job.data),
  'subject-record-change': (job) => subjectRecordChange(job.data),
  'emergency-close': (job) => emergencyClose(job.data),
}

function logFailure(queue: QueueName, job: Job | undefined, error: Error): void {
  const attempts = job?.opts.attempts ?? 1
  const made = job?.attemptsMade ?? 0
  const final = error instanceof UnrecoverableError || made >= attempts
  const line = `[jobs] ${queue} job ${job?.id ?? '?'} failed (attempt ${made}/${attempts}): ${error.message}`
  if (final) console.error(`${line}; kept in the failed set`)
  else console.warn(`${line}; will retry`)
}

export interface RunningWorkers {
  workers: Worker[]
  /** Waits for active jobs to finish, then closes the workers and their connections. */
  close(): Promise<void>
}

/**
 * Connects the database, builds indexes (unique indexes make the processors
 * idempotent, so they must exist first), starts the workers and registers the
 * repeating jobs. Queues, the shared Redis and Mongoose stay open for the
 * caller to close: an in-process caller (the dev launcher) still uses them.
 */
export async function startWorkers(): Promise<RunningWorkers> {
  await connectDb()
  await ensureIndexes()

  const prefix = getEnv().QUEUE_PREFIX
  const connections: Redis[] = []
  const workers = queueNames.map((name) => {
    const connection = createRedis({ forWorker: true })
    connections.push(connection)
    const worker = new Worker(name, processors[name], {
      connection,
      prefix,
      concurrency: queues[name].concurrency,
    })
    worker.on('failed', (job, error) => logFailure(name, job, error))
    worker.on('error', (error) => console.error(`[jobs] ${name} worker: ${error.message}`))
    return worker
  })

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      await Promise.all(workers.map((w) => w.close()))
      // Passed-in connections are not the workers' to close.
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())))
    })()
    return closing
  }

  try {
    await Promise.all(workers.map((w) => w.waitUntilReady()))
    await scheduleRepeatingJobs()
  } catch (error) {
    await close()
    throw error
  }
  return { workers, close }
}

async function main(): Promise<void> {
  requireEnvOrExit()
  let running: RunningWorkers
  try {
    running = await startWorkers()
  } catch (error) {
    console.error('[jobs] could not start:', error instanceof Error ? error.message : error)
    process.exit(1)
  }
  console.info(`[jobs] working on ${queueNames.join(', ')} (prefix ${getEnv().QUEUE_PREFIX})`)

  let stopping = false
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      console.warn(`[jobs] ${signal} again: exiting without waiting for active jobs`)
      process.exit(1)
    }
    stopping = true
    console.info(`[jobs] ${signal}: finishing active jobs, then exiting`)
    try {
      await running.close()
      await closeQueues()
      await closeRedis()
      await disconnectDb()
    } catch (error) {
      console.error('[jobs] shutdown failed:', error instanceof Error ? error.message : error)
      process.exit(1)
    }
    // With everything closed the event loop drains and the process exits 0 by
    // itself; a handle still open after that is a leak worth reporting.
    setTimeout(() => {
      console.error('[jobs] still open after shutdown:', process.getActiveResourcesInfo())
      process.exit(1)
    }, 5_000).unref()
  }
  installProcessGuards('jobs', async () => {
    stopping = true
    await running.close()
  })
  process.on('SIGTERM', (signal) => void shutdown(signal))
  process.on('SIGINT', (signal) => void shutdown(signal))
}

function isEntryPoint(): boolean {
  const script = process.argv[1]
  if (!script) return false
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href
  } catch {
    return false
  }
}

if (isEntryPoint()) void main()
