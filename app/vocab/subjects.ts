// The data subjects' vocabularies (C10; Art. 39–43). Plain data, no Node imports: shared by the
// Mongoose models, the Zod schemas and the browser.
export const COMPLAINT_STATUSES = ['submitted', 'accepted', 'not_accepted', 'decided'] as const
export const COMPLAINT_OUTCOMES = ['upheld', 'partly_upheld', 'dismissed'] as const
