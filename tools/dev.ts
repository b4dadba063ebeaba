// `npm run dev`: the web app and the worker on embedded defaults. Without
// MONGODB_URI it starts the FerretDB dev database (tools/mongo-dev, built on
// first use); without REDIS_URL a redis-server; both on free ports with data
// under .data/. Secrets for development are generated once into .data/.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { startMongoDev, startRedis, type RunningService } from './services'

const dataDir = path.resolve('.data')
mkdirSync(dataDir, { recursive: true })
const services: RunningService[] = []
const children: ChildProcess[] = []

function devSecrets(): Record<string, string> {
  const file = path.join(dataDir, 'dev-secrets.json')
  if (!existsSync(file)) {
    const secrets = {
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    }
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
}

let stopping = false
async function shutdown(code = 0) {
  stopping = true
  for (const child of children) child.kill('SIGTERM')
  await Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
  )
  await Promise.all(services.map((s) => s.stop()))
  process.exit(code)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())

const env: NodeJS.ProcessEnv = { ...devSecrets(), ...process.env }
env.NODE_ENV ??= 'development'
if (!env.MONGODB_URI) {
  const mongo = await startMongoDev(path.join(dataDir, 'mongo'), path.join(dataDir, 'mongo.log'))
  services.push(mongo)
  env.MONGODB_URI = mongo.url
  console.log(`dev database (FerretDB): ${mongo.url}  data: .data/mongo`)
}
if (!env.REDIS_URL) {
  const redis = await startRedis(path.join(dataDir, 'redis'), path.join(dataDir, 'redis.log'))
  services.push(redis)
  env.REDIS_URL = redis.url
  console.log(`redis: ${redis.url}  data: .data/redis`)
}
Object.assign(process.env, env)

const { DEMO_PASSWORD, DEMO_USERS, isDatabaseEmpty, seedDemoWorld } =
  await import('~/services/demo/seed.server')
const { connectDb, disconnectDb, ensureIndexes } = await import('~/utils/db.server')
const { requireEnvOrExit } = await import('~/utils/env.server')
const config = requireEnvOrExit()
await connectDb()
await ensureIndexes()
if (await isDatabaseEmpty()) {
  const seeded = await seedDemoWorld()
  console.log(`Seeded the demo world (${seeded.created} records).`)
}
await disconnectDb()

// The launcher is the processes' supervisor (ADR 026): a process that exits on an uncaught
// exception is started again, up to five times a minute; then everything stops.
const tsx = path.resolve('node_modules/.bin/tsx')
const restarts: number[] = []
function run(name: string, script: string) {
  const child = spawn(tsx, [script], { env, stdio: 'inherit' })
  children.push(child)
  child.on('exit', (code) => {
    children.splice(children.indexOf(child), 1)
    console.log(`${name} exited (${code ?? 'signal'})`)
    if (stopping) return
    const now = Date.now()
    restarts.push(now)
    while (restarts[0]! < now - 60_000) restarts.shift()
    if (code === 1 && restarts.length <= 5) {
      console.log(`restarting ${name}`)
      run(name, script)
    } else void shutdown(code ?? 1)
  })
}
run('web', 'server/index.ts')
run('worker', 'jobs/worker.ts')

console.log(`
  Guangdong Public Data Exchange is starting at http://localhost:${config.PORT}
  Demo logins (password: ${DEMO_PASSWORD}):
${DEMO_USERS.map((u) => `    ${u.role.padEnd(16)} ${u.email}`).join('\n')}
  Queue dashboard (authority): http://localhost:${config.PORT}/admin/queues
  Stop with Ctrl-C.
`)
