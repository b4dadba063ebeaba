import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { createOrder, listOrders } from '~/services/orders/orders.server'
import { orderView } from '~/services/orders/pages.server'
import { orderInput, ordersQuery } from '~/services/orders/schemas'
import { DomainError } from '~/utils/errors'
import { apiHandle, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson, validate } from '~/utils/validation.server'

// C8 (Art. 24, 38): GET the caller's orders (a buyer's purchases, a provider's sales, all for
// the authority and regulators); POST places an order (purpose and scenario required).
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request)
    if (!user.permissions.has('read:order:own-org') && !user.permissions.has('read:order:any')) {
      throw new DomainError('forbidden', 'error.forbidden', 403)
    }
    const { items, nextAfter } = await listOrders(
      user,
      validate(ordersQuery, queryObject(request), t.locale),
    )
    return { orders: items.map(orderView), nextAfter }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:order:own-org')
    const input = await parseJson(request, orderInput, t.locale)
    return Response.json(await createOrder(user, input), { status: 201 })
  })
}
