import type { LoaderFunctionArgs } from '@remix-run/node'
import { orderPageData } from '~/services/orders/pages.server'
import { DomainError } from '~/utils/errors'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// C8: one order with its payments and events (its buyer, its provider, the authority, regulators).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request)
    if (!user.permissions.has('read:order:own-org') && !user.permissions.has('read:order:any')) {
      throw new DomainError('forbidden', 'error.forbidden', 403)
    }
    const { order, payments, events } = await orderPageData(user, params.orderId ?? '')
    return { order, payments, events }
  })
}

export const action = methodNotAllowed
