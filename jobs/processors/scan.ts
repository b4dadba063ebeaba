import { UnrecoverableError } from 'bullmq'
import { runScan, type ScanJobOutcome } from '~/services/desensitize/screening.server'
import type { ScanLimits } from '~/services/desensitize/limits'
import { isDomainError } from '~/utils/errors'
import { parseJobData } from '../queues'

export interface ScanDeps {
  limits?: Partial<ScanLimits>
  kByGrade?: Readonly<Record<string, number>>
}

/**
 * `scan` job (C9; Art. 32): scans the referenced file and records one report, one subject
 * link and one ledger entry, however often it runs. A bad file ends in a failed report, not a
 * failed job; a reference outside the storage directory or to no file cannot succeed on retry.
 */
export async function scan(data: unknown, deps: ScanDeps = {}): Promise<ScanJobOutcome> {
  const payload = parseJobData('scan', data)
  try {
    return await runScan(payload, deps)
  } catch (error) {
    if (isDomainError(error)) throw new UnrecoverableError(`${error.code}: ${error.messageKey}`)
    throw error
  }
}
