import { createBackup, pruneBackups } from '~/services/backup/backup.server'
import { recordSecurityEvent } from '~/services/security/events.server'
import { getEnv } from '~/utils/env.server'
import { parseJobData } from '../queues'

/**
 * `backup` job (Art. 45 ¶1): one encrypted backup into BACKUP_DIR and BACKUP_MIRROR_DIR, then the
 * oldest beyond BACKUP_KEEP removed from both. A retry writes a new snapshot of what is there; the
 * chunks and blobs it shares with the first attempt are not written twice.
 */
export async function backup(data: unknown) {
  parseJobData('backup', data)
  const env = getEnv()
  const result = await createBackup({ dir: env.BACKUP_DIR, mirror: env.BACKUP_MIRROR_DIR }).catch(
    async (error: unknown) => {
      // Art. 45: a failed backup is a security event (and an alert); the job retries.
      await recordSecurityEvent({
        kind: 'backup-failed',
        subject: env.BACKUP_DIR,
        detail: error instanceof Error ? error.message : String(error),
      })
      throw error
    },
  )
  const pruned = await pruneBackups(env.BACKUP_DIR, env.BACKUP_KEEP)
  if (env.BACKUP_MIRROR_DIR) await pruneBackups(env.BACKUP_MIRROR_DIR, env.BACKUP_KEEP)
  return {
    id: result.manifest.id,
    collections: result.manifest.collections.length,
    blobs: result.manifest.blobs.length,
    bytesWritten: result.bytesWritten,
    removedSnapshots: pruned.removedSnapshots.length,
  }
}
