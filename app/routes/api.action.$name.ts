import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { ckanActionByName } from '~/services/open-data/ckan.server'
import { siteOrigin } from '~/services/open-data/viewer.server'
import { getEnv } from '~/utils/env.server'

// CKAN's action API without the version (`/api/action/<name>`, ckanapi's default): the same actions
// as /api/3/action/<name>, GET with query parameters or POST with a JSON body; unknown names 404.
export function loader({ request, params }: LoaderFunctionArgs) {
  return ckanActionByName(params.name, request, siteOrigin(request, getEnv().APP_ORIGIN))
}

export function action({ request, params }: ActionFunctionArgs) {
  return ckanActionByName(params.name, request, siteOrigin(request, getEnv().APP_ORIGIN))
}
