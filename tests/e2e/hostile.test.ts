// Hostile input against the production build (issue 14, ADR 026): every operation of the OpenAPI
// document and every Remix form action gets malformed, deep, huge, operator-keyed,
// prototype-keyed, mistyped and non-UTF-8 bodies, anonymously, with forged credentials and with a
// real session. None may answer 5xx, hang or show a stack trace, and the web process must still
// be serving at the end. Plus the requests that once took it down or leaked: a bad Host header,
// an unbounded CKAN body, an open redirect after login.
import { readdirSync, readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '~/services/demo/seed.server'
import { ROOT, startApp, type RunningApp } from './harness'

let app: RunningApp
let session: string

const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+/
const BODY_LIMIT = 1024 * 1024
const PLACEHOLDER_ID = '0123456789abcdef01234567'

beforeAll(async () => {
  app = await startApp()
  session = await logIn('authority@demo.gd.example')
}, 240_000)

afterAll(async () => {
  await app?.stop()
}, 30_000)

async function logIn(email: string): Promise<string> {
  const res = await fetch(`${app.baseUrl}/login?index`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: app.baseUrl },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD }),
  })
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0]
  if (res.status !== 302 || !cookie) throw new Error(`login failed: ${res.status}`)
  return cookie
}

/** A raw HTTP exchange (headers as given, Host included), with a body from `write`. */
function raw(
  options: { method: string; path: string; headers: Record<string, string> },
  write?: (req: ReturnType<typeof httpRequest>) => Promise<void>,
  oversize = false,
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}> {
  return new Promise((resolve, reject) => {
    // One connection per request, as a browser that finished sending would leave it: a body the
    // server refused unread must not stall the next request on a reused connection.
    const headers = { ...options.headers, Connection: 'close' }
    const req = httpRequest(
      { host: '127.0.0.1', port: app.port, ...options, headers, agent: false, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`${options.method} ${options.path} hung`)))
    req.on('error', (error: NodeJS.ErrnoException) => {
      // An oversize body may be cut off by closing the connection once the limit is passed.
      if (oversize && (error.code === 'EPIPE' || error.code === 'ECONNRESET'))
        resolve({ status: 413, headers: {}, body: '' })
      else reject(error)
    })
    if (write) write(req).then(() => req.end(), reject)
    else req.end()
  })
}

type Body = { name: string; type: string; bytes: () => Buffer | 'huge' }

const deep = (open: string, close: string, inner: string) =>
  `${open.repeat(10_000)}${inner}${close.repeat(10_000)}`

const JSON_BODIES: Body[] = [
  { name: 'malformed JSON', type: 'application/json', bytes: () => Buffer.from('{"title": ') },
  {
    name: '10,000-deep objects',
    type: 'application/json',
    bytes: () => Buffer.from(deep('{"a":', '}', '1')),
  },
  {
    name: '10,000-deep arrays',
    type: 'application/json',
    bytes: () => Buffer.from(deep('[', ']', '')),
  },
  {
    name: '$-keys',
    type: 'application/json',
    bytes: () => Buffer.from('{"$where": "sleep(1000)", "title": {"$gt": ""}}'),
  },
  {
    name: 'prototype keys',
    type: 'application/json',
    bytes: () =>
      Buffer.from('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}'),
  },
  {
    name: 'wrong types',
    type: 'application/json',
    bytes: () =>
      Buffer.from('{"title": 5, "fields": "x", "decision": [null], "amountFen": "lots"}'),
  },
  {
    name: 'bad UTF-8',
    type: 'application/json',
    bytes: () =>
      Buffer.from([0x7b, 0x22, 0x61, 0xff, 0xfe, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
  },
  { name: 'a JSON array', type: 'application/json', bytes: () => Buffer.from('[1,2,3]') },
  { name: 'a body over the limit, chunked', type: 'application/json', bytes: () => 'huge' },
]

const FORM_BODIES: Body[] = [
  {
    name: '$-keys',
    type: 'application/x-www-form-urlencoded',
    bytes: () => Buffer.from('$where=1&intent[$ne]=x'),
  },
  {
    name: 'bad percent-encoding',
    type: 'application/x-www-form-urlencoded',
    bytes: () => Buffer.from('intent=%zz&name=%E4%'),
  },
  {
    name: '10,000 repeated fields',
    type: 'application/x-www-form-urlencoded',
    bytes: () => Buffer.from(Array(10_000).fill('intent=a').join('&')),
  },
  {
    name: 'a broken multipart body',
    type: 'multipart/form-data; boundary=xyz',
    bytes: () =>
      Buffer.from('--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated'),
  },
  {
    name: 'bad UTF-8',
    type: 'application/x-www-form-urlencoded',
    bytes: () => Buffer.from([0x69, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x3d, 0xff, 0xfe]),
  },
  {
    name: 'a body over the limit, chunked',
    type: 'application/x-www-form-urlencoded',
    bytes: () => 'huge',
  },
]

async function send(
  method: string,
  urlPath: string,
  body: Body,
  credentials: Record<string, string>,
) {
  const bytes = body.bytes()
  const headers: Record<string, string> = {
    'Content-Type': body.type,
    Origin: app.baseUrl,
    Host: `localhost:${app.port}`,
    ...credentials,
  }
  return raw(
    { method, path: urlPath, headers },
    async (req) => {
      if (bytes !== 'huge') return void req.write(bytes)
      // Chunked, no Content-Length: only the reader's own count can stop it.
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      for (
        let sent = 0;
        sent <= BODY_LIMIT + chunk.length && !req.destroyed;
        sent += chunk.length
      ) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r))
      }
    },
    bytes === 'huge',
  )
}

function expectHandled(what: string, res: { status: number; body: string }) {
  expect(res.status, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500)
  expect(res.status, what).toBeGreaterThanOrEqual(200)
  expect(STACK_TRACE.test(res.body), `${what} shows a stack trace`).toBe(false)
}

function fillPath(template: string): string {
  return template.replace(/\{[^}]+\}/g, (name) => (/number|seq/.test(name) ? '1' : PLACEHOLDER_ID))
}

/** Runs the calls with at most `width` in flight; the first failure is thrown once all settle. */
async function inParallel(calls: (() => Promise<void>)[], width: number): Promise<void> {
  const failures: unknown[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < calls.length) {
        const call = calls[next++]!
        await call().catch((error: unknown) => failures.push(error))
      }
    }),
  )
  if (failures.length > 0) throw failures[0]
}

function expectAlive() {
  expect(() => process.kill(app.pid, 0), 'the web process is still running').not.toThrow()
}

describe('hostile input against the production build', () => {
  it('a bad Host header on the queue dashboard is answered, and the process keeps serving', async () => {
    for (const host of ['a:99999', '[::1', 'exa mple', '']) {
      const res = await raw({ method: 'GET', path: '/admin/queues', headers: { Host: host } })
      expect(res.status, `Host: ${host}`).toBeLessThan(500)
    }
    const signedIn = await raw({
      method: 'GET',
      path: '/admin/queues',
      headers: { Host: 'a:99999', Cookie: session },
    })
    expect(signedIn.status).toBeLessThan(500)
    expectAlive()
    expect((await fetch(`${app.baseUrl}/`)).status).toBe(200)
  })

  it('the Express-mounted queue dashboard: anonymous to the login page, a buyer 403, the authority in', async () => {
    const anonymous = await raw({
      method: 'GET',
      path: '/admin/queues',
      headers: { Host: `localhost:${app.port}` },
    })
    expect(anonymous.status).toBe(302)
    expect(String(anonymous.headers.location)).toMatch(/^\/login\?redirectTo=/)
    const buyer = await raw({
      method: 'GET',
      path: '/admin/queues',
      headers: { Host: `localhost:${app.port}`, Cookie: await logIn('buyer@demo.gd.example') },
    })
    expect(buyer.status).toBe(403)
    const authority = await raw({
      method: 'GET',
      path: '/admin/queues',
      headers: { Host: `localhost:${app.port}`, Cookie: session },
    })
    expect(authority.status).toBe(200)
  })

  it('every OpenAPI operation refuses hostile JSON with a 4xx, anonymous, forged or signed in', async () => {
    const doc = (await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: fillPath(p) })),
    )
    expect(operations.length).toBeGreaterThan(40)
    const credentials: Record<string, Record<string, string>> = {
      anonymous: {},
      'forged key': { Authorization: 'Bearer gdpde_0123456789abcdef01234567_forged' },
      'forged cookie': { Cookie: '__session=forged.signature' },
      'authority session': { Cookie: session },
    }
    const calls: (() => Promise<void>)[] = []
    for (const op of operations) {
      for (const [who, creds] of Object.entries(credentials)) {
        // Every body with the real session (it gets furthest in); the gatekeeping ones without.
        const bodies =
          who === 'authority session'
            ? JSON_BODIES
            : JSON_BODIES.filter((b) =>
                ['malformed JSON', '10,000-deep objects', '$-keys', 'bad UTF-8'].includes(b.name),
              )
        for (const body of bodies) {
          const method = op.method === 'GET' ? 'POST' : op.method
          calls.push(async () =>
            expectHandled(
              `${method} ${op.path} (${who}, ${body.name})`,
              await send(method, op.path, body, creds),
            ),
          )
        }
      }
      // Absurd query values on reads.
      if (op.method === 'GET') {
        const query = `?limit=-1&offset=99999999999&before=x&q=${'%FF'.repeat(50)}&status[$ne]=1`
        calls.push(async () =>
          expectHandled(
            `GET ${op.path} with absurd query`,
            await raw({
              method: 'GET',
              path: `${op.path}${query}`,
              headers: { Cookie: session, Host: `localhost:${app.port}` },
            }),
          ),
        )
      }
    }
    await inParallel(calls, 6)
    const sent = calls.length
    expect(sent).toBeGreaterThan(500)
    expectAlive()
  }, 600_000)

  it('every Remix form action refuses hostile forms with a 4xx', async () => {
    // The build's route manifest (what the browser gets): each route's path, parent and whether it has an action.
    const assets = path.join(ROOT, 'build', 'client', 'assets')
    const file = readdirSync(assets).find((f) => /^manifest-.*\.js$/.test(f))!
    const text = readFileSync(path.join(assets, file), 'utf8')
    const manifest = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as {
      routes: Record<string, { path?: string; parentId?: string; hasAction: boolean }>
    }
    const { routes } = manifest
    const withAction = Object.entries(routes).filter(
      ([id, r]) => r.hasAction && !id.startsWith('routes/api.'),
    )
    expect(withAction.length).toBeGreaterThan(20)
    const fullPath = (id: string): string => {
      const r = routes[id]!
      const parent = r.parentId && r.parentId !== 'root' ? fullPath(r.parentId) : ''
      return r.path ? `${parent}/${r.path}` : parent || '/'
    }
    const calls: (() => Promise<void>)[] = []
    for (const [id] of withAction) {
      const filled = fullPath(id)
        .replace(/:[a-zA-Z]+/g, (p) => (/number|seq/i.test(p) ? '1' : PLACEHOLDER_ID))
        .replace(/\*$/, 'x')
      const urlPath = id.endsWith('_index') ? `${filled}?index` : filled
      for (const body of FORM_BODIES) {
        for (const creds of [{}, { Cookie: session }] as Record<string, string>[]) {
          calls.push(async () =>
            expectHandled(
              `POST ${urlPath} [${id}] (${'Cookie' in creds ? 'authority' : 'anonymous'}, ${body.name})`,
              await send('POST', urlPath, body, creds),
            ),
          )
        }
      }
    }
    await inParallel(calls, 6)
    expectAlive()
  }, 600_000)

  it('a CKAN POST body over 64 KiB is refused while it streams: memory stays flat', async () => {
    const rss = () =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${app.pid}/status`, 'utf8'))![1]) * 1024
    const before = rss()
    const res = await raw(
      {
        method: 'POST',
        path: '/api/3/action/package_search',
        headers: { 'Content-Type': 'application/json', Host: `localhost:${app.port}` },
      },
      async (req) => {
        const chunk = Buffer.alloc(256 * 1024, 0x20)
        // 256 MiB offered; the server must stop reading after 64 KiB.
        for (let i = 0; i < 1024 && !req.destroyed; i++) {
          if (!req.write(chunk))
            await Promise.race([
              new Promise((r) => req.once('drain', r)),
              new Promise((r) => req.once('close', r)),
            ])
        }
      },
      true,
    )
    expect(res.status).toBe(413)
    expect(rss() - before, 'RSS growth after refusing a 256 MiB body').toBeLessThan(
      64 * 1024 * 1024,
    )
    expectAlive()
  }, 120_000)

  it('redirects after login stay on the site, whatever redirectTo holds', async () => {
    for (const target of [
      '/\t/evil.example',
      '//evil.example',
      '/\\evil.example',
      '/%2F%2Fevil.example',
      '/\n/evil.example',
      'https://evil.example',
      '/%09/evil.example',
    ]) {
      const res = await fetch(`${app.baseUrl}/login?index`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: app.baseUrl },
        body: new URLSearchParams({
          email: 'buyer@demo.gd.example',
          password: DEMO_PASSWORD,
          redirectTo: target,
        }),
      })
      expect(res.status, target).toBe(302)
      const location = new URL(res.headers.get('location')!, app.baseUrl)
      expect(location.origin, `redirectTo=${JSON.stringify(target)}`).toBe(
        new URL(app.baseUrl).origin,
      )
      expect(location.pathname.startsWith('//'), target).toBe(false)
    }
  })

  it('a login form posted from another site is refused (login CSRF)', async () => {
    const res = await fetch(`${app.baseUrl}/login?index`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://evil.example',
      },
      body: new URLSearchParams({ email: 'buyer@demo.gd.example', password: DEMO_PASSWORD }),
    })
    expect(res.status, readFileSync(app.logFile, 'utf8').slice(-3000)).toBe(403)
    expect(res.headers.getSetCookie()).toEqual([])
  })
})
