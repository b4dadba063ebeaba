// Starts this test run's own dev database and Redis on free ports (never the
// machine's shared ones) and hands their URLs to the test workers.
import { mkdtempSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import {
  startMongoDev,
  startRedis,
  startStripeMock,
  type RunningService,
} from '../../tools/services'
import { ensureBuilt } from './e2e-build'
import { createSeedTemplate } from './seed-template'

/**
 * Whether this run includes end-to-end files, read from Vitest's command line: the whole suite
 * unless `tests/e2e` is excluded, or file filters of which one names an e2e file or folder. A wrong
 * guess costs only time: the first e2e file builds when nothing was started here.
 */
function runIncludesE2e(argv: string[]): boolean {
  const args = argv.slice(2)
  const excluded = (a: string, i: number) =>
    /e2e/.test(a) && (args[i - 1] === '--exclude' || a.startsWith('--exclude='))
  if (args.some(excluded)) return false
  const filters = args.filter(
    (a, i) => a !== 'run' && !a.startsWith('-') && !args[i - 1]?.startsWith('-'),
  )
  return filters.length === 0 || filters.some((f) => /e2e/.test(f))
}

export default async function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdpde-test-'))
  const started: RunningService[] = []
  // The three services start together; if one cannot, the others are stopped again.
  const starting = await Promise.allSettled([
    process.env.TEST_MONGODB_URI
      ? Promise.resolve(undefined)
      : startMongoDev(path.join(dir, 'mongo'), path.join(dir, 'mongo.log')),
    startRedis(path.join(dir, 'redis')),
    startStripeMock(),
  ])
  for (const s of starting) if (s.status === 'fulfilled' && s.value) started.push(s.value)
  const failed = starting.find((s) => s.status === 'rejected')
  if (failed) {
    await Promise.all(started.map((s) => s.stop()))
    throw failed.reason
  }
  const [mongo, redis, stripeMock] = starting.map((s) =>
    s.status === 'fulfilled' ? s.value : undefined,
  ) as [RunningService | undefined, RunningService, RunningService | undefined]
  process.env.MONGODB_URI = mongo?.url ?? process.env.TEST_MONGODB_URI
  process.env.REDIS_URL = redis.url
  process.env.NODE_ENV = 'test'
  process.env.QUEUE_PREFIX = 'test'
  process.env.SESSION_SECRET = randomBytes(32).toString('hex')
  process.env.DATA_ENCRYPTION_KEY = randomBytes(32).toString('base64')
  // Required in production (the e2e server runs as production): signs delivery download links.
  process.env.DELIVERY_LINK_SECRET = randomBytes(32).toString('hex')
  process.env.TEST_SERVICES_DIR = dir
  // The run's own file store (files that need their own set STORAGE_DIR themselves): never the
  // developer's `.data/files`, whose blobs are encrypted under another key.
  process.env.STORAGE_DIR = path.join(dir, 'files')
  // scrypt at 2^15 in tests (production's floor is 2^17, ~4× the time per hash): the tests check
  // what is hashed and verified, not the cost; crypto.server.test.ts checks the production cost.
  process.env.PASSWORD_SCRYPT_LOG2N = '15'
  // C8 / ADR 005: the Stripe path runs against stripe-mock with test keys (never the internet).
  // Required: without it the Stripe tests would test nothing.
  if (!stripeMock) {
    await Promise.all(started.map((s) => s.stop()))
    throw new Error(
      'stripe-mock is not installed: `npm test` builds it first (tools/test-prereqs.ts); with vitest alone run `npx tsx tools/test-prereqs.ts` once',
    )
  }
  process.env.STRIPE_API_URL = stripeMock.url
  process.env.STRIPE_SECRET_KEY = `sk_test_${randomBytes(12).toString('hex')}`
  process.env.STRIPE_WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('hex')}`
  // The e2e files' production build starts now, beside the seed below (one core each); the files
  // wait for it (tests/setup/e2e-build.ts). A failure is reported by the first file that needs it.
  if (runIncludesE2e(process.argv)) void ensureBuilt(dir).catch(() => undefined)
  // The demo world, seeded once for every file that needs it (tests/setup/seed-template.ts).
  process.env.TEST_SEED_TEMPLATE = JSON.stringify(createSeedTemplate(dir))

  return async () => {
    await Promise.all(started.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
}
