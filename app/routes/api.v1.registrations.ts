import type { ActionFunctionArgs } from '@remix-run/node'
import { registrationBody } from '~/services/api/contract'
import { registerOrganization } from '~/services/identity/auth.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { clientIpOf } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const input = await parseJson(request, registrationBody, t.locale)
    // 202 whether the e-mail was new or not (no account enumeration); the authority reviews it.
    const { status } = await registerOrganization(input, { clientIp: clientIpOf(context) })
    return Response.json({ status }, { status: 202 })
  })
}
