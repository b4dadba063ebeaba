import type { ActionFunctionArgs } from '@remix-run/node'
import { receiveEntryDataset } from '~/services/sharing/datasets.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

export const loader = methodNotAllowed

// POST /api/v1/catalog/entries/:entryId/dataset (multipart, field `file`: CSV or TSV) — the source
// department stores the entry's data for sharing (C4; Art. 23–24); every online grant of the entry
// in force gets its copy of it.
export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'decide:sharing-request:own-org')
    return receiveEntryDataset(user, params.entryId ?? '', request)
  })
}
