import mongoose from 'mongoose'
import { describe, expect, it } from 'vitest'
import { getRedis } from '~/utils/redis.server'
import { useTestDb } from './db'

describe('test services', () => {
  useTestDb()

  it('talks to this run’s own MongoDB-wire server and Redis, not the shared ones', async () => {
    const url = new URL(process.env.MONGODB_URI!)
    expect(url.port).not.toBe('27017')
    expect(new URL(process.env.REDIS_URL!).port).not.toBe('6379')
    const doc = await mongoose.connection.db!.collection('probe').insertOne({ a: 1 })
    expect(doc.acknowledged).toBe(true)
    expect(await getRedis().ping()).toBe('PONG')
  })
})
