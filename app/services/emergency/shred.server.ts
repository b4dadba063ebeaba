// Crypto-shredding (Art. 40, ADR 034): a stored blob is encrypted under a fresh AES-256-GCM key that
// is never stored, so only the ciphertext remains (kept for audit) and the plain bytes can go.
import { createCipheriv, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { contentStore } from '~/services/storage/store.server'

/** Encrypts a stored blob under a fresh AES-256-GCM key and forgets the key: only ciphertext stays. */
export async function shred(storageKey: string) {
  const key = randomBytes(32)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  key.fill(0)
  async function* sealed() {
    yield iv
    for await (const chunk of contentStore().read(storageKey)) yield cipher.update(chunk as Buffer)
    yield cipher.final()
    yield cipher.getAuthTag()
  }
  return contentStore().put(Readable.from(sealed()))
}
