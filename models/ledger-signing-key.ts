import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose'
import { SIGNING_ALGS, type SigningAlg } from '~/vocab/ledger'

// C11: the platform's checkpoint signing keys. Every key is kept (old checkpoints stay
// verifiable); the newest generation signs.
const ledgerSigningKeySchema = new Schema(
  {
    // Key id: first 16 bytes of SHA-256 over the public key's SPKI DER, hex (checkpoint-note keyIdOf).
    _id: { type: String, required: true },
    // 1, 2, 3 … Unique: two workers creating or rotating at once cannot both become generation n.
    generation: { type: Number, required: true, min: 1, unique: true },
    alg: { type: String, enum: SIGNING_ALGS, required: true },
    publicKeyPem: { type: String, required: true },
    // PKCS#8 PEM encrypted with AES-256-GCM under a key derived (HKDF) from DATA_ENCRYPTION_KEY.
    privateKeyEnc: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'ledger_signing_keys', versionKey: false, strict: 'throw' },
)

type Inferred = InferSchemaType<typeof ledgerSigningKeySchema>

export type LedgerSigningKey = Omit<Inferred, 'alg'> & { alg: SigningAlg }

export const LedgerSigningKey: Model<LedgerSigningKey> =
  (mongoose.models.LedgerSigningKey as Model<LedgerSigningKey> | undefined) ??
  mongoose.model<LedgerSigningKey>('LedgerSigningKey', ledgerSigningKeySchema)
