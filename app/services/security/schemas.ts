// Zod schemas of the security pages and API (shared by browser and server). Messages are i18n keys.
import { z } from 'zod'
import { CONFIDENTIALITY_OUTCOMES } from '~/vocab/security'

/** Art. 46: a confidentiality review's outcome and what was checked (or why it failed). */
export const confidentialityReviewInput = z.strictObject({
  outcome: z.enum(CONFIDENTIALITY_OUTCOMES),
  note: z.string().trim().min(4, 'error.confidentiality.noteRequired').max(2000),
})
