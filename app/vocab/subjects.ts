// The data subjects' vocabularies (C10; Art. 39–43). Plain data, no Node imports: shared by the
// Mongoose models, the Zod schemas and the browser.
export const COMPLAINT_STATUSES = ['submitted', 'accepted', 'not_accepted', 'decided'] as const
export const COMPLAINT_OUTCOMES = ['upheld', 'partly_upheld', 'dismissed'] as const
/** Art. 42: what a person may ask of a record about her — an objection (other measures), a
 * correction of a field, or the record's deletion. */
export const RECORD_REQUEST_KINDS = ['objection', 'correction', 'deletion'] as const
export const RECORD_REQUEST_STATUSES = ['pending', 'granted', 'refused'] as const
