// The one helper every loader, action and API route calls to find out who is
// asking and whether they may. Pages get a redirect to login or a 403 page;
// API routes get `{error: {code, message}}` with 401/403.
import { recordSecurityEvent } from '~/services/security/events.server'
import { redirect } from '@remix-run/node'
import { authenticateApiKey, loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { sessionUserId } from '~/services/identity/session.server'
import { getT } from './i18n.server'
import { apiErrorResponse } from './http.server'
import type { Permission } from './permissions'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence for cookie-authenticated writes: the browser's Origin (or
 * Sec-Fetch-Site) must say the request came from our own pages. SameSite=Lax
 * cookies already stop most cross-site posts; this closes the rest.
 */
export function isCrossSiteWrite(request: Request): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false
  const origin = request.headers.get('Origin')
  if (origin && origin !== 'null') {
    const host = request.headers.get('X-Forwarded-Host') ?? request.headers.get('Host')
    try {
      return new URL(origin).host !== (host ?? new URL(request.url).host)
    } catch {
      return true
    }
  }
  if (origin === 'null') return true
  const site = request.headers.get('Sec-Fetch-Site')
  return site !== null && site !== 'same-origin' && site !== 'none'
}

export async function getOptionalUser(request: Request): Promise<AuthUser | undefined> {
  const userId = await sessionUserId(request)
  return userId ? loadAuthUser(userId, 'session') : undefined
}

async function forbidden(request: Request, key: string, status: number) {
  const t = await getT(request)
  return new Response(t(key), { status, statusText: status === 403 ? 'Forbidden' : 'Unauthorized' })
}

/** A page's user, or a redirect to the login page. */
export async function requireUser(request: Request): Promise<AuthUser> {
  const user = await getOptionalUser(request)
  if (!user) {
    const url = new URL(request.url)
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`)
  }
  if (isCrossSiteWrite(request)) throw await forbidden(request, 'error.csrf', 403)
  return user
}

/** Art. 45 ¶2: a refusal for want of a permission is a security event (what, who, where). */
function denied(request: Request, user: AuthUser, wanted: string): Promise<void> {
  return recordSecurityEvent({
    kind: 'permission-denied',
    subject: `${user.email} ${request.method} ${new URL(request.url).pathname}`,
    userId: user.id,
    orgId: user.org?.id ?? null,
    detail: wanted,
  })
}

/** A page's user holding `permission`, or a 403 that the error boundary shows. */
export async function requirePermission(
  request: Request,
  permission: Permission,
): Promise<AuthUser> {
  const user = await requireUser(request)
  if (!user.permissions.has(permission)) {
    await denied(request, user, permission)
    throw await forbidden(request, 'error.forbidden', 403)
  }
  return user
}

/** A page's user holding any of `permissions` (a list read under own-org or any, say), else a 403. */
export async function requireAnyPermission(
  request: Request,
  permissions: readonly Permission[],
): Promise<AuthUser> {
  const user = await requireUser(request)
  if (!permissions.some((p) => user.permissions.has(p))) {
    await denied(request, user, permissions.join(' | '))
    throw await forbidden(request, 'error.forbidden', 403)
  }
  return user
}

/** An API caller (Bearer key or session) holding `permission`, else a JSON 401/403 Response. */
export async function requireApiPermission(
  request: Request,
  permission?: Permission,
): Promise<AuthUser> {
  const t = await getT(request)
  const header = request.headers.get('Authorization')
  let user: AuthUser | undefined
  if (header) {
    const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    user = key ? await authenticateApiKey(key) : undefined
  } else {
    user = await getOptionalUser(request)
    if (user && isCrossSiteWrite(request)) {
      throw apiErrorResponse(403, 'csrf', t('error.csrf'))
    }
  }
  if (!user) throw apiErrorResponse(401, 'unauthenticated', t('error.unauthenticated'))
  if (permission && !user.permissions.has(permission)) {
    await denied(request, user, permission)
    throw apiErrorResponse(403, 'forbidden', t('error.forbidden'))
  }
  return user
}
