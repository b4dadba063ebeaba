import type { LoaderFunctionArgs } from '@remix-run/node'
import { optionalViewer, siteOrigin } from '~/services/open-data/viewer.server'
import { provenanceDocument } from '~/services/products/pages.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getEnv } from '~/utils/env.server'
import { getT } from '~/utils/i18n.server'

// Art. 38: a version's provenance as W3C PROV-JSON, back to the source catalog entries and their
// source departments (the same visibility as the provenance page).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    const doc = await provenanceDocument(
      await optionalViewer(request),
      params.productId ?? '',
      Number(params.number),
      siteOrigin(request, getEnv().APP_ORIGIN),
    )
    return Response.json(doc, { headers: { 'Content-Type': 'application/json; charset=utf-8' } })
  })
}

export const action = methodNotAllowed
