import type { LoaderFunctionArgs } from '@remix-run/node'
import { ledgerConsistencyQuery } from '~/services/api/contract'
import { checkpointConsistency } from '~/services/ledger/checkpoints.server'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// C11: anyone signed in may check that one signed checkpoint extends another.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    await requireApiPermission(request)
    const { from, to } = validate(ledgerConsistencyQuery, queryObject(request), t.locale)
    return checkpointConsistency(from, to)
  })
}

export const action = methodNotAllowed
