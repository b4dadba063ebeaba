import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { parseMarketSearchParams, searchMarket } from '~/services/products/market-index.server'
import { createProduct } from '~/services/products/products.server'
import { productInput } from '~/services/products/schemas'
import { apiHandle } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireApiPermission } from '~/utils/permissions.server'
import { parseJson } from '~/utils/validation.server'

// C7: GET searches listed products with facets (public, like the marketplace page);
// POST creates a product of the caller's organisation.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    await optionalViewer(request)
    return searchMarket(parseMarketSearchParams(new URL(request.url).searchParams))
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const user = await requireApiPermission(request, 'create:product:own-org')
    const input = await parseJson(request, productInput, t.locale)
    return Response.json(await createProduct(user, input), { status: 201 })
  })
}
