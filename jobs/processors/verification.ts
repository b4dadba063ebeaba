// C5 (Art. 23 ¶3) jobs: build an entry's verification index from its stored data; answer a batch
// of candidates; drain the verification call stream into the ledger (and queue again a batch whose
// queueing was lost). All idempotent (the index and flag files are content-addressed and named in
// one update; each drained batch and each batch chunk is logged under an event key).
import { requeueStaleBatches, runVerificationBatch } from '~/services/verification/batches.server'
import { buildVerificationIndex, drainVerificationLog } from '~/services/verification/verify.server'
import { parseJobData } from '../queues'

export async function verificationIndex(data: unknown) {
  const { entryId } = parseJobData('verification-index', data)
  return buildVerificationIndex(entryId)
}

export async function verificationBatch(data: unknown) {
  const { batchId } = parseJobData('verification-batch', data)
  return runVerificationBatch(batchId)
}

export async function verificationLog(data: unknown) {
  parseJobData('verification-log', data)
  const requeued = await requeueStaleBatches()
  let total = { calls: 0, entries: 0, requeued }
  // Up to 100k calls a run; the next minute's run takes the rest.
  for (let i = 0; i < 10; i++) {
    const batch = await drainVerificationLog()
    total = { ...total, calls: total.calls + batch.calls, entries: total.entries + batch.entries }
    if (batch.calls === 0) break
  }
  return total
}
