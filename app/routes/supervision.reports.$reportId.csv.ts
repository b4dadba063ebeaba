// C12: a supervision report as CSV (every figure of every organisation with its evidence seqs).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { reportCsv } from '~/services/supervision/report-export.server'
import { reportParamsSchema } from '~/services/supervision/report-schemas'
import { getSupervisionReport } from '~/services/supervision/reports.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, 'read:supervision-report:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { reportId } = validate(reportParamsSchema, { reportId: params.reportId }, t.locale)
    const report = await getSupervisionReport(reportId)
    return new Response(reportCsv(report, t.locale === 'en' ? 'en' : 'zh'), {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="supervision-${report.content.period}-${report.contentHash.slice(0, 12)}.csv"`,
      },
    })
  })
}
