// Zod schemas of the licence pages and the data API (C8), shared by browser and server.
import { z } from 'zod'
import { listParams, objectId } from '~/utils/schemas'
import { DELIVERY_MODES } from '~/vocab/products'

export const licenceIdSchema = objectId('error.licences.notFound')

export const licenceActionSchema = z.discriminatedUnion('intent', [
  // Art. 38: the licensee issues the licence's API key (shown once).
  z.object({ intent: z.literal('issue-key') }).strict(),
  // Art. 24, 38: the authority revokes, with a reason.
  z
    .object({
      intent: z.literal('revoke'),
      reason: z.string().trim().min(2, 'error.licences.reasonRequired').max(500),
    })
    .strict(),
])

export const downloadQuerySchema = z
  .object({
    expires: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 40),
    sig: z.string().regex(/^[0-9a-f]{64}$/, 'error.licences.badLink'),
  })
  .strict()

export const rowsQuerySchema = z
  .object({
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict()

/** /licences and its CSV: a page, sorted by start or end; narrowed by side and delivery mode. */
export const licenceListSchema = z.strictObject({
  ...listParams(['start', 'end'], { sort: 'start', dir: 'desc' }),
  side: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['licensee', 'licensor']).optional(),
  ),
  mode: z.preprocess((v) => (v === '' ? undefined : v), z.enum(DELIVERY_MODES).optional()),
})
export type LicenceListQuery = z.infer<typeof licenceListSchema>
