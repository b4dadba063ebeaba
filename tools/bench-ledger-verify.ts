// Child of `npm run bench:ledger`: verifies a ledger export in a process of its own, as a regulator
// does on their own machine, `runs` times, and prints one JSON line: the first (cold) run's seconds
// and the best run's wall and CPU seconds.
import { verifyExport } from '../app/services/ledger/verify-export.server'

const [dir, runsArg] = process.argv.slice(2)
const runs = Math.min(Math.max(Number(runsArg) || 1, 1), 50)
if (!dir) {
  console.error('usage: bench-ledger-verify <export dir> [runs]')
  process.exit(2)
}
let first = 0
let wall = Infinity
let cpu = Infinity
for (let run = 0; run < runs; run++) {
  const c = process.cpuUsage()
  const t = performance.now()
  const result = await verifyExport(dir)
  const seconds = (performance.now() - t) / 1000
  const used = process.cpuUsage(c)
  if (!result.ok) {
    console.error(`export did not verify: ${result.failure.reason}`)
    process.exit(1)
  }
  if (run === 0) first = seconds
  wall = Math.min(wall, seconds)
  cpu = Math.min(cpu, (used.user + used.system) / 1e6)
}
console.log(JSON.stringify({ first, wall, cpu }))
