import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { listOwnRequests } from '~/services/research/pages.server'
import { submitResearchRequest } from '~/services/research/requests.server'
import { researchListQuery, researchRequestInput } from '~/services/research/schemas'
import { apiHandle, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson, validate } from '~/utils/validation.server'

// Art. 26: the caller's research requests (GET) and a new one (POST).
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:research-request:own-org')
    const query = validate(researchListQuery, queryObject(request), t.locale)
    const { items, nextAfter } = await listOwnRequests(user, query)
    return { requests: items, nextAfter }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:research-request:own-org')
    const input = await parseJson(request, researchRequestInput, t.locale)
    const { requestId, replyDueAt, ledgerSeq } = await submitResearchRequest(user, input)
    return Response.json(
      { requestId, status: 'pending', replyDueAt: replyDueAt.toISOString(), ledgerSeq },
      { status: 201 },
    )
  })
}
