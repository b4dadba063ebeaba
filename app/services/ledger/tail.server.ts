// C11: the ledger's recent tail in Redis — a sorted set of the entries appended since the last
// checkpoint, scored by seq. Every appender adds the entry it has just inserted; the checkpoint
// that an entry count triggers reads the new entries from here instead of from the database, where
// the dev database (FerretDB) reads the whole log for any range of seqs (ADR 019, ADR 025), which
// made every checkpoint cost O(log size).
//
// Best effort, and never trusted on its own: the tail is used only when it continues the newest
// checkpoint exactly — its first entry links to the chain hash recorded at that checkpoint, seqs
// run on without a gap or a repeat, every hash recomputes and every link holds. Anything else (a
// lost add, Redis flushed, a stale member) sends the checkpoint to the database, which stays the
// authority; the 5-minute scheduled checkpoint always reads the database.
import type { LedgerEntry as Entry } from '#models/ledger-entry'
import { dbName } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { getRedis } from '~/utils/redis.server'
import { entryHash } from './ledger.server'

/** At most this many entries wait in the tail (a worker down for long): older ones are dropped. */
const TAIL_LIMIT = 200_000
/** The cap is enforced on every this-many-th entry, not on each add. */
const CAP_EVERY = 1000

/** One tail per database: two databases behind one Redis (tests, demos) never mix. */
/** One tail per log: the queue prefix and the database the log lives in (each test worker has its own). */
export function tailKey(): string {
  return `${getEnv().QUEUE_PREFIX}:ledger:tail:${dbName()}`
}

/**
 * Adds an appended entry. Never rejects: a lost add only costs the next checkpoint a database read.
 * Adds from one process reach Redis in order, so once this resolves every earlier add has landed.
 */
export async function addToTail(entry: Entry): Promise<void> {
  const key = tailKey()
  const member = JSON.stringify({ ...entry, at: entry.at.toISOString() })
  const redis = getRedis()
  try {
    if (entry._id % CAP_EVERY === 0)
      await redis
        .multi()
        .zadd(key, entry._id, member)
        .zremrangebyrank(key, 0, -TAIL_LIMIT - 1)
        .exec()
    else await redis.zadd(key, entry._id, member)
  } catch (error) {
    console.warn(`[ledger] tail: could not add entry ${entry._id}: ${(error as Error).message}`)
  }
}

/**
 * The entries after `afterSeq`, in order, when the tail holds them as an unbroken, verified
 * continuation of an entry whose chain hash is `afterHash`; null otherwise (read the database).
 */
export async function readTail(afterSeq: number, afterHash: string): Promise<Entry[] | null> {
  let members: string[]
  try {
    members = await getRedis().zrangebyscore(tailKey(), `(${afterSeq}`, '+inf')
  } catch {
    return null
  }
  const entries: Entry[] = []
  let prevHash = afterHash
  for (const member of members) {
    let entry: Entry
    try {
      const parsed = JSON.parse(member) as Entry & { at: string }
      entry = { ...parsed, at: new Date(parsed.at) }
    } catch {
      return null
    }
    if (entry._id !== afterSeq + entries.length + 1) return null
    if (entry.prevHash !== prevHash || entryHash(entry) !== entry.hash) return null
    prevHash = entry.hash
    entries.push(entry)
  }
  return entries
}

/** Forgets the entries up to `seq` once a checkpoint covers them. */
export async function trimTail(seq: number): Promise<void> {
  await getRedis()
    .zremrangebyscore(tailKey(), '-inf', seq)
    .catch(() => undefined)
}

/** Empties the tail (after the log was emptied or restored behind the running processes). */
export async function clearTail(): Promise<void> {
  await getRedis().del(tailKey())
}
