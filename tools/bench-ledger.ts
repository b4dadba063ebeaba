// `npm run bench:ledger [-- --entries=N]`: C11 figures, on the server this run starts for itself
// (the FerretDB dev database unless BENCH_MONGODB_URI names another) and its own redis-server.
//  1. appends/s through appendLedger with checkpoints on (a worker process publishes a signed
//     checkpoint every LEDGER_CHECKPOINT_EVERY entries, as in production), beside raw one-at-a-time
//     inserts of the same documents into another collection, in the same run; goal ≥ 0.5×;
//  2. receipt (inclusion proof) latency at the final tree size: stored nodes, no rescan;
//  3. offline verification MB/s of an export of those entries, in a process of its own with
//     nothing of the platform running (best of VERIFY_RUNS, the first cold run shown too), beside
//     `sha256sum` of the same files (best of as many runs, taken in turn with them); goal ≥ 0.5×.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startMongoDev, startRedis, type RunningService } from './services'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const entriesArg = process.argv.slice(2).find((a) => a.startsWith('--entries='))
const ENTRIES = entriesArg ? Number(entriesArg.split('=')[1]) : 20_000

const work = mkdtempSync(path.join(os.tmpdir(), 'bench-ledger-'))
const services: RunningService[] = []
/** Verification and sha256sum each run this many times; the best of each is compared. */
const VERIFY_RUNS = 11

function line(label: string, value: string) {
  console.log(`${label.padEnd(44)} ${value}`)
}

async function main() {
  let server = process.env.BENCH_MONGODB_URI ? 'MONGODB at BENCH_MONGODB_URI' : ''
  if (process.env.BENCH_MONGODB_URI) process.env.MONGODB_URI = process.env.BENCH_MONGODB_URI
  else {
    const mongo = await startMongoDev(path.join(work, 'mongo'), path.join(work, 'mongo.log'))
    services.push(mongo)
    process.env.MONGODB_URI = mongo.url
    server = 'FerretDB 1.24.2 (SQLite handler, tools/mongo-dev), this machine'
  }
  const redis = await startRedis(path.join(work, 'redis'))
  services.push(redis)
  Object.assign(process.env, {
    REDIS_URL: redis.url,
    MONGODB_DB: 'bench_ledger',
    QUEUE_PREFIX: 'bench',
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DELIVERY_LINK_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  })

  const mongoose = (await import('mongoose')).default
  const { connectDb, disconnectDb, ensureIndexes } = await import('~/utils/db.server')
  const { appendLedger, LEDGER_CHECKPOINT_EVERY } = await import('~/services/ledger/ledger.server')
  const { ledgerReceipt, latestCheckpoint, publishCheckpoint } =
    await import('~/services/ledger/checkpoints.server')
  const { exportLedger } = await import('~/services/ledger/export.server')
  const { LedgerEntry } = await import('#models/ledger-entry')
  const { LedgerCheckpoint } = await import('#models/ledger-checkpoint')
  const { closeQueues } = await import('#jobs/queues')
  const { closeRedis } = await import('~/utils/redis.server')

  await connectDb()
  await mongoose.connection.dropDatabase()
  await ensureIndexes()

  console.log(`bench:ledger — ${ENTRIES} entries; database: ${server}`)
  console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`)
  console.log(
    `load average at the start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  )

  // The worker runs as its own process, as in production.
  const worker = spawn(path.join(root, 'node_modules/.bin/tsx'), ['jobs/worker.ts'], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let workerOut = ''
  worker.stdout.on('data', (d) => (workerOut += d))
  worker.stderr.on('data', (d) => (workerOut += d))
  while (!workerOut.includes('[jobs] working on')) {
    if (worker.exitCode !== null) throw new Error(`worker exited:\n${workerOut}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  // The key is created on first use: do it before timing.
  await publishCheckpoint()

  const payload = (i: number) => ({ order: `order-${i}`, buyer: `buyer-${i % 37}`, fen: i * 100 })
  const input = (i: number) => ({
    action: 'order.paid' as const,
    actor: { userId: `user-${i % 101}`, orgId: `org-${i % 37}` },
    subjects: [`order:${i}`, `org:org-${i % 37}`, `product:p-${i % 13}`],
    payload: payload(i),
    summary: { fen: i * 100, currency: 'CNY', method: 'stripe' },
  })

  // Rounds alternate appends and raw inserts of the very documents just appended (into another
  // collection, one insertOne at a time), so both see the same load on a shared machine. An append
  // round's time runs until the worker has published every checkpoint it triggered, so appends pay
  // for the checkpoints in full and the raw rounds run with no checkpoint work beside them.
  const raw = mongoose.connection.collection('bench_raw_inserts')
  const ROUND = 2500
  let appendSeconds = 0
  let rawSeconds = 0
  let t = 0
  for (let done = 0; done < ENTRIES; done += ROUND) {
    const docs: Record<string, unknown>[] = []
    t = performance.now()
    for (let i = done; i < Math.min(ENTRIES, done + ROUND); i++) {
      docs.push({ ...(await appendLedger(input(i))) })
    }
    const head = (docs.at(-1)?._id as number | undefined) ?? 0
    const due = Math.floor(head / LEDGER_CHECKPOINT_EVERY) * LEDGER_CHECKPOINT_EVERY
    for (let waited = 0; waited < 120_000; waited += 20) {
      if (((await latestCheckpoint())?.treeSize ?? 0) >= due) break
      await new Promise((r) => setTimeout(r, 20))
    }
    appendSeconds += (performance.now() - t) / 1000
    t = performance.now()
    for (const doc of docs) await raw.insertOne(doc)
    rawSeconds += (performance.now() - t) / 1000
  }
  const appendRate = ENTRIES / appendSeconds
  const rawRate = ENTRIES / rawSeconds

  const checkpointsDuring = await LedgerCheckpoint.countDocuments()

  line(
    'appendLedger, checkpoints on (until signed)',
    `${appendRate.toFixed(0)} appends/s (${ENTRIES} in ${appendSeconds.toFixed(1)} s)`,
  )
  line(
    'raw insertOne of the same documents',
    `${rawRate.toFixed(0)} inserts/s (${ENTRIES} in ${rawSeconds.toFixed(1)} s)`,
  )
  line('ratio (goal ≥ 0.5)', `${(appendRate / rawRate).toFixed(2)}×`)
  line(
    'checkpoints published by the worker meanwhile',
    `${checkpointsDuring} (every ${LEDGER_CHECKPOINT_EVERY} entries)`,
  )

  // Receipts: proof from stored nodes at the full tree size.
  await publishCheckpoint()
  const size = (await latestCheckpoint())!.treeSize
  const samples = 20
  const seqs = Array.from({ length: samples }, (_, i) => 1 + ((i * 7919) % size))
  t = performance.now()
  for (const seq of seqs) await ledgerReceipt(seq)
  const receiptMs = (performance.now() - t) / samples
  t = performance.now()
  for (const seq of seqs) await LedgerEntry.findById(seq).lean()
  const lookupMs = (performance.now() - t) / samples
  line(
    `receipt (entry + inclusion proof), tree ${size}`,
    `${receiptMs.toFixed(1)} ms each (${samples} samples)`,
  )
  line(
    '  of which: reading the entry by numeric seq',
    `${lookupMs.toFixed(1)} ms (FerretDB scans for a numeric _id)`,
  )
  line('  proof from stored nodes (the rest)', `${Math.max(0, receiptMs - lookupMs).toFixed(1)} ms`)

  // Export, then verification beside sha256sum of the same files (best of VERIFY_RUNS each, in turn).
  const dir = path.join(work, 'export')
  t = performance.now()
  const exported = await exportLedger(dir)
  line(
    'export',
    `${exported.entries} entries, ${(exported.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  )
  // Verification is offline (a regulator's machine): nothing of the platform runs beside it.
  worker.kill('SIGTERM')
  await new Promise((r) => (worker.exitCode !== null ? r(null) : worker.once('exit', r)))
  await closeQueues()
  await closeRedis()
  await disconnectDb()
  await Promise.all(services.splice(0).map((s) => s.stop()))
  // Let the database's writes reach the disk first, so neither measurement below pays for them.
  spawnSync('sync')
  await new Promise((r) => setTimeout(r, 2000))

  const entriesFile = path.join(dir, 'entries.jsonl')
  const exportBytes = [
    'entries.jsonl',
    'checkpoints.json',
    'consistency.json',
    'public-keys.json',
    'manifest.json',
  ]
    .map((f) => statSync(path.join(dir, f)).size)
    .reduce((a, b) => a + b, 0)
  const mb = exportBytes / 1e6
  const files = [
    entriesFile,
    ...['checkpoints.json', 'consistency.json', 'public-keys.json', 'manifest.json'].map((f) =>
      path.join(dir, f),
    ),
  ]
  // In a process of its own, as on a regulator's machine (tools/bench-ledger-verify.ts), one run
  // of each in turn, so that both meet whatever else this machine is doing at the time.
  const verifier = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'tools/bench-ledger-verify.ts'), dir],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const answers = createInterface({ input: verifier.stdout })[Symbol.asyncIterator]()
  const verifyOnce = async () => {
    verifier.stdin.write('run\n')
    const answer = await answers.next()
    if (answer.done) throw new Error('the verifier stopped (see above)')
    return JSON.parse(answer.value) as { wall: number; cpu: number }
  }
  const serial = { first: (await verifyOnce()).wall, wall: Infinity, cpu: Infinity }
  let shaWall = Infinity
  let shaCpu = Infinity
  for (let run = 0; run < VERIFY_RUNS; run++) {
    const verified = await verifyOnce()
    serial.wall = Math.min(serial.wall, verified.wall)
    serial.cpu = Math.min(serial.cpu, verified.cpu)
    t = performance.now()
    // GNU time reports the child's CPU seconds; without it only wall time is known.
    const timed = spawnSync('/usr/bin/time', ['-f', '%U %S', 'sha256sum', ...files], {
      encoding: 'utf8',
    })
    if (timed.status !== 0) execFileSync('sha256sum', files)
    shaWall = Math.min(shaWall, (performance.now() - t) / 1000)
    const [user, sys] = (timed.stderr?.trim().split('\n').at(-1) ?? '').split(' ').map(Number)
    if (timed.status === 0 && Number.isFinite(user) && Number.isFinite(sys)) {
      shaCpu = Math.min(shaCpu, user! + sys!)
    }
  }
  verifier.stdin.end()
  const rate = (seconds: number) => `${(mb / seconds).toFixed(0)} MB/s`
  const shaCpuKnown = Number.isFinite(shaCpu) && shaCpu > 0
  line(
    'ledger:verify --export (offline)',
    `${rate(serial.wall)} wall, ${rate(serial.cpu)} CPU (${mb.toFixed(1)} MB); first run in its process ${rate(serial.first)}`,
  )
  line(
    'sha256sum of the same files',
    `${rate(shaWall)} wall (process start included)${shaCpuKnown ? `, ${rate(shaCpu)} CPU` : ''}`,
  )
  line('ratio, wall time (goal ≥ 0.5)', `${(shaWall / serial.wall).toFixed(2)}×`)
  if (shaCpuKnown) line('ratio, CPU time', `${(shaCpu / serial.cpu).toFixed(2)}×`)
  line(
    'load average (1, 5, 15 min) at the end',
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', '),
  )
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(async () => {
    await Promise.all(services.map((s) => s.stop()))
    rmSync(work, { recursive: true, force: true })
  })
