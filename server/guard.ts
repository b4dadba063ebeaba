// The web process's safety net (ADR 026). Every request is answered by someone: a handler that
// throws or rejects ends in `errorHandler` (a plain 4xx/5xx, never a stack trace), a listener
// that throws synchronously in `guardListener`; what escapes all of them reaches the process-level
// handlers (app/utils/process-guards.server.ts).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express'

/** An async Express middleware whose rejection goes to `next(error)` instead of nowhere. */
export function asyncMiddleware(fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler {
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
  res.status(status).type('text/plain').send(status >= 500 ? 'Unexpected Server Error' : 'Bad Request')
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500
}

/** A node:http listener that answers 500 if `listener` throws synchronously. */
export function guardListener(listener: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    try {
      listener(req, res)
    } catch (error) {
      console.error('[web] request listener threw:', error)
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Unexpected Server Error')
      else res.destroy()
    }
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * A write whose Origin names another site (or is opaque, or unparseable) is refused with 403 in
 * the visitor's language before Remix sees it: Remix's own check would throw and answer an empty
 * 500. Requests without an Origin (API clients, Stripe's webhooks) pass on to the routes' checks.
 */
export function refuseCrossOriginWrites(translate: (req: globalThis.Request, key: string) => Promise<string>): RequestHandler {
  return asyncMiddleware(async (req, res, next) => {
    const origin = req.headers.origin
    if (!WRITE_METHODS.has(req.method) || origin === undefined) return next()
    const forwarded = req.get('x-forwarded-host')?.split(',')[0]?.trim()
    const host = forwarded || req.headers.host
    let originHost: string | undefined
    try {
      originHost = origin === 'null' ? undefined : new URL(origin).host
    } catch {
      originHost = undefined
    }
    if (originHost !== undefined && originHost === host) return next()
    const headers = { cookie: req.headers.cookie ?? '', 'accept-language': req.headers['accept-language'] ?? '' }
    const message = await translate(new globalThis.Request('http://localhost/', { headers }), 'error.csrf')
    res.status(403).type('text/plain; charset=utf-8').send(message)
  })
}
