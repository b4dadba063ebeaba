// C5 (Art. 23 ¶3) jobs: build an entry's verification index from its stored data; drain the
// verification call stream into the ledger. Both idempotent (the index file is content-addressed
// and the setting names it in one update; each drained batch is logged under an event key before
// its stream entries are deleted).
import { buildVerificationIndex, drainVerificationLog } from '~/services/verification/verify.server'
import { parseJobData } from '../queues'

export async function verificationIndex(data: unknown) {
  const { entryId } = parseJobData('verification-index', data)
  return buildVerificationIndex(entryId)
}

export async function verificationLog(data: unknown) {
  parseJobData('verification-log', data)
  let total = { calls: 0, entries: 0 }
  // Up to 100k calls a run; the next minute's run takes the rest.
  for (let i = 0; i < 10; i++) {
    const batch = await drainVerificationLog()
    total = { calls: total.calls + batch.calls, entries: total.entries + batch.entries }
    if (batch.calls === 0) break
  }
  return total
}
