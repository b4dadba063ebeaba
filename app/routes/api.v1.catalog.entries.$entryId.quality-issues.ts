import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { getEntryForUser } from '~/services/catalog/entries.server'
import { listQualityIssues, raiseQualityIssue } from '~/services/catalog/quality.server'
import { cursorQuery, raiseQualityIssueSchema } from '~/services/catalog/schemas'
import { apiHandle, methodNotAllowed, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson, validate } from '~/utils/validation.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'read:catalog-entry:any')
    const query = validate(cursorQuery, queryObject(request), t.locale)
    const { entry } = await getEntryForUser(user, params.entryId ?? '')
    const page = await listQualityIssues({ entryId: entry.id }, query)
    return { issues: page.items, nextAfter: page.nextAfter }
  })
}

// Art. 17: anyone using the entry raises a data-quality issue.
export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'raise:quality-issue:any')
    const input = await parseJson(request, raiseQualityIssueSchema, t.locale)
    const result = await raiseQualityIssue({
      user,
      entryId: params.entryId ?? '',
      ...input,
      fieldName: input.fieldName || undefined,
    })
    return Response.json(result, { status: 201 })
  })
}
