import type { ActionFunctionArgs } from '@remix-run/node'
import { decideEntry } from '~/services/catalog/review.server'
import { reviewBodySchema } from '~/services/catalog/schemas'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

// Art. 10: the authority of the same level approves or returns a submitted entry.
export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const reviewer = await requireApiPermission(request, 'review:catalog-entry:any')
    const input = await parseJson(request, reviewBodySchema, t.locale)
    return decideEntry({
      reviewer,
      entryId: params.entryId ?? '',
      decision: input.decision,
      reasons: input.reasons,
    })
  })
}
