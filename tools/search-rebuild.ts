// `npm run search:rebuild [-- --local-only]`: rebuild the catalog search index.
//
// The index lives in each web process (ADR 013). This command (1) builds one here from the
// database — the same batched load a web process does at start — and prints its size and timing,
// so a broken catalog record shows up here first; then (2) bumps the rebuild generation in Redis,
// and every running web process reloads its index at its next poll (within ~5 s).
// `--local-only` skips step 2.
import { parseArgs } from 'node:util'
import {
  rebuildCatalogIndex,
  requestCatalogRebuild,
  stopCatalogIndex,
} from '../app/services/search/catalog-index.server'
import { disconnectDb } from '../app/utils/db.server'
import { requireEnvOrExit } from '../app/utils/env.server'
import { closeRedis } from '../app/utils/redis.server'

requireEnvOrExit()
const { values } = parseArgs({ options: { 'local-only': { type: 'boolean', default: false } } })

try {
  const started = performance.now()
  const stats = await rebuildCatalogIndex()
  console.log(
    `rebuilt from the database: ${stats.documents} listed entries, ${stats.terms} terms, ${stats.postings} postings, ` +
      `~${(stats.approxBytes / 1e6).toFixed(1)} MB; load ${stats.loadMs} ms, total ${Math.round(performance.now() - started)} ms`,
  )
  if (!values['local-only']) {
    const generation = await requestCatalogRebuild()
    console.log(
      `asked running web processes to reload (rebuild generation ${generation}); they do so at their next poll`,
    )
  }
} catch (error) {
  console.error(`search rebuild failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  stopCatalogIndex()
  await closeRedis()
  await disconnectDb()
}
