import type { LoaderFunctionArgs } from '@remix-run/node'
import { openDownload } from '~/services/delivery/download.server'
import { downloadQuerySchema } from '~/services/licences/schemas'
import {
  attachmentHeaders,
  downloadRefusal,
  methodNotAllowed,
  queryObject,
} from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// GET /licences/:licenceId/download/:key?expires=…&sig=… — a delivered copy (C8; Art. 24, 38).
// The licensee's staff only, with a link signed for this delivery and not expired, while the
// licence is in force at this moment (revoked 403, expired 410); every download is logged.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:licence:own-org')
  const t = await getT(request)
  try {
    const query = validate(downloadQuerySchema, queryObject(request), t.locale)
    const file = await openDownload(user, params.licenceId ?? '', params.key ?? '', query)
    return new Response(file.body, {
      headers: {
        ...attachmentHeaders(file),
        'Cache-Control': 'private, no-store',
        'X-Ledger-Seq': String(file.ledgerSeq),
      },
    })
  } catch (error) {
    return downloadRefusal(t, error)
  }
}

export const action = methodNotAllowed
