import type { LoaderFunctionArgs } from '@remix-run/node'
import { ledgerCheckpointsQuery } from '~/services/api/contract'
import { listCheckpoints } from '~/services/ledger/checkpoints.server'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// C11: the signed checkpoints and the public keys that verify them.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    await requireApiPermission(request)
    const q = validate(ledgerCheckpointsQuery, queryObject(request), t.locale)
    return listCheckpoints({ limit: q.limit, ...(q.before ? { beforeSize: q.before } : {}) })
  })
}

export const action = methodNotAllowed
