import type { ActionFunctionArgs } from '@remix-run/node'
import { usageReportApiInput } from '~/services/research/schemas'
import { submitUsageReport } from '~/services/research/usage-reports.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

// Art. 46: a licensee's usage report for one period of one licence (one per period).
export const loader = methodNotAllowed

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'submit:usage-report:own-org')
    const { licenceId, ...input } = await parseJson(request, usageReportApiInput, t.locale)
    const result = await submitUsageReport(user, licenceId, input)
    return Response.json(result, { status: 201 })
  })
}
