import type { ActionFunctionArgs } from '@remix-run/node'
import { markLegalBasisChanged } from '~/services/catalog/deadlines.server'
import { markLegalBasisSchema } from '~/services/catalog/schemas'
import { apiErrorResponse, apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

// Art. 11: the owning agency or the authority marks the legal basis of an entry as changed.
export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request)
    if (
      !user.permissions.has('create:catalog-entry:own-org') &&
      !user.permissions.has('review:catalog-entry:any')
    ) {
      return apiErrorResponse(403, 'forbidden', t('error.forbidden'))
    }
    const input = await parseJson(request, markLegalBasisSchema, t.locale)
    const result = await markLegalBasisChanged({
      user,
      entryId: params.entryId ?? '',
      reason: input.reason,
    })
    return Response.json(
      { deadlineId: result.deadlineId, agencyDueAt: result.agencyDueAt.toISOString() },
      { status: 201 },
    )
  })
}
