import type { LoaderFunctionArgs } from '@remix-run/node'
import { authorizedRecord } from '~/services/subjects/authorizations.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// GET /api/v1/subject-authorizations/:authorizationId/record — the authorized fields of a person's
// record (C10; Art. 41), for the organisation she authorized, with its API key. The authorization and
// its revocation are checked at every call (404 not yours, 403 revoked or ended); every call is a use
// in her history.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApiPermission(request, 'use:subject-authorization:own-org')
  const t = await getT(request)
  return apiHandle(t, () => authorizedRecord(user, params.authorizationId ?? ''))
}

export const action = methodNotAllowed
