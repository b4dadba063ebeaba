/**
 * Sharing grant — the outcome of an agreed sharing request (C4; Art. 23–24, written by
 * app/services/sharing) or of a conditional-open application (Art. 33); the products capability
 * asks it "does org X hold a right to catalog entry Y at time T?". Collection `sharing_grants`.
 *
 * - `catalogEntryId` what is granted · `grantorOrgId` the source department · `granteeOrgId` who
 * - `kind` sharing (agency to agency, Art. 24) | conditional_open (Art. 33, conditions met)
 * - `scenario` `fields` (empty = every field) `mode` — Art. 24 approval terms (`api`, `file`,
 *   `offline` for sharing requests; `online` for the grants seeded before them)
 * - `start` `end`: valid for start ≤ T < end (an expired grant gives no right)
 * - `approvedAt` `approvedBy` · `revokedAt` (null while in force) · `sourceRef` the request id
 *   (unique; seeded demo grants use `demo:<key>`)
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const GRANT_KINDS = ['sharing', 'conditional_open'] as const

const sharingGrantSchema = new Schema(
  {
    catalogEntryId: { type: String, required: true },
    grantorOrgId: { type: String, required: true },
    granteeOrgId: { type: String, required: true },
    kind: { type: String, enum: GRANT_KINDS, required: true },
    scenario: { type: String, required: true },
    fields: { type: [String], default: [] },
    mode: {
      type: String,
      enum: ['online', 'offline', 'verification', 'api', 'file'],
      default: 'online',
    },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    approvedAt: { type: Date, required: true },
    approvedBy: { type: String, required: true },
    revokedAt: { type: Date, default: null },
    sourceRef: { type: String, required: true, unique: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// rights.server.ts: an org's grants for a batch of catalog entries.
sharingGrantSchema.index({ granteeOrgId: 1, catalogEntryId: 1 })

/** The sharing request a grant was issued on (`sourceRef` is `sharing-request:<id>`), or null. */
export function grantRequestId(sourceRef: string | null | undefined): string | null {
  return sourceRef?.startsWith('sharing-request:')
    ? sourceRef.slice('sharing-request:'.length)
    : null
}

export type SharingGrantDoc = InferSchemaType<typeof sharingGrantSchema> & {
  _id: mongoose.Types.ObjectId
}

export const SharingGrant =
  (mongoose.models.SharingGrant as mongoose.Model<InferSchemaType<typeof sharingGrantSchema>>) ??
  mongoose.model('SharingGrant', sharingGrantSchema, 'sharing_grants')
