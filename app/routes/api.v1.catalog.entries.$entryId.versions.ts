import type { LoaderFunctionArgs } from '@remix-run/node'
import { diffQuery } from '~/services/catalog/api-contract'
import { getEntryDetailsForUser } from '~/services/catalog/entries.server'
import { diffVersions, listVersions } from '~/services/catalog/versions.server'
import { DomainError } from '~/utils/errors'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'read:catalog-entry:any')
    const query = validate(diffQuery, queryObject(request), t.locale)
    const { entry } = await getEntryDetailsForUser(user, params.entryId ?? '')
    const versions = await listVersions(entry.id)
    if (query.from === undefined && query.to === undefined) return { versions }
    const from = query.from ?? Math.max(1, entry.publishedVersion - 1)
    const to = query.to ?? entry.publishedVersion
    if (from > entry.publishedVersion || to > entry.publishedVersion || to < 1)
      throw new DomainError('not_found', 'error.notFound', 404)
    return { versions, diff: await diffVersions(entry.id, from, to) }
  })
}

export const action = methodNotAllowed
