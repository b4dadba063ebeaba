// Regulator console filters (issue 8): one schema for the log page, the CSV export and the
// query record. Shared by browser and server; messages are i18n keys.
import { z } from 'zod'

/** A blank form field means "no filter". */
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

const idField = z.preprocess(
  blank,
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'error.badRequest')
    .optional(),
)
const dayField = z.preprocess(blank, z.iso.date({ message: 'error.badRequest' }).optional())

export const logFilterSchema = z
  .strictObject({
    org: idField,
    actor: idField,
    action: z.preprocess(
      blank,
      z
        .string()
        .trim()
        .max(100)
        .regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/, 'error.badRequest')
        .optional(),
    ),
    subject: z.preprocess(
      blank,
      z
        .string()
        .trim()
        .max(200)
        .regex(/^[a-z][a-z0-9_-]*:[A-Za-z0-9_.:-]+$/, 'error.badRequest')
        .optional(),
    ),
    from: dayField,
    to: dayField,
    before: z.preprocess(
      blank,
      z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    ),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    message: 'error.regulatorConsole.badRange',
    path: ['to'],
  })

export type LogFilters = z.output<typeof logFilterSchema>

/** The filters as query-string pairs (no cursor), for links such as the CSV of the same view. */
export function filterParams(f: LogFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of ['org', 'actor', 'action', 'subject', 'from', 'to'] as const) {
    const v = f[key]
    if (v !== undefined) out[key] = v
  }
  return out
}
