import type { LoaderFunctionArgs } from '@remix-run/node'
import { Readable } from 'node:stream'
import { grantDownload } from '~/services/sharing/delivery.server'
import { contentStore } from '~/services/storage/store.server'
import { attachmentHeaders, downloadRefusal, methodNotAllowed } from '~/utils/http.server'
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
    const body = Readable.toWeb(contentStore().read(file.storageKey)) as ReadableStream<Uint8Array>
    return new Response(body, {
      headers: {
        ...attachmentHeaders({ ...file, size: file.sizeBytes }),
        'Cache-Control': 'private, no-store',
      },
    })
  } catch (error) {
    return downloadRefusal(t, error)
  }
}

export const action = methodNotAllowed
