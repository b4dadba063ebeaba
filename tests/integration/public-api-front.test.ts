// The web process's front for public reads (server/public-api.ts, ADR 024): it answers GET for
// static-path routes whose loader is a publicReadLoader exactly as the loader does, and leaves
// every other request to Express/Remix. Real node:http server, the real catalog-search route.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ServerBuild } from '@remix-run/node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as searchRoute from '~/routes/api.v1.catalog.search'
import { publicReadLoader } from '~/services/open-data/viewer.server'
import { stopCatalogIndex, useFixedCatalogIndex } from '~/services/search/catalog-index.server'
import { publicApiFront } from '../../server/public-api'
import { syntheticEntries } from '../../tools/bench-search-data'

const echo = publicReadLoader(async (url) => ({ origin: url.origin, q: url.searchParams.get('q') }))
const broken = publicReadLoader(async () => {
  throw new Error('boom')
})

function route(id: string, path: string, loader: unknown) {
  return { id, path, parentId: 'root', module: { loader } }
}

const build = {
  routes: {
    root: { id: 'root', path: '', module: {} },
    'routes/api.v1.catalog.search': route(
      'routes/api.v1.catalog.search',
      'api/v1/catalog/search',
      searchRoute.loader,
    ),
    'routes/echo': route('routes/echo', 'echo', echo),
    'routes/broken': route('routes/broken', 'broken', broken),
    'routes/param': route('routes/param', 'things/:id', echo),
    'routes/plain': route('routes/plain', 'plain', () => Response.json({ plain: true })),
  },
} as unknown as ServerBuild

let server: http.Server
let base: string

beforeAll(async () => {
  useFixedCatalogIndex(syntheticEntries(200))
  const front = publicApiFront(build)
  server = http.createServer((req, res) => {
    if (!front(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('fallback')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  stopCatalogIndex()
  await new Promise((resolve) => server.close(resolve))
})

describe('public read front', () => {
  it('answers a search exactly as the route loader does', async () => {
    for (const query of ['?q=数据', '?q=广东&sharingType=conditional', '?limit=5&offset=5', '']) {
      const viaFront = await fetch(`${base}/api/v1/catalog/search${query}`)
      const viaLoader = await searchRoute.loader({
        request: new Request(`${base}/api/v1/catalog/search${query}`),
      })
      expect(viaFront.status, query).toBe(200)
      expect(viaFront.headers.get('content-type')).toBe(viaLoader.headers.get('content-type'))
      expect(await viaFront.text(), query).toBe(await viaLoader.text())
    }
  })

  it('gives bad input the route’s 400 with a message in the caller’s language', async () => {
    const en = await fetch(`${base}/api/v1/catalog/search?colour=red`, {
      headers: { 'Accept-Language': 'en' },
    })
    expect(en.status).toBe(400)
    expect(JSON.stringify(await en.json())).toMatch(/colour/)
    const zh = await fetch(`${base}/api/v1/catalog/search?limit=-1`, {
      headers: { 'Accept-Language': 'zh-CN' },
    })
    expect(zh.status).toBe(400)
    expect(JSON.stringify(await zh.json())).toMatch(/[\u4e00-\u9fff]/)
  })

  it('leaves other methods, unknown paths, paths with parameters and ordinary loaders to Remix', async () => {
    expect(await (await fetch(`${base}/echo`, { method: 'POST' })).text()).toBe('fallback')
    expect(await (await fetch(`${base}/nowhere`)).text()).toBe('fallback')
    expect(await (await fetch(`${base}/things/1`)).text()).toBe('fallback')
    expect(await (await fetch(`${base}/plain`)).text()).toBe('fallback')
    expect(await (await fetch(`${base}/echo?q=x`)).json()).toEqual({ origin: base, q: 'x' })
  })

  it('trusts forwarded scheme and host from a loopback proxy, as Express does', async () => {
    const res = await fetch(`${base}/echo`, {
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'data.gd.example' },
    })
    expect(await res.json()).toEqual({ origin: 'https://data.gd.example', q: null })
  })

  it('answers an unexpected error with a plain 500 and logs it, as Remix does', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const res = await fetch(`${base}/broken`)
      expect(res.status).toBe(500)
      expect(await res.text()).toBe('Unexpected Server Error')
      expect(logged).toHaveBeenCalled()
    } finally {
      logged.mockRestore()
    }
  })

  it('answers a request whose Host cannot make a URL with 400, not 500', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(`${base}/echo`, { headers: { Host: 'bad host name' } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        .on('error', reject)
    })
    expect(status).toBe(400)
  })
})
