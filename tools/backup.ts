// `npm run backup [-- --dir DIR] [--mirror DIR]`: one encrypted backup of every collection and
// every referenced file now (the worker makes one every night), into BACKUP_DIR (and
// BACKUP_MIRROR_DIR), then retention (BACKUP_KEEP). ADR 037.
import { createBackup, pruneBackups } from '~/services/backup/backup.server'
import { disconnectDb } from '~/utils/db.server'
import { requireEnvOrExit } from '~/utils/env.server'
import { closeRedis } from '~/utils/redis.server'

const env = requireEnvOrExit()
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const dir = arg('dir') ?? env.BACKUP_DIR
const mirror = arg('mirror') ?? env.BACKUP_MIRROR_DIR
const started = performance.now()
try {
  const { manifest, bytesWritten, written } = await createBackup({ dir, mirror })
  const pruned = await pruneBackups(dir, env.BACKUP_KEEP)
  if (mirror) await pruneBackups(mirror, env.BACKUP_KEEP)
  const docs = manifest.collections.reduce((n, c) => n + c.count, 0)
  console.log(
    `backup ${manifest.id}: ${docs} documents in ${manifest.collections.length} collections, ` +
      `${manifest.blobs.length} blob files, ledger head ${manifest.ledgerHead.seq}; ` +
      `${(bytesWritten / 1024 ** 2).toFixed(1)} MB new, in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `written to ${written.join(' and ')}; ${pruned.removedSnapshots.length} old snapshots removed`,
  )
} finally {
  await disconnectDb()
  await closeRedis()
}
