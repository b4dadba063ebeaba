import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { sharingListPage } from '~/services/sharing/pages.server'
import { submitSharingRequest } from '~/services/sharing/requests.server'
import { sharingListQuery, sharingRequestInput } from '~/services/sharing/schemas'
import { apiHandle, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson, validate } from '~/utils/validation.server'

// C4 (Art. 22–24): GET an agency's inbox as a source department (`box=inbox`, the default) or the
// requests it made (`box=mine`), paged and sorted like the page; POST asks for an entry's data
// (entryId, scenario, usingUnit, duty, fields, mode, periodEnd). An unconditionally shared entry
// answers `granted` at once; a conditional one `pending` with the reply's due date.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:sharing-request:own-org')
    const { items, paging } = await sharingListPage(
      user,
      validate(sharingListQuery, queryObject(request), t.locale),
    )
    return { requests: items, paging }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:sharing-request:own-org')
    const input = await parseJson(request, sharingRequestInput, t.locale)
    return Response.json(await submitSharingRequest(user, input), { status: 201 })
  })
}
