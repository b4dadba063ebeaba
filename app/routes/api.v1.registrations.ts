import type { ActionFunctionArgs } from '@remix-run/node'
import { registrationBody } from '~/services/api/contract'
import { registerOrganization } from '~/services/identity/auth.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const input = await parseJson(request, registrationBody, t.locale)
    const ids = await registerOrganization(input)
    return Response.json({ ...ids, status: 'pending' }, { status: 201 })
  })
}
