import type { LoaderFunctionArgs } from '@remix-run/node'
import { meResponse } from '~/services/api/contract'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

export async function loader({ request }: LoaderFunctionArgs) {
  return apiHandle(await getT(request), async () => {
    const user = await requireApiPermission(request)
    return meResponse.parse({
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      roles: user.roles,
      permissions: [...user.permissions],
      org: user.org ?? null,
    })
  })
}

export const action = methodNotAllowed
