import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Art. 34: the authority publishes the provincial open-data catalog once a year and adjusts it
// yearly. Each publication is an edition; `_id` = `${year}:r${revision}`, so publishing revision n
// of a year twice (two clicks, a retry) stores it once. The newest revision of a year is its catalog.
const openCatalogEditionSchema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true, min: 2000, max: 2100 },
    revision: { type: Number, required: true, min: 1 },
    // The authority's statement of the year's open-data priorities (Art. 34), zh and en.
    priorities: {
      type: new Schema(
        { zh: { type: String, required: true }, en: { type: String, default: '' } },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    entryCount: { type: Number, required: true, min: 0 },
    // Filled by the snapshot step; `complete` flips once every item is written.
    complete: { type: Boolean, required: true, default: false },
    publishedBy: { type: String, required: true },
    publishedAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

// "Editions of a year, newest revision first" and the editions list.
openCatalogEditionSchema.index({ year: -1, revision: -1 })

export type OpenCatalogEditionDoc = InferSchemaType<typeof openCatalogEditionSchema>

export const OpenCatalogEdition =
  (mongoose.models.OpenCatalogEdition as mongoose.Model<OpenCatalogEditionDoc>) ??
  mongoose.model('OpenCatalogEdition', openCatalogEditionSchema, 'open_catalog_editions')

// One entry of an edition, as it stood when the edition was published. `_id` =
// `${editionId}:${position padded to 7}`, so an edition pages by `_id` and a retried snapshot
// writes each item once.
const openCatalogItemSchema = new Schema(
  {
    _id: { type: String, required: true },
    editionId: { type: String, required: true },
    entryId: { type: String, required: true },
    code: { type: String, required: true },
    version: { type: Number, required: true },
    title: {
      type: new Schema(
        { zh: { type: String, required: true }, en: { type: String, default: '' } },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    orgId: { type: String, required: true },
    orgName: {
      type: new Schema(
        { zh: { type: String, required: true }, en: { type: String, default: '' } },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    openAttribute: { type: String, required: true },
    updateFrequency: { type: String, required: true },
    formats: { type: [String], default: [] },
  },
  { versionKey: false, strict: 'throw' },
)

export type OpenCatalogItemDoc = InferSchemaType<typeof openCatalogItemSchema>

export const OpenCatalogItem =
  (mongoose.models.OpenCatalogItem as mongoose.Model<OpenCatalogItemDoc>) ??
  mongoose.model('OpenCatalogItem', openCatalogItemSchema, 'open_catalog_items')
