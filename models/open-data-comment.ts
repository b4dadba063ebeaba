import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Art. 34: the public's opinions on which data should be opened first. Anyone may write one (no
// login); only the authority reads them. Contact details are optional and never shown publicly.
export const COMMENT_TOPICS = ['priority', 'quality', 'new_data', 'other'] as const

const openDataCommentSchema = new Schema(
  {
    topic: { type: String, enum: COMMENT_TOPICS, required: true },
    // The catalog year the comment is about (the edition being adjusted).
    year: { type: Number, required: true },
    // An entry the comment names, if any.
    entryId: { type: String, default: null },
    body: { type: String, required: true },
    name: { type: String, default: '' },
    contact: { type: String, default: '' },
    // Set when a signed-in user wrote it.
    userId: { type: String, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type OpenDataCommentDoc = InferSchemaType<typeof openDataCommentSchema> & {
  _id: mongoose.Types.ObjectId
}

// The authority reads comments newest first, paged by `_id` (no secondary index needed).
export const OpenDataComment =
  (mongoose.models.OpenDataComment as mongoose.Model<
    InferSchemaType<typeof openDataCommentSchema>
  >) ?? mongoose.model('OpenDataComment', openDataCommentSchema, 'open_data_comments')
