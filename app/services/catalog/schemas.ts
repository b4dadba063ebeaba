// Zod schemas shared by browser and server for the catalog (C2, C3). The JSON API takes the
// nested `contentSchema`; the no-JavaScript form posts flat fields (`entryFormSchema`) that
// become the same content. Messages are i18n keys.
import { z } from 'zod'
import { httpUrl, objectId } from '~/utils/schemas'
import { confidentialityReviewInput } from '~/services/security/schemas'
import {
  CATALOG_CATEGORIES,
  DATA_FORMS,
  DATA_ITEM_CODE,
  FIELD_SENSITIVITY,
  FIELD_TYPES,
  GRADE_TIERS,
  OPEN_ATTRIBUTES,
  QUALITY_KINDS,
  QUALITY_OUTCOMES,
  SHARING_SCOPES,
  SHARING_TYPES,
  UPDATE_FREQUENCIES,
} from '~/vocab/catalog'

export const objectIdField = objectId('error.catalog.badId')
const text = (max: number) => z.string().trim().max(max).default('')
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

const fieldSchema = z.strictObject({
  name: z.string().trim().regex(FIELD_NAME, 'error.catalog.fieldName'),
  label: z.strictObject({ zh: z.string().trim().min(1, 'error.required').max(100), en: text(200) }),
  type: z.enum(FIELD_TYPES),
  description: text(500),
  personal: z.boolean().default(false),
  sensitive: z.boolean().default(false),
  tradeSecret: z.boolean().default(false),
  dataItemCode: z.string().trim().regex(DATA_ITEM_CODE, 'error.catalog.dataItemCode').optional(),
})

const distributionSchema = z.strictObject({
  key: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'error.catalog.distributionKey'),
  title: z.strictObject({ zh: z.string().trim().min(1, 'error.required').max(200), en: text(300) }),
  format: z.string().trim().min(1, 'error.required').max(20),
  accessUrl: httpUrl().optional(),
  downloadRef: z.string().trim().max(200).optional(),
  desensitized: z.boolean().default(false),
})

export const gradeSchema = z.strictObject({
  tier: z.enum(GRADE_TIERS),
  level: z.number().int().min(1).max(9).nullable().default(null),
})

/** The content of an entry as a program sends it (POST/PUT /api/v1/catalog/entries). */
export const contentSchema = z
  .strictObject({
    title: z.strictObject({
      zh: z.string().trim().min(1, 'error.required').max(200),
      en: text(300),
    }),
    description: z.strictObject({ zh: text(4000), en: text(6000) }).default({ zh: '', en: '' }),
    tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
    category: z.enum(CATALOG_CATEGORIES),
    dataForm: z.enum(DATA_FORMS),
    fields: z.array(fieldSchema).max(300).default([]),
    sharingType: z.enum(SHARING_TYPES),
    sharingBasis: text(2000),
    sharingConditions: text(2000),
    sharingScope: z.enum(SHARING_SCOPES),
    sharingScopeNote: text(500),
    openAttribute: z.enum(OPEN_ATTRIBUTES),
    openConditions: text(2000),
    rightHolderConsent: z.boolean().default(false),
    screeningRef: z.string().trim().max(200).optional(),
    distributions: z.array(distributionSchema).max(20).default([]),
    updateFrequency: z.enum(UPDATE_FREQUENCIES),
    departments: z
      .strictObject({
        collecting: objectIdField,
        verifying: objectIdField,
        providing: objectIdField,
      })
      .optional(),
    grade: gradeSchema,
    legalBasis: text(2000),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>()
    c.fields.forEach((f, i) => {
      if (seen.has(f.name))
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'name'],
          message: 'error.catalog.duplicateField',
        })
      seen.add(f.name)
    })
    const keys = new Set<string>()
    c.distributions.forEach((d, i) => {
      if (keys.has(d.key))
        ctx.addIssue({
          code: 'custom',
          path: ['distributions', i, 'key'],
          message: 'error.catalog.duplicateField',
        })
      keys.add(d.key)
    })
  })

export type ContentInput = z.output<typeof contentSchema>

// --- The HTML form: flat names, repeated rows as repeated names (no dotted keys). ---

const rows = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().max(4000)).max(300),
)
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean())
const csv = (v: string) =>
  v
    .split(/[,，;；\n]/)
    .map((s) => s.trim())
    .filter(Boolean)

export const ENTRY_FORM_INTENTS = ['save', 'submit', 'addRows'] as const

export const entryFormSchema = z
  .strictObject({
    intent: z.enum(ENTRY_FORM_INTENTS).default('save'),
    titleZh: z.string().trim().min(1, 'error.required').max(200),
    titleEn: text(300),
    descriptionZh: text(4000),
    descriptionEn: text(6000),
    tags: text(800),
    category: z.enum(CATALOG_CATEGORIES),
    dataForm: z.enum(DATA_FORMS),
    f_name: rows,
    f_labelZh: rows,
    f_labelEn: rows,
    f_type: rows,
    f_desc: rows,
    f_sens: rows,
    f_item: rows,
    sharingType: z.enum(SHARING_TYPES),
    sharingBasis: text(2000),
    sharingConditions: text(2000),
    sharingScope: z.enum(SHARING_SCOPES),
    sharingScopeNote: text(500),
    openAttribute: z.enum(OPEN_ATTRIBUTES),
    openConditions: text(2000),
    rightHolderConsent: checkbox.default(false),
    screeningRef: text(200),
    d_key: rows,
    d_titleZh: rows,
    d_titleEn: rows,
    d_format: rows,
    d_url: rows,
    d_desens: rows,
    updateFrequency: z.enum(UPDATE_FREQUENCIES),
    collecting: objectIdField,
    verifying: objectIdField,
    providing: objectIdField,
    gradeTier: z.enum(GRADE_TIERS),
    gradeLevel: z.string().trim().max(2).default(''),
    legalBasis: text(2000),
    rowCount: z.string().max(4).optional(),
  })
  .transform((f, ctx) => {
    const fields = f.f_name
      .map((name, i) => ({
        name: name.trim(),
        label: { zh: (f.f_labelZh[i] ?? '').trim(), en: (f.f_labelEn[i] ?? '').trim() },
        type: (f.f_type[i] ?? 'string').trim(),
        description: (f.f_desc[i] ?? '').trim(),
        sensitivity: (f.f_sens[i] ?? 'none').trim(),
        dataItemCode: (f.f_item[i] ?? '').trim(),
      }))
      .filter((row) => row.name || row.label.zh)
      .map((row) => ({
        name: row.name,
        label: row.label,
        type: row.type as (typeof FIELD_TYPES)[number],
        description: row.description,
        personal: row.sensitivity === 'personal' || row.sensitivity === 'sensitive_personal',
        sensitive: row.sensitivity === 'sensitive_personal' || row.sensitivity === 'trade_secret',
        tradeSecret: row.sensitivity === 'trade_secret',
        ...(row.dataItemCode ? { dataItemCode: row.dataItemCode } : {}),
        _sensitivity: row.sensitivity,
      }))
    const distributions = f.d_key
      .map((key, i) => ({
        key: key.trim(),
        title: { zh: (f.d_titleZh[i] ?? '').trim(), en: (f.d_titleEn[i] ?? '').trim() },
        format: (f.d_format[i] ?? '').trim(),
        accessUrl: (f.d_url[i] ?? '').trim(),
        desensitized: (f.d_desens[i] ?? 'no') === 'yes',
      }))
      .filter((d) => d.key || d.title.zh)
      .map((d) => ({ ...d, accessUrl: d.accessUrl || undefined }))
    const content = {
      title: { zh: f.titleZh, en: f.titleEn },
      description: { zh: f.descriptionZh, en: f.descriptionEn },
      tags: csv(f.tags),
      category: f.category,
      dataForm: f.dataForm,
      fields: fields.map(({ _sensitivity, ...rest }) => {
        void _sensitivity
        return rest
      }),
      sharingType: f.sharingType,
      sharingBasis: f.sharingBasis,
      sharingConditions: f.sharingConditions,
      sharingScope: f.sharingScope,
      sharingScopeNote: f.sharingScopeNote,
      openAttribute: f.openAttribute,
      openConditions: f.openConditions,
      rightHolderConsent: f.rightHolderConsent,
      ...(f.screeningRef ? { screeningRef: f.screeningRef } : {}),
      distributions,
      updateFrequency: f.updateFrequency,
      departments: { collecting: f.collecting, verifying: f.verifying, providing: f.providing },
      grade: {
        tier: f.gradeTier,
        level: f.gradeTier === 'general' && f.gradeLevel ? Number(f.gradeLevel) : null,
      },
      legalBasis: f.legalBasis,
    }
    const parsed = contentSchema.safeParse(content)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', path: [formPath(issue.path)], message: issue.message })
      }
      return z.NEVER
    }
    return {
      intent: f.intent,
      content: parsed.data,
      rowCount: Math.min(Number(f.rowCount ?? 0) || 0, 300),
    }
  })

/** The flat form name an issue on the nested content belongs to. */
function formPath(path: PropertyKey[]): string {
  const [head, index, leaf] = path.map(String)
  if (head === 'fields')
    return leaf === 'label'
      ? 'f_labelZh'
      : leaf === 'type'
        ? 'f_type'
        : leaf === 'dataItemCode'
          ? 'f_item'
          : 'f_name'
  if (head === 'distributions')
    return leaf === 'title'
      ? 'd_titleZh'
      : leaf === 'format'
        ? 'd_format'
        : leaf === 'accessUrl'
          ? 'd_url'
          : 'd_key'
  if (head === 'grade') return 'gradeLevel'
  if (head === 'title' || head === 'description') return `${head}${index === 'en' ? 'En' : 'Zh'}`
  return head ?? '_form'
}

export const FIELD_SENSITIVITIES = FIELD_SENSITIVITY

export function sensitivityOf(f: {
  personal?: boolean
  sensitive?: boolean
  tradeSecret?: boolean
}) {
  if (f.tradeSecret) return 'trade_secret'
  if (f.personal && f.sensitive) return 'sensitive_personal'
  if (f.personal) return 'personal'
  return 'none'
}

// --- Review, deadlines, registry, quality, calendar ---

export const reviewFormSchema = z.strictObject({
  decision: z.enum(['approved', 'returned']),
  reasons: text(2000),
})

export const reviewBodySchema = z.strictObject({
  decision: z.enum(['approved', 'returned']),
  reasons: z.array(z.string().trim().min(1).max(500)).max(20).default([]),
})

export const markLegalBasisSchema = z.strictObject({
  reason: z.string().trim().min(4, 'error.catalog.reasonRequired').max(1000),
})

export const dataUpdateSchema = z.strictObject({
  at: z.iso.datetime({ offset: true }).optional(),
  note: text(500),
})

export const claimDataItemSchema = z.strictObject({
  code: z.string().trim().regex(DATA_ITEM_CODE, 'error.catalog.dataItemCode'),
  nameZh: z.string().trim().min(1, 'error.required').max(100),
  nameEn: text(200),
})

export const transferDataItemSchema = z.strictObject({
  code: z.string().trim().regex(DATA_ITEM_CODE, 'error.catalog.dataItemCode'),
  toOrgId: objectIdField,
  reason: z.string().trim().min(4, 'error.catalog.reasonRequired').max(1000),
})

export const raiseQualityIssueSchema = z.strictObject({
  kind: z.enum(QUALITY_KINDS),
  fieldName: text(64),
  description: z.string().trim().min(4, 'error.catalog.reasonRequired').max(2000),
})

export const resolveQualityIssueSchema = z.strictObject({
  issueId: objectIdField,
  outcome: z.enum(QUALITY_OUTCOMES),
  note: z.string().trim().min(2, 'error.required').max(2000),
})

export const calendarYearSchema = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100),
  schedule: z.string().max(20_000),
  note: text(500),
})

export const cursorQuery = z.strictObject({
  after: objectIdField.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

/** The entry page's forms, one per intent. */
export const entryPageActionSchema = z.discriminatedUnion('intent', [
  z.strictObject({ intent: z.literal('submit') }),
  z.strictObject({
    intent: z.literal('decide'),
    decision: z.enum(['approved', 'returned']),
    reasons: text(2000),
  }),
  z.strictObject({ intent: z.literal('dataUpdate') }),
  confidentialityReviewInput.extend({ intent: z.literal('confidentialityReview') }),
  z.strictObject({
    intent: z.literal('markBasis'),
    reason: z.string().trim().min(4, 'error.catalog.reasonRequired').max(1000),
  }),
  z.strictObject({
    intent: z.literal('raiseIssue'),
    kind: z.enum(QUALITY_KINDS),
    fieldName: text(64),
    description: z.string().trim().min(4, 'error.catalog.reasonRequired').max(2000),
  }),
])

/** Reasons typed one per line in the review form. */
export function reasonLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 20)
}

/** The general sub-level ladder as the authority types it: one `level | 中文名 | English name` per line. */
export const gradingFormSchema = z.strictObject({
  ladder: z
    .string()
    .max(2000)
    .transform((text, ctx) => {
      const levels = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => l.split('|').map((p) => p.trim()))
      if (levels.some((p) => p.length !== 3 || !/^[1-9]$/.test(p[0]!) || !p[1] || !p[2])) {
        ctx.addIssue({ code: 'custom', message: 'error.catalog.badLadder' })
        return z.NEVER
      }
      return levels.map(([level, zh, en]) => ({ level: Number(level), zh: zh!, en: en! }))
    }),
})
