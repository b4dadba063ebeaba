// The web process: Express hosts the Remix app (Vite middleware in development,
// the built bundle in production) and the authority-only queue dashboard; the public read API's
// hot paths are answered in front of Express by their route's own loader (server/public-api.ts).
import http from 'node:http'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import { createQueueDashboard } from '~/services/jobs/dashboard.server'
import { connectDb, ensureIndexes } from '~/utils/db.server'
import { requireEnvOrExit } from '~/utils/env.server'
import { getT } from '~/utils/i18n.server'
import { getOptionalUser, isCrossSiteWrite } from '~/utils/permissions.server'
import { installProcessGuards } from '~/utils/process-guards.server'
import { asyncMiddleware, errorHandler, guardListener, refuseCrossOriginWrites } from './guard'
import { publicApiFront } from './public-api'

const env = requireEnvOrExit()

/** The web process's node:http request listener. */
export async function createApp(): Promise<http.RequestListener> {
  await connectDb()
  await ensureIndexes()
  const vite =
    env.NODE_ENV === 'production'
      ? undefined
      : await import('vite').then((v) => v.createServer({ server: { middlewareMode: true } }))

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  app.use(compression())
  // Every response, documents and files alike (ADR 026); HTML documents add their CSP in entry.server.tsx.
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
    next()
  })

  app.use(
    refuseCrossOriginWrites(isCrossSiteWrite, async (request, key) => (await getT(request))(key)),
  )

  // Authority only: the BullMQ dashboard (bull-board).
  app.use(
    '/admin/queues',
    asyncMiddleware(async (req, res, next) => {
      // Only the session cookie matters here: the Host header (any text a client sends) stays out.
      const request = new Request('http://localhost/admin/queues', {
        headers: { cookie: req.headers.cookie ?? '' },
      })
      const user = await getOptionalUser(request).catch(() => undefined)
      if (!user) return res.redirect(`/login?redirectTo=${encodeURIComponent(req.originalUrl)}`)
      if (!user.permissions.has('admin:queues:any')) return res.status(403).send('Forbidden')
      next()
    }),
    createQueueDashboard('/admin/queues'),
  )

  if (vite) {
    app.use(vite.middlewares)
  } else {
    app.use('/assets', express.static('build/client/assets', { immutable: true, maxAge: '1y' }))
    app.use(express.static('build/client', { maxAge: '1h' }))
  }
  app.use(express.static('public', { maxAge: '1h' }))

  const build = vite
    ? () => vite.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
    : ((await import(/* @vite-ignore */ `${process.cwd()}/build/server/index.js`)) as ServerBuild)

  app.all(
    '*',
    createRequestHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (req) => ({ clientIp: req.ip }),
    }),
  )
  app.use(errorHandler)
  const front = publicApiFront(build)
  return guardListener((req, res) => {
    if (!front(req, res)) app(req, res)
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = http.createServer(await createApp())
  installProcessGuards('web', () => new Promise((resolve) => server.close(() => resolve())))
  server.listen(env.PORT, env.HOST, () => {
    console.log(`web: http://localhost:${env.PORT}`)
  })
  // Finish requests in flight, then close connections so the process exits on its own.
  const shutdown = () => {
    server.close(async () => {
      const { closeRedis } = await import('~/utils/redis.server')
      const { disconnectDb } = await import('~/utils/db.server')
      await Promise.allSettled([closeRedis(), disconnectDb()])
      process.exit(0)
    })
    setTimeout(() => process.exit(1), 10_000).unref()
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}
