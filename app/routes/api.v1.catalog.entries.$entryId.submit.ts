import type { ActionFunctionArgs } from '@remix-run/node'
import { submitEntry } from '~/services/catalog/review.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

export const loader = methodNotAllowed

// Art. 10, 12, 13, 14, 32: submit the working copy; a refusal lists every problem in `fields`.
export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'create:catalog-entry:own-org')
    return submitEntry({ user, entryId: params.entryId ?? '' })
  })
}
