/**
 * A security self-check report (issue 19; Art. 45, 47). Collection `security_checks`, one per run
 * (`_id` the run's minute, so a retried job writes the same report once).
 *
 * - `at` · `ok` every item passed · `items` {check, ok, detail} for backup freshness, the off-site
 *   copy, the signing key's age, the ledger's audit and the configuration
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { SELF_CHECKS } from '~/vocab/security'

const securityCheckSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    ok: { type: Boolean, required: true },
    items: {
      type: [
        new Schema(
          {
            check: { type: String, enum: SELF_CHECKS, required: true },
            ok: { type: Boolean, required: true },
            detail: { type: String, default: '' },
          },
          { _id: false, strict: 'throw' },
        ),
      ],
      default: [],
    },
  },
  { collection: 'security_checks', versionKey: false, strict: 'throw' },
)

export type SecurityCheckDoc = InferSchemaType<typeof securityCheckSchema> & { _id: string }

export const SecurityCheck: mongoose.Model<SecurityCheckDoc> =
  (mongoose.models.SecurityCheck as mongoose.Model<SecurityCheckDoc> | undefined) ??
  mongoose.model<SecurityCheckDoc>('SecurityCheck', securityCheckSchema)
