// C12 report forms and parameters: one schema each, shared by browser and server.
import { z } from 'zod'
import { listParams, OBJECT_ID, objectId } from '~/utils/schemas'

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

export const reportPeriodSchema = z
  .string()
  .trim()
  .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'error.supervision.badPeriod')

/** The authority's (re)generation request. An empty scope means every organisation. */
export const generateReportSchema = z.strictObject({
  period: reportPeriodSchema,
  scope: z.preprocess(
    blank,
    z.string().trim().regex(OBJECT_ID, 'error.supervision.badScope').optional(),
  ),
})

export const reportParamsSchema = z.strictObject({
  reportId: z.string().regex(/^[0-9a-z-]{10,120}$/, 'error.supervision.notFound'),
})

export const reportListQuerySchema = z.strictObject({
  ...listParams(['generated', 'period'], { sort: 'generated', dir: 'desc' }),
  kind: z.preprocess(blank, z.enum(['monthly', 'yearly']).optional()),
  // An agency's own reports; absent = the all-organisations reports.
  org: z.preprocess(blank, objectId('error.supervision.badScope').optional()),
  queued: z.string().max(200).optional(),
})

export const productParamsSchema = z.strictObject({
  productId: objectId('error.supervision.badProduct'),
})

export const productLookupSchema = z.strictObject({
  productId: z.string().trim().regex(OBJECT_ID, 'error.supervision.badProduct'),
})

/** The regulator's product list: words of a title or an id, and the page cursor. */
export const productListSchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  after: objectId().optional(),
  // The earlier look-up form's parameter: still goes straight to that product's trail.
  productId: productLookupSchema.shape.productId.optional(),
})
