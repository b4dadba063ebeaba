import { Redis } from 'ioredis'
import { getEnv } from './env.server'

const clients = new Set<Redis>()

/**
 * A new ioredis connection. BullMQ workers need `maxRetriesPerRequest: null`;
 * every connection is tracked so `closeRedis()` lets the process exit.
 */
export function createRedis(options: { forWorker?: boolean } = {}): Redis {
  const client = new Redis(getEnv().REDIS_URL, {
    maxRetriesPerRequest: options.forWorker ? null : 3,
    enableOfflineQueue: true,
  })
  clients.add(client)
  client.on('end', () => clients.delete(client))
  return client
}

let shared: Redis | undefined

/** The process's shared connection for plain commands (rate limits, caches). */
export function getRedis(): Redis {
  shared ??= createRedis()
  return shared
}

export async function closeRedis(): Promise<void> {
  shared = undefined
  await Promise.all([...clients].map((c) => c.quit().catch(() => c.disconnect())))
  clients.clear()
}
