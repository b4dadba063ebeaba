import type { LoaderFunctionArgs } from '@remix-run/node'
import { openBatchResult } from '~/services/verification/batches.server'
import { attachmentHeaders, downloadRefusal, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// GET /verification/batches/:batchId/result — a finished batch's flags (C5; Art. 23 ¶3): the
// agency's own staff only (another's batch is a 404).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'verify:record:own-org')
  const t = await getT(request)
  try {
    const file = await openBatchResult(user, params.batchId ?? '')
    return new Response(file.body, {
      headers: { ...attachmentHeaders(file), 'Cache-Control': 'private, no-store' },
    })
  } catch (error) {
    return downloadRefusal(t, error)
  }
}

export const action = methodNotAllowed
