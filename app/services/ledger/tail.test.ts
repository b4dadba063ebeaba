// C11: the checkpoint an entry count triggers reads the entries appended since the newest
// checkpoint from the tail in Redis (tail.server.ts), and falls back to the database whenever the
// tail does not continue that checkpoint verifiably. Real FerretDB and Redis.
import { describe, expect, it } from 'vitest'
import { LedgerCheckpoint } from '#models/ledger-checkpoint'
import { LedgerEntry } from '#models/ledger-entry'
import { getRedis } from '~/utils/redis.server'
import { useTestDb } from '../../../tests/setup/db'
import { LedgerIntegrityError, publishCheckpoint } from './checkpoints.server'
import { appendLedger, verifyChain } from './ledger.server'
import { clearTail, readTail, tailKey } from './tail.server'

async function appendMany(count: number) {
  const entries = []
  for (let i = 0; i < count; i++)
    entries.push(await appendLedger({ action: 'test.tail', payload: { i }, summary: { i } }))
  // Adds to the tail are sent without waiting: let them land.
  await getRedis().ping()
  return entries
}

describe('ledger tail (C11)', () => {
  useTestDb()

  it('an entry-count checkpoint signs what was appended, read from the tail and not the database', async () => {
    await appendMany(12)
    const first = await publishCheckpoint()
    expect(first.published).toBe(true)
    const stored = await LedgerCheckpoint.findById(first.checkpoint!.treeSize).lean()
    expect(stored!.headHash).toMatch(/^[0-9a-f]{64}$/)
    expect(await getRedis().zcard(tailKey())).toBe(0) // trimmed once covered

    const appended = await appendMany(8)
    // Change an entry in the database behind the log's back: the database path would refuse it.
    await LedgerEntry.collection.updateOne({ _id: appended[3]!._id } as never, {
      $set: { action: 'test.changed' },
    })
    const fromTail = await publishCheckpoint({ fromTail: true })
    expect(fromTail.published).toBe(true)
    expect(fromTail.checkpoint!.treeSize).toBe(appended.at(-1)!._id)
    // The signed root covers the entry as appended, so the change is what the audit names.
    const audit = await verifyChain()
    expect(audit).toMatchObject({
      ok: false,
      firstBroken: { seq: appended[3]!._id, reason: 'hash mismatch' },
    })
    await expect(publishCheckpoint()).resolves.toMatchObject({ published: false })
    await LedgerEntry.collection.updateOne({ _id: appended[3]!._id } as never, {
      $set: { action: 'test.tail' },
    })
    expect((await verifyChain()).ok).toBe(true)
  })

  it('a tail with a gap, a stale member or nothing in it is not used; the database is read instead', async () => {
    const head = (await publishCheckpoint()).checkpoint!
    const stored = await LedgerCheckpoint.findById(head.treeSize).lean()
    const appended = await appendMany(6)
    const members = await getRedis().zrangebyscore(tailKey(), '-inf', '+inf')
    expect(members).toHaveLength(6)

    // A gap: the tail does not hold an unbroken run after the checkpoint.
    await getRedis().zrem(tailKey(), members[2]!)
    expect(await readTail(head.treeSize, stored!.headHash!)).toBeNull()
    await getRedis().zadd(tailKey(), appended[2]!._id, members[2]!)
    expect(await readTail(head.treeSize, stored!.headHash!)).toHaveLength(6)

    // A stale member under the same seq (another database's log): the run repeats a seq.
    const stale = JSON.stringify({ ...JSON.parse(members[0]!), action: 'test.stale' })
    await getRedis().zadd(tailKey(), appended[0]!._id, stale)
    expect(await readTail(head.treeSize, stored!.headHash!)).toBeNull()
    // Anchored elsewhere: it does not link to the checkpoint's head.
    await getRedis().zrem(tailKey(), stale)
    expect(await readTail(head.treeSize, 'f'.repeat(64))).toBeNull()

    // With the stale member back, the entry-count checkpoint reads the database and is still right.
    await getRedis().zadd(tailKey(), appended[0]!._id, stale)
    const viaDatabase = await publishCheckpoint({ fromTail: true })
    expect(viaDatabase).toMatchObject({
      published: true,
      checkpoint: { treeSize: appended.at(-1)!._id },
    })
  })

  it('an empty tail publishes nothing; the scheduled checkpoint, from the database, covers a lost tail', async () => {
    const appended = await appendMany(3)
    await clearTail()
    expect(await publishCheckpoint({ fromTail: true })).toMatchObject({ published: false })
    expect(await publishCheckpoint()).toMatchObject({
      published: true,
      checkpoint: { treeSize: appended.at(-1)!._id },
    })
  })

  it('a tail that has not reached the entry that asked for the checkpoint yet is passed over for the database', async () => {
    const appended = await appendMany(4)
    const last = appended.at(-1)!._id
    // The last add is still on its way to Redis (adds are not awaited): the tail ends one short.
    await getRedis().zremrangebyscore(tailKey(), last, last)
    expect(await publishCheckpoint({ fromTail: true, atLeast: last })).toMatchObject({
      published: true,
      checkpoint: { treeSize: last },
    })
    // Without the triggering seq, the short tail is taken as it is: a checkpoint one entry short.
    const more = await appendMany(2)
    await getRedis().zremrangebyscore(tailKey(), more[1]!._id, more[1]!._id)
    expect(await publishCheckpoint({ fromTail: true })).toMatchObject({
      checkpoint: { treeSize: more[0]!._id },
    })
  })

  it('a log that does not verify is still refused by the database path', async () => {
    const appended = await appendMany(2)
    await LedgerEntry.collection.updateOne({ _id: appended[0]!._id } as never, {
      $set: { action: 'test.changed' },
    })
    await clearTail()
    await expect(publishCheckpoint()).rejects.toBeInstanceOf(LedgerIntegrityError)
    await LedgerEntry.collection.updateOne({ _id: appended[0]!._id } as never, {
      $set: { action: 'test.tail' },
    })
  })
})
