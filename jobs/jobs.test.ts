// Integration: real Redis, real database, the real worker (in-process and as a
// child process). Each file gets its own queue prefix so files never share queues.
import { spawn, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Queue } from 'bullmq'
import express from 'express'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ZodError } from 'zod'
import { LedgerAuditModel } from '#models/ledger-audit'
import { NotificationModel } from '#models/notification'
import { useTestDb } from '../tests/setup/db'
import { createQueueDashboard, queueCounts } from '~/services/jobs/dashboard.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { dbName } from '~/utils/db.server'
import { getRedis } from '~/utils/redis.server'
import { auditLedger } from './processors/ledger-audit'
import { notify } from './processors/notify'
import {
  closeQueues,
  defaultJobOptions,
  enqueue,
  getQueue,
  queueNames,
  type QueueName,
} from './queues'
import { startWorkers, type RunningWorkers } from './worker'

// Read lazily by getEnv(), so set before any hook runs.
const prefix = `test-${process.env.VITEST_POOL_ID ?? 0}-${Date.now()}`
process.env.QUEUE_PREFIX = prefix

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until the job is completed or failed for good (a retrying job passes through `delayed`). */
async function waitForJob(name: QueueName, id: string, timeoutMs = 15_000) {
  const queue: Queue = getQueue(name)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const state = await queue.getJobState(id)
    if (state === 'completed' || state === 'failed') {
      const job = await queue.getJob(id)
      if (!job) throw new Error(`job ${name}/${id} vanished`)
      return { state, job }
    }
    if (Date.now() > deadline)
      throw new Error(`job ${name}/${id} still ${state} after ${timeoutMs} ms`)
    await sleep(50)
  }
}

describe('jobs', () => {
  useTestDb()
  // Enqueued while no worker runs; the worker process must pick it up.
  let queuedWhileDown: string | undefined
  // Hooks run in stack order: queues close before useTestDb closes Redis and the database.
  afterAll(async () => {
    await closeQueues()
  })

  describe('in-process worker', () => {
    let running: RunningWorkers

    beforeAll(async () => {
      running = await startWorkers()
    })
    afterAll(async () => {
      await running.close()
    })

    it('round-trips a notification into a Notification document', async () => {
      const job = await enqueue('notifications', {
        key: 'org-approved-1',
        orgId: 'org-1',
        userId: 'user-1',
        kind: 'org.approved',
        params: { name: '广东省数据局', level: 1 },
      })
      const { state, job: done } = await waitForJob('notifications', job.id!)
      expect(state).toBe('completed')
      expect(done.returnvalue).toEqual({ key: 'org-approved-1', created: true })

      const doc = await NotificationModel.findOne({ key: 'org-approved-1' }).lean()
      expect(doc).toMatchObject({
        orgId: 'org-1',
        userId: 'user-1',
        kind: 'org.approved',
        params: { name: '广东省数据局', level: 1 },
      })
      expect(doc?.createdAt).toBeInstanceOf(Date)
      expect(doc?.readAt).toBeUndefined()
    })

    it('keeps one document when the same key is enqueued twice (domain dedup, not jobId)', async () => {
      const payload = { key: 'dup-1', orgId: 'org-2', kind: 'order.paid', params: { fen: 1200 } }
      const jobs = await Promise.all([
        enqueue('notifications', payload),
        enqueue('notifications', payload),
      ])
      expect(jobs[0].id).not.toBe(jobs[1].id)

      const results = await Promise.all(jobs.map((j) => waitForJob('notifications', j.id!)))
      expect(results.map((r) => r.state)).toEqual(['completed', 'completed'])
      expect(results.map((r) => r.job.returnvalue.created).sort()).toEqual([false, true])
      expect(await NotificationModel.countDocuments({ key: 'dup-1' })).toBe(1)
    })

    it('lets a jobId deduplicate at the queue as well', async () => {
      const payload = { key: 'dup-2', kind: 'order.paid', params: {} }
      const first = await enqueue('notifications', payload, { jobId: 'notify-dup-2' })
      const second = await enqueue('notifications', payload, { jobId: 'notify-dup-2' })
      expect(second.id).toBe(first.id)
      await waitForJob('notifications', first.id!)
      expect(await NotificationModel.countDocuments({ key: 'dup-2' })).toBe(1)
    })

    it('refuses a bad payload at enqueue, and fails an injected one once without retrying', async () => {
      await expect(
        enqueue('notifications', { key: 'bad-0', params: {} } as never),
      ).rejects.toBeInstanceOf(ZodError)
      await expect(
        enqueue('notifications', { key: 'bad-0', kind: 'x', params: { nested: {} } } as never),
      ).rejects.toBeInstanceOf(ZodError)

      // Bypass enqueue, as a payload written before a deploy would.
      const raw = await (getQueue('notifications') as Queue).add('notifications', {
        key: 'bad-1',
        params: {},
      })
      expect(raw.opts.attempts).toBe(defaultJobOptions.attempts)
      const { state, job } = await waitForJob('notifications', raw.id!)
      expect(state).toBe('failed')
      expect(job.attemptsMade).toBe(1)
      expect(job.failedReason).toMatch(/invalid notifications payload: kind:/)

      const failed = await getQueue('notifications').getFailed()
      expect(failed.map((j) => j.id)).toContain(raw.id)
      expect(await NotificationModel.countDocuments({ key: 'bad-1' })).toBe(0)
    })

    it('records an ok ledger audit through the worker', async () => {
      await appendLedger({ action: 'org.created', actor: { userId: 'u-1' }, subjects: ['org:1'] })
      await appendLedger({ action: 'org.approved', actor: { userId: 'u-2' }, subjects: ['org:1'] })

      const job = await enqueue('ledger-audit', { requestedBy: 'u-2' })
      const { state, job: done } = await waitForJob('ledger-audit', job.id!)
      expect(state).toBe('completed')
      expect(done.returnvalue).toEqual({ ok: true, checked: 2, headSeq: 2, recorded: true })

      const audit = await LedgerAuditModel.findOne({ runId: job.id }).lean()
      expect(audit).toMatchObject({ ok: true, checked: 2, headSeq: 2, requestedBy: 'u-2' })
      expect(audit?.firstBrokenSeq).toBeUndefined()

      // A retry of the same run (same job id) leaves the same state: one audit.
      const again = await auditLedger({ requestedBy: 'u-2' }, { jobId: job.id })
      expect(again.recorded).toBe(false)
      expect(await LedgerAuditModel.countDocuments({ runId: job.id })).toBe(1)
    })

    it('on a broken chain records the break and notifies the authority once', async () => {
      // Tamper with entry 2 behind the service's back (raw driver, no Mongoose guards).
      await mongoose.connection
        .collection('ledger_entries')
        .updateOne({ _id: 2 } as never, { $set: { summary: { amount: 1 } } })

      const job = await enqueue('ledger-audit', {})
      const { state, job: done } = await waitForJob('ledger-audit', job.id!)
      expect(state).toBe('completed')
      expect(done.returnvalue).toMatchObject({ ok: false, checked: 1, firstBrokenSeq: 2 })
      expect(await LedgerAuditModel.findOne({ runId: job.id }).lean()).toMatchObject({
        ok: false,
        firstBrokenSeq: 2,
        reason: 'hash mismatch',
      })

      const notice = await waitForJob('notifications', 'ledger-broken-2')
      expect(notice.state).toBe('completed')
      const doc = await NotificationModel.findOne({ key: 'ledger-broken-2' }).lean()
      expect(doc).toMatchObject({
        kind: 'ledger.broken',
        params: { seq: 2, reason: 'hash mismatch' },
      })
      expect(doc?.orgId).toBeUndefined()

      // The next hourly run finds the same break: a new audit, still one notification.
      const next = await enqueue('ledger-audit', {})
      await waitForJob('ledger-audit', next.id!)
      await sleep(200)
      expect(await LedgerAuditModel.countDocuments({ ok: false })).toBe(2)
      expect(await NotificationModel.countDocuments({ kind: 'ledger.broken' })).toBe(1)
    })

    it('will not sign a checkpoint over the broken chain; publishes one once it is sound again', async () => {
      const refused = await enqueue('ledger-checkpoint', { reason: 'manual' })
      const failed = await waitForJob('ledger-checkpoint', refused.id!)
      expect(failed.state).toBe('failed')
      expect(failed.job.failedReason).toBe('ledger entry 2: hash mismatch')
      // Unrecoverable: no retries of a log that does not verify.
      expect(failed.job.attemptsMade).toBe(1)

      await mongoose.connection
        .collection('ledger_entries')
        .updateOne({ _id: 2 } as never, { $unset: { summary: '' } })
      const head = await appendLedger({ action: 'test.checkpoint', subjects: ['org:1'] })
      const job = await enqueue('ledger-checkpoint', { reason: 'manual' })
      const { state, job: done } = await waitForJob('ledger-checkpoint', job.id!)
      expect(state).toBe('completed')
      expect(done.returnvalue).toMatchObject({ published: true, treeSize: head._id })
      const schedulers = await getQueue('ledger-checkpoint').getJobSchedulers()
      expect(schedulers).toEqual([
        expect.objectContaining({
          key: 'ledger-checkpoint-every-5-minutes',
          pattern: '*/5 * * * *',
        }),
      ])
    })

    it('registers the hourly ledger audit scheduler', async () => {
      const schedulers = await getQueue('ledger-audit').getJobSchedulers()
      expect(schedulers).toEqual([
        expect.objectContaining({ key: 'ledger-audit-hourly', pattern: '0 * * * *' }),
      ])
    })

    it('serves the dashboard and counts jobs per queue', async () => {
      const counts = await queueCounts()
      // Every registered queue, whichever capabilities have added theirs.
      expect(Object.keys(counts).sort()).toEqual([...queueNames].sort())
      expect(counts.notifications.failed).toBe(1)
      expect(counts.notifications.completed).toBeGreaterThanOrEqual(5)

      const app = express()
      app.use('/admin/queues', createQueueDashboard('/admin/queues'))
      const server = app.listen(0, '127.0.0.1')
      await new Promise((resolve) => server.once('listening', resolve))
      try {
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/queues`
        const page = await fetch(base)
        expect(page.status).toBe(200)
        expect(await page.text()).toContain('<base href="/admin/queues/" />')
        const api = await fetch(`${base}/api/queues`)
        const body = (await api.json()) as { queues: { name: string }[] }
        expect(body.queues.map((q) => q.name).sort()).toEqual([...queueNames].sort())
      } finally {
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      }
    })

    it('closes gracefully: workers stop and their connections end', async () => {
      // Each worker holds two connections: commands and blocking fetches.
      const clients = async () =>
        String(await getRedis().client('LIST'))
          .trim()
          .split('\n').length
      const before = await clients()
      await running.close()
      for (const worker of running.workers) expect(worker.isRunning()).toBe(false)
      await vi.waitFor(async () =>
        expect(await clients()).toBe(before - 2 * running.workers.length),
      )
      // Nothing consumes now: a new job waits (the child-process test picks it up).
      const job = await enqueue('notifications', {
        key: 'while-down',
        kind: 'test.queued',
        params: {},
      })
      queuedWhileDown = job.id
      await sleep(300)
      expect(await getQueue('notifications').getJobState(job.id!)).toBe('waiting')
    })
  })

  describe('processors called directly', () => {
    it('throw UnrecoverableError on a bad payload', async () => {
      await expect(notify({ key: 'x' })).rejects.toMatchObject({ name: 'UnrecoverableError' })
      await expect(auditLedger({ requestedBy: 7 })).rejects.toMatchObject({
        name: 'UnrecoverableError',
        message: expect.stringContaining('requestedBy'),
      })
    })
  })

  describe('worker process (tsx jobs/worker.ts)', () => {
    let child: ChildProcess | undefined
    let output = ''

    afterAll(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })

    it('processes jobs and exits 0 on SIGTERM', async () => {
      // Node itself with tsx's loader, not the `tsx` CLI: the CLI runs the script in a child process
      // of its own, which a SIGKILL of the CLI would leave running (a stray worker on this file's database).
      child = spawn(process.execPath, ['--import', 'tsx', 'jobs/worker.ts'], {
        cwd: root,
        env: { ...process.env, MONGODB_DB: dbName(), QUEUE_PREFIX: prefix },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child.stdout!.on('data', (d) => (output += d))
      child.stderr!.on('data', (d) => (output += d))
      const exited = new Promise<number | null>((resolve) =>
        child!.once('exit', (code) => resolve(code)),
      )

      const died = exited.then((code) => {
        throw new Error(`worker exited early (${code}):\n${output}`)
      })
      const job = await enqueue('notifications', {
        key: 'from-child',
        kind: 'test.child',
        params: {},
      })
      // The first wait covers tsx start-up.
      const results = await Promise.race([
        Promise.all([
          waitForJob('notifications', queuedWhileDown!, 60_000),
          waitForJob('notifications', job.id!, 60_000),
        ]),
        died,
      ])
      expect(results.map((r) => r.state)).toEqual(['completed', 'completed'])
      expect(await NotificationModel.countDocuments({ key: 'while-down' })).toBe(1)
      expect(await NotificationModel.countDocuments({ key: 'from-child' })).toBe(1)

      // Signal handlers are installed once start-up (indexes, schedulers) has finished.
      for (let waited = 0; !output.includes('[jobs] working on') && waited < 30_000; waited += 50) {
        await sleep(50)
      }
      child.kill('SIGTERM')
      const code = await Promise.race([
        exited,
        sleep(10_000).then(() => {
          throw new Error(`worker still running 10 s after SIGTERM:\n${output}`)
        }),
      ])
      expect(code, output).toBe(0)
      expect(output).toContain('SIGTERM: finishing active jobs')
    }, 90_000)
  })
})
