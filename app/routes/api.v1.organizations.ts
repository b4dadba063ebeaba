import type { LoaderFunctionArgs } from '@remix-run/node'
import { organizationsQuery } from '~/services/api/contract'
import { listOrganizations } from '~/services/identity/orgs.server'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    await requireApiPermission(request, 'read:org:any')
    const query = validate(organizationsQuery, queryObject(request), t.locale)
    return { organizations: await listOrganizations(query) }
  })
}

export const action = methodNotAllowed
