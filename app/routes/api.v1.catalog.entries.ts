import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { catalogListQuery } from '~/services/catalog/api-contract'
import {
  createDraft,
  listOwnEntries,
  listPublishedEntries,
} from '~/services/catalog/entries.server'
import { contentSchema } from '~/services/catalog/schemas'
import { apiHandle, apiErrorResponse, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson, validate } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'read:catalog-entry:any')
    const query = validate(catalogListQuery, queryObject(request), t.locale)
    if (query.scope === 'mine') {
      if (!user.permissions.has('create:catalog-entry:own-org'))
        return apiErrorResponse(403, 'forbidden', t('error.forbidden'))
      const page = await listOwnEntries(user, query)
      return { entries: page.items, nextAfter: page.nextAfter }
    }
    const page = await listPublishedEntries(user, {
      after: query.after,
      limit: query.limit,
      orgId: query.org,
    })
    return { entries: page.items, nextAfter: page.nextAfter }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'create:catalog-entry:own-org')
    const content = await parseJson(request, contentSchema, t.locale)
    return Response.json(await createDraft({ user, content }), { status: 201 })
  })
}
