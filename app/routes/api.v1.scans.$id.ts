import type { LoaderFunctionArgs } from '@remix-run/node'
import { getScanReportFor } from '~/services/desensitize/screening.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// GET /api/v1/scans/:id — a scan report as JSON (C9; Art. 32).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'read:scan-report:own-org')
    return getScanReportFor(user, params.id ?? '')
  })
}

export const action = methodNotAllowed
