// A server for `npm run bench:search`, answering /api/v1/catalog/search from an index of N
// synthetic entries (no database reads on the search path):
//   --mode remix  the real stack: Express + the built Remix app (server/index.ts, NODE_ENV=production)
//   --mode bare   a bare node:http server calling the same search function on the same index
// Prints `ready {json}` on stdout once listening on 127.0.0.1:<port>.
import http from 'node:http'
import { parseArgs } from 'node:util'
import { isDomainError } from '../app/utils/errors'
import {
  catalogAudience,
  ensureCatalogIndex,
  searchLoaded,
  useFixedCatalogIndex,
} from '../app/services/search/catalog-index.server'
import { parseCatalogSearchParams } from '../app/services/search/params'
import { syntheticEntries } from './bench-search-data'

const { values } = parseArgs({
  options: { mode: { type: 'string' }, size: { type: 'string' }, port: { type: 'string' } },
})
const size = Number(values.size)
const port = Number(values.port)
if (!Number.isInteger(size) || size < 1 || size > 1_000_000 || !Number.isInteger(port)) {
  console.error('usage: bench-search-server --mode remix|bare --size N --port P')
  process.exit(2)
}

const started = performance.now()
const stats = useFixedCatalogIndex(syntheticEntries(size))
const buildMs = Math.round(performance.now() - started)

async function bare(): Promise<http.Server> {
  const index = await ensureCatalogIndex()
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/api/v1/catalog/search') {
      res.writeHead(404).end()
      return
    }
    try {
      const params = parseCatalogSearchParams(url.searchParams)
      const body = JSON.stringify(searchLoaded(index, params, catalogAudience(undefined)))
      res
        .writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        })
        .end(body)
    } catch (error) {
      const status = isDomainError(error) ? error.status : 500
      res
        .writeHead(status, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error: String(error) }))
    }
  })
}

async function remix(): Promise<http.Server> {
  if (process.env.NODE_ENV !== 'production')
    throw new Error('run the remix mode with NODE_ENV=production')
  const { createApp } = await import('../server/index')
  const app = await createApp()
  return http.createServer(app)
}

const server = values.mode === 'remix' ? await remix() : await bare()
server.keepAliveTimeout = 60_000
server.listen(port, '127.0.0.1', () => {
  console.log(
    `ready ${JSON.stringify({ mode: values.mode, size, buildMs, heapMB: Math.round(process.memoryUsage().heapUsed / 1e6), ...stats })}`,
  )
})
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close()
    process.exit(0)
  })
}
