// What verification accepts (C5; Art. 23 ¶3): the source department's setting, a candidate record.
import { z } from 'zod'
import { objectId } from '~/utils/schemas'

const fieldName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'error.sharing.fieldName')
const many = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(50))

export const verificationSettingInput = z.strictObject({
  keyFields: many(fieldName),
  checkFields: many(fieldName),
  enabled: z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean()),
})
export type VerificationSettingInput = z.output<typeof verificationSettingInput>

/** `POST /api/v1/verification`: the entry and the candidate's values by field name. */
export const verificationRequest = z.strictObject({
  entryId: objectId(),
  record: z
    .record(fieldName, z.string().max(500))
    .refine(
      (r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 50,
      'error.verification.badCandidate',
    ),
})

/** The verification page's form: the entry, and each field as `f_<name>`. */
export const verificationFormInput = z
  .object({ entryId: objectId() })
  .catchall(z.string().max(500))
  .refine(
    (v) =>
      Object.keys(v).every((k) => k === 'entryId' || /^f_[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k)),
    'error.verification.badCandidate',
  )
