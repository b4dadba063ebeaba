// Issue 15: the orders list as CSV (UTF-8 with BOM) — the same scope, filters and order as /orders.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { ordersCsv } from '~/services/orders/pages.server'
import { orderListSchema } from '~/services/orders/schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { validate } from '~/utils/validation.server'
import { requireAnyPermission } from '~/utils/permissions.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, ['read:order:own-org', 'read:order:any'])
  const t = await getT(request)
  return pageGuard(t, async () =>
    ordersCsv(user, validate(orderListSchema, queryObject(request), t.locale), t.locale),
  )
}
