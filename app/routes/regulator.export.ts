// Issue 8 / C11: the signed export bundle (.tar.gz) for `npm run ledger:verify -- --export DIR`.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { regulatorExportBundle } from '~/services/supervision/queries.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:ledger:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const bundle = await regulatorExportBundle(user)
    return new Response(bundle.body, {
      headers: {
        'Content-Type': 'application/gzip',
        'Content-Disposition': `attachment; filename="${bundle.fileName}"`,
        'Cache-Control': 'no-store',
      },
    })
  })
}
