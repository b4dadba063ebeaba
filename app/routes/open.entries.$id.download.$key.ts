import type { LoaderFunctionArgs } from '@remix-run/node'
import { openDownload } from '~/services/open-data/portal.server'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { getT } from '~/utils/i18n.server'
import { attachmentHeaders, downloadRefusal, methodNotAllowed } from '~/utils/http.server'

// Art. 32–33, public: the file of an open distribution. Conditionally open data only for
// organizations whose application was approved (401 anonymous, 403 otherwise).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  try {
    const viewer = await optionalViewer(request)
    const { file, body } = await openDownload(params.id ?? '', params.key ?? '', viewer)
    return new Response(body, {
      headers: {
        ...attachmentHeaders({
          fileName: file.filename,
          mediaType: file.contentType,
          size: file.size,
        }),
        ETag: `"${file.sha256}"`,
        'Cache-Control': 'private, max-age=300',
      },
    })
  } catch (error) {
    return downloadRefusal(t, error)
  }
}

export const action = methodNotAllowed
