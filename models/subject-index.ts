/**
 * Where a stored table holds records about data subjects (C10; Art. 39, 42): one per table, naming
 * the file of its subject index in the content store. Collection `subject_indexes`. A table is an
 * entry's dataset (`_id` the dataset's id, `<entry>:<sha256>`), a product version's CSV/TSV file
 * (`pv:<version>:<distribution key>`) or an open-data file (`odf:<file id>`).
 *
 * - `source` which of the three · `fileName` `tableKey` (the table's bytes in the content store)
 *   `header` `storedAt` — the table as it was indexed (entry datasets read these from the dataset)
 *
 * - `entryId` `orgId` the entry and its source department · `datasetSha256` the table it was built
 *   from · `column` the field holding the subject's identifier · `storageKey` the index file
 *   (sorted 24-byte records: 8 bytes of the subject key, the row's byte offset and length in the
 *   table, its row number) · `records` rows indexed · `builtAt`
 *
 * One per dataset (the `_id`): a rerun of the job finds it there.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const subjectIndexSchema = new Schema(
  {
    _id: { type: String, required: true },
    source: {
      type: String,
      enum: ['entry-dataset', 'product-version', 'open-data-file'],
      default: 'entry-dataset',
    },
    entryId: { type: String, default: null },
    orgId: { type: String, required: true },
    datasetSha256: { type: String, required: true },
    column: { type: String, required: true },
    storageKey: { type: String, required: true },
    records: { type: Number, required: true },
    builtAt: { type: Date, required: true },
    fileName: { type: String, default: null },
    tableKey: { type: String, default: null },
    header: { type: [String], default: [] },
    storedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

export type SubjectIndexDoc = InferSchemaType<typeof subjectIndexSchema>

export const SubjectIndex =
  (mongoose.models.SubjectIndex as mongoose.Model<SubjectIndexDoc>) ??
  mongoose.model('SubjectIndex', subjectIndexSchema, 'subject_indexes')
