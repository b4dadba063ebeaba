import type { LoaderFunctionArgs } from '@remix-run/node'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { loadVisibleProduct } from '~/services/products/products.server'
import { loadVisibleVersion, versionView } from '~/services/products/versions.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'

// C7: one version — files with their hashes, schema, inputs with the right to each, status.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const { owner, authority } = await loadVisibleProduct(
      await optionalViewer(request),
      params.productId ?? '',
    )
    return versionView(
      await loadVisibleVersion(params.productId ?? '', Number(params.number), owner || authority),
    )
  })
}

export const action = methodNotAllowed
