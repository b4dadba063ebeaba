import type { LoaderFunctionArgs } from '@remix-run/node'
import { verifyChain } from '~/services/ledger/ledger.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

export async function loader({ request }: LoaderFunctionArgs) {
  return apiHandle(await getT(request), async () => {
    await requireApiPermission(request, 'verify:ledger:any')
    return verifyChain()
  })
}

export const action = methodNotAllowed
