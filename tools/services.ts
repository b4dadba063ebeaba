// Starts the services the app needs when none is configured: the project's
// FerretDB dev database (tools/mongo-dev) and a redis-server, each on a free
// port with its data under a directory of our own. Used by `npm run dev` and
// by the test run's global setup (never the machine's shared instances).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, statSync, readdirSync, openSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const mongoDevDir = path.join(root, 'tools', 'mongo-dev')
export const mongoDevBinary = path.join(mongoDevDir, 'bin', 'mongo-dev')

export interface RunningService {
  url: string
  port: number
  process: ChildProcess
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess, name: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${name} did not open port ${port} within ${timeoutMs} ms`)
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      child.once('exit', () => (clearTimeout(timer), resolve()))
      child.kill('SIGTERM')
    })
}

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir)
      .filter((f) => /\.(go|mod|sum)$/.test(f))
      .map((f) => statSync(path.join(dir, f)).mtimeMs),
  )
}

/** Builds tools/mongo-dev with `go build` when the binary is missing or older than its source. */
export function buildMongoDev(log: (line: string) => void = console.log): void {
  if (existsSync(mongoDevBinary) && statSync(mongoDevBinary).mtimeMs >= newestMtime(mongoDevDir)) {
    return
  }
  log('Building the dev database (FerretDB, tools/mongo-dev): first build takes about a minute…')
  const result = spawnSync('go', ['build', '-o', 'bin/mongo-dev', '.'], {
    cwd: mongoDevDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (result.error || result.status !== 0) {
    throw new Error(
      'Could not build tools/mongo-dev (needs Go ≥ 1.24 on PATH). ' +
        'Install Go, or set MONGODB_URI to a MongoDB server.',
    )
  }
}

export async function startMongoDev(dataDir: string, logFile?: string): Promise<RunningService> {
  buildMongoDev()
  mkdirSync(dataDir, { recursive: true })
  const port = await freePort()
  const out = logFile ? openSync(logFile, 'a') : 'ignore'
  const child = spawn(mongoDevBinary, ['-listen', `127.0.0.1:${port}`, '-dir', dataDir], {
    stdio: ['ignore', out, out],
  })
  await waitForPort(port, child, 'mongo-dev')
  return { url: `mongodb://127.0.0.1:${port}/`, port, process: child, stop: stopper(child) }
}

export async function startRedis(dataDir: string, logFile?: string): Promise<RunningService> {
  mkdirSync(dataDir, { recursive: true })
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir]
  args.push('--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction')
  if (logFile) args.push('--logfile', logFile)
  const child = spawn('redis-server', args, { stdio: 'ignore' })
  const failed = new Promise<never>((_, reject) =>
    child.once('error', () =>
      reject(new Error('redis-server not found: install it, or set REDIS_URL to a Redis server.')),
    ),
  )
  await Promise.race([waitForPort(port, child, 'redis-server'), failed])
  return { url: `redis://127.0.0.1:${port}`, port, process: child, stop: stopper(child) }
}

/**
 * Starts Stripe's API mock (stripe-mock, ADR 005) on a free port, plain HTTP; `.cache/bin` (where
 * `.ci/run` installs it) is searched before PATH. Resolves to undefined when it is not installed.
 */
export async function startStripeMock(): Promise<RunningService | undefined> {
  const local = path.join(root, '.cache', 'bin', 'stripe-mock')
  const binary = existsSync(local) ? local : 'stripe-mock'
  const port = await freePort()
  const httpsPort = await freePort()
  const child = spawn(binary, ['-http-port', String(port), '-https-port', String(httpsPort)], {
    stdio: 'ignore',
  })
  const missing = new Promise<undefined>((resolve) => child.once('error', () => resolve(undefined)))
  const started = waitForPort(port, child, 'stripe-mock').then(() => ({
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: stopper(child),
  }))
  return Promise.race([started, missing])
}
