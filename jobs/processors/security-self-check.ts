import { runSelfCheck } from '~/services/security/self-check.server'
import { parseJobData } from '../queues'

/**
 * `security-self-check` job (Art. 45, 47): backup freshness, the off-site copy, the signing key's
 * age, the ledger audit and the configuration, into one report; failures become security events.
 * A retried run in the same minute writes the report once. `at` is for tests.
 */
export async function securitySelfCheck(data: unknown) {
  const { at } = parseJobData('security-self-check', data)
  const { id, ok, items } = await runSelfCheck(at ? new Date(at) : new Date())
  return { id, ok, failed: items.filter((i) => !i.ok).map((i) => i.check) }
}
