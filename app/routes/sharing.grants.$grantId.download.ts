import type { LoaderFunctionArgs } from '@remix-run/node'
import { Readable } from 'node:stream'
import { grantDownload } from '~/services/sharing/delivery.server'
import { contentStore } from '~/services/storage/store.server'
import { DomainError } from '~/utils/errors'
import { methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'

// GET /sharing/grants/:grantId/download — the requesting agency's own fingerprinted copy of a
// file grant (C4; Art. 24, 46 ¶3): its staff only, while the grant is in force (revoked or ended
// 403), every download logged.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, [
    'create:sharing-request:own-org',
    'receive:sharing-grant:own-org',
  ])
  const t = await getT(request)
  try {
    const file = await grantDownload(user, params.grantId ?? '')
    const ascii = file.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')
    const body = Readable.toWeb(contentStore().read(file.storageKey)) as ReadableStream<Uint8Array>
    return new Response(body, {
      headers: {
        'Content-Type': file.mediaType,
        'Content-Length': String(file.sizeBytes),
        'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    })
  } catch (error) {
    if (error instanceof DomainError)
      return new Response(t(error.messageKey, error.params), {
        status: error.status,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    throw error
  }
}

export const action = methodNotAllowed
