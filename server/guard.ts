// The web process's safety net (ADR 026). Every request is answered by someone: a handler that
// throws or rejects ends in `errorHandler` (a plain 4xx/5xx, never a stack trace), a listener
// that throws synchronously in `guardListener`; what escapes all of them reaches the process-level
// handlers (app/utils/process-guards.server.ts).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express'

/** An async Express middleware whose rejection goes to `next(error)` instead of nowhere. */
export function asyncMiddleware(
  fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown>,
): RequestHandler {
  return (req, res, next) => {
    fn(req, res, next).catch(next)
  }
}

/** Last Express handler: body-parser style errors keep their 4xx status, the rest answer 500. */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const status = statusOf(error)
  if (status >= 500) console.error('[web] request failed:', error)
  if (res.headersSent) {
    res.destroy()
    return
  }
  res
    .status(status)
    .type('text/plain')
    .send(status >= 500 ? 'Unexpected Server Error' : 'Bad Request')
}

function statusOf(error: unknown): number {
  const status =
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (error as { statusCode?: unknown } | null)?.statusCode
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500
}

/** A node:http listener that answers 500 if `listener` throws synchronously. */
export function guardListener(listener: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    try {
      listener(req, res)
    } catch (error) {
      console.error('[web] request listener threw:', error)
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Unexpected Server Error')
      else res.destroy()
    }
  }
}

/** The request headers the cross-site rule and the refusal's language read. */
const PROBE_HEADERS = [
  'origin',
  'host',
  'x-forwarded-host',
  'sec-fetch-site',
  'cookie',
  'accept-language',
]

/**
 * A cookie-era cross-site write (the routes' own rule, `isCrossSite`: an Origin naming another
 * site, an opaque or unparseable one, or Sec-Fetch-Site cross-site) is refused with 403 in the
 * visitor's language before Remix sees it: Remix's own origin check would throw and answer an empty
 * 500. Requests that carry neither header (API clients, Stripe's webhooks) go on to the routes.
 */
export function refuseCrossOriginWrites(
  isCrossSite: (request: globalThis.Request) => boolean,
  translate: (request: globalThis.Request, key: string) => Promise<string>,
): RequestHandler {
  return asyncMiddleware(async (req, res, next) => {
    const headers = new Headers()
    for (const name of PROBE_HEADERS) {
      const value = req.headers[name]
      if (typeof value === 'string') headers.set(name, value)
    }
    // The URL is never read for a request that has a Host header (every HTTP/1.1 request).
    const probe = new globalThis.Request('http://localhost/', { method: req.method, headers })
    if (!isCrossSite(probe)) return next()
    res
      .status(403)
      .type('text/plain; charset=utf-8')
      .send(await translate(probe, 'error.csrf'))
  })
}
