import type { LoaderFunctionArgs } from '@remix-run/node'
import { deadlinesFor } from '~/services/catalog/deadlines.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// Art. 11: open obligations — an agency's own, or every one of the authority's level.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'read:catalog-entry:any')
    const rows = await deadlinesFor(user)
    return { deadlines: rows.map(({ title: _title, orgName: _orgName, ...rest }) => rest) }
  })
}

export const action = methodNotAllowed
