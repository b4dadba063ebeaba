import type { LoaderFunctionArgs } from '@remix-run/node'
import { grantRows } from '~/services/sharing/delivery.server'
import { grantRowsQuery } from '~/services/sharing/schemas'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { validate } from '~/utils/validation.server'

// GET /api/v1/sharing/grants/:grantId/rows?offset=&limit= — the data of an API sharing grant (C4;
// Art. 24, 46 ¶3). The credential is the grant's own key (`Authorization: Bearer gdsg_…`), issued
// by the requesting agency on the request page: the grant is checked at every call (401 bad key,
// 403 revoked or ended, 429 over the per-minute limit), only the granted fields are returned, and
// every call is logged.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const query = validate(grantRowsQuery, queryObject(request), t.locale)
    return grantRows({
      authorization: request.headers.get('Authorization'),
      grantId: params.grantId ?? '',
      ...query,
    })
  })
}

export const action = methodNotAllowed
