import type { LoaderFunctionArgs } from '@remix-run/node'
import { licenceRows } from '~/services/delivery/api-access.server'
import { rowsQuerySchema } from '~/services/licences/schemas'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { validate } from '~/utils/validation.server'

// GET /api/v1/licences/:licenceId/rows?offset=&limit= — the data of an API licence (C8;
// Art. 24, 38). The credential is the licence's own key (`Authorization: Bearer gdpl_…`), not a
// session or a user key: the licence is checked at every call (401 bad key, 403 revoked or
// expired, 429 over the plan's call quota) and only the permitted fields are returned.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const query = validate(rowsQuerySchema, queryObject(request), t.locale)
    return licenceRows({
      authorization: request.headers.get('Authorization'),
      licenceId: params.licenceId ?? '',
      ...query,
    })
  })
}

export const action = methodNotAllowed
