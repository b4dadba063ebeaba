import { hkdfSync } from 'node:crypto'
import { getEnv } from '~/utils/env.server'

// Separate keys for separate jobs, all derived from the one configured secret
// (HKDF-SHA256 with distinct labels), so a blind index never reuses the cipher key.
function derive(label: string): Buffer {
  const master = Buffer.from(getEnv().DATA_ENCRYPTION_KEY, 'base64')
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `gdpde:${label}`, 32))
}

let cache: { field: Buffer; index: Buffer; ledgerSigning: Buffer; verification: Buffer } | undefined

export function dataKeys() {
  cache ??= {
    field: derive('field-encryption:v1'),
    index: derive('blind-index:v1'),
    // Wraps the ledger's checkpoint signing keys at rest (C11).
    ledgerSigning: derive('ledger-signing-key:v1'),
    // C5: the keyed digests of the verification index (Art. 23 ¶3: nothing stored is disclosed).
    verification: derive('verification-index:v1'),
  }
  return cache
}
