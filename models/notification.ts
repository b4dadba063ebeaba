import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose'

// One in-app notice. Written only by the `notifications` job; the producer's
// idempotency key makes a retried or re-enqueued job a no-op.
const notificationSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    // Neither orgId nor userId: a kind-level notice for the supervising authority.
    orgId: { type: String },
    userId: { type: String },
    kind: { type: String, required: true },
    params: { type: Schema.Types.Mixed, required: true, default: () => ({}) },
    createdAt: { type: Date, required: true, default: () => new Date() },
    readAt: { type: Date },
  },
  { versionKey: false, collection: 'notifications', minimize: false },
)

// An organisation's inbox, newest first.
notificationSchema.index({ orgId: 1, createdAt: -1 })
// A user's inbox, newest first.
notificationSchema.index({ userId: 1, createdAt: -1 })
// The authority's kind-level notices (e.g. every `ledger.broken`), newest first.
notificationSchema.index({ kind: 1, createdAt: -1 })

export type Notification = InferSchemaType<typeof notificationSchema>

export const NotificationModel: Model<Notification> =
  (mongoose.models.Notification as Model<Notification> | undefined) ??
  mongoose.model<Notification>('Notification', notificationSchema)
