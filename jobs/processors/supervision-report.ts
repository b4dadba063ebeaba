import { previousPeriod } from '~/services/supervision/figures.server'
import { generateSupervisionReport } from '~/services/supervision/reports.server'
import { parseJobData } from '../queues'

export interface SupervisionReportDeps {
  /** When the job started (BullMQ `job.processedOn`): `previous-month` is the month before it. */
  scheduledAt?: Date
  /** BullMQ `job.updateProgress`, shown on the reports page. */
  updateProgress?: (percent: number) => Promise<void>
}

/**
 * `supervision-reports` job (C12, Art. 48): one period's report. Idempotent: the report key
 * (scope, period, content hash) is unique, so a rerun over the same log stores nothing new.
 */
export async function supervisionReport(data: unknown, deps: SupervisionReportDeps = {}) {
  const { scope, period, requestedBy } = parseJobData('supervision-reports', data)
  const at = deps.scheduledAt ?? new Date()
  const label =
    period === 'previous-month'
      ? previousPeriod('monthly', at)
      : period === 'previous-year'
        ? previousPeriod('yearly', at)
        : period
  return generateSupervisionReport(
    { scope, period: label, generatedBy: requestedBy ?? 'scheduler' },
    deps.updateProgress,
  )
}
