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
export async function handlePublicApi(
  request: Request,
  run: () => Promise<unknown>,
): Promise<Response> {
  try {
    const result = await run()
    return result instanceof Response ? result : Response.json(result)
  } catch (error) {
    return publicApiError(error, () => request)
  }
}

/** A thrown Response as is, a DomainError as its 4xx in the caller's language; anything else rethrown. */
async function publicApiError(error: unknown, request: () => Request): Promise<Response> {
  if (error instanceof Response) return error
  if (error instanceof DomainError)
    return apiHandle(await getT(request()), () => Promise.reject(error))
  throw error
}

/**
 * A public JSON read: the data for a caller (anonymous unless the request carries an API key or a
 * session). Served by its route's loader (`publicReadLoader`) and, for GET, by the web process's
 * front in server/public-api.ts, which skips Remix's route matching (ADR 024).
 */
export type PublicRead = (url: URL, viewer: AuthUser | undefined) => Promise<unknown>

/** A request as a public read needs it: the Fetch Request is made only for credentials or errors. */
export interface PublicReadInput {
  url: URL
  /** An Authorization or Cookie header is present: only then can the caller be anyone but anonymous. */
  hasCredentials: boolean
  request: () => Request
}

/** JSON text for a 200, or the error Response (4xx translated into the caller's language). */
export async function answerPublicRead(
  read: PublicRead,
  input: PublicReadInput,
): Promise<string | Response> {
  try {
    const viewer = input.hasCredentials ? await optionalViewer(input.request()) : undefined
    return JSON.stringify(await read(input.url, viewer))
  } catch (error) {
    return publicApiError(error, input.request)
  }
}

export const JSON_CONTENT_TYPE = 'application/json'

/** The Remix loader of a public read; the front finds `publicRead` on it. */
export function publicReadLoader(read: PublicRead) {
  const publicRead = (input: PublicReadInput) => answerPublicRead(read, input)
  const loader = async ({ request }: { request: Request }): Promise<Response> => {
    const answer = await publicRead({
      url: new URL(request.url),
      hasCredentials: request.headers.has('Authorization') || request.headers.has('Cookie'),
      request: () => request,
    })
    return typeof answer === 'string'
      ? new Response(answer, { headers: { 'Content-Type': JSON_CONTENT_TYPE } })
      : answer
  }
  return Object.assign(loader, { publicRead })
}
