import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { getEntryForUser, updateDraft } from '~/services/catalog/entries.server'
import { contentSchema } from '~/services/catalog/schemas'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'read:catalog-entry:any')
    return (await getEntryForUser(user, params.entryId ?? '')).entry
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'create:catalog-entry:own-org')
    const content = await parseJson(request, contentSchema, t.locale)
    return updateDraft({ user, entryId: params.entryId ?? '', content })
  })
}
