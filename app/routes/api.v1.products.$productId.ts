import type { LoaderFunctionArgs } from '@remix-run/node'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { loadVisibleProduct, productView } from '~/services/products/products.server'
import { listVersions } from '~/services/products/versions.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'

// C7: a product with its versions (published ones; every one for its owner and the authority).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const viewer = await optionalViewer(request)
    const { product, owner, authority } = await loadVisibleProduct(viewer, params.productId ?? '')
    return {
      product: productView(product),
      versions: await listVersions(String(product._id), owner || authority),
    }
  })
}

export const action = methodNotAllowed
