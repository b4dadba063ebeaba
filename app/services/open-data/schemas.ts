// Zod schemas of the open-data portal's forms, shared by browser and server. Messages are i18n keys.
import { z } from 'zod'
import { objectId } from '~/utils/schemas'

const text = (min: number, max: number) => z.string().trim().min(min, 'error.required').max(max)

export const applicationFormSchema = z.strictObject({
  purpose: text(1, 2000),
  conditions: text(1, 4000),
})

export const decisionFormSchema = z.strictObject({
  intent: z.literal('decide'),
  applicationId: z.string().regex(/^[0-9a-f]{24}:[0-9a-f]{24}$/),
  decision: z.enum(['approved', 'refused']),
  reason: z.string().trim().max(1000).default(''),
})

export const COMMENT_TOPICS = ['priority', 'quality', 'new_data', 'other'] as const

export const commentFormSchema = z.strictObject({
  topic: z.enum(COMMENT_TOPICS),
  year: z.coerce.number().int().min(2020).max(2100),
  entryId: objectId()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  body: text(5, 4000),
  name: z.string().trim().max(100).default(''),
  contact: z.string().trim().max(200).default(''),
})

export const publishEditionSchema = z.strictObject({
  intent: z.literal('publish'),
  year: z.coerce.number().int().min(2020).max(2100),
  prioritiesZh: text(1, 4000),
  prioritiesEn: z.string().trim().max(6000).default(''),
})

export const yearParam = z.coerce.number().int().min(2000).max(2100)
