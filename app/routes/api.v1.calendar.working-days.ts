import type { LoaderFunctionArgs } from '@remix-run/node'
import { workingDaysQuery } from '~/services/catalog/api-contract'
import { addWorkingDays, workingDaysBetween } from '~/services/calendar/working-days.server'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// Working-day arithmetic on the authority's calendar, for programs that track the same deadlines.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    await requireApiPermission(request)
    const q = validate(workingDaysQuery, queryObject(request), t.locale)
    const from = new Date(q.from)
    if (q.days !== undefined)
      return { from: from.toISOString(), dueAt: (await addWorkingDays(from, q.days)).toISOString() }
    return {
      from: from.toISOString(),
      workingDays: await workingDaysBetween(from, new Date(q.to!)),
    }
  })
}

export const action = methodNotAllowed
