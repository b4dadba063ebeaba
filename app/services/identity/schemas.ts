// One schema per form/API body, shared by browser and server. Messages are
// i18n keys (`error.*`) so each user reads them in their own language.
import { z } from 'zod'
import { isValidResidentId, isValidUscc, normalizeResidentId, normalizeUscc } from './codes'
import { objectId } from '~/utils/schemas'

export const usccField = z
  .string()
  .transform(normalizeUscc)
  .refine(isValidUscc, 'error.uscc.checksum')

export const residentIdField = z
  .string()
  .transform(normalizeResidentId)
  .refine((v) => isValidResidentId(v), 'error.residentId.checksum')

const email = z.string().trim().toLowerCase().pipe(z.email().max(200))

export const loginSchema = z.strictObject({
  email,
  password: z.string().min(1, 'error.required').max(1024),
  redirectTo: z.string().max(500).optional(),
})

export const registrationSchema = z.strictObject({
  orgType: z.enum(['provider', 'buyer']),
  nameZh: z.string().trim().min(2).max(100),
  nameEn: z.string().trim().min(2).max(200),
  uscc: usccField,
  displayName: z.string().trim().min(1, 'error.required').max(100),
  email,
  password: z.string().min(10, 'error.password.short').max(1024),
})

/** C10 (Art. 39): a natural person registers with her resident ID. */
export const subjectRegistrationSchema = z.strictObject({
  displayName: z.string().trim().min(1, 'error.required').max(100),
  residentId: residentIdField,
  email,
  password: z.string().min(10, 'error.password.short').max(1024),
})
export type SubjectRegistrationInput = z.infer<typeof subjectRegistrationSchema>

/** The identity desk: whom, and the ID number read from the card in hand. */
export const deskCodeSchema = z.strictObject({
  userId: objectId(),
  residentId: residentIdField,
})

/** The subject's portal: ask for a copy, or confirm her identity with the desk's code. */
export const subjectFormSchema = z.discriminatedUnion('intent', [
  z.strictObject({ intent: z.literal('copy') }),
  // Art. 41: she revokes an authorization she gave.
  z.strictObject({ intent: z.literal('revoke'), authorizationId: objectId() }),
  z.strictObject({
    intent: z.literal('confirm'),
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'error.subject.badCode'),
  }),
])

export const reviewRegistrationSchema = z.strictObject({
  orgId: objectId(),
  decision: z.enum(['approved', 'rejected']),
  reason: z.string().trim().max(500).optional(),
})

export const createApiKeySchema = z.strictObject({
  intent: z.literal('create'),
  name: z.string().trim().min(1, 'error.required').max(80),
})

export const revokeApiKeySchema = z.strictObject({
  intent: z.literal('revoke'),
  id: z.string().regex(/^[0-9a-f]{16}$/),
})

export const apiKeyFormSchema = z.discriminatedUnion('intent', [
  createApiKeySchema,
  revokeApiKeySchema,
])
