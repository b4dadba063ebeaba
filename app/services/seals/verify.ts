// Checking an electronic seal (C14; Art. 29–30) with nothing but the sealed file: the signature is
// over the canonical JSON (RFC 8785) of the sealed part, made with the key whose public half the
// file carries; its key id is the hash of that key, so a verifier who trusts the exchange's
// published keys (GET /api/v1/ledger/checkpoints lists them) checks the id against them. No database, no
// configuration — `npm run seal:verify -- FILE` runs this.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import {
  keyIdOf,
  SIGNING_ALGS,
  verifyBody,
  type SigningAlg,
} from '~/services/ledger/checkpoint-note'

export const SEAL_FORMAT = 'gdpde-seal/1'

/** What is signed: the document and what the seal says about it. */
export interface SealedPart {
  format: typeof SEAL_FORMAT
  /** What kind of document (`rectification-notice`, `dispute-opinion`, …). */
  kind: string
  /** The document's own id in the exchange. */
  ref: string
  /** The organisation that issued it. */
  issuerOrgId: string
  issuedAt: string
  document: unknown
}

export interface SealedDocument extends SealedPart {
  seal: {
    alg: SigningAlg
    keyId: string
    publicKeyPem: string
    /** SHA-256 of the canonical sealed part (hex), for reference. */
    sha256: string
    /** The signature over the canonical sealed part (base64). */
    signature: string
  }
}

/** The canonical bytes a seal signs. */
export function sealedBody(part: SealedPart): string {
  const { format, kind, ref, issuerOrgId, issuedAt, document } = part
  return canonicalize({ format, kind, ref, issuerOrgId, issuedAt, document }) ?? ''
}

export type SealCheck =
  | { ok: true; keyId: string; sha256: string }
  | { ok: false; reason: 'malformed' | 'key_mismatch' | 'digest_mismatch' | 'bad_signature' }

/** Verifies a sealed document: well-formed, its key id that key's, its digest and signature right. */
export function verifySeal(input: unknown): SealCheck {
  const d = input as Partial<SealedDocument> | null
  const s = d?.seal
  if (
    !d ||
    typeof d !== 'object' ||
    d.format !== SEAL_FORMAT ||
    typeof d.kind !== 'string' ||
    typeof d.ref !== 'string' ||
    typeof d.issuerOrgId !== 'string' ||
    typeof d.issuedAt !== 'string' ||
    !s ||
    !(SIGNING_ALGS as readonly string[]).includes(s.alg as string) ||
    typeof s.publicKeyPem !== 'string' ||
    typeof s.signature !== 'string' ||
    typeof s.keyId !== 'string'
  )
    return { ok: false, reason: 'malformed' }
  let keyId: string
  try {
    keyId = keyIdOf(s.publicKeyPem)
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (keyId !== s.keyId) return { ok: false, reason: 'key_mismatch' }
  const body = sealedBody(d as SealedPart)
  const sha256 = createHash('sha256').update(body, 'utf8').digest('hex')
  if (sha256 !== s.sha256) return { ok: false, reason: 'digest_mismatch' }
  if (!verifyBody(body, Buffer.from(s.signature, 'base64'), s.alg, s.publicKeyPem))
    return { ok: false, reason: 'bad_signature' }
  return { ok: true, keyId, sha256 }
}

/** A stored sealed document (its JSON) checked now, as a page shows it; null when there is none. */
export function sealStatus(
  sealed: string | null | undefined,
): { ok: boolean; keyId: string; sha256: string } | null {
  if (!sealed) return null
  let parsed: Partial<SealedDocument> | null = null
  try {
    parsed = JSON.parse(sealed) as Partial<SealedDocument>
  } catch {
    return { ok: false, keyId: '', sha256: '' }
  }
  return {
    ok: verifySeal(parsed).ok,
    keyId: parsed?.seal?.keyId ?? '',
    sha256: parsed?.seal?.sha256 ?? '',
  }
}
