// `npm test` starts here (issue 15): whatever the tests need on this machine is installed or built on
// first use, so `npm install` then `npm test` is enough on a fresh Debian machine.
// - Debian packages: redis-server, chromium (the end-to-end browser) and fonts-noto-cjk (Chinese in
//   screenshots). Installed with apt-get when running as root on Debian, the way
//   `playwright install --with-deps` does; otherwise the command to run is printed and the run stops.
// - Built with Go (ADR 002): the dev database (tools/mongo-dev) and Stripe's API mock (stripe-mock,
//   ADR 005), into the repository's own tools/mongo-dev/bin and .cache/bin.
// Each step says what it does; a second run finds everything in place and prints one line.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildMongoDev } from './services'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const STRIPE_MOCK = 'github.com/stripe/stripe-mock@v0.203.0'

class Missing extends Error {}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

function debPackageInstalled(name: string): boolean {
  return (
    spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes(
      'install ok installed',
    ) ?? false
  )
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env })
  if (result.error || result.status !== 0)
    throw new Missing(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`,
    )
}

/** Debian packages the tests need that this machine lacks. */
function missingPackages(): string[] {
  const missing: string[] = []
  if (!has('redis-server')) missing.push('redis-server')
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium')
  if (existsSync('/usr/bin/dpkg-query') && !debPackageInstalled('fonts-noto-cjk'))
    missing.push('fonts-noto-cjk')
  return missing
}

function installPackages(packages: string[]): void {
  if (packages.length === 0) return
  const isRoot = process.getuid?.() === 0
  const isDebian = existsSync('/etc/debian_version') && has('apt-get')
  const command = `apt-get update && apt-get install -y ${packages.join(' ')}`
  if (!isRoot || !isDebian) {
    throw new Missing(
      `The tests need ${packages.join(', ')}. Install them (on Debian: sudo sh -c '${command}'), then run npm test again.`,
    )
  }
  console.log(`[prereqs] installing ${packages.join(', ')} with apt-get (first run only)…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], env)
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', ...packages], env)
}

/** The Go toolchain: on PATH, or where the official archive puts it. */
function goBinary(): string {
  if (has('go')) return 'go'
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go'
  throw new Missing(
    'The dev database and stripe-mock are built with Go ≥ 1.24 (tools/mongo-dev/go.mod), which is not installed. ' +
      'Install Go from go.dev/dl, or point the tests at servers of your own with TEST_MONGODB_URI.',
  )
}

function buildStripeMock(go: string): void {
  const binary = path.join(root, '.cache', 'bin', 'stripe-mock')
  if (existsSync(binary) || has('stripe-mock')) return
  console.log(`[prereqs] building stripe-mock (${STRIPE_MOCK}) into .cache/bin (first run only)…`)
  mkdirSync(path.dirname(binary), { recursive: true })
  run(go, ['install', STRIPE_MOCK], {
    ...process.env,
    GOBIN: path.dirname(binary),
    GOFLAGS: process.env.GOFLAGS ?? '-buildvcs=false',
  })
}

function main(): void {
  installPackages(missingPackages())
  const needsGo =
    !process.env.TEST_MONGODB_URI ||
    !(existsSync(path.join(root, '.cache', 'bin', 'stripe-mock')) || has('stripe-mock'))
  if (needsGo) {
    const go = goBinary()
    // buildMongoDev runs `go` from PATH: make sure the one found here is first.
    if (go !== 'go') process.env.PATH = `${path.dirname(go)}:${process.env.PATH ?? ''}`
    process.env.GOFLAGS ??= '-buildvcs=false'
    if (!process.env.TEST_MONGODB_URI) buildMongoDev((line) => console.log(`[prereqs] ${line}`))
    buildStripeMock(go)
  }
  console.log(
    '[prereqs] redis-server, chromium, CJK fonts, the dev database and stripe-mock are in place',
  )
}

try {
  main()
} catch (error) {
  if (
    !(error instanceof Missing) &&
    !(error instanceof Error && /tools\/mongo-dev/.test(error.message))
  )
    throw error
  console.error(`\n[prereqs] ${error.message}\n`)
  process.exit(1)
}
