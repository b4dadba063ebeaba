import { executeModelRun } from '~/services/products/model-runs.server'
import { parseJobData } from '../queues'

/**
 * `run-model` job (C7; Art. 36): runs an authority model on the requester's licensed data
 * and stores the result as a new private product version with provenance. Idempotent: the result
 * version is keyed by the run; a refusal (a lapsed right, a bad input) ends the run as failed
 * instead of retrying; anything else is retried with backoff.
 */
export async function runModel(data: unknown, deps: { jobId?: string } = {}) {
  const { runId } = parseJobData('run-model', data)
  return executeModelRun(runId, { jobId: deps.jobId })
}
