// Per-file database for integration tests: each Vitest worker has its own
// database (db.server.ts), emptied at the start of every test file.
import mongoose from 'mongoose'
import { afterAll, beforeAll } from 'vitest'
import { clearTail } from '~/services/ledger/tail.server'
import { connectDb, disconnectDb, ensureIndexes } from '~/utils/db.server'
import { closeRedis } from '~/utils/redis.server'

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
