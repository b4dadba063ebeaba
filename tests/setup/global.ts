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
import { createSeedTemplate } from './seed-template'

export default async function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdpde-test-'))
  const started: RunningService[] = []
  if (!process.env.TEST_MONGODB_URI) {
    const mongo = await startMongoDev(path.join(dir, 'mongo'), path.join(dir, 'mongo.log'))
    started.push(mongo)
    process.env.MONGODB_URI = mongo.url
  } else {
    process.env.MONGODB_URI = process.env.TEST_MONGODB_URI
  }
  const redis = await startRedis(path.join(dir, 'redis'))
  started.push(redis)
  process.env.REDIS_URL = redis.url
  process.env.NODE_ENV = 'test'
  process.env.QUEUE_PREFIX = 'test'
  process.env.SESSION_SECRET = randomBytes(32).toString('hex')
  process.env.DATA_ENCRYPTION_KEY = randomBytes(32).toString('base64')
  // Required in production (the e2e server runs as production): signs delivery download links.
  process.env.DELIVERY_LINK_SECRET = randomBytes(32).toString('hex')
  process.env.TEST_SERVICES_DIR = dir
  // scrypt at 2^15 in tests (production's floor is 2^17, ~4× the time per hash): the tests check
  // what is hashed and verified, not the cost; crypto.server.test.ts checks the production cost.
  process.env.PASSWORD_SCRYPT_LOG2N = '15'
  // C8 / ADR 005: the Stripe path runs against stripe-mock with test keys (never the internet).
  // Required: without it the Stripe tests would test nothing.
  const stripeMock = await startStripeMock()
  if (!stripeMock) {
    await Promise.all(started.map((s) => s.stop()))
    throw new Error(
      'stripe-mock is not installed: `npm test` builds it first (tools/test-prereqs.ts); with vitest alone run `npx tsx tools/test-prereqs.ts` once',
    )
  }
  started.push(stripeMock)
  process.env.STRIPE_API_URL = stripeMock.url
  process.env.STRIPE_SECRET_KEY = `sk_test_${randomBytes(12).toString('hex')}`
  process.env.STRIPE_WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('hex')}`
  // The demo world, seeded once for every file that needs it (tests/setup/seed-template.ts).
  process.env.TEST_SEED_TEMPLATE = JSON.stringify(createSeedTemplate(dir))

  return async () => {
    await Promise.all(started.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
}
