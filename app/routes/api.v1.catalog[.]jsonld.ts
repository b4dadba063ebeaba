import type { LoaderFunctionArgs } from '@remix-run/node'
import { catalogDocument, exportCatalogPage } from '~/services/catalog/dcat.server'
import { handlePublicApi, optionalViewer, siteOrigin } from '~/services/open-data/viewer.server'
import { catalogAudience } from '~/services/search/catalog-index.server'
import { dcatCatalogQuery } from '~/services/search/api-schemas'
import { methodNotAllowed, queryObject } from '~/utils/http.server'
import { getEnv } from '~/utils/env.server'
import { getLocale } from '~/utils/i18n.server'
import { validate } from '~/utils/validation.server'

// The whole catalog as a DCAT-3 dcat:Catalog, paged with hydra:next (`?after=<id>&limit=`).
// The public sees open entries; read:catalog-entry:any sees every listed entry.
export async function loader({ request }: LoaderFunctionArgs) {
  return handlePublicApi(request, async () => {
    const viewer = await optionalViewer(request)
    const q = validate(dcatCatalogQuery, queryObject(request), await getLocale(request))
    const page = await exportCatalogPage({
      after: q.after,
      limit: q.limit,
      audience: catalogAudience(viewer),
    })
    const doc = catalogDocument(page, siteOrigin(request, getEnv().APP_ORIGIN), q.context)
    return new Response(JSON.stringify(doc), {
      headers: { 'Content-Type': 'application/ld+json; charset=utf-8' },
    })
  })
}

export const action = methodNotAllowed
