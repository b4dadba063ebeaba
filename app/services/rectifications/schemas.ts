// The forms of rectification notices (C12; Art. 52), shared by browser and server.
import { z } from 'zod'
import { objectId } from '~/utils/schemas'

const text = (min: number, max: number) =>
  z.string().trim().min(min, 'error.rectification.tooShort').max(max, 'error.rectification.tooLong')

/** Art. 52: the authority's rectification notice, and the agency's and authority's steps on it. */
export const rectificationFormSchema = z.discriminatedUnion('intent', [
  z.strictObject({
    intent: z.literal('issue'),
    agencyOrgId: objectId(),
    item: z.coerce
      .number()
      .int()
      .min(1, 'error.rectification.badItem')
      .max(10, 'error.rectification.badItem'),
    finding: text(10, 4000),
    days: z.coerce
      .number()
      .int()
      .min(1, 'error.rectification.badDays')
      .max(180, 'error.rectification.badDays'),
    evidence: z
      .string()
      .max(2000, 'error.rectification.tooLong')
      .default('')
      .transform((s) => [...new Set((s.match(/\d+/g) ?? []).map(Number))].slice(0, 100)),
  }),
  z.strictObject({
    intent: z.literal('answer'),
    rectificationId: objectId(),
    measures: text(10, 4000),
  }),
  z.strictObject({ intent: z.literal('close'), rectificationId: objectId(), note: text(2, 2000) }),
])
export type RectificationForm = z.infer<typeof rectificationFormSchema>
