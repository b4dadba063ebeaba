// `npm run supervision:report -- PERIOD [org:ID]`: generates (or finds) the C12 supervision report
// of a period (YYYY-MM or YYYY) from the log as it stands and prints its id and content hash. The
// same log prints the same hash: a regulator can regenerate a report and compare.
import { pathToFileURL } from 'node:url'

export async function main(argv: string[]): Promise<number> {
  const [period, scope = 'all', ...rest] = argv
  if (
    !period ||
    rest.length > 0 ||
    !/^\d{4}(-(0[1-9]|1[0-2]))?$/.test(period) ||
    !/^(all|org:[0-9a-f]{24})$/.test(scope)
  ) {
    console.error('usage: supervision-report YYYY-MM|YYYY [all|org:ID]')
    return 2
  }
  const { requireEnvOrExit } = await import('~/utils/env.server')
  const { connectDb, disconnectDb, ensureIndexes } = await import('~/utils/db.server')
  const { closeRedis } = await import('~/utils/redis.server')
  const { closeQueues } = await import('#jobs/queues')
  const { generateSupervisionReport } = await import('~/services/supervision/reports.server')
  requireEnvOrExit()
  await connectDb()
  await ensureIndexes()
  try {
    const result = await generateSupervisionReport({ scope, period, generatedBy: 'scheduler' })
    console.log(
      `${result.created ? 'generated' : 'unchanged'} ${result.id}\ncontent sha256 ${result.contentHash}`,
    )
    return 0
  } finally {
    await closeQueues()
    await closeRedis()
    await disconnectDb()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2))
    .catch((error: unknown) => {
      console.error(error)
      return 1
    })
    .then((code) => process.exit(code))
}
