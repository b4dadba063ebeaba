import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import {
  submitVerificationBatch,
  verificationBatches,
} from '~/services/verification/batches.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// C5 (Art. 23 ¶3), batch mode: GET the agency's batches (newest 50); POST
// `?entry=<entryId>` with a multipart CSV/TSV (field `file`: a header of field names, one candidate
// a row) queues a batch and answers 202 with it (200 and `repeated` for a file already verified
// against the same data, not counted again). Progress at /api/v1/verification/batches/:id, the
// flags at …/:id/result.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'verify:record:own-org')
    return { batches: await verificationBatches(user) }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'verify:record:own-org')
    const entryId = new URL(request.url).searchParams.get('entry') ?? ''
    const batch = await submitVerificationBatch(user, entryId, request)
    return Response.json(batch, { status: batch.repeated ? 200 : 202 })
  })
}
