// End-to-end harness: builds the Remix app once per test run, starts the
// production server (tsx server/index.ts) on a free port with a seeded database
// of its own, and drives Debian's Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AxeResults } from 'axe-core'
import mongoose from 'mongoose'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core'
import { en } from '~/i18n/en'
import { zh } from '~/i18n/zh'
import { afterEach } from 'vitest'
import { DEMO_PASSWORD } from '~/services/demo/seed.server'
import { freePort } from '../../tools/services'
import { copySeedTemplate, seedTemplate } from '../setup/seed-template'
import { childEnv, ensureBuilt, run, sleep, tail } from '../setup/e2e-build'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', 'artifacts')
const BIN = path.join(ROOT, 'node_modules', '.bin')

function servicesDir(): string {
  const dir = process.env.TEST_SERVICES_DIR
  if (!dir) throw new Error('TEST_SERVICES_DIR is not set: run the e2e tests through `vitest run`.')
  return dir
}

export interface RunningApp {
  baseUrl: string
  /** Every web process's base URL (the first is `baseUrl`). */
  baseUrls: string[]
  port: number
  /** The web process (for its memory, or to see that it is still alive). */
  pid: number
  dbName: string
  /** The processes' BullMQ and rate-limit key prefix in the run's Redis. */
  queuePrefix: string
  logFile: string
  stop(): Promise<void>
}

async function waitForHttp(url: string, child: ChildProcess, logFile: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `The server exited (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`,
      )
    }
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) })
      await response.arrayBuffer()
      if (response.status < 500) return
    } catch {
      // not listening yet
    }
    await sleep(200)
  }
  throw new Error(`The server did not answer ${url} within ${timeoutMs} ms:\n${tail(logFile)}`)
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * Builds (once per run), seeds a database of its own and starts the production
 * server. The base URL uses `localhost`, not 127.0.0.1: Chromium treats
 * http://localhost as a secure context and keeps the session cookie, which is
 * `Secure` in production.
 */
export async function startApp(
  options: { worker?: boolean; web?: number; workers?: number } = {},
): Promise<RunningApp> {
  await ensureBuilt(servicesDir())
  const pool = process.env.VITEST_POOL_ID ?? '0'
  const suffix = randomBytes(4).toString('hex')
  const dbName = `e2e_${pool}_${suffix}`
  const queuePrefix = `e2e${pool}${suffix}`
  const ports = await Promise.all(Array.from({ length: options.web ?? 1 }, () => freePort()))
  const port = ports[0]!
  const logFile = path.join(servicesDir(), `e2e-server-${dbName}.log`)
  const env = childEnv({
    NODE_ENV: 'production',
    // Production's password cost (the test run's lower one is refused in production); the seed
    // below hashes at the run's cost and the first login re-hashes, as after a cost increase.
    PASSWORD_SCRYPT_LOG2N: '17',
    MONGODB_DB: dbName,
    // Own queue / rate-limiter keys in the run's Redis.
    QUEUE_PREFIX: queuePrefix,
  })

  await seedDemoWorldInto(dbName, env, logFile)

  const out = openSync(logFile, 'a')
  // Web processes on ports of their own (issue 20: many web processes against one database and
  // Redis); with `worker`/`workers`, the real job worker runs beside them (`npm run worker`).
  const webs = ports.map((p) =>
    spawn(path.join(BIN, 'tsx'), ['server/index.ts'], {
      cwd: ROOT,
      env: { ...env, PORT: String(p) },
      stdio: ['ignore', out, out],
    }),
  )
  const workers = Array.from({ length: options.workers ?? (options.worker ? 1 : 0) }, () =>
    spawn(path.join(BIN, 'tsx'), ['jobs/worker.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', out, out],
    }),
  )
  closeSync(out)
  const children = [...webs, ...workers]
  const child = webs[0]!
  for (const c of children) running.add(c)
  const stopOne = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve()
      const timer = setTimeout(() => c.kill('SIGKILL'), 5_000)
      c.once('exit', () => (clearTimeout(timer), resolve()))
      c.kill('SIGTERM')
    }).finally(() => running.delete(c))
  const stopServer = () => Promise.all(children.map(stopOne)).then(() => undefined)

  try {
    await Promise.all(webs.map((c, i) => waitForHttp(`http://127.0.0.1:${ports[i]}/`, c, logFile)))
  } catch (error) {
    await stopServer()
    throw error
  }

  return {
    baseUrl: `http://localhost:${port}`,
    baseUrls: ports.map((p) => `http://localhost:${p}`),
    port,
    pid: child.pid!,
    dbName,
    queuePrefix,
    logFile,
    async stop() {
      await stopServer()
      await dropDatabase(dbName)
    },
  }
}

/**
 * The demo world in the app's database: copied from the run's template (tests/setup/seed-template.ts),
 * or, without one, seeded by tools/seed.ts — as a test run, since the demo seed refuses
 * NODE_ENV=production (its password is published).
 */
async function seedDemoWorldInto(
  dbName: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<void> {
  const template = seedTemplate()
  const uri = process.env.MONGODB_URI
  if (!template || !uri) {
    await run(
      path.join(BIN, 'tsx'),
      ['tools/seed.ts'],
      { ...env, NODE_ENV: 'test', PASSWORD_SCRYPT_LOG2N: '15' },
      logFile,
      90_000,
    )
    return
  }
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5_000 })
  try {
    await connection.asPromise()
    await copySeedTemplate(
      connection.getClient(),
      template,
      dbName,
      path.resolve(ROOT, env.STORAGE_DIR ?? '.data/files'),
    )
  } finally {
    await connection.close().catch(() => undefined)
  }
}

async function dropDatabase(dbName: string) {
  const uri = process.env.MONGODB_URI
  if (!uri) return
  const connection = mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 5_000 })
  try {
    await connection.asPromise()
    await connection.dropDatabase()
  } catch {
    // best effort: the run's database directory is removed at teardown anyway
  } finally {
    await connection.close().catch(() => undefined)
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Console errors and uncaught page errors of every page of a context. */
export class ConsoleLog {
  readonly errors: string[] = []

  watch(page: Page): void {
    page.on('console', (message) => {
      if (message.type() === 'error') {
        const where = message.location()?.url
        this.errors.push(`${message.text()}${where ? ` (${where})` : ''}`)
      }
    })
    page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`))
  }

  /** React hydration mismatches (minified #418 / #423 / #425 and their development texts). */
  hydrationErrors(): string[] {
    return this.errors.filter((e) =>
      /(error #4(18|23|25)\b|invariant=4(18|23|25)\b|[Hh]ydrat|did not match|server rendered)/.test(
        e,
      ),
    )
  }

  /**
   * Errors not matched by `allowed` (e.g. the browser's "Failed to load resource: … 401").
   * The app has no favicon (no public/favicon.ico), so Chromium's automatic
   * /favicon.ico request 404s on a context's first page; that one is ignored.
   */
  unexpected(allowed: RegExp[] = []): string[] {
    const ignored = [/status of 404 .*\/favicon\.ico\)$/, ...allowed]
    return this.errors.filter((e) => !ignored.some((re) => re.test(e)))
  }
}

/**
 * Accessibility (issue 15): axe-core runs on every page the end-to-end tests visit — once per page
 * path in a test run (ids in the path count as one page; the paths audited are shared by the run's
 * files through a file beside its services) — and a serious or critical violation fails the test
 * that was running. Pages that are not the app's HTML (downloads, JSON) are skipped.
 */
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)
const audited = new Set<string>()
const auditedFile = () => path.join(servicesDir(), 'axe-audited.txt')

/** Claims a page path for this file's audit: false when this file or another one audited it. */
function claimAudit(key: string): boolean {
  if (audited.has(key)) return false
  try {
    if (readFileSync(auditedFile(), 'utf8').split('\n').includes(key)) return false
  } catch {
    // no page audited yet in this run
  }
  audited.add(key)
  return true
}
const pendingAudits = new Set<Promise<unknown>>()
const violations: string[] = []

/** A page path with its ids (24-hex, numbers, long hashes) folded, so one page is audited once. */
export function pageKey(pathname: string): string {
  return pathname
    .replace(/\/[0-9a-f]{24}(?=\/|$)/g, '/:id')
    .replace(/\/\d+(?=\/|$)/g, '/:n')
    .replace(/\/[0-9a-f]{32,}(?=\/|$)/g, '/:hash')
}

/** axe-core's serious and critical violations on the page as it is now, one line each with where. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(
      document,
      { resultTypes: ['violations'] },
    ),
  )) as AxeResults
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => {
      const where = v.nodes
        .slice(0, 3)
        .map(
          (n) =>
            `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`,
        )
      return `${v.impact} ${v.id}: ${v.help}\n      ${where.join('\n      ')}`
    })
}

async function audit(page: Page): Promise<void> {
  let url: URL
  try {
    url = new URL(page.url())
  } catch {
    return
  }
  if (!/^https?:$/.test(url.protocol) || !/^(localhost|127\.0\.0\.1)$/.test(url.hostname)) return
  const key = pageKey(url.pathname)
  if (!claimAudit(key)) return
  try {
    // A full load, or a client-side navigation (Remix) whose data has arrived and rendered.
    await page.waitForFunction(
      () => {
        const router = (
          window as unknown as { __remixRouter?: { state?: { navigation?: { state?: string } } } }
        ).__remixRouter
        return (
          document.readyState === 'complete' &&
          (!router || router.state?.navigation?.state === 'idle')
        )
      },
      undefined,
      { timeout: 10_000, polling: 100 },
    )
    const isHtml = await page.evaluate(
      () => document.contentType === 'text/html' && Boolean(document.querySelector('main')),
    )
    if (!isHtml) return
    violations.push(...(await seriousViolations(page)).map((v) => `${url.pathname} — ${v}`))
    appendFileSync(auditedFile(), `${key}\n`)
  } catch (error) {
    // AXE_DEBUG=1 shows audits given up (the page navigated away meanwhile).
    if (process.env.AXE_DEBUG) console.error('axe audit given up', url.pathname, error)
    // The page went on (navigated or closed) while being audited: audit it on its next visit.
    audited.delete(key)
  }
}

function watchAccessibility(page: Page): void {
  // One audit at a time per page (axe refuses to start while it runs), and at most one waiting: it
  // audits whatever the page shows when its turn comes. One that does not finish in 20 s is given up.
  let last: Promise<unknown> = Promise.resolve()
  let waiting = false
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame() || waiting) return
    waiting = true
    const run = last
      .then(() => {
        waiting = false
        return Promise.race([audit(page), sleep(20_000)])
      })
      .finally(() => pendingAudits.delete(run))
    last = run
    pendingAudits.add(run)
  })
}

afterEach(async () => {
  await Promise.allSettled([...pendingAudits])
  if (violations.length === 0) return
  const found = violations.splice(0)
  throw new Error(
    `axe-core found serious or critical accessibility violations:\n  ${found.join('\n  ')}`,
  )
})

/**
 * Chromium now and then refuses a capture while the page is repainting ("Unable to capture
 * screenshot", seen once on CI on this busy 2-core machine): one more try after a short wait.
 * Anything else still fails the test.
 */
function retryScreenshots(page: Page): void {
  const shoot = page.screenshot.bind(page)
  page.screenshot = async (options) => {
    try {
      return await shoot(options)
    } catch (error) {
      if (!/Unable to capture screenshot/.test(String(error))) throw error
      await sleep(250)
      return shoot(options)
    }
  }
}

export interface OpenedPage {
  context: BrowserContext
  page: Page
  console: ConsoleLog
}

let clientCounter = 0

/**
 * A fresh browser context (own cookies) and a page in it, with console errors
 * collected. Each context presents itself as a different client address through
 * X-Forwarded-For (the server trusts it from loopback, as behind its proxy), so
 * the per-address login limit (10 / 15 min) counts per simulated user, not for
 * the whole test file at once.
 */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  options: BrowserContextOptions & { clientIp?: string } = {},
): Promise<OpenedPage> {
  const { clientIp, extraHTTPHeaders, ...rest } = options
  clientCounter += 1
  const ip =
    clientIp ??
    `198.51.100.${((Number(process.env.VITEST_POOL_ID ?? 0) * 37 + clientCounter) % 250) + 1}`
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1280, height: 800 },
    ...rest,
    extraHTTPHeaders: { ...extraHTTPHeaders, 'X-Forwarded-For': ip },
  })
  const log = new ConsoleLog()
  context.on('page', (p) => {
    log.watch(p)
    retryScreenshots(p)
    // Pages without JavaScript are the same pages; axe needs script to run in them.
    if (rest.javaScriptEnabled !== false) watchAccessibility(p)
  })
  const page = await context.newPage()
  return { context, page, console: log }
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true })
  return path.join(ARTIFACTS, `${name}.png`)
}

/** Waits until Remix has hydrated the page (its handlers are attached), then one frame more. */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { __remixRouter?: { state?: { initialized?: boolean } } }
    return Boolean(w.__remixRouter?.state?.initialized)
  })
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))))
}

export interface SignInOptions {
  /** The page login lands on; any page but /login when omitted. */
  home?: string
  locale?: string
  javaScriptEnabled?: boolean
}

/**
 * A demo user signed in through the login form (password `DEMO_PASSWORD`) in a fresh browser
 * context of its own; with JavaScript on, the form is used only once the page has hydrated.
 */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  email: string,
  options: SignInOptions = {},
): Promise<OpenedPage> {
  const { home, locale = 'zh-CN', javaScriptEnabled = true } = options
  const opened = await openPage(browser, baseUrl, {
    locale,
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled,
  })
  const { page } = opened
  const m = locale.startsWith('zh') ? zh : en
  await page.goto('/login')
  if (javaScriptEnabled) await hydrated(page)
  await page.getByLabel(m.login.email, { exact: true }).fill(email)
  await page.getByLabel(m.login.password, { exact: true }).fill(DEMO_PASSWORD)
  await Promise.all([
    page.waitForURL((url) => (home ? url.pathname === home : url.pathname !== '/login')),
    page.locator('main').getByRole('button', { name: m.login.submit, exact: true }).click(),
  ])
  return opened
}
