import { UnrecoverableError } from 'bullmq'
import {
  LedgerIntegrityError,
  publishCheckpoint,
  type PublishResult,
} from '~/services/ledger/checkpoints.server'
import { parseJobData } from '../queues'

export interface LedgerCheckpointResult {
  treeSize: number | null
  rootHash: string | null
  published: boolean
  nodesWritten: number
}

/**
 * `ledger-checkpoint` job (C11): extends the stored Merkle tree to the head and publishes a
 * signed checkpoint there. Idempotent: a retry, a duplicate trigger or a second worker finds the
 * head already covered, or loses the insert keyed by tree size, and changes nothing.
 */
export async function checkpointLedger(
  data: unknown,
  deps: {
    publish?: (options: { fromTail: boolean; atLeast?: number }) => Promise<PublishResult>
  } = {},
): Promise<LedgerCheckpointResult> {
  const { reason, atSeq } = parseJobData('ledger-checkpoint', data)
  let result: PublishResult
  try {
    // A checkpoint an entry count triggered reads the new entries from the tail in Redis when it
    // can (and covers at least the entry that triggered it); the scheduled and manual ones read
    // the database.
    result = await (deps.publish ?? publishCheckpoint)({
      fromTail: reason === 'entries',
      ...(atSeq !== undefined && { atLeast: atSeq }),
    })
  } catch (error) {
    // A log that does not verify will not verify on a retry: stop, and let the hourly
    // ledger-audit job name the entry to the authority.
    if (error instanceof LedgerIntegrityError) throw new UnrecoverableError(error.message)
    throw error
  }
  return {
    treeSize: result.checkpoint?.treeSize ?? null,
    rootHash: result.checkpoint?.rootHash ?? null,
    published: result.published,
    nodesWritten: result.nodesWritten,
  }
}
