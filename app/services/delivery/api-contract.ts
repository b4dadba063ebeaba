// The licence data API's entry in the OpenAPI contract (app/services/api/contract.ts spreads it).
import { z } from 'zod'
import type { Endpoint } from '~/services/api/contract'
import { rowsQuerySchema } from '~/services/licences/schemas'

export const licenceEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/api/v1/licences/{licenceId}/rows',
    summary:
      'Rows of an API licence’s data, permitted fields only (Art. 24). Authenticate with the licence’s own key (`Authorization: Bearer gdpl_…`, issued once on the licence page); the licence is checked at every call: 401 bad key, 403 revoked or expired, 409 before its delivery has completed, 429 over the plan’s call quota (Art. 38). The rows come from the licence’s own copy, which carries its fingerprint',
    permission: 'authenticated',
    query: rowsQuerySchema,
    response: z.object({
      licenceId: z.string(),
      fields: z.array(z.string()),
      rows: z.array(z.record(z.string(), z.string())),
      offset: z.number().int(),
      limit: z.number().int(),
      calls: z.object({ used: z.number().int(), quota: z.number().int().nullable() }),
    }),
  },
]
