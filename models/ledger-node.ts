import mongoose, { Schema, type Model } from 'mongoose'

// C11: the hash of one complete (perfect) subtree of the ledger's Merkle tree, so a proof reads
// O(log n) documents by _id instead of rescanning the log. Written once, idempotently, by the
// checkpoint job; never changed.
const ledgerNodeSchema = new Schema(
  {
    // `level:index` (merkle.ts nodeKey): proofs fetch their nodes with one `$in` on _id.
    _id: { type: String, required: true },
    // Hex.
    hash: { type: String, required: true },
  },
  { collection: 'ledger_nodes', versionKey: false, strict: 'throw' },
)

export interface LedgerNode {
  _id: string
  hash: string
}

export const LedgerNode: Model<LedgerNode> =
  (mongoose.models.LedgerNode as Model<LedgerNode> | undefined) ??
  mongoose.model<LedgerNode>('LedgerNode', ledgerNodeSchema)
