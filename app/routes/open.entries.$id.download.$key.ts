import type { LoaderFunctionArgs } from '@remix-run/node'
import { openDownload } from '~/services/open-data/portal.server'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { DomainError } from '~/utils/errors'
import { getT } from '~/utils/i18n.server'
import { methodNotAllowed } from '~/utils/http.server'

// Art. 32–33, public: the file of an open distribution. Conditionally open data only for
// organizations whose application was approved (401 anonymous, 403 otherwise).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  try {
    const viewer = await optionalViewer(request)
    const { file, body } = await openDownload(params.id ?? '', params.key ?? '', viewer)
    const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
    return new Response(body, {
      headers: {
        'Content-Type': file.contentType,
        'Content-Length': String(file.size),
        'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        ETag: `"${file.sha256}"`,
        'Cache-Control': 'private, max-age=300',
        'X-Content-Type-Options': 'nosniff',
      },
    })
  } catch (error) {
    if (error instanceof DomainError) {
      return new Response(t(error.messageKey, error.params), {
        status: error.status,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    }
    if (error instanceof Response) return error
    throw error
  }
}

export const action = methodNotAllowed
