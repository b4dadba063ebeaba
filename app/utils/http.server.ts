import { data, type ActionFunctionArgs } from '@remix-run/node'
import { DomainError } from './errors'
import type { Translate as T } from '~/i18n/config'

// One shape for every API error: `{error: {code, message}}` with a 4xx status.
export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string[]> }
}

export function apiErrorResponse(
  status: number,
  code: string,
  message: string,
  fields?: Record<string, string[]>,
): Response {
  const body: ApiErrorBody = { error: { code, message, ...(fields ? { fields } : {}) } }
  return Response.json(body, { status })
}

/**
 * Wraps an API loader/action: domain errors become `{error}` 4xx replies in the
 * caller's language; thrown Responses pass through; anything else is a 500.
 */
/** A resource route's action that the web process's front may call directly (server/public-api.ts). */
export type FrontAction = ((args: ActionFunctionArgs) => Promise<Response>) & { front: true }

/**
 * Marks a resource route's action (static path, JSON in and out) as a hot path the front calls
 * without Remix's route matching (ADR 024). The action itself is unchanged: same permission
 * checks, validation and messages; the front only builds its Request and sends its Response.
 */
export function frontAction(action: (args: ActionFunctionArgs) => Promise<Response>): FrontAction {
  return Object.assign(action, { front: true as const })
}

export async function apiHandle(t: T, fn: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await fn()
    return result instanceof Response ? result : Response.json(result)
  } catch (error) {
    if (error instanceof Response) return error
    if (error instanceof DomainError) {
      return apiErrorResponse(
        error.status,
        error.code,
        t(error.messageKey, error.params),
        error.fields ? translateFields(t, error.fields) : undefined,
      )
    }
    throw error
  }
}

export function translateFields(t: T, fields: Record<string, string[]>) {
  return Object.fromEntries(
    Object.entries(fields).map(([k, msgs]) => [
      k,
      msgs.map((m) => (m.startsWith('error.') ? t(m) : m)),
    ]),
  )
}

/**
 * Runs a page loader's (or a download's) service calls: a refusal becomes a 4xx response in the
 * user's language — for bad input, the message of each bad parameter after the general one — never a 500.
 */
export async function pageGuard<R>(t: T, run: () => Promise<R>): Promise<R> {
  try {
    return await run()
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const details = error.fields
      ? Object.values(translateFields(t, error.fields))
          .flat()
          .filter((m) => m !== t(error.messageKey, error.params))
      : []
    throw new Response([t(error.messageKey, error.params), ...new Set(details)].join(' '), {
      status: error.status,
    })
  }
}

export { data }

export function methodNotAllowed(): Response {
  return apiErrorResponse(405, 'method_not_allowed', 'Method not allowed')
}

/** Query parameters as an object (a repeated name keeps the last value). */
export function queryObject(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams)
}

/** A file download's headers: its type, length when known, and its name (ASCII fallback + UTF-8). */
export function attachmentHeaders(file: {
  fileName: string
  mediaType: string
  size: number | null
}): Record<string, string> {
  const ascii = file.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return {
    'Content-Type': file.mediaType,
    ...(file.size !== null ? { 'Content-Length': String(file.size) } : {}),
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    'X-Content-Type-Options': 'nosniff',
  }
}

/** A download's refusal: plain text in the user's language with its status (not a page). */
export function downloadRefusal(t: T, error: unknown): Response {
  if (error instanceof Response) return error
  if (!(error instanceof DomainError)) throw error
  return new Response(t(error.messageKey, error.params), {
    status: error.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  })
}
