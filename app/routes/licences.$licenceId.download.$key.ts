import type { LoaderFunctionArgs } from '@remix-run/node'
import { openDownload } from '~/services/delivery/download.server'
import { downloadQuerySchema } from '~/services/licences/schemas'
import { DomainError } from '~/utils/errors'
import { methodNotAllowed, queryObject } from '~/utils/http.server'
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
    const ascii = file.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')
    return new Response(file.body, {
      headers: {
        'Content-Type': file.mediaType,
        ...(file.size !== null ? { 'Content-Length': String(file.size) } : {}),
        'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
        'X-Ledger-Seq': String(file.ledgerSeq),
      },
    })
  } catch (error) {
    if (error instanceof DomainError) {
      return new Response(t(error.messageKey, error.params), {
        status: error.status,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    }
    throw error
  }
}

export const action = methodNotAllowed
