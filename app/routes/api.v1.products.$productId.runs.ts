import type { ActionFunctionArgs } from '@remix-run/node'
import { requestModelRun } from '~/services/products/model-runs.server'
import { modelRunInput } from '~/services/products/schemas'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

// Art. 36: run a published model on a data version the caller holds a right to (a job; the result
// is a private derived version with provenance, listed at GET /market/runs).
export const loader = methodNotAllowed

export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'run:model:own-org')
    const input = await parseJson(request, modelRunInput, t.locale)
    return Response.json(await requestModelRun(user, params.productId ?? '', input), {
      status: 202,
    })
  })
}
