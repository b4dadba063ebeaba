// Issue 8: any filtered view of the log as CSV (UTF-8 with BOM, streamed page by page).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { regulatorCsv } from '~/services/supervision/queries.server'
import { logFilterSchema } from '~/services/supervision/schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:ledger:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const filters = validate(logFilterSchema, queryObject(request), t.locale)
    const body = await regulatorCsv(user, filters)
    return new Response(body, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="ledger.csv"',
        'Cache-Control': 'no-store',
      },
    })
  })
}
