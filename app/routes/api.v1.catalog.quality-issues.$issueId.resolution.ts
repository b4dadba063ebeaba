import type { ActionFunctionArgs } from '@remix-run/node'
import { resolutionBody } from '~/services/catalog/api-contract'
import { resolveQualityIssue } from '~/services/catalog/quality.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

// Art. 17: the source department resolves an issue once, with a recorded outcome.
export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'resolve:quality-issue:own-org')
    const input = await parseJson(request, resolutionBody, t.locale)
    return resolveQualityIssue({ user, issueId: params.issueId ?? '', ...input })
  })
}
