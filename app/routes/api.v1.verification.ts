import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { verificationRequest } from '~/services/verification/schemas'
import { verificationOffers, verifyRecord } from '~/services/verification/verify.server'
import { apiHandle, frontAction, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

// GET /api/v1/verification — the entries that offer verification, with their key and check fields.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    await requireApiPermission(request, 'verify:record:own-org')
    return { entries: await verificationOffers() }
  })
}

// POST /api/v1/verification {entryId, record: {field: value}} — verification without disclosure
// (C5; Art. 23 ¶3): per field match / mismatch / not_found, never a stored value. Agencies only;
// limited per organisation and entry (429), every call logged as a keyed digest of the query.
// Called in bulk by agencies' systems: the web process's front calls it without Remix's route
// matching (frontAction, ADR 024).
export const action = frontAction(async ({ request }: ActionFunctionArgs) => {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const user = await requireApiPermission(request, 'verify:record:own-org')
    const input = await parseJson(request, verificationRequest, t.locale)
    return verifyRecord(user, input)
  })
})
