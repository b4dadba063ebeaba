// The public read API's hot path (catalog search: harvesters and the portal call it in bulk),
// answered in front of Express by its own route's loader logic — and hot JSON actions marked
// `frontAction` (verification, C5), called with a Request built here. Remix's request handler matches
// each URL against every route (it flattens the route tree and compiles each pattern anew: about
// 1 ms of CPU per request with ~150 routes), and a Fetch Request and Response cost more than the
// search itself; here an anonymous GET reaches the route's `publicRead` with its URL alone, and a
// Fetch Request is made only when the caller sends credentials or an error must be translated
// (ADR 024). Permissions, validation and messages stay in the route's code
// (services/open-data/viewer.server.ts). Anything else goes on to Express and Remix unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { ServerBuild } from '@remix-run/node'
import proxyaddr from 'proxy-addr'
import { JSON_CONTENT_TYPE, type PublicReadInput } from '~/services/open-data/viewer.server'
import type { FrontAction } from '~/utils/http.server'

const gzip = promisify(gzipCallback)

/** The same proxy trust as the Express app (`trust proxy: loopback`). */
const trustLoopback = proxyaddr.compile('loopback')

/** Below this many bytes a body is sent as is (the compression middleware's default threshold). */
const GZIP_THRESHOLD = 1024

type PublicRead = (input: PublicReadInput) => Promise<string | Response>

/**
 * A node:http listener front: takes GET requests for routes whose loader carries `publicRead`
 * (see publicReadLoader) and returns true; returns false for everything else. `build` is the
 * server build, or a function giving it (Vite in development).
 */
export function publicApiFront(
  build: ServerBuild | (() => Promise<ServerBuild>),
): (req: IncomingMessage, res: ServerResponse) => boolean {
  let reads: Map<string, PublicRead> | undefined
  let posts: Map<string, FrontAction> | undefined
  const learn = (b: ServerBuild) => {
    reads = new Map()
    posts = new Map()
    for (const route of Object.values(b.routes)) {
      // Static paths only: a path with parameters would need Remix's matching after all.
      if (!route.path || /[:*]/.test(route.path) || route.parentId !== 'root') continue
      const read = (route.module.loader as { publicRead?: PublicRead } | undefined)?.publicRead
      if (read) reads.set(`/${route.path}`, read)
      const action = route.module.action as Partial<FrontAction> | undefined
      if (action?.front === true) posts.set(`/${route.path}`, action as FrontAction)
    }
  }
  // In development the build comes from Vite; until it has loaded, Remix answers everything. A
  // route edited in development is still served by Remix after the reload: only the build counts.
  if (typeof build === 'function') void build().then(learn, () => undefined)
  else learn(build)

  return (req, res) => {
    if (!req.url || !reads || !posts) return false
    const query = req.url.indexOf('?')
    const pathname = query === -1 ? req.url : req.url.slice(0, query)
    if (req.method === 'POST') {
      const action = posts.get(pathname)
      if (!action) return false
      void serveAction(action, req, res)
      return true
    }
    if (req.method !== 'GET') return false
    const read = reads.get(pathname)
    if (!read) return false
    void serve(read, req, res)
    return true
  }
}

/** Bodies up to this size are read before the action runs; larger ones are streamed to it. */
const ACTION_BODY_MAX = 64 * 1024

/** The whole body when it is at most `max` bytes (by its declared length), else null (streamed). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'])
  if (!Number.isFinite(declared) || declared > max) return null
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * A hot JSON action (`frontAction`): its Request is built from the node request (body streamed)
 * and its Response sent as Express would. Cross-site writes with a session are refused by the
 * action's own permission check (requireApiPermission), as behind Express.
 */
async function serveAction(action: FrontAction, req: IncomingMessage, res: ServerResponse) {
  const base = origin(req)
  let response: Response
  try {
    // The body in hand first (small JSON; the action's own parser still bounds its size): a
    // buffered body costs a fraction of a streamed one.
    const body = await readBody(req, ACTION_BODY_MAX)
    const request = new Request(`${base}${req.url}`, {
      method: 'POST',
      headers: headersOf(req),
      body: body ?? Readable.toWeb(req),
      ...(body ? {} : { duplex: 'half' }),
    } as RequestInit)
    response = await action({ request, params: {}, context: {} } as Parameters<FrontAction>[0])
  } catch (error) {
    if (error instanceof Response) response = error
    else {
      console.error(error)
      response = new Response('Unexpected Server Error', { status: 500 })
    }
  }
  try {
    const headers = headersFrom(response)
    headers['x-frame-options'] = 'DENY'
    headers['referrer-policy'] = 'strict-origin-when-cross-origin'
    await send(req, res, response.status, headers, await response.text())
  } catch (error) {
    if (!res.headersSent) res.writeHead(500).end('Unexpected Server Error')
    else res.destroy(error as Error)
  }
}

async function serve(read: PublicRead, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const base = origin(req)
  let url: URL
  try {
    url = new URL(req.url!, base)
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request')
    return
  }
  let request: Request | undefined
  let answer: string | Response
  try {
    answer = await read({
      url,
      hasCredentials: req.headers.authorization !== undefined || req.headers.cookie !== undefined,
      request: () => (request ??= new Request(`${base}${req.url}`, { headers: headersOf(req) })),
    })
  } catch (error) {
    // As Remix does for a resource route: log it, answer a plain 500.
    console.error(error)
    answer = new Response('Unexpected Server Error', { status: 500 })
  }
  try {
    if (typeof answer === 'string')
      await send(req, res, 200, { 'content-type': JSON_CONTENT_TYPE }, answer)
    else await send(req, res, answer.status, headersFrom(answer), await answer.text())
  } catch (error) {
    if (!res.headersSent) res.writeHead(500).end('Unexpected Server Error')
    else res.destroy(error as Error)
  }
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  text: string,
): Promise<void> {
  headers.vary = headers.vary ? `${String(headers.vary)}, Accept-Encoding` : 'Accept-Encoding'
  let body: string | Buffer = text
  if (text.length >= GZIP_THRESHOLD && !headers['content-encoding'] && acceptsGzip(req)) {
    body = await gzip(text)
    headers['content-encoding'] = 'gzip'
  }
  headers['content-length'] = String(Buffer.byteLength(body))
  headers['x-content-type-options'] = 'nosniff'
  // A string body goes out in one write with the head.
  res.writeHead(status, headers).end(body)
}

function headersFrom(response: Response): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') headers[key] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  return headers
}

function acceptsGzip(req: IncomingMessage): boolean {
  const accept = req.headers['accept-encoding']
  return typeof accept === 'string' && /\bgzip\b(?!\s*;\s*q=0(\.0*)?\s*(,|$))/.test(accept)
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) headers.append(key, v)
    else headers.set(key, value)
  }
  return headers
}

/** Scheme and host as Express sees them: forwarded headers count only from a loopback proxy. */
function origin(req: IncomingMessage): string {
  const trusted = trustLoopback(req.socket.remoteAddress ?? '', 0)
  const forwardedProto = trusted ? first(req.headers['x-forwarded-proto']) : undefined
  const forwardedHost = trusted ? first(req.headers['x-forwarded-host']) : undefined
  const encrypted = 'encrypted' in req.socket && req.socket.encrypted === true
  const protocol = forwardedProto ?? (encrypted ? 'https' : 'http')
  return `${protocol}://${forwardedHost ?? req.headers.host ?? 'localhost'}`
}

function first(value: string | string[] | undefined): string | undefined {
  const part = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim()
  return part || undefined
}
