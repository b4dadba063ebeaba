import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { ckanResponse } from '~/services/open-data/ckan.server'
import { siteOrigin } from '~/services/open-data/viewer.server'
import { getEnv } from '~/utils/env.server'

// CKAN action API: help_show — an action's help text in CKAN's envelope (GET, or POST as CKAN clients do).
export function loader({ request }: LoaderFunctionArgs) {
  return ckanResponse('help_show', request, siteOrigin(request, getEnv().APP_ORIGIN))
}

export function action({ request }: ActionFunctionArgs) {
  return ckanResponse('help_show', request, siteOrigin(request, getEnv().APP_ORIGIN))
}
