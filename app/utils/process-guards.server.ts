// Process-level handlers for the web and worker processes (ADR 026). A rejected promise nobody
// awaited is logged and the process keeps serving: the request or job it belonged to has already
// been answered or failed on its own. An uncaught exception may have left state half-changed, so the
// process stops taking work, lets what is in flight finish (`drain`), and exits 1 for its
// supervisor (docker compose `restart: unless-stopped`, `npm run dev`) to start it again.

const DRAIN_LIMIT_MS = 10_000

export function installProcessGuards(
  name: string,
  drain: () => Promise<void>,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  process.on('unhandledRejection', (reason) => {
    console.error(`[${name}] unhandled rejection (still serving):`, reason)
  })
  let exiting = false
  process.on('uncaughtException', (error) => {
    console.error(
      `[${name}] uncaught exception: draining, then exiting for the supervisor to restart:`,
      error,
    )
    if (exiting) return
    exiting = true
    setTimeout(() => exit(1), DRAIN_LIMIT_MS).unref()
    drain().then(
      () => exit(1),
      () => exit(1),
    )
  })
}
