// Per-file database for integration tests: each Vitest worker has its own
// database (db.server.ts), emptied at the start of every test file.
import mongoose from 'mongoose'
import { afterAll, beforeAll } from 'vitest'
import { clearTail } from '~/services/ledger/tail.server'
import { connectDb, disconnectDb, ensureIndexes } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { closeRedis } from '~/utils/redis.server'
import { copySeedTemplate, seedTemplate } from './seed-template'

export function useTestDb(): void {
  beforeAll(async () => {
    await connectDb()
    await mongoose.connection.dropDatabase()
    // The ledger's tail in Redis belongs to the database just emptied.
    await clearTail()
    await ensureIndexes()
  })
  afterAll(async () => {
    await closeRedis()
    await disconnectDb()
  })
}

/**
 * The demo world in this file's database, copied from the run's template (tests/setup/seed-template.ts):
 * every document of every collection, and the template's stored files into this file's store. Falls
 * back to seeding when there is no template or this file changed a setting the seed depends on.
 */
export async function seedDemoWorldFromTemplate(): Promise<void> {
  const template = seedTemplate()
  if (!template || getEnv().LEDGER_HASH !== template.ledgerHash) {
    const { seedDemoWorld } = await import('~/services/demo/seed.server')
    await seedDemoWorld()
    return
  }
  await copySeedTemplate(
    mongoose.connection.getClient(),
    template,
    mongoose.connection.db!.databaseName,
    getEnv().STORAGE_DIR,
  )
}
