// Shapes shared by the scanner, the job, the CLI and (later) forms: the declared schema of a file
// and the desensitization profile. No Node imports here.
import { z } from 'zod'
import { DETECTORS } from './detectors'

const columnName = z.string().min(1).max(200)

export const declaredColumnSchema = z.strictObject({
  name: columnName,
  /** The provider's declaration: does this column hold personal information? */
  personal: z.boolean().optional(),
  /** What the column holds, when it is one of the detected kinds (sharpens detection). */
  category: z.enum(DETECTORS).optional(),
  quasiIdentifier: z.boolean().optional(),
})

export const declaredSchemaSchema = z.strictObject({
  /** Which XLSX sheet the quasi-identifiers refer to (default: every sheet that has them). */
  sheet: z.string().max(200).optional(),
  columns: z.array(declaredColumnSchema).max(5000).default([]),
  quasiIdentifiers: z.array(columnName).max(32).default([]),
  /** Security grade, for the authority's minimum k (GB/T 43697 ladder). */
  grade: z.string().max(40).optional(),
})
export type DeclaredSchema = z.output<typeof declaredSchemaSchema>
export type DeclaredSchemaInput = z.input<typeof declaredSchemaSchema>

export const methodSpecSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('keep') }),
  z.strictObject({
    method: z.literal('mask'),
    keepHead: z.number().int().min(0).max(64).default(0),
    keepTail: z.number().int().min(0).max(64).default(0),
    maskChar: z.string().length(1).default('*'),
  }),
  z.strictObject({
    method: z.literal('generalize'),
    to: z.enum(['age-band', 'month', 'year', 'district', 'city', 'province']),
    width: z.number().int().min(2).max(50).default(10),
  }),
  z.strictObject({
    method: z.literal('pseudonymize'),
    algorithm: z.enum(['hmac-sm3', 'hmac-sha256']).default('hmac-sha256'),
  }),
  /** Suppression: the column is left out of the output. */
  z.strictObject({ method: z.literal('suppress') }),
])
export type MethodSpec = z.output<typeof methodSpecSchema>

export const profileSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.-]+$/),
  /** XLSX input: the sheet to write (default the first). CSV output is one table. */
  sheet: z.string().max(200).optional(),
  columns: z.record(columnName, methodSpecSchema),
  removeRecords: z
    .strictObject({
      /** Record-level removal of rows whose (transformed) quasi-identifier class is smaller than k. */
      belowK: z
        .strictObject({
          quasiIdentifiers: z.array(columnName).min(1).max(32),
          k: z.number().int().min(2).max(1000),
        })
        .optional(),
      /** Record-level removal of rows where a column equals a value. */
      where: z
        .array(z.strictObject({ column: columnName, equals: z.string().max(1000) }))
        .max(100)
        .optional(),
    })
    .optional(),
})
export type Profile = z.output<typeof profileSchema>
export type ProfileInput = z.input<typeof profileSchema>

// The JSON API's view of a scan report (GET /api/v1/scans/{id}).
const findingView = z.object({
  detector: z.enum(DETECTORS),
  count: z.number(),
  share: z.number(),
  samples: z.array(z.number()),
  confidence: z.number(),
  verdict: z.enum(['block', 'review']),
  reason: z.string(),
  suggestedMethod: z.string(),
})

export const scanReportView = z.object({
  id: z.string(),
  status: z.enum(['passed', 'failed']),
  fileHash: z.string(),
  schemaHash: z.string(),
  profile: z.string(),
  createdAt: z.string(),
  subjects: z.array(z.string()),
  result: z.object({
    status: z.enum(['passed', 'failed']),
    format: z.string().nullable(),
    encoding: z.string().nullable(),
    bytes: z.number(),
    sheets: z.array(
      z.object({
        name: z.string(),
        rows: z.number(),
        columnCount: z.number(),
        columns: z.array(
          z.object({
            index: z.number(),
            name: z.string(),
            declaredPersonal: z.boolean().nullable(),
            nonEmpty: z.number(),
            verdict: z.enum(['block', 'review', 'ok']),
            findings: z.array(findingView),
          }),
        ),
      }),
    ),
    kAnonymity: z.array(
      z.object({
        sheet: z.string(),
        quasiIdentifiers: z.array(z.string()),
        minK: z.number(),
        records: z.number(),
        classes: z.number(),
        smallestClass: z.number(),
        classesBelowK: z.number(),
        recordsBelowK: z.number(),
        shareBelowK: z.number(),
        passed: z.boolean(),
        offending: z.array(
          z.object({ labels: z.array(z.string()), count: z.number(), classes: z.number() }),
        ),
        overflow: z.string().optional(),
      }),
    ),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    schemaIssues: z.array(z.string()),
    blockingFindings: z.number(),
    durationMs: z.number(),
  }),
})

// The authority's minimum-k form: one field `k_<grade>` per grade; empty = use `default`.
export const minKFormSchema = z
  .record(
    z.string().regex(/^k_(default|core|important|general-[1-9])$/),
    z.union([z.literal(''), z.coerce.number().int().min(2).max(1000)]),
  )
  .refine((v) => typeof v.k_default === 'number', {
    message: 'error.scan.defaultKRequired',
    path: ['k_default'],
  })
  .transform(
    (v) =>
      Object.fromEntries(
        Object.entries(v).flatMap(([key, k]) => (k === '' ? [] : [[key.slice(2), k] as const])),
      ) as Record<string, number>,
  )

// ---------------------------------------------------------------- the provider's profile form
// A failed scan report offers a no-JavaScript form: one row per column (`col_<i>` its name,
// `m_<i>` the method, `head_<i>`/`tail_<i>` for masking, `to_<i>` for generalization, `alg_<i>`
// for pseudonymization), the quasi-identifiers (`qi`, repeated) and record removal below k.

export const FORM_METHODS = ['keep', 'mask', 'generalize', 'pseudonymize', 'suppress'] as const
const GENERALIZE_TO = ['age-band', 'month', 'year', 'district', 'city', 'province'] as const

/** A sensible first choice per detector (the report's suggestion, as a method spec). */
export const DEFAULT_METHOD: Record<(typeof DETECTORS)[number], MethodSpec> = {
  resident_id: { method: 'mask', keepHead: 6, keepTail: 4, maskChar: '*' },
  uscc: { method: 'keep' },
  mobile: { method: 'mask', keepHead: 3, keepTail: 4, maskChar: '*' },
  landline: { method: 'mask', keepHead: 4, keepTail: 2, maskChar: '*' },
  bank_card: { method: 'mask', keepHead: 6, keepTail: 4, maskChar: '*' },
  email: { method: 'pseudonymize', algorithm: 'hmac-sha256' },
  ipv4: { method: 'suppress' },
  ipv6: { method: 'suppress' },
  passport: { method: 'pseudonymize', algorithm: 'hmac-sm3' },
  hk_macao_permit: { method: 'pseudonymize', algorithm: 'hmac-sm3' },
  licence_plate: { method: 'mask', keepHead: 2, keepTail: 0, maskChar: '*' },
  person_name: { method: 'pseudonymize', algorithm: 'hmac-sm3' },
  address: { method: 'generalize', to: 'district', width: 10 },
  birth_date: { method: 'generalize', to: 'year', width: 10 },
  free_text: { method: 'suppress' },
}

const formInt = z.union([z.literal(''), z.coerce.number().int().min(0).max(64)]).optional()

export const desensitizeFormSchema = z
  .object({
    subject: z.string().regex(/^product-version:[0-9a-f]{24}$/, 'error.scan.badSubject'),
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w.-]+$/, 'error.scan.badProfileName'),
    sheet: z.string().max(200).optional(),
    qi: z
      .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(32)])
      .optional(),
    removeBelowK: z.literal('on').optional(),
  })
  .catchall(z.string().max(200))
  .superRefine((form, ctx) => {
    for (const key of Object.keys(form)) {
      if (['subject', 'name', 'sheet', 'qi', 'removeBelowK'].includes(key)) continue
      if (!/^(col|m|head|tail|to|alg)_\d{1,4}$/.test(key))
        ctx.addIssue({ code: 'custom', message: 'error.unknownField', path: [key] })
    }
  })

export type DesensitizeForm = z.output<typeof desensitizeFormSchema>

/**
 * The form → a profile and the declarations for the output's scan. Field errors name the form
 * field; `minK` is the authority's minimum for the version's grade (record removal uses it).
 */
export function profileFromForm(
  form: DesensitizeForm,
  minK: number,
): { profile: Profile; quasiIdentifiers: string[] } | { fieldErrors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {}
  const columns: Record<string, MethodSpec> = {}
  const rest = form as Record<string, unknown>
  for (const key of Object.keys(rest)) {
    const m = /^col_(\d{1,4})$/.exec(key)
    if (!m) continue
    const i = m[1]!
    const name = String(rest[key])
    const method = rest[`m_${i}`]
    if (method === undefined || method === 'keep') continue
    const num = (field: string) => {
      const parsed = formInt.safeParse(rest[`${field}_${i}`])
      if (!parsed.success) (errors[`${field}_${i}`] ??= []).push('error.scan.badMaskLength')
      return parsed.success && typeof parsed.data === 'number' ? parsed.data : 0
    }
    switch (method) {
      case 'mask':
        columns[name] = {
          method: 'mask',
          keepHead: num('head'),
          keepTail: num('tail'),
          maskChar: '*',
        }
        break
      case 'generalize': {
        const to = GENERALIZE_TO.find((g) => g === rest[`to_${i}`])
        if (!to) (errors[`to_${i}`] ??= []).push('error.scan.badMethod')
        else columns[name] = { method: 'generalize', to, width: 10 }
        break
      }
      case 'pseudonymize':
        columns[name] = {
          method: 'pseudonymize',
          algorithm: rest[`alg_${i}`] === 'hmac-sm3' ? 'hmac-sm3' : 'hmac-sha256',
        }
        break
      case 'suppress':
        columns[name] = { method: 'suppress' }
        break
      default:
        ;(errors[`m_${i}`] ??= []).push('error.scan.badMethod')
    }
  }
  const qi = [...new Set(form.qi === undefined ? [] : Array.isArray(form.qi) ? form.qi : [form.qi])]
  if (qi.some((q) => columns[q]?.method === 'suppress'))
    (errors.qi ??= []).push('error.scan.qiSuppressed')
  if (form.removeBelowK && qi.length === 0) (errors.qi ??= []).push('error.scan.qiRequired')
  if (Object.keys(columns).length === 0 && !form.removeBelowK)
    (errors._form ??= []).push('error.scan.emptyProfile')
  if (Object.keys(errors).length) return { fieldErrors: errors }
  const parsed = profileSchema.safeParse({
    name: form.name,
    ...(form.sheet ? { sheet: form.sheet } : {}),
    columns,
    ...(form.removeBelowK ? { removeRecords: { belowK: { quasiIdentifiers: qi, k: minK } } } : {}),
  })
  if (!parsed.success) return { fieldErrors: { _form: ['error.scan.emptyProfile'] } }
  return { profile: parsed.data, quasiIdentifiers: qi }
}
