// The forms and API bodies of disputes between public bodies (C13; Art. 51), shared by browser and
// server.
import { z } from 'zod'
import { DISPUTE_MATTERS } from '~/vocab/disputes'
import { many } from '~/services/sharing/schemas'
import { objectId } from '~/utils/schemas'

const text = (min: number, max: number) =>
  z.string().trim().min(min, 'error.dispute.tooShort').max(max, 'error.dispute.tooLong')

/** Art. 51: a body opens a dispute with another — the matter, the facts, documents, what it asks. */
export const disputeOpenSchema = z.strictObject({
  respondentOrgId: objectId(),
  matter: z.enum(DISPUTE_MATTERS),
  facts: text(20, 4000),
  documents: z
    .string()
    .max(4000, 'error.dispute.tooLong')
    .default('')
    .transform((s) =>
      s
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 50),
    ),
  asks: text(5, 2000),
})
export type DisputeOpening = z.infer<typeof disputeOpenSchema>

/** What one may do on a dispute's page. */
export const disputeStepSchema = z.discriminatedUnion('intent', [
  z.strictObject({ intent: z.literal('position'), text: text(10, 4000) }),
  z.strictObject({
    intent: z.literal('close'),
    outcome: z.enum(['resolved', 'failed']),
    note: text(5, 4000),
    invitedOrgIds: many(objectId()).default([]),
  }),
  z.strictObject({
    intent: z.literal('opinion'),
    claimantReasons: text(10, 4000),
    respondentReasons: text(10, 4000),
    leaning: text(10, 4000),
    submittedTo: text(2, 200),
  }),
  z.strictObject({ intent: z.literal('decision'), text: text(10, 4000) }),
])
export type DisputeStepInput = z.infer<typeof disputeStepSchema>
