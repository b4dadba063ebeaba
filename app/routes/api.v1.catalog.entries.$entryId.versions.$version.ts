import type { LoaderFunctionArgs } from '@remix-run/node'
import { getEntryDetailsForUser } from '~/services/catalog/entries.server'
import { getVersion } from '~/services/catalog/versions.server'
import { DomainError } from '~/utils/errors'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'read:catalog-entry:any')
    const { entry } = await getEntryDetailsForUser(user, params.entryId ?? '')
    const n = Number(params.version)
    if (!Number.isInteger(n) || n < 1 || n > entry.publishedVersion)
      throw new DomainError('not_found', 'error.notFound', 404)
    return getVersion(entry.id, n)
  })
}

export const action = methodNotAllowed
