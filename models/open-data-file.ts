import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// The bytes behind an open distribution (Art. 33: opened data is published on the platform). The
// file itself is in GridFS (bucket `open_files`); this document names it. `_id` =
// `${entryId}:${distributionKey}:${sha256}`: the same upload twice stores one record; the newest
// record of a distribution is the one served. `emergencyId` the emergency collection it was
// published under (Art. 40); `sealedAt` `sealed` when that emergency ended and the file was sealed
// (crypto-shredded, the GridFS bytes removed): a sealed file is never served again.
const openDataFileSchema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    key: { type: String, required: true },
    gridFsId: { type: Schema.Types.ObjectId, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true, min: 0 },
    sha256: { type: String, required: true },
    uploadedBy: { type: String, required: true },
    uploadedAt: { type: Date, required: true, default: () => new Date() },
    emergencyId: { type: String, default: null },
    sealedAt: { type: Date, default: null },
    sealed: {
      type: new Schema(
        {
          sensitive: { type: Boolean, required: true },
          findings: { type: Number, required: true },
          ciphertextKey: { type: String, required: true },
          ciphertextSha256: { type: String, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { versionKey: false, strict: 'throw' },
)

// "The current file of a distribution": newest upload of (entryId, key).
openDataFileSchema.index({ entryId: 1, key: 1, uploadedAt: -1 })

export type OpenDataFileDoc = InferSchemaType<typeof openDataFileSchema>

export const OpenDataFile =
  (mongoose.models.OpenDataFile as mongoose.Model<OpenDataFileDoc>) ??
  mongoose.model('OpenDataFile', openDataFileSchema, 'open_data_files')
