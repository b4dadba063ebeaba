import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Art. 14: one data item has one and only one legal source department. `_id` = the data-item
// code, so a second department's claim is refused by the unique `_id` (an insert, never a
// read-then-write). A transfer is done by the authority and recorded in `transfers`.
const sourceClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    claimedBy: { type: String, required: true },
    claimedAt: { type: Date, required: true, default: () => new Date() },
    // The catalog entry whose field declared it, when claimed through an entry.
    entryId: { type: String, default: null },
    transfers: {
      type: [
        new Schema(
          {
            fromOrgId: { type: String, required: true },
            toOrgId: { type: String, required: true },
            byUserId: { type: String, required: true },
            reason: { type: String, required: true },
            at: { type: Date, required: true },
          },
          { _id: false, strict: 'throw' },
        ),
      ],
      default: [],
    },
  },
  { versionKey: false, strict: 'throw' },
)

// An agency's collection list (採集清單): the items it is the source of.
sourceClaimSchema.index({ orgId: 1, _id: 1 })

export type SourceClaimDoc = InferSchemaType<typeof sourceClaimSchema>

export const SourceClaim =
  (mongoose.models.SourceClaim as mongoose.Model<SourceClaimDoc>) ??
  mongoose.model('SourceClaim', sourceClaimSchema, 'source_claims')
