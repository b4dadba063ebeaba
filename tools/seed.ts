// `npm run seed`: creates the demo world (idempotent) and prints the logins.
import { assertDemoSeedAllowed, DEMO_PASSWORD, seedDemoWorld } from '~/services/demo/seed.server'
import { connectDb, disconnectDb, ensureIndexes } from '~/utils/db.server'
import { requireEnvOrExit } from '~/utils/env.server'
import { closeRedis } from '~/utils/redis.server'
import { closeQueues } from '#jobs/queues'

requireEnvOrExit()
try {
  assertDemoSeedAllowed()
} catch {
  console.error(
    'Refused: the demo world (published password) is never created with NODE_ENV=production. Use `npm run bootstrap` for the first account.',
  )
  process.exit(1)
}
await connectDb()
await ensureIndexes()
const result = await seedDemoWorld()
console.log(`Seeded ${result.created} new records. Demo logins (password: ${DEMO_PASSWORD}):`)
for (const login of result.logins) console.log(`  ${login.role.padEnd(16)} ${login.email}`)
// Services may enqueue notices while seeding (catalog deadlines, freshness): close those connections too.
await closeQueues()
await closeRedis()
await disconnectDb()
