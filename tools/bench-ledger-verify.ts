// Child of `npm run bench:ledger`: verifies a ledger export in a process of its own, as a regulator
// does on their own machine. Each line on stdin asks for one run; each run answers one JSON line
// with its wall and CPU seconds (the first run in the process is the cold one).
import { createInterface } from 'node:readline'
import { verifyExport } from '../app/services/ledger/verify-export.server'

const [dir] = process.argv.slice(2)
if (!dir) {
  console.error('usage: bench-ledger-verify <export dir>   (then one line on stdin per run)')
  process.exit(2)
}
for await (const _ of createInterface({ input: process.stdin })) {
  const c = process.cpuUsage()
  const t = performance.now()
  const result = await verifyExport(dir)
  const wall = (performance.now() - t) / 1000
  const used = process.cpuUsage(c)
  if (!result.ok) {
    console.error(`export did not verify: ${result.failure.reason}`)
    process.exit(1)
  }
  console.log(JSON.stringify({ wall, cpu: (used.user + used.system) / 1e6 }))
}
