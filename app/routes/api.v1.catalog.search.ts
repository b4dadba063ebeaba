import type { LoaderFunctionArgs } from '@remix-run/node'
import { handlePublicApi, optionalViewer } from '~/services/open-data/viewer.server'
import { catalogAudience, searchCatalog } from '~/services/search/catalog-index.server'
import { parseCatalogSearchParams } from '~/services/search/params'
import { methodNotAllowed } from '~/utils/http.server'

// Faceted, ranked catalog search (SPEC C6). Public: anonymous callers search open and conditionally
// open entries; staff with read:catalog-entry:any search the whole listed catalog.
export async function loader({ request }: LoaderFunctionArgs) {
  return handlePublicApi(request, async () => {
    const viewer = await optionalViewer(request)
    const params = parseCatalogSearchParams(new URL(request.url).searchParams)
    return searchCatalog(params, catalogAudience(viewer))
  })
}

export const action = methodNotAllowed
