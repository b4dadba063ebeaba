// Issue 15: the licence list as CSV (UTF-8 with BOM) — the same scope, filters and order as /licences.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { licencesCsv } from '~/services/licences/pages.server'
import { licenceListSchema } from '~/services/licences/schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, ['read:licence:own-org', 'read:licence:any'])
  const t = await getT(request)
  return pageGuard(t, async () =>
    licencesCsv(user, validate(licenceListSchema, queryObject(request), t.locale), t.locale),
  )
}
