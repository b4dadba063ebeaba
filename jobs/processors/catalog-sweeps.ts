import { runDeadlineSweep } from '~/services/catalog/deadlines.server'
import { runFreshnessSweep } from '~/services/catalog/freshness.server'
import { parseJobData } from '../queues'

/**
 * `catalog-sweeps` job: Art. 11 deadlines (warn before, mark overdue) or Art. 16 freshness (flag
 * stale entries). Both sweeps are idempotent, so a retry or an overlapping run changes nothing.
 */
export async function catalogSweep(data: unknown) {
  const { sweep, at } = parseJobData('catalog-sweeps', data)
  const now = at ? new Date(at) : new Date()
  return sweep === 'deadlines'
    ? { sweep, ...(await runDeadlineSweep(now)) }
    : { sweep, ...(await runFreshnessSweep(now)) }
}
