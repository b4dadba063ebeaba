import type { LoaderFunctionArgs } from '@remix-run/node'
import { sealedRectification } from '~/services/rectifications/rectifications.server'
import { attachmentHeaders, downloadRefusal, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'

// GET /rectifications/:rectificationId/seal — the rectification notice as issued, with its electronic
// seal (Art. 29–30), for its authority and the body it is addressed to (others: 404). Checked
// offline with `npm run seal:verify -- FILE`.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, [
    'issue:rectification:own-org',
    'answer:rectification:own-org',
  ])
  const t = await getT(request)
  try {
    const id = params.rectificationId ?? ''
    const body = Buffer.from(await sealedRectification(user, id), 'utf8')
    return new Response(body, {
      headers: {
        ...attachmentHeaders({
          fileName: `rectification-${id}.sealed.json`,
          mediaType: 'application/json; charset=utf-8',
          size: body.length,
        }),
        'Cache-Control': 'private, no-store',
      },
    })
  } catch (error) {
    return downloadRefusal(t, error)
  }
}

export const action = methodNotAllowed
