// Zod schemas shared by browser and server for research access (Art. 26) and usage reports
// (Art. 46). The JSON API takes the nested shapes; the no-JavaScript forms post flat fields that the
// `*FormSchema`s turn into the same shapes. Messages are i18n keys.
import { z } from 'zod'
import { listParams, objectId as idSchema } from '~/utils/schemas'
import { RESEARCH_SUBJECT_KINDS, RESEARCH_USE_KINDS } from '~/vocab/research'

export const objectId = idSchema('error.research.badId')
const required = (max: number) => z.string().trim().min(1, 'error.required').max(max)
const text = (max: number) => z.string().trim().max(max).default('')
const day = z.iso.date('error.research.badDate')
const FIELD_NAME = /^[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]{0,63}$/
const fieldName = z.string().trim().regex(FIELD_NAME, 'error.research.fieldName')
/** A repeated form field (checkboxes): absent → [], one → [one]. */
const many = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(item).max(300),
  )

const person = z.strictObject({ name: required(100), role: required(100) })

export const researchRequestInput = z.strictObject({
  subject: z.strictObject({ kind: z.enum(RESEARCH_SUBJECT_KINDS), id: objectId }),
  useKind: z.enum(RESEARCH_USE_KINDS),
  purpose: required(2000),
  project: z.strictObject({ name: required(200), number: required(100) }),
  people: z.array(person).min(1, 'error.research.peopleRequired').max(50),
  fields: z.array(fieldName).max(300).default([]),
  period: z.strictObject({ start: day, end: day }),
  ethicsRef: required(200),
})
export type ResearchRequestInput = z.output<typeof researchRequestInput>

/** "姓名，角色" / "name, role" one per line → people. */
export function parsePeople(lines: string): { name: string; role: string }[] {
  return lines
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [name = '', ...rest] = l.split(/[,，;；:：\t]/)
      return { name: name.trim(), role: rest.join(' ').trim() }
    })
}

export const researchRequestFormSchema = z
  .strictObject({
    subjectKind: z.enum(RESEARCH_SUBJECT_KINDS),
    subjectId: objectId,
    useKind: z.enum(RESEARCH_USE_KINDS),
    purpose: required(2000),
    projectName: required(200),
    projectNumber: required(100),
    people: required(5000),
    fields: many(fieldName),
    periodStart: day,
    periodEnd: day,
    ethicsRef: required(200),
  })
  .transform((f, ctx) => {
    const people = parsePeople(f.people)
    if (people.length === 0 || people.some((p) => !p.name || !p.role)) {
      ctx.addIssue({ code: 'custom', path: ['people'], message: 'error.research.peopleFormat' })
      return z.NEVER
    }
    return {
      subject: { kind: f.subjectKind, id: f.subjectId },
      useKind: f.useKind,
      purpose: f.purpose,
      project: { name: f.projectName, number: f.projectNumber },
      people,
      fields: f.fields,
      period: { start: f.periodStart, end: f.periodEnd },
      ethicsRef: f.ethicsRef,
    } satisfies ResearchRequestInput
  })

/** The new-request page's query: what the request is about. */
export const researchSubjectQuery = z.strictObject({
  product: objectId.optional(),
  entry: objectId.optional(),
})

/** The owner's decision (Art. 24, 26): approve with a minimal field set and an end date, or refuse with reasons. */
export const researchDecisionInput = z.discriminatedUnion('intent', [
  z.strictObject({ intent: z.literal('approve'), fields: many(fieldName), end: day }),
  z.strictObject({ intent: z.literal('refuse'), reasons: text(2000) }),
])
export type ResearchDecisionInput = z.output<typeof researchDecisionInput>

export const researchListQuery = z.strictObject({
  after: objectId.optional(),
  status: z.enum(['pending', 'approved', 'refused']).optional(),
})

const usageReportBody = {
  periodIndex: z.coerce.number().int().min(0).max(10_000),
  usage: required(4000),
  outputs: text(4000),
  fieldsUsed: many(fieldName),
  incidents: text(2000),
}

export const usageReportFormSchema = z.strictObject(usageReportBody)

/** The usage-reports list: numbered pages, sorted by the next due date (soonest first), overdue count or end. */
export const usageListQuery = z.strictObject(
  listParams(['nextDue', 'overdue', 'end'], { sort: 'nextDue', dir: 'asc' }),
)
export type UsageListQuery = z.infer<typeof usageListQuery>
export type UsageReportInput = z.output<typeof usageReportFormSchema>

export const usageReportApiInput = z.strictObject({
  licenceId: objectId,
  periodIndex: z.number().int().min(0).max(10_000),
  usage: required(4000),
  outputs: text(4000),
  fieldsUsed: z.array(fieldName).max(300).default([]),
  incidents: text(2000),
})
