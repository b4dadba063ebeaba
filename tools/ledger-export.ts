// `npm run ledger:export -- DIR`: writes a signed, self-contained export of the C11 ledger to DIR
// for `npm run ledger:verify -- --export DIR` (on any machine, without the database).
import { pathToFileURL } from 'node:url'

export async function main(argv: string[]): Promise<number> {
  const [dir, ...rest] = argv
  if (!dir || rest.length > 0 || dir.startsWith('-')) {
    console.error('usage: ledger-export DIR')
    return 2
  }
  const { requireEnvOrExit } = await import('~/utils/env.server')
  const { connectDb, ensureIndexes } = await import('~/utils/db.server')
  const { exportLedger } = await import('~/services/ledger/export.server')
  requireEnvOrExit()
  await connectDb()
  await ensureIndexes()
  const result = await exportLedger(dir)
  console.log(
    `exported ${result.entries} entries and ${result.checkpoints} signed checkpoints ` +
      `(${(result.bytes / 1e6).toFixed(1)} MB of entries) to ${result.dir}; ` +
      `root ${result.manifest.checkpoint.rootHash}`,
  )
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2))
    .catch((error: unknown) => {
      console.error(error)
      return 1
    })
    .then(async (code) => {
      const { disconnectDb } = await import('~/utils/db.server')
      const { closeQueues } = await import('#jobs/queues')
      const { closeRedis } = await import('~/utils/redis.server')
      await closeQueues().catch(() => undefined)
      await closeRedis().catch(() => undefined)
      await disconnectDb().catch(() => undefined)
      process.exitCode = code
    })
}
