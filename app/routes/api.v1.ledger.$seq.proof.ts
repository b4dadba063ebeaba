import type { LoaderFunctionArgs } from '@remix-run/node'
import { ledgerProofParams, ledgerProofQuery } from '~/services/api/contract'
import { ledgerReceiptFor } from '~/services/ledger/checkpoints.server'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// C11: an entry's receipt (inclusion proof against a signed checkpoint), for regulators and the
// entry's own parties; the service decides which.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request)
    const { seq } = validate(ledgerProofParams, { seq: params.seq }, t.locale)
    const query = validate(ledgerProofQuery, queryObject(request), t.locale)
    return ledgerReceiptFor(user, seq, query)
  })
}

export const action = methodNotAllowed
