import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose'
import { SIGNING_ALGS, TREE_ALGS, type SigningAlg, type TreeAlg } from '~/vocab/ledger'

// C11: a signed statement of the ledger's Merkle root at one tree size.
const ledgerCheckpointSchema = new Schema(
  {
    // The tree size. One checkpoint per size is an insert under this key, so two workers can never
    // publish two different roots for the same size; listing newest first sorts on _id.
    _id: { type: Number, required: true, min: 1 },
    origin: { type: String, required: true },
    // Hex MTH of entries 1..treeSize (RFC 9162 §2.1.1).
    rootHash: { type: String, required: true },
    treeAlg: { type: String, enum: TREE_ALGS, required: true },
    at: { type: Date, required: true },
    keyId: { type: String, required: true },
    keyAlg: { type: String, enum: SIGNING_ALGS, required: true },
    // Base64 signature over checkpointBody() of the fields above.
    signature: { type: String, required: true },
    // Not signed: the hex hashes of the perfect subtrees on the tree's right edge at this size
    // (merkle.ts frontierNodes), so the next checkpoint resumes without reading ledger_nodes. A
    // reader checks that they fold to rootHash before using them.
    frontier: { type: [String], default: undefined },
    // Not signed: the chain hash of entry treeSize, which the next entry links to; the tail of
    // recent entries in Redis is used only when it continues from this hash (tail.server.ts).
    headHash: { type: String },
  },
  { collection: 'ledger_checkpoints', versionKey: false, strict: 'throw' },
)

type Inferred = InferSchemaType<typeof ledgerCheckpointSchema>

export type LedgerCheckpoint = Omit<Inferred, '_id' | 'treeAlg' | 'keyAlg'> & {
  _id: number
  treeAlg: TreeAlg
  keyAlg: SigningAlg
}

export const LedgerCheckpoint: Model<LedgerCheckpoint> =
  (mongoose.models.LedgerCheckpoint as Model<LedgerCheckpoint> | undefined) ??
  mongoose.model<LedgerCheckpoint>('LedgerCheckpoint', ledgerCheckpointSchema)
