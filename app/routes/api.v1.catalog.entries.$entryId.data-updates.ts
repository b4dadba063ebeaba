import type { ActionFunctionArgs } from '@remix-run/node'
import { recordDataUpdate } from '~/services/catalog/freshness.server'
import { dataUpdateSchema } from '~/services/catalog/schemas'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

// Art. 16: the agency's systems report each update of the entry's data.
export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'create:catalog-entry:own-org')
    const input = await parseJson(request, dataUpdateSchema, t.locale)
    return recordDataUpdate({
      user,
      entryId: params.entryId ?? '',
      at: input.at ? new Date(input.at) : undefined,
      note: input.note,
    })
  })
}
