import type { ActionFunctionArgs } from '@remix-run/node'
import { confidentialityReviewInput } from '~/services/security/schemas'
import { reviewEntryOpening } from '~/services/security/confidentiality.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

export const loader = methodNotAllowed

// Art. 46: the source department records its confidentiality review of the working copy of an
// entry that opens data ({outcome: passed|failed, note}); submitting it needs a passed one.
export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'review:confidentiality:own-org')
    const input = await parseJson(request, confidentialityReviewInput, t.locale)
    const review = await reviewEntryOpening(user, params.entryId ?? '', input)
    return Response.json(review, { status: 201 })
  })
}
