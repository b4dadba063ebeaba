// Zod schemas shared by browser and server for products (C7). The JSON API takes the nested
// shapes (`productInput`, `versionDraftInput`); the no-JavaScript forms post flat fields that
// `productFormSchema` / `versionFormSchema` turn into the same shapes. Messages are i18n keys.
import { z } from 'zod'
import { httpUrl, objectId as idSchema } from '~/utils/schemas'
import {
  DELIVERY_MODES,
  INPUT_KINDS,
  PRICE_PLAN_KINDS,
  PRODUCT_CATEGORIES,
  PRODUCT_GRADE_TIERS,
  PRODUCT_KINDS,
  SCHEMA_FIELD_TYPES,
  USAGE_REPORT_PERIODS,
} from '~/vocab/products'

export const MODEL_RUNNERS = ['land-use-structure'] as const
export type ModelRunner = (typeof MODEL_RUNNERS)[number]

export const objectId = idSchema('error.market.badId')
const text = (max: number) => z.string().trim().max(max).default('')
const required = (max: number) => z.string().trim().min(1, 'error.required').max(max)
const localizedRequired = (max: number) => z.strictObject({ zh: required(max), en: text(max * 2) })
const localizedOptional = (max: number) =>
  z.strictObject({ zh: text(max), en: text(max * 2) }).default({ zh: '', en: '' })
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
const fieldName = z.string().trim().regex(FIELD_NAME, 'error.market.fieldName')

/** Yuan as typed ("2000", "2,000.50") → integer fen, by string arithmetic (never a float). */
export function yuanToFen(raw: string): number | null {
  const s = raw.trim().replace(/[,，\s]/g, '')
  const m = /^([0-9]{1,10})(?:\.([0-9]{1,2}))?$/.exec(s)
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

/** Integer fen → "2,000.50" (display; the currency sign is the page's). */
export function fenToYuan(fen: number): string {
  const yuan = Math.trunc(fen / 100)
  const rest = String(fen % 100).padStart(2, '0')
  return `${yuan.toLocaleString('en-US')}.${rest}`
}

export const pricePlanInput = z.strictObject({
  kind: z.enum(PRICE_PLAN_KINDS),
  title: localizedRequired(100),
  amountFen: z.number().int('error.market.fenInteger').min(0).max(100_000_000_000),
  callsQuota: z.number().int().positive().max(1_000_000_000).nullable().default(null),
  seats: z.number().int().positive().max(1_000_000).nullable().default(null),
})

export const licenceTemplateInput = z.strictObject({
  purpose: localizedRequired(500),
  scenario: localizedRequired(500),
  permittedFields: z.array(fieldName).max(300).default([]),
  deliveryMode: z.enum(DELIVERY_MODES),
  durationDays: z.number().int().min(1).max(3650),
  derivationAllowed: z.boolean(),
  redistribution: z.boolean().default(false),
  researchOnly: z.boolean().default(false),
  commercialUse: z.boolean().default(true),
  usageReport: z.enum(USAGE_REPORT_PERIODS).default('quarterly'),
})

const modelPortInput = z.strictObject({
  name: required(80),
  description: localizedOptional(500),
  fields: z.array(fieldName).max(100).default([]),
})

export const modelSpecInput = z.strictObject({
  inputs: z.array(modelPortInput).max(20).default([]),
  outputs: z.array(modelPortInput).max(20).default([]),
  documentation: localizedOptional(20_000),
  runner: z.enum(MODEL_RUNNERS),
})

/** A product as a program sends it (POST /api/v1/products). */
export const productInput = z.strictObject({
  kind: z.enum(PRODUCT_KINDS),
  title: localizedRequired(200),
  description: localizedOptional(6000),
  category: z.enum(PRODUCT_CATEGORIES),
  grade: z.strictObject({
    tier: z.enum(PRODUCT_GRADE_TIERS),
    level: z.number().int().min(1).max(9).nullable().default(null),
  }),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  sample: text(16_000),
  pricePlans: z.array(pricePlanInput).max(10).default([]),
  licenceTemplate: licenceTemplateInput,
  model: modelSpecInput.nullable().default(null),
})
export type ProductInput = z.output<typeof productInput>

export const inputRefInput = z.strictObject({ kind: z.enum(INPUT_KINDS), id: objectId })

/**
 * Art. 38 (ADR 021): how far a buyer's fingerprinted copy may differ from the original in a
 * numeric column — `fixed` never (a decimal is otherwise ±1 in its last digit), or ±`absolute`
 * (one digit at the largest power of ten within it; integers are otherwise never changed).
 */
export const schemaFieldInput = z
  .strictObject({
    name: fieldName,
    label: localizedRequired(100),
    type: z.enum(SCHEMA_FIELD_TYPES),
    personal: z.boolean().default(false),
    sensitive: z.boolean().default(false),
    fixed: z.boolean().default(false),
    toleranceAbsolute: z.number().positive().max(1e12).nullable().default(null),
  })
  .refine(
    (f) =>
      (!f.fixed && f.toleranceAbsolute === null) ||
      (isNumericField(f.type) && !(f.fixed && f.toleranceAbsolute !== null)),
    {
      message: 'error.market.toleranceNotNumeric',
    },
  )

function isNumericField(type: string): boolean {
  return type === 'decimal' || type === 'integer'
}

/** A field line's flag `±N` (or `+-N`): N, or null for any other flag; NaN for a malformed one. */
function toleranceFlag(flag: string): number | null {
  if (!/^(?:±|\+-)/.test(flag)) return null
  const n = /^(?:±|\+-)\s*(\d+(?:\.\d+)?)$/.exec(flag)?.[1]
  return n === undefined ? Number.NaN : Number(n)
}

const FIELD_FLAGS = ['personal', 'sensitive', 'fixed']

const jsonText = z
  .string()
  .max(4000)
  .default('{}')
  .refine((s) => {
    try {
      const v: unknown = JSON.parse(s)
      return typeof v === 'object' && v !== null
    } catch {
      return false
    }
  }, 'error.market.parametersJson')

/** A new draft version as a program sends it (POST /api/v1/products/{id}/versions). */
export const versionDraftInput = z.strictObject({
  note: localizedOptional(2000),
  inputs: z.array(inputRefInput).min(1, 'error.market.noInputs').max(200),
  activity: z
    .strictObject({
      label: localizedRequired(200),
      description: text(4000),
      parameters: jsonText,
    })
    .default({ label: { zh: '上传', en: 'Upload' }, description: '', parameters: '{}' }),
  schema: z.array(schemaFieldInput).max(500).default([]),
  apiEndpoint: httpUrl().optional(),
})
export type VersionDraftInput = z.output<typeof versionDraftInput>

// --- the no-JavaScript forms --------------------------------------------------------------

const many = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().max(500)).max(300),
)
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean())
const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[0-9]{1,10}$/, 'error.market.notANumber')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

/** The provider console's product form: flat fields → `productInput`. */
export const productFormSchema = z
  .strictObject({
    kind: z.enum(PRODUCT_KINDS),
    titleZh: required(200),
    titleEn: text(400),
    descriptionZh: text(6000),
    descriptionEn: text(12000),
    category: z.enum(PRODUCT_CATEGORIES),
    gradeTier: z.enum(PRODUCT_GRADE_TIERS),
    gradeLevel: z.string().trim().max(1).default(''),
    tags: text(400),
    sample: text(16_000),
    p_kind: many,
    p_titleZh: many,
    p_titleEn: many,
    p_amount: many,
    p_quota: many,
    p_seats: many,
    l_purposeZh: required(500),
    l_purposeEn: text(1000),
    l_scenarioZh: required(500),
    l_scenarioEn: text(1000),
    l_fields: text(2000),
    l_mode: z.enum(DELIVERY_MODES),
    l_days: int(1, 3650),
    l_derivation: checkbox.default(false),
    l_redistribution: checkbox.default(false),
    l_researchOnly: checkbox.default(false),
    l_usageReport: z.enum(USAGE_REPORT_PERIODS).default('quarterly'),
    m_docZh: text(20_000),
    m_docEn: text(40_000),
    m_inputs: text(4000),
    m_outputs: text(4000),
    m_runner: z.enum(MODEL_RUNNERS).optional(),
  })
  .transform((f, ctx): ProductInput => {
    const plans: ProductInput['pricePlans'] = []
    f.p_kind.forEach((kind, i) => {
      const titleZh = (f.p_titleZh[i] ?? '').trim()
      const amount = (f.p_amount[i] ?? '').trim()
      if (!kind || (!titleZh && !amount)) return
      const fen = yuanToFen(amount)
      if (fen === null) {
        ctx.addIssue({ code: 'custom', message: 'error.market.amount', path: [`p_amount`] })
        return
      }
      const parsedKind = z.enum(PRICE_PLAN_KINDS).safeParse(kind)
      if (!parsedKind.success || !titleZh) {
        ctx.addIssue({ code: 'custom', message: 'error.required', path: ['p_titleZh'] })
        return
      }
      const quota = (f.p_quota[i] ?? '').trim()
      const seats = (f.p_seats[i] ?? '').trim()
      plans.push({
        kind: parsedKind.data,
        title: { zh: titleZh, en: (f.p_titleEn[i] ?? '').trim() },
        amountFen: fen,
        callsQuota: /^[0-9]{1,9}$/.test(quota) && Number(quota) > 0 ? Number(quota) : null,
        seats: /^[0-9]{1,6}$/.test(seats) && Number(seats) > 0 ? Number(seats) : null,
      })
    })
    const level = f.gradeLevel === '' ? null : Number(f.gradeLevel)
    const ports = (raw: string) =>
      raw
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
        .map((line) => {
          const [name = '', zh = '', en = ''] = line.split('|').map((s) => s.trim())
          return { name, description: { zh, en }, fields: [] }
        })
    const fieldList = f.l_fields
      .split(/[,，\s]+/)
      .map((s) => s.trim())
      .filter(Boolean)
    for (const name of fieldList) {
      if (!FIELD_NAME.test(name))
        ctx.addIssue({ code: 'custom', message: 'error.market.fieldName', path: ['l_fields'] })
    }
    return {
      kind: f.kind,
      title: { zh: f.titleZh, en: f.titleEn },
      description: { zh: f.descriptionZh, en: f.descriptionEn },
      category: f.category,
      grade: { tier: f.gradeTier, level: Number.isInteger(level) ? level : null },
      tags: f.tags
        .split(/[,，]/)
        .map((s) => s.trim())
        .filter(Boolean)
        .slice(0, 20),
      sample: f.sample,
      pricePlans: plans,
      licenceTemplate: {
        purpose: { zh: f.l_purposeZh, en: f.l_purposeEn },
        scenario: { zh: f.l_scenarioZh, en: f.l_scenarioEn },
        permittedFields: fieldList,
        deliveryMode: f.l_mode,
        durationDays: f.l_days,
        derivationAllowed: f.l_derivation,
        redistribution: f.l_redistribution,
        researchOnly: f.l_researchOnly,
        commercialUse: !f.l_researchOnly,
        usageReport: f.l_usageReport,
      },
      model:
        f.kind === 'model'
          ? {
              inputs: ports(f.m_inputs),
              outputs: ports(f.m_outputs),
              documentation: { zh: f.m_docZh, en: f.m_docEn },
              runner: f.m_runner ?? 'land-use-structure',
            }
          : null,
    }
  })

/**
 * The new-version form: `input` checkboxes (`catalog-entry:<id>` / `product-version:<id>`), more
 * references one per line in `moreInputs`, schema fields one per line
 * (`name, 中文名, English label, type[, personal][, sensitive][, fixed | ±N]`).
 */
export const versionFormSchema = z
  .strictObject({
    noteZh: text(2000),
    noteEn: text(4000),
    input: many,
    moreInputs: text(8000),
    activityZh: required(200),
    activityEn: text(400),
    activityDescription: text(4000),
    parameters: jsonText,
    schemaLines: text(40_000),
    apiEndpoint: z.string().trim().max(500).default(''),
  })
  .transform((f, ctx): VersionDraftInput => {
    const refs = [...f.input, ...f.moreInputs.split(/[\s,]+/)].map((s) => s.trim()).filter(Boolean)
    const inputs: VersionDraftInput['inputs'] = []
    const seen = new Set<string>()
    for (const ref of refs) {
      const m = /^(catalog-entry|product-version):([0-9a-f]{24})$/.exec(ref)
      if (!m) {
        ctx.addIssue({ code: 'custom', message: 'error.market.badInputRef', path: ['moreInputs'] })
        continue
      }
      if (seen.has(ref)) continue
      seen.add(ref)
      inputs.push({ kind: m[1] as (typeof INPUT_KINDS)[number], id: m[2]! })
    }
    if (inputs.length === 0)
      ctx.addIssue({ code: 'custom', message: 'error.market.noInputs', path: ['input'] })
    const schema: VersionDraftInput['schema'] = []
    f.schemaLines
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .forEach((line) => {
        const [name = '', zh = '', en = '', type = 'string', ...flags] = line.split(/\s*[,，]\s*/)
        const tolerances = flags.map(toleranceFlag).filter((n) => n !== null)
        // An unknown word or a malformed ±N makes the line malformed (NaN fails the schema too).
        const parsed =
          flags.every((flag) => FIELD_FLAGS.includes(flag) || toleranceFlag(flag) !== null) &&
          tolerances.length <= 1
            ? schemaFieldInput.safeParse({
                name,
                label: { zh: zh || name, en },
                type,
                personal: flags.includes('personal'),
                sensitive: flags.includes('sensitive'),
                fixed: flags.includes('fixed'),
                toleranceAbsolute: tolerances[0] ?? null,
              })
            : null
        if (parsed?.success) schema.push(parsed.data)
        else {
          const badTolerance = parsed?.error.issues.some(
            (i) => i.message === 'error.market.toleranceNotNumeric',
          )
          ctx.addIssue({
            code: 'custom',
            message: badTolerance ? 'error.market.toleranceNotNumeric' : 'error.market.schemaLine',
            path: ['schemaLines'],
          })
        }
      })
    let apiEndpoint: string | undefined
    if (f.apiEndpoint) {
      const url = httpUrl().safeParse(f.apiEndpoint)
      if (url.success) apiEndpoint = url.data
      else ctx.addIssue({ code: 'custom', message: 'error.market.badUrl', path: ['apiEndpoint'] })
    }
    return {
      note: { zh: f.noteZh, en: f.noteEn },
      inputs,
      activity: {
        label: { zh: f.activityZh, en: f.activityEn },
        description: f.activityDescription,
        parameters: f.parameters,
      },
      schema,
      ...(apiEndpoint ? { apiEndpoint } : {}),
    }
  })

export const reviewFormSchema = z.strictObject({
  intent: z.literal('review'),
  decision: z.enum(['approved', 'returned']),
  reasons: text(4000),
})

export const screeningFormSchema = z.strictObject({
  intent: z.literal('screening'),
  status: z.enum(['passed', 'failed']),
  note: required(1000),
})

export const authorityListingActionSchema = z.discriminatedUnion('intent', [
  reviewFormSchema,
  screeningFormSchema,
])

export const versionActionSchema = z.discriminatedUnion('intent', [
  z.strictObject({ intent: z.literal('submit') }),
  z.strictObject({
    intent: z.literal('removeFile'),
    key: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/),
  }),
])

export const cursorQuery = z.strictObject({
  after: objectId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

/** A model run request: which data version (one the runner holds a right to) and parameters. */
export const modelRunInput = z.strictObject({
  inputVersionId: objectId,
  parameters: jsonText,
})

export const modelRunFormSchema = z.strictObject({
  intent: z.literal('run'),
  inputVersionId: objectId,
  parameters: jsonText,
})

/** One line per reason; blank lines dropped. */
export function reasonLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 20)
}
