import type { LoaderFunctionArgs } from '@remix-run/node'
import { verificationBatch } from '~/services/verification/batches.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// GET /api/v1/verification/batches/:batchId — a batch of the caller's agency: status (queued,
// running, done, failed), rows, processed, found (C5; Art. 23 ¶3). Another agency's is a 404.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'verify:record:own-org')
    return verificationBatch(user, params.batchId ?? '')
  })
}

export const action = methodNotAllowed
