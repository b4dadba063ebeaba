import type { ActionFunctionArgs } from '@remix-run/node'
import { reviewBody } from '~/services/api/contract'
import { reviewRegistration } from '~/services/identity/auth.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const reviewer = await requireApiPermission(request, 'approve:org-registration:any')
    const input = await parseJson(request, reviewBody, t.locale)
    const orgId = params.orgId ?? ''
    await reviewRegistration({ ...input, orgId, reviewer })
    return { orgId, status: input.decision }
  })
}
