import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { ckanResponse } from '~/services/open-data/ckan.server'
import { siteOrigin } from '~/services/open-data/viewer.server'
import { getEnv } from '~/utils/env.server'

// CKAN action API: package_list (GET with query parameters, or POST with a JSON body, as CKAN clients do).
export function loader({ request }: LoaderFunctionArgs) {
  return ckanResponse('package_list', request, siteOrigin(request, getEnv().APP_ORIGIN))
}

export function action({ request }: ActionFunctionArgs) {
  return ckanResponse('package_list', request, siteOrigin(request, getEnv().APP_ORIGIN))
}
