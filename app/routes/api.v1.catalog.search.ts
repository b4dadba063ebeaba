import { publicReadLoader } from '~/services/open-data/viewer.server'
import { catalogAudience, searchCatalog } from '~/services/search/catalog-index.server'
import { parseCatalogSearchParams } from '~/services/search/params'
import { methodNotAllowed } from '~/utils/http.server'

// Faceted, ranked catalog search (C6). Public: anonymous callers search open and conditionally
// open entries; staff with read:catalog-entry:any search the whole listed catalog.
export const loader = publicReadLoader(async (url, viewer) =>
  searchCatalog(parseCatalogSearchParams(url.searchParams), catalogAudience(viewer)),
)

export const action = methodNotAllowed
