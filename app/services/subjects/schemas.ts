// One schema per form/API body of the data subjects' portal (C10), shared by browser and server.
import { z } from 'zod'
import { COMPLAINT_OUTCOMES } from '~/vocab/subjects'
import { objectId } from '~/utils/schemas'
import { usccField } from '~/services/identity/schemas'
import { fieldName, many } from '~/services/sharing/schemas'

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

const recordRef = {
  datasetId: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{24}:[0-9a-f]{64}$/, 'error.subject.requestNotFound'),
  row: z.coerce.number().int().min(1).max(100_000_000),
  reasons: text(10, 2000),
}

const ignored = { field: z.string().max(500).optional(), proposed: z.string().max(500).optional() }

/** Art. 42: an objection to a record, or a request to correct a field of it or delete it. */
export const recordRequestSchema = z.discriminatedUnion('kind', [
  // (The form has one field and value for every kind: ignored unless correcting.)
  z.strictObject({ kind: z.literal('objection'), ...recordRef, ...ignored }),
  z.strictObject({ kind: z.literal('deletion'), ...recordRef, ...ignored }),
  z.strictObject({
    kind: z.literal('correction'),
    ...recordRef,
    field: z.string().trim().min(1, 'error.subject.badField').max(100),
    // One cell of a table: no line breaks or other control characters.
    proposed: z
      .string()
      .trim()
      .max(500, 'error.subject.tooLong')
      // eslint-disable-next-line no-control-regex -- control characters are what it refuses
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'error.subject.controlChars'),
  }),
])
export type RecordRequestInput = z.infer<typeof recordRequestSchema>

/** The source department's decision, with reasons either way. */
export const recordRequestDecisionSchema = z.strictObject({
  requestId: objectId(),
  decision: z.enum(['granted', 'refused']),
  note: text(10, 4000),
})
export type RecordRequestDecision = z.infer<typeof recordRequestDecisionSchema>

/** The authority's deadline for record requests, in working days. */
export const recordRequestDaysSchema = z.strictObject({
  days: z.coerce.number().int().min(1, 'error.subject.badDays').max(60, 'error.subject.badDays'),
})

/** Art. 41: she authorizes an organisation (by USCC) to use named fields of an entry, until a day. */
export const authorizationSchema = z.strictObject({
  uscc: usccField,
  entryId: objectId(),
  fields: many(fieldName).refine((f) => f.length > 0, 'error.subject.noFields'),
  purpose: text(5, 1000),
  end: z.iso.date('error.subject.badEnd'),
})
export type AuthorizationInput = z.infer<typeof authorizationSchema>
