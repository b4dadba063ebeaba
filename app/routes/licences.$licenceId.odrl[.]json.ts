import type { LoaderFunctionArgs } from '@remix-run/node'
import { licenceOdrl } from '~/services/licences/pages.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// GET /licences/:licenceId/odrl.json — the licence as an ODRL Agreement (JSON-LD): its permissions,
// prohibitions and duties (issue 6; Art. 24, 26, 46). For the licensee, the licensor and overseers.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const signedIn = await requireApiPermission(request)
    const user = await requireApiPermission(
      request,
      signedIn.permissions.has('read:licence:any') ? 'read:licence:any' : 'read:licence:own-org',
    )
    const body = await licenceOdrl(user, params.licenceId ?? '', new URL(request.url).origin)
    return Response.json(body, {
      headers: { 'Content-Type': 'application/ld+json; charset=utf-8' },
    })
  })
}

export const action = methodNotAllowed
