// Electronic seals (C14; Art. 29–30): documents the exchange issues — rectification notices, a
// dispute's leaning opinion — carry a seal: a signature by the exchange's active signing key
// (Ed25519 or SM2, the key that signs the log's checkpoints, ADR 015) over the canonical document.
// The sealed file is self-contained (verify.ts checks it offline).
import { createHash } from 'node:crypto'
import { activeSigningKey } from '~/services/ledger/signing-keys.server'
import { SEAL_FORMAT, sealedBody, type SealedDocument, type SealedPart } from './verify'

/** Seals a document: the part signed, and the seal with the key that signed it. */
export async function sealDocument(input: Omit<SealedPart, 'format'>): Promise<SealedDocument> {
  const part: SealedPart = { format: SEAL_FORMAT, ...input }
  const body = sealedBody(part)
  const key = await activeSigningKey()
  return {
    ...part,
    seal: {
      alg: key.alg,
      keyId: key.keyId,
      publicKeyPem: key.publicKeyPem,
      sha256: createHash('sha256').update(body, 'utf8').digest('hex'),
      signature: key.sign(body).toString('base64'),
    },
  }
}
