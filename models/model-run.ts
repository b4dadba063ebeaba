/**
 * A run of an authority model (Art. 36) on data the requester holds a right to. Collection
 * `model_runs`. The `run-model` job executes it; the result is a new version of a private product
 * of the requester (models/product.ts `visibility: private`) with provenance naming the model
 * version, the input version and the run.
 *
 * - `requesterOrgId` `requesterUserId` · `modelProductId` `modelVersionId` · `inputVersionId`
 * - `parameters` JSON text (validated by the runner) · `runner` built-in runner id
 * - `status` queued|running|succeeded|failed (projection; the result version's unique `runId`
 *   is what makes a retried job produce one result) · `error` i18n key when failed
 * - `resultProductId` `resultVersionId` · `jobId` · `createdAt` `startedAt` `finishedAt`
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

export const MODEL_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const

const modelRunSchema = new Schema(
  {
    requesterOrgId: { type: String, required: true },
    requesterUserId: { type: String, required: true },
    modelProductId: { type: String, required: true },
    modelVersionId: { type: String, required: true },
    inputVersionId: { type: String, required: true },
    parameters: { type: String, default: '{}' },
    runner: { type: String, required: true },
    status: { type: String, enum: MODEL_RUN_STATUSES, required: true, default: 'queued' },
    error: { type: String, default: null },
    errorParams: { type: String, default: null },
    resultProductId: { type: String, default: null },
    resultVersionId: { type: String, default: null },
    jobId: { type: String, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

// "My model runs", newest first, paged by _id.
modelRunSchema.index({ requesterOrgId: 1, _id: -1 })

export type ModelRunDoc = InferSchemaType<typeof modelRunSchema> & { _id: mongoose.Types.ObjectId }

export const ModelRun =
  (mongoose.models.ModelRun as mongoose.Model<InferSchemaType<typeof modelRunSchema>>) ??
  mongoose.model('ModelRun', modelRunSchema, 'model_runs')
