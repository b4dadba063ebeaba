/**
 * Where a stored table holds records about data subjects (C10; Art. 39, 42): one per entry dataset
 * (`_id` the dataset's id), naming the file of its subject index in the content store. Collection
 * `subject_indexes`.
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
    entryId: { type: String, required: true },
    orgId: { type: String, required: true },
    datasetSha256: { type: String, required: true },
    column: { type: String, required: true },
    storageKey: { type: String, required: true },
    records: { type: Number, required: true },
    builtAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', minimize: false },
)

export type SubjectIndexDoc = InferSchemaType<typeof subjectIndexSchema>

export const SubjectIndex =
  (mongoose.models.SubjectIndex as mongoose.Model<SubjectIndexDoc>) ??
  mongoose.model('SubjectIndex', subjectIndexSchema, 'subject_indexes')
