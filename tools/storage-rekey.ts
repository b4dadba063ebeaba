// `npm run storage:rekey`: key rotation for the content store (issue 19; Art. 45 ¶1). Re-wraps
// every stored blob's data key under the current DATA_ENCRYPTION_KEY (the blobs themselves are not
// rewritten), removes wrapped keys no blob uses, and encrypts any blob stored before encryption.
// Rotate by moving the old key into DATA_ENCRYPTION_KEY_PREVIOUS, setting the new one, and running
// this; afterwards the old key can be dropped. Idempotent: a second run changes nothing.
import { contentStore } from '~/services/storage/store.server'
import { requireEnvOrExit } from '~/utils/env.server'

requireEnvOrExit()
const started = performance.now()
const result = await contentStore().rekey()
console.log(
  `${result.blobs} blobs: ${result.rewrapped} keys re-wrapped, ${result.encrypted} plaintext blobs encrypted, ` +
    `${result.dropped} unused keys removed, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
)
