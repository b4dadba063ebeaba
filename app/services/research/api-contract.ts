// The research-access and usage-report API's entries in the OpenAPI contract (app/services/api/contract.ts spreads them).
import { z } from 'zod'
import type { Endpoint } from '~/services/api/contract'
import { researchListQuery, researchRequestInput, usageReportApiInput } from './schemas'

const localized = z.object({ zh: z.string(), en: z.string() })

const requestRow = z.object({
  id: z.string(),
  subjectKind: z.string(),
  subjectTitle: localized,
  requesterOrgId: z.string(),
  ownerOrgId: z.string(),
  project: z.object({ name: z.string(), number: z.string() }),
  status: z.enum(['pending', 'approved', 'refused']),
  createdAt: z.string(),
  replyDueAt: z.string().describe('Art. 23 via Art. 26: the owner replies within 5 working days'),
  overdue: z.boolean(),
})

export const researchEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/api/v1/research-requests',
    summary: "The caller's research requests (Art. 26), newest first",
    permission: 'create:research-request:own-org',
    query: researchListQuery,
    response: z.object({ requests: z.array(requestRow), nextAfter: z.string().nullable() }),
  },
  {
    method: 'post',
    path: '/api/v1/research-requests',
    summary:
      'A university or research institute requests public-interest access to a listed product or catalog entry (Art. 26): ' +
      'research use only (commercial is refused), the fields needed (minimal authorization, Art. 24), period, ethics reference',
    permission: 'create:research-request:own-org',
    body: researchRequestInput,
    response: z.object({
      requestId: z.string(),
      status: z.literal('pending'),
      replyDueAt: z.string(),
      ledgerSeq: z.number(),
    }),
    status: 201,
  },
  {
    method: 'post',
    path: '/api/v1/usage-reports',
    summary:
      "A licensee's usage report for one period of its licence (Art. 46); one per licence and period",
    permission: 'submit:usage-report:own-org',
    body: usageReportApiInput,
    response: z.object({ reportId: z.string(), ledgerSeq: z.number(), late: z.boolean() }),
    status: 201,
  },
]
