import { UnrecoverableError } from 'bullmq'
import { applyProfileToStoredFile, type ApplyJobOutcome } from '~/services/desensitize/apply.server'
import { isDomainError } from '~/utils/errors'
import { parseJobData } from '../queues'

/**
 * `desensitize-apply` job (C9; Art. 32, 41): applies the profile to the referenced file,
 * stores the output with its provenance once per (input hash, profile hash), writes the ledger
 * entry and requests the output's scan. A reference outside the storage directory, to no file,
 * or a profile that does not fit the file cannot succeed on retry.
 */
export async function desensitizeApply(data: unknown): Promise<ApplyJobOutcome> {
  const payload = parseJobData('desensitize-apply', data)
  try {
    return await applyProfileToStoredFile(payload)
  } catch (error) {
    if (isDomainError(error)) throw new UnrecoverableError(`${error.code}: ${error.messageKey}`)
    throw error
  }
}
