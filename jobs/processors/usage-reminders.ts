import { runResearchReplySweep } from '~/services/research/requests.server'
import { runUsageReportSweep } from '~/services/research/usage-reports.server'
import { parseJobData } from '../queues'

/**
 * `usage-reminders` job: Art. 46 — remind licensees of usage reports coming due and mark overdue
 * ones once; Art. 26 → Art. 23 — warn owners of research requests whose reply is nearly or already
 * overdue. Both sweeps are idempotent, so a retry or an overlapping run changes nothing.
 */
export async function usageReminders(data: unknown) {
  const { at } = parseJobData('usage-reminders', data)
  const now = at ? new Date(at) : new Date()
  const usage = await runUsageReportSweep(now)
  const replies = await runResearchReplySweep(now)
  return { ...usage, replies }
}
