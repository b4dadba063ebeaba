import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// A data item (數據項) of the province-wide registry, identified by its canonical code, e.g.
// `DI-P-0001` (resident ID number). Art. 14: each has exactly one legal source department,
// recorded in models/source-claim.ts (not here, so the owner is decided by a unique insert).
const dataItemSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: {
      type: new Schema(
        { zh: { type: String, required: true }, en: { type: String, default: '' } },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    description: { type: String, default: '' },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type DataItemDoc = InferSchemaType<typeof dataItemSchema>

export const DataItem =
  (mongoose.models.DataItem as mongoose.Model<DataItemDoc>) ??
  mongoose.model('DataItem', dataItemSchema, 'data_items')
