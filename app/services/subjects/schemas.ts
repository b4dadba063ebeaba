// One schema per form/API body of the data subjects' portal (C10), shared by browser and server.
import { z } from 'zod'
import { COMPLAINT_OUTCOMES } from '~/vocab/subjects'
import { objectId } from '~/utils/schemas'

const text = (min: number, max: number) =>
  z.string().trim().min(min, 'error.subject.tooShort').max(max, 'error.subject.tooLong')

/** Art. 43: a complaint about a public body, to the authority at its level. */
export const complaintSchema = z.strictObject({
  respondentOrgId: objectId(),
  facts: text(20, 4000),
  remedy: text(5, 2000),
})
export type ComplaintInput = z.infer<typeof complaintSchema>

/** The authority's answer: accept it or not (with reasons), then decide it (with reasons). */
export const complaintAnswerSchema = z.discriminatedUnion('step', [
  z.strictObject({
    step: z.literal('accept'),
    complaintId: objectId(),
    decision: z.enum(['accepted', 'not_accepted']),
    note: z.string().trim().max(2000).default(''),
  }),
  z.strictObject({
    step: z.literal('decide'),
    complaintId: objectId(),
    decision: z.enum(COMPLAINT_OUTCOMES),
    note: text(10, 4000),
  }),
])
export type ComplaintAnswer = z.infer<typeof complaintAnswerSchema>
