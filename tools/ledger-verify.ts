// `npm run ledger:verify [--from=SEQ]`: recompute the SPEC C11 hash chain; exit 1 naming the first broken entry.
import { pathToFileURL } from 'node:url'
import { verifyChain } from '~/services/ledger/ledger.server'
import { connectDb, disconnectDb } from '~/utils/db.server'
import { requireEnvOrExit } from '~/utils/env.server'

export async function main(argv: string[]): Promise<number> {
  let fromSeq: number | undefined
  for (const arg of argv) {
    const from = /^--from=(\d+)$/.exec(arg)
    if (from && Number(from[1]) >= 1) fromSeq = Number(from[1])
    else {
      console.error(`unknown argument: ${arg}\nusage: ledger-verify [--from=SEQ]`)
      return 2
    }
  }
  requireEnvOrExit()
  await connectDb()
  const result = await verifyChain({ fromSeq })
  if (result.ok) {
    console.log(`ledger OK: ${result.checked} entries, head ${result.headSeq} ${result.headHash}`)
    return 0
  }
  console.error(`ledger BROKEN at entry ${result.firstBroken.seq}: ${result.firstBroken.reason}`)
  return 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2))
    .catch((error: unknown) => {
      console.error(error)
      return 1
    })
    // Closing the connection lets the process exit on its own.
    .then(async (code) => {
      await disconnectDb().catch(() => undefined)
      process.exitCode = code
    })
}
