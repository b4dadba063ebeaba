import type { LoaderFunctionArgs } from '@remix-run/node'
import { openBatchResult } from '~/services/verification/batches.server'
import { apiHandle, attachmentHeaders, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// GET /api/v1/verification/batches/:batchId/result — a finished batch's flags as CSV (C5; Art. 23
// ¶3): `row,found,<the file's columns…>`, each match / mismatch / not_found or empty; 409 while it
// runs; the caller's agency only.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'verify:record:own-org')
    const file = await openBatchResult(user, params.batchId ?? '')
    return new Response(file.body, {
      headers: { ...attachmentHeaders(file), 'Cache-Control': 'private, no-store' },
    })
  })
}

export const action = methodNotAllowed
