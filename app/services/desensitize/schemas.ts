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
  name: z.string().min(1).max(100).regex(/^[\w.-]+$/),
  /** XLSX input: the sheet to write (default the first). CSV output is one table. */
  sheet: z.string().max(200).optional(),
  columns: z.record(columnName, methodSpecSchema),
  removeRecords: z
    .strictObject({
      /** Record-level removal of rows whose (transformed) quasi-identifier class is smaller than k. */
      belowK: z.strictObject({ quasiIdentifiers: z.array(columnName).min(1).max(32), k: z.number().int().min(2).max(1000) }).optional(),
      /** Record-level removal of rows where a column equals a value. */
      where: z.array(z.strictObject({ column: columnName, equals: z.string().max(1000) })).max(100).optional(),
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
        offending: z.array(z.object({ labels: z.array(z.string()), count: z.number(), classes: z.number() })),
        overflow: z.string().optional(),
      }),
    ),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    schemaIssues: z.array(z.string()),
    blockingFindings: z.number(),
    durationMs: z.number(),
  }),
})
