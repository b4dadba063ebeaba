/**
 * Security events (issue 19; Art. 45 ¶2, 47). Collection `security_events`: one document per
 * (kind, subject, hour), counted — a password-guessing run is one line with its count, not ten
 * thousand.
 *
 * - `_id` `<kind>|<hour>|<subject digest>` · `kind` · `severity` · `hour` the hour it falls in
 * - `subject` what it concerns, as shown (an account, an address, an entry; never a password)
 * - `orgId` `userId` when known · `detail` the last one's detail · `count` · `firstAt` `lastAt`
 * - `alertedAt` when the data authority was alerted (ALERTING kinds, once per document)
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { SECURITY_EVENT_KINDS, SECURITY_SEVERITIES } from '~/vocab/security'

const securityEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: SECURITY_EVENT_KINDS, required: true },
    severity: { type: String, enum: SECURITY_SEVERITIES, required: true },
    hour: { type: Date, required: true },
    subject: { type: String, required: true },
    orgId: { type: String, default: null },
    userId: { type: String, default: null },
    detail: { type: String, default: '' },
    count: { type: Number, required: true, default: 1 },
    firstAt: { type: Date, required: true },
    lastAt: { type: Date, required: true },
    alertedAt: { type: Date, default: null },
  },
  { collection: 'security_events', versionKey: false, strict: 'throw' },
)
securityEventSchema.index({ hour: -1 })

export type SecurityEventDoc = InferSchemaType<typeof securityEventSchema> & { _id: string }

export const SecurityEvent: mongoose.Model<SecurityEventDoc> =
  (mongoose.models.SecurityEvent as mongoose.Model<SecurityEventDoc> | undefined) ??
  mongoose.model<SecurityEventDoc>('SecurityEvent', securityEventSchema)
