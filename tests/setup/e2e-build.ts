// The production build the end-to-end tests serve: `remix vite:build` exactly once per test run.
// The run's global setup starts it beside the demo-world seed when the run includes end-to-end
// files (tests/setup/global.ts); otherwise the first e2e file to need it builds it. Either way one
// process takes a lock (an atomic mkdir under TEST_SERVICES_DIR) and builds, and the others wait for
// its marker, so every run serves a build of the current sources.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = path.join(ROOT, 'node_modules', '.bin')

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Runs a command to completion with its output in `logFile`; rejects with the log's tail. */
export function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  timeoutMs: number,
) {
  return new Promise<void>((resolve, reject) => {
    const out = openSync(logFile, 'a')
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', out, out] })
    closeSync(out)
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', (error) => (clearTimeout(timer), reject(error)))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else {
        const why = signal ? `signal ${signal}` : `exit code ${code}`
        reject(
          new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${why}):\n${tail(logFile)}`),
        )
      }
    })
  })
}

/** Environment for child processes, without Vitest's own variables. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key]
  return env
}

/** The run's build in `dir` (the run's services directory): built here, or awaited from another process. */
export async function ensureBuilt(dir: string, timeoutMs = 170_000): Promise<void> {
  const lock = path.join(dir, 'e2e-build.lock')
  const done = path.join(dir, 'e2e-build.done')
  const failed = path.join(dir, 'e2e-build.failed')
  const log = path.join(dir, 'e2e-build.log')
  let owner = false
  try {
    mkdirSync(lock)
    owner = true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  if (owner) {
    try {
      await run(
        path.join(BIN, 'remix'),
        ['vite:build'],
        childEnv({ NODE_ENV: 'production' }),
        log,
        timeoutMs,
      )
      writeFileSync(done, new Date().toISOString())
      return
    } catch (error) {
      writeFileSync(failed, String(error instanceof Error ? error.message : error))
      throw error
    }
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (existsSync(done)) return
    if (existsSync(failed))
      throw new Error(`The e2e build failed:\n${readFileSync(failed, 'utf8')}`)
    await sleep(250)
  }
  throw new Error(`Timed out waiting for another test file's build (log: ${log})`)
}
