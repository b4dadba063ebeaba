import type { ActionFunctionArgs } from '@remix-run/node'
import { submitArt26Sharing } from '~/services/sharing/requests.server'
import { art26SharingInput } from '~/services/sharing/schemas'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { assertMayAny } from '~/utils/permissions'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

// POST /api/v1/sharing/art26 — Art. 26 ¶1: the data authority or the source department shares an
// entry's data with an enterprise or institution (beneficiaryOrgId) for a policy or an emergency,
// citing its legal basis (instrument, article); then as an agency's request (Art. 23–25).
export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    // The authority or a source department; the service checks it is the entry's own department.
    const user = await requireApiPermission(request)
    assertMayAny(user, ['coordinate:sharing-request:any', 'decide:sharing-request:own-org'])
    const input = await parseJson(request, art26SharingInput, t.locale)
    return Response.json(await submitArt26Sharing(user, input), { status: 201 })
  })
}
