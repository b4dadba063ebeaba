import type { ActionFunctionArgs } from '@remix-run/node'
import { submitVersion } from '~/services/products/versions.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// C7: submit a draft for listing (rights checked again, provenance frozen, scans requested).
export const loader = methodNotAllowed

export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:product:own-org')
    return submitVersion(user, params.productId ?? '', Number(params.number))
  })
}
