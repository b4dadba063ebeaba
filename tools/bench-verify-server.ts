// A server for `npm run bench:verify`, answering POST /api/v1/verification for one entry:
//   --mode remix  the real stack: Express + the built Remix app (server/index.ts, NODE_ENV=production):
//                 API-key authentication, the agency's limits and the call log in Redis, the answer
//   --mode bare   a bare node:http server computing the same answer from the same index (no
//                 authentication, no limits, no log) — the baseline
// Prints `ready {json}` on stdout once listening on 127.0.0.1:<port>.
import http from 'node:http'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: { mode: { type: 'string' }, entry: { type: 'string' }, port: { type: 'string' } },
})
const port = Number(values.port)
const entryId = values.entry ?? ''

async function bare(): Promise<http.Server> {
  const { connectDb } = await import('../app/utils/db.server')
  const { VerificationSetting } = await import('../models/verification-setting')
  const { CatalogEntry } = await import('../models/catalog-entry')
  const { loadIndex, answerCandidate } = await import('../app/services/verification/index.server')
  const { dataKeys } = await import('../app/services/identity/keys.server')
  await connectDb()
  const setting = (await VerificationSetting.findById(entryId).lean())!
  const entry = (await CatalogEntry.findById(entryId, { published: 1 }).lean())!
  const types = Object.fromEntries(entry.published!.fields.map((f) => [f.name, f.type]))
  const index = await loadIndex(entryId, setting.index!.storageKey, setting.index!.fields)
  const spec = { entryId, keyFields: setting.index!.keyFields, types }
  const secret = dataKeys().verification
  return http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString()) as {
          entryId: string
          record: Record<string, string>
        }
        const { found, fields } = answerCandidate(secret, index, spec, input.record)
        const body = JSON.stringify({ entryId: input.entryId, found, fields })
        res
          .writeHead(200, {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          })
          .end(body)
      } catch (error) {
        res.writeHead(400).end(String(error))
      }
    })
  })
}

async function remix(): Promise<http.Server> {
  if (process.env.NODE_ENV !== 'production')
    throw new Error('run the remix mode with NODE_ENV=production')
  const { createApp } = await import('../server/index')
  return http.createServer(await createApp())
}

const server = values.mode === 'remix' ? await remix() : await bare()
server.keepAliveTimeout = 60_000
server.listen(port, '127.0.0.1', () => {
  console.log(
    `ready ${JSON.stringify({ mode: values.mode, rssMB: Math.round(process.memoryUsage().rss / 1e6) })}`,
  )
})
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    server.close()
    process.exit(0)
  })
