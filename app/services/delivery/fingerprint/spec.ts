// The column spec a data product declares for fingerprinting: what each column is, and how far
// (if at all) a buyer's copy may differ from the original in it. Identifiers and free text never
// change; numerics change only within the declared tolerance; dates change only between the
// equivalent spellings the product allows. Shared by browser and server (no Node imports).
import { z } from 'zod'

const name = z.string().trim().min(1).max(200)

export const numericToleranceSchema = z.union([
  // ±delta in absolute units: the mark moves one digit at the largest power of ten ≤ delta.
  z.object({ absolute: z.number().positive().max(1e12) }).strict(),
  // ±1 in the last digit as written ("12.34" → 12.33 or 12.35).
  z.object({ lastDigit: z.literal(true) }).strict(),
])

export const fingerprintColumnSchema = z.discriminatedUnion('kind', [
  // Row keys (USCC, ID numbers, record ids): never changed; they anchor the marks.
  z.object({ name, kind: z.literal('identifier') }).strict(),
  z.object({ name, kind: z.literal('text') }).strict(),
  z.object({ name, kind: z.literal('category') }).strict(),
  z
    .object({
      name,
      kind: z.literal('date'),
      // 2024-01-05 ↔ 2024/01/05: the same date, spelled per licence.
      equivalentEncodings: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      name,
      kind: z.literal('numeric'),
      // Absent: the column never changes (and then helps anchor the rows).
      tolerance: numericToleranceSchema.optional(),
    })
    .strict(),
])

export const fingerprintSpecSchema = z
  .object({
    columns: z.array(fingerprintColumnSchema).min(1).max(500),
    // Share of markable cells that carry a mark (about half of those change).
    density: z.number().min(0.05).max(1).default(0.5),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const seen = new Set<string>()
    for (const c of spec.columns) {
      const key = canonicalHeader(c.name)
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          message: 'error.fingerprint.duplicateColumn',
          path: ['columns'],
        })
      seen.add(key)
    }
    if (!spec.columns.some(isMarkable)) {
      ctx.addIssue({
        code: 'custom',
        message: 'error.fingerprint.nothingToMark',
        path: ['columns'],
      })
    }
    if (!spec.columns.some((c) => !isMarkable(c))) {
      ctx.addIssue({ code: 'custom', message: 'error.fingerprint.noAnchor', path: ['columns'] })
    }
  })

export type FingerprintColumn = z.infer<typeof fingerprintColumnSchema>
export type FingerprintSpec = z.infer<typeof fingerprintSpecSchema>
export type FingerprintSpecInput = z.input<typeof fingerprintSpecSchema>

/** A column whose cells may carry a mark. */
export function isMarkable(c: FingerprintColumn): boolean {
  return (
    (c.kind === 'numeric' && c.tolerance !== undefined) ||
    (c.kind === 'date' && c.equivalentEncodings)
  )
}

/** Header names as a leaker's tools may rewrite them: trimmed, NFKC (full-width → half-width), lower case. */
export function canonicalHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase()
}

export function parseFingerprintSpec(input: unknown): FingerprintSpec {
  return fingerprintSpecSchema.parse(input)
}
