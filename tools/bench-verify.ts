// `npm run bench:verify` — verification without disclosure (C5; Art. 23 ¶3) at 1,000,000 stored
// records, each figure beside its baseline measured in the same run:
//   - the index: build time from the stored table, and its memory (goal ≤ 200 MB);
//   - single verifications through HTTP: POST /api/v1/verification served by the real stack
//     (Express + the built Remix app, NODE_ENV=production: API-key authentication, the agency's
//     limits and the call log in Redis) against a bare node:http server answering from the same
//     index (goal ≥ 0.3×), both on loopback ports, alternating rounds, best round each;
//   - batch: a candidates' file submitted and answered by the batch job (the file read and
//     checked, the limit, every candidate logged to the ledger, progress, the flags' file stored)
//     against a bare loop that normalises, digests and looks up the same candidates (goal ≥ 0.3×).
// Everything runs against a throw-away dev database, Redis and content store.
//
// Options: --records 1000000  --requests 2000  --concurrency 4  --batch 100000  --no-build
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort, startMongoDev, startRedis, type RunningService } from './services'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '4' },
    batch: { type: 'string', default: '100000' },
    'no-build': { type: 'boolean', default: false },
  },
})
const RECORDS = Math.min(Math.max(Number(values.records), 1000), 5_000_000)
const REQUESTS = Math.min(Math.max(Number(values.requests), 100), 50_000)
const CONCURRENCY = Math.min(Math.max(Number(values.concurrency), 1), 32)
const BATCH = Math.min(Math.max(Number(values.batch), 1000), 200_000)
const ROUNDS = 3
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!

function ensureBuild() {
  if (values['no-build'] && existsSync(path.join(ROOT, 'build/server/index.js'))) return
  console.log('Building the Remix app (remix vite:build) for the production server …')
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin/remix'), ['vite:build'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (result.status !== 0) throw new Error('remix vite:build failed')
}

function post(agent: http.Agent, port: number, body: string, key: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/verification',
        method: 'POST',
        agent,
        timeout: 10_000,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          ...(key ? { Authorization: `Bearer ${key}` } : {}),
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(body)
  })
}

async function load(port: number, bodies: string[], key: string | null, requests: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  let next = 0
  let failures = 0
  const latencies: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) {
        const body = bodies[next++ % bodies.length]!
        const t = performance.now()
        const status = await post(agent, port, body, key).catch(() => 0)
        latencies.push(performance.now() - t)
        if (status !== 200) failures++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  return { rps: requests / seconds, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), failures }
}

interface Server {
  port: number
  child: ChildProcess
}

async function startServer(mode: 'remix' | 'bare', entryId: string, env: NodeJS.ProcessEnv) {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'tools/bench-verify-server.ts'),
      '--mode',
      mode,
      '--entry',
      entryId,
      '--port',
      String(port),
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start`)), 180_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('ready ')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)))
  })
  child.stdout!.resume()
  return { port, child } satisfies Server
}

async function stopServer(server: Server) {
  if (server.child.exitCode !== null) return
  server.child.kill('SIGTERM')
  await Promise.race([new Promise((r) => server.child.once('exit', r)), sleep(5000)])
  if (server.child.exitCode === null) server.child.kill('SIGKILL')
}

function rssMB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  return Number(/\d+/.exec(line ?? '')?.[0] ?? NaN) / 1024
}

async function main() {
  console.log(
    `bench:verify — Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}; ${RECORDS.toLocaleString('en')} stored records`,
  )
  ensureBuild()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdpde-bench-verify-'))
  const services: RunningService[] = []
  try {
    const mongo = await startMongoDev(path.join(dir, 'mongo'), path.join(dir, 'mongo.log'))
    services.push(mongo)
    const redis = await startRedis(path.join(dir, 'redis'))
    services.push(redis)
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      MONGODB_URI: mongo.url,
      MONGODB_DB: 'bench_verify',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'bench',
      STORAGE_DIR: path.join(dir, 'files'),
      UPLOAD_MAX_BYTES: String(2 * 1024 ** 3),
      ORG_STORAGE_QUOTA_BYTES: String(20 * 1024 ** 3),
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DELIVERY_LINK_SECRET: randomBytes(32).toString('hex'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The benchmark measures throughput, not the agency's limits.
      VERIFY_PER_MINUTE: '1000000',
      VERIFY_PER_DAY: '100000000',
      PASSWORD_SCRYPT_LOG2N: '17',
    }
    // This process seeds the demo world (refused in production); the servers run in production.
    Object.assign(process.env, env, { NODE_ENV: 'development' })
    const { connectDb } = await import('../app/utils/db.server')
    const { seedDemoWorld } = await import('../app/services/demo/seed.server')
    const { User } = await import('../models/user')
    const { CatalogEntry } = await import('../models/catalog-entry')
    const { VerificationSetting } = await import('../models/verification-setting')
    const { loadAuthUser, createApiKey } = await import('../app/services/identity/auth.server')
    const { storeEntryDatasetBytes } = await import('../app/services/sharing/datasets.server')
    const { demoResidentsCsv } = await import('../app/services/sharing/seed.server')
    const verify = await import('../app/services/verification/verify.server')
    const batches = await import('../app/services/verification/batches.server')
    const { loadIndex, answerCandidate } = await import('../app/services/verification/index.server')
    const { dataKeys } = await import('../app/services/identity/keys.server')
    await connectDb()
    console.log('seeding the demo world …')
    await seedDemoWorld()
    const userOf = async (email: string) =>
      loadAuthUser(String((await User.findOne({ email }, { _id: 1 }).lean())!._id), 'session')
    const psb = (await userOf('psb@demo.gd.example'))!
    const amr = (await userOf('amr@demo.gd.example'))!
    const entry = (await CatalogEntry.findOne(
      { orgId: psb.org!.id, listed: true, 'published.fields.name': 'hjdz' },
      { _id: 1 },
    )
      .sort({ code: 1 })
      .lean())!
    const entryId = String(entry._id)

    let t = performance.now()
    const csv = demoResidentsCsv(RECORDS)
    console.log(
      `table: ${(csv.length / 1e6).toFixed(0)} MB of CSV made in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
    await storeEntryDatasetBytes(psb, entryId, 'residents-bench.csv', csv)
    await verify.setVerification(psb, entryId, {
      keyFields: ['gmsfhm'],
      checkFields: ['xm', 'csrq'],
      enabled: true,
    })
    const heap0 = process.memoryUsage()
    t = performance.now()
    const built = await verify.buildVerificationIndex(entryId)
    const buildS = (performance.now() - t) / 1000
    const setting = (await VerificationSetting.findById(entryId).lean())!
    const index = await loadIndex(entryId, setting.index!.storageKey, setting.index!.fields)
    const heap1 = process.memoryUsage()
    console.log(
      `index: ${JSON.stringify(built)} built in ${buildS.toFixed(1)} s; ${(index.buffer.length / 1e6).toFixed(1)} MB of records ` +
        `(${index.recordSize} bytes each); process RSS grew ${((heap1.rss - heap0.rss) / 1e6).toFixed(0)} MB while building and loading`,
    )

    // Candidates: 80 % real records (name and date of birth right, one in ten with a wrong name), 20 % made up.
    const rows = csv.slice(csv.indexOf('\n') + 1, csv.indexOf('\n') + 1 + 2_000_000).split('\n')
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const candidates = Array.from({ length: BATCH }, () => {
      const row = rows[Math.floor(rand() * (rows.length - 1))]!.split(',')
      if (rand() < 0.2)
        return { gmsfhm: `4409${Math.floor(rand() * 1e13)}`, xm: '某某', csrq: '2000-01-01' }
      return { gmsfhm: row[0]!, xm: rand() < 0.1 ? '别人' : row[1]!, csrq: row[3]! }
    })

    // Batch against the bare loop: the batch is the real path — the candidates' file stored,
    // read through and checked, counted against the limit, then the job answering it chunk by
    // chunk, logging each chunk to the ledger, keeping the progress and storing the flags.
    const types = Object.fromEntries(
      (await CatalogEntry.findById(entryId, { published: 1 }).lean())!.published!.fields.map(
        (f) => [f.name, f.type],
      ),
    )
    const spec = { entryId, keyFields: setting.index!.keyFields, types }
    const secret = dataKeys().verification
    const file = ['gmsfhm,xm,csrq', ...candidates.map((c) => `${c.gmsfhm},${c.xm},${c.csrq}`)]
    let bareBest = Infinity
    let batchBest = Infinity
    let bareFound = 0
    let batchFound = 0
    for (let round = 0; round < ROUNDS; round++) {
      t = performance.now()
      let found = 0
      for (const c of candidates) if (answerCandidate(secret, index, spec, c).found) found++
      bareBest = Math.min(bareBest, performance.now() - t)
      bareFound = found
      t = performance.now()
      // Another file each round (a trailing blank line more): the same file would be a repeat.
      const bytes = `${file.join('\n')}\n${'\n'.repeat(round)}`
      const batch = await batches.submitVerificationBatchBytes(amr, entryId, 'bench.csv', bytes)
      const out = await batches.runVerificationBatch(batch.id)
      batchBest = Math.min(batchBest, performance.now() - t)
      batchFound = out.found ?? -1
    }
    if (batchFound !== bareFound) throw new Error('the batch and the bare loop disagree')
    const bareRate = candidates.length / (bareBest / 1000)
    const batchRate = candidates.length / (batchBest / 1000)
    console.log(
      `batch of ${BATCH.toLocaleString('en')} (file → flags): ${batchRate.toFixed(0)}/s vs bare loop ${bareRate.toFixed(0)}/s → ${(batchRate / bareRate).toFixed(2)}× (best of ${ROUNDS})`,
    )

    // Single verifications through HTTP.
    const { key } = await createApiKey(amr, 'bench:verify')
    const bodies = candidates.slice(0, 2000).map((record) => JSON.stringify({ entryId, record }))
    const remix = await startServer('remix', entryId, env)
    const bare = await startServer('bare', entryId, env)
    try {
      const best = {
        remix: { rps: 0, p50: Infinity, p99: Infinity, failures: 0 },
        bare: { rps: 0, p50: Infinity, p99: Infinity, failures: 0 },
      }
      await load(remix.port, bodies, key, 100)
      await load(bare.port, bodies, null, 100)
      for (let round = 0; round < ROUNDS; round++)
        for (const [name, server, auth] of [
          ['remix', remix, key],
          ['bare', bare, null],
        ] as const) {
          const r = await load(server.port, bodies, auth, REQUESTS)
          const b = best[name]
          b.rps = Math.max(b.rps, r.rps)
          b.p50 = Math.min(b.p50, r.p50)
          b.p99 = Math.min(b.p99, r.p99)
          b.failures += r.failures
        }
      for (const name of ['remix', 'bare'] as const)
        console.log(
          `HTTP ${name.padEnd(5)}: ${best[name].rps.toFixed(0)} req/s at concurrency ${CONCURRENCY}, p50 ${best[name].p50.toFixed(2)} ms, p99 ${best[name].p99.toFixed(2)} ms` +
            (best[name].failures ? `, ${best[name].failures} failed` : ''),
        )
      const ratio = best.remix.rps / best.bare.rps
      const bareRss = rssMB(bare.child.pid!)
      console.log(`bare server RSS with the index loaded: ${bareRss.toFixed(0)} MB`)
      console.log('=== goals ===')
      console.log(`HTTP ≥ 0.3× bare: ${ratio.toFixed(2)}× → ${ratio >= 0.3 ? 'met' : 'NOT met'}`)
      console.log(
        `batch ≥ 0.3× bare loop: ${(batchRate / bareRate).toFixed(2)}× → ${batchRate / bareRate >= 0.3 ? 'met' : 'NOT met'}`,
      )
      console.log(
        `index memory ≤ 200 MB at ${RECORDS.toLocaleString('en')}: ${(index.buffer.length / 1e6).toFixed(1)} MB → ${index.buffer.length / 1e6 <= 200 ? 'met' : 'NOT met'}`,
      )
    } finally {
      await stopServer(remix)
      await stopServer(bare)
    }
  } finally {
    const { disconnectDb } = await import('../app/utils/db.server')
    await disconnectDb().catch(() => undefined)
    const { getRedis } = await import('../app/utils/redis.server')
    getRedis().disconnect()
    await Promise.all(services.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
  process.exit(0)
}

await main()
