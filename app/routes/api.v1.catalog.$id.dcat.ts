import type { LoaderFunctionArgs } from '@remix-run/node'
import { datasetDocument, exportEntry } from '~/services/catalog/dcat.server'
import { handlePublicApi, optionalViewer, siteOrigin } from '~/services/open-data/viewer.server'
import { catalogAudience } from '~/services/search/catalog-index.server'
import { dcatQuery } from '~/services/search/api-schemas'
import { methodNotAllowed, queryObject } from '~/utils/http.server'
import { getEnv } from '~/utils/env.server'
import { getLocale } from '~/utils/i18n.server'
import { validate } from '~/utils/validation.server'

// One catalog entry as DCAT-3 JSON-LD (dcat:Dataset). Open entries are public; other listed
// entries need read:catalog-entry:any.
export async function loader({ request, params }: LoaderFunctionArgs) {
  return handlePublicApi(request, async () => {
    const viewer = await optionalViewer(request)
    const q = validate(dcatQuery, queryObject(request), await getLocale(request))
    const record = await exportEntry(params.id ?? '', catalogAudience(viewer))
    const doc = datasetDocument(record, siteOrigin(request, getEnv().APP_ORIGIN), q.context)
    return new Response(JSON.stringify(doc, null, 2), {
      headers: { 'Content-Type': 'application/ld+json; charset=utf-8' },
    })
  })
}

export const action = methodNotAllowed
