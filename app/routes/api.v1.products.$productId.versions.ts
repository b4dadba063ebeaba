import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { loadVisibleProduct } from '~/services/products/products.server'
import { versionDraftInput } from '~/services/products/schemas'
import { createDraftVersion, listVersions } from '~/services/products/versions.server'
import { apiHandle } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

// C7: GET a product's versions; POST a draft version with its provenance (Art. 35, 37, 38:
// refused with 403 naming an input the caller holds no right to).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const { product, owner, authority } = await loadVisibleProduct(
      await optionalViewer(request),
      params.productId ?? '',
    )
    return { versions: await listVersions(String(product._id), owner || authority) }
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:product:own-org')
    const input = await parseJson(request, versionDraftInput, t.locale)
    return Response.json(await createDraftVersion(user, params.productId ?? '', input), {
      status: 201,
    })
  })
}
