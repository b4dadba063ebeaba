import type { LoaderFunctionArgs } from '@remix-run/node'
import { openSubjectCopy } from '~/services/subjects/copies.server'
import { attachmentHeaders, downloadRefusal, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// GET /me/copies/:copyId/:format (csv | json) — a data subject's copy of what is held about them
// (C10; Art. 42): the subject alone (another's copy is a 404).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:subject-data:own')
  const t = await getT(request)
  try {
    const file = await openSubjectCopy(user, params.copyId ?? '', params.format ?? '')
    return new Response(file.body, {
      headers: { ...attachmentHeaders(file), 'Cache-Control': 'private, no-store' },
    })
  } catch (error) {
    return downloadRefusal(t, error)
  }
}

export const action = methodNotAllowed
