/**
 * A fiscally funded IT project and its data list (C12; Art. 50). Collection `it_projects`.
 *
 * - `name` · `unitOrgId` the project unit (an agency) · `authorityOrgId` the data authority that
 *   registered it and accepts it · `registeredBy` `registeredAt` · `loggedSeq` its log entry, set last
 * - `dataList` the catalog entries the project produces, filed by the unit (`dataListFiledAt`,
 *   `dataListFiledBy`); refiled freely until the project is accepted; `dataListLoggedAt` the filing
 *   whose log entry is written (behind `dataListFiledAt` after a crash: logged when next read)
 * - `acceptedAt` `acceptedBy` `acceptedSeq`: projected from the acceptance claim
 *   (`it_project_acceptances`, `_id` the project), so a project is accepted once
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const itProjectSchema = new Schema(
  {
    name: { type: String, required: true },
    unitOrgId: { type: String, required: true },
    authorityOrgId: { type: String, required: true },
    registeredBy: { type: String, required: true },
    registeredAt: { type: Date, required: true },
    loggedSeq: { type: Number, default: null },
    dataList: { type: [String], default: [] },
    dataListFiledAt: { type: Date, default: null },
    dataListFiledBy: { type: String, default: null },
    dataListLoggedAt: { type: Date, default: null },
    acceptedAt: { type: Date, default: null },
    acceptedBy: { type: String, default: null },
    acceptedSeq: { type: Number, default: null },
  },
  { collection: 'it_projects', versionKey: false, strict: 'throw' },
)

export type ItProjectDoc = InferSchemaType<typeof itProjectSchema> & {
  _id: mongoose.Types.ObjectId
}

export const ItProject: mongoose.Model<ItProjectDoc> =
  (mongoose.models.ItProject as mongoose.Model<ItProjectDoc> | undefined) ??
  mongoose.model<ItProjectDoc>('ItProject', itProjectSchema)

/** The acceptance of a project: one insert under the project's id, so it happens once. */
const itProjectAcceptanceSchema = new Schema(
  {
    _id: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    /** The check as it stood when accepted: entry, and each criterion met. */
    items: { type: [Schema.Types.Mixed], default: [] },
  },
  { collection: 'it_project_acceptances', versionKey: false, strict: 'throw' },
)

export type ItProjectAcceptanceDoc = InferSchemaType<typeof itProjectAcceptanceSchema> & {
  _id: string
}

export const ItProjectAcceptance: mongoose.Model<ItProjectAcceptanceDoc> =
  (mongoose.models.ItProjectAcceptance as mongoose.Model<ItProjectAcceptanceDoc> | undefined) ??
  mongoose.model<ItProjectAcceptanceDoc>('ItProjectAcceptance', itProjectAcceptanceSchema)
