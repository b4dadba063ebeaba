// C12: a supervision report as PDF (needs the CJK font; a 503 in the reader's language says so).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { sealedIssuedDocument } from '~/services/seals/documents.server'
import { reportPdf } from '~/services/supervision/report-export.server'
import { reportParamsSchema } from '~/services/supervision/report-schemas'
import { getSupervisionReport } from '~/services/supervision/reports.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:supervision-report:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { reportId } = validate(reportParamsSchema, { reportId: params.reportId }, t.locale)
    const report = await getSupervisionReport(reportId)
    // Art. 29–30: the PDF carries the report's electronic seal.
    const seal = await sealedIssuedDocument(user, 'supervision-report', reportId)
    const pdf = await reportPdf(report, t, t.locale === 'en' ? 'en' : 'zh', undefined, seal)
    return new Response(new Uint8Array(pdf), {
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="supervision-${report.content.period}-${report.contentHash.slice(0, 12)}.pdf"`,
      },
    })
  })
}
