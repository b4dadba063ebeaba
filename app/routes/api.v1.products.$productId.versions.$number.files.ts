import type { ActionFunctionArgs } from '@remix-run/node'
import { receiveVersionFile } from '~/services/products/upload.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'

// C7: one file (multipart/form-data, field `file`) into a draft version, streamed to the
// content store. Programs use it with an API key; the version page uses it by XHR for progress.
export const loader = methodNotAllowed

export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:product:own-org')
    const file = await receiveVersionFile(
      user,
      params.productId ?? '',
      Number(params.number),
      request,
    )
    return Response.json({ file }, { status: 201 })
  })
}
