// Who is asking, on the public routes (portal, CKAN API, catalog search and DCAT): nobody needs to
// sign in, but a valid API key or session widens what the catalog shows (catalogAudience). A
// malformed or unknown API key is still refused with 401, so a program learns its key is wrong.
import type { AuthUser } from '~/services/identity/auth.server'
import { DomainError } from '~/utils/errors'
import { apiHandle } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { getOptionalUser, requireApiPermission } from '~/utils/permissions.server'

export async function optionalViewer(request: Request): Promise<AuthUser | undefined> {
  if (request.headers.get('Authorization')) return requireApiPermission(request)
  return getOptionalUser(request)
}

/** The site's own origin for links in exports: APP_ORIGIN when configured, else the request's. */
export function siteOrigin(request: Request, configured: string | undefined): string {
  return (configured ?? new URL(request.url).origin).replace(/\/$/, '')
}

/**
 * `apiHandle` with the translator made only when there is an error to translate: building an
 * i18next instance costs about a millisecond, more than a search itself, and most requests succeed.
 */
export async function handlePublicApi(request: Request, run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run()
    return result instanceof Response ? result : Response.json(result)
  } catch (error) {
    if (error instanceof Response) return error
    if (error instanceof DomainError) return apiHandle(await getT(request), () => Promise.reject(error))
    throw error
  }
}
