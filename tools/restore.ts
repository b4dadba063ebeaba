// `npm run restore -- SOURCE [--snapshot ID] [--verify]`: restores a backup repository's newest
// (or named) snapshot into the configured database and file store, which must be empty. Every
// chunk and file is checked against the manifest, and the manifest against this exchange's key,
// before anything is written: a damaged or foreign archive is refused with the reason. `--verify`
// only checks. ADR 037.
import { BackupError, restoreBackup, verifyBackup } from '~/services/backup/backup.server'
import { disconnectDb } from '~/utils/db.server'
import { requireEnvOrExit } from '~/utils/env.server'
import { closeRedis } from '~/utils/redis.server'

requireEnvOrExit()
const args = process.argv.slice(2)
const source = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--snapshot')
const at = args.indexOf('--snapshot')
const snapshot = at >= 0 ? args[at + 1] : undefined
if (!source) {
  console.error('usage: npm run restore -- SOURCE [--snapshot ID] [--verify]')
  process.exit(2)
}
try {
  if (args.includes('--verify')) {
    const v = await verifyBackup(source, snapshot)
    console.log(
      `backup ${v.manifest.id} is intact: ${v.documents} documents, ${v.blobs} blob files`,
    )
  } else {
    const r = await restoreBackup(source, snapshot)
    console.log(`restored ${r.id}: ${r.documents} documents, ${r.blobs} blob files`)
  }
} catch (error) {
  if (!(error instanceof BackupError)) throw error
  console.error(`refused: ${error.message}`)
  process.exitCode = 1
} finally {
  await disconnectDb()
  await closeRedis()
}
