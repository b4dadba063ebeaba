import { sweepUnreferencedBlobs } from '~/services/storage/sweep.server'
import { parseJobData } from '../queues'

/**
 * `storage-sweep` job: removes content-store blobs that no record refers to once they are older
 * than BLOB_GRACE_HOURS. Idempotent: a second run finds nothing more to remove. `at` is for tests.
 */
export async function storageSweep(data: unknown) {
  const { at } = parseJobData('storage-sweep', data)
  const { examined, removed, bytesFreed } = await sweepUnreferencedBlobs({
    now: at ? new Date(at) : new Date(),
  })
  return { examined, removed: removed.length, bytesFreed }
}
