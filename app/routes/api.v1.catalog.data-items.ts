import type { ActionFunctionArgs } from '@remix-run/node'
import { claimBody } from '~/services/catalog/api-contract'
import { claimDataItem } from '~/services/catalog/source-registry.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

// Art. 14: register the caller's agency as a data item's legal source; 409 names the owner.
export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'create:catalog-entry:own-org')
    const input = await parseJson(request, claimBody, t.locale)
    const result = await claimDataItem({ user, code: input.code, name: input.name })
    return Response.json(result, { status: result.created ? 201 : 200 })
  })
}
