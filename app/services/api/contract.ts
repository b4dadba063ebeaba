// The JSON API's contract: every endpoint's path, method, permission and Zod
// schemas. Routes parse with these schemas and the OpenAPI document is
// generated from them, so the two cannot drift.
import { z } from 'zod'
import { catalogEndpoints } from '~/services/catalog/api-contract'
import { openDataEndpoints } from '~/services/search/api-schemas'
import { productEndpoints } from '~/services/products/api-contract'
import { orderEndpoints } from '~/services/orders/api-contract'
import { researchEndpoints } from '~/services/research/api-contract'
import { licenceEndpoints } from '~/services/delivery/api-contract'
import { scanReportView } from '~/services/desensitize/schemas'
import { registrationSchema, reviewRegistrationSchema } from '~/services/identity/schemas'
import type { Permission } from '~/utils/permissions'
import { objectId } from '~/utils/schemas'

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.array(z.string())).optional(),
  }),
})

const localized = z.object({ zh: z.string(), en: z.string() })

export const meResponse = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  org: z.object({ id: z.string(), type: z.string(), name: localized }).nullable(),
})

export const organizationsQuery = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
  type: z.enum(['authority', 'agency', 'provider', 'buyer', 'research', 'regulator']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const organizationView = z.object({
  id: z.string(),
  type: z.string(),
  name: localized,
  uscc: z.string(),
  status: z.string(),
  level: z.string(),
  regionCode: z.string(),
  createdAt: z.string(),
})

export const registrationBody = registrationSchema
/** The same answer whether or not the e-mail already had an account (no enumeration). */
export const registrationResponse = z.object({ status: z.literal('pending') })
export const reviewBody = reviewRegistrationSchema.omit({ orgId: true })

export const ledgerQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  orgId: objectId().optional(),
  subject: z
    .string()
    .regex(/^[a-z-]+:[A-Za-z0-9_-]+$/)
    .max(100)
    .optional(),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]*$/)
    .max(80)
    .optional(),
})

export const ledgerEntryView = z.object({
  seq: z.number(),
  at: z.string(),
  alg: z.string(),
  action: z.string(),
  actorUserId: z.string().nullable(),
  actorOrgId: z.string().nullable(),
  subjects: z.array(z.string()),
  payloadDigest: z.string(),
  prevHash: z.string(),
  hash: z.string(),
})

export const verifyResponse = z.union([
  z.object({ ok: z.literal(true), checked: z.number(), headSeq: z.number(), headHash: z.string() }),
  z.object({
    ok: z.literal(false),
    checked: z.number(),
    firstBroken: z.object({ seq: z.number(), reason: z.string() }),
  }),
])

// C11: receipts, checkpoints and consistency proofs (RFC 9162).
export const ledgerSeqParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER)
export const ledgerProofParams = z.strictObject({ seq: ledgerSeqParam })

export const ledgerProofQuery = z.strictObject({
  treeSize: z.coerce.number().int().min(1).optional(),
})

export const ledgerConsistencyQuery = z.strictObject({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
})

export const ledgerCheckpointsQuery = z.strictObject({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

const hexHash = z.string().regex(/^[0-9a-f]{64}$/)

export const checkpointView = z.object({
  treeSize: z.number(),
  rootHash: hexHash,
  treeAlg: z.enum(['sha256', 'sm3']),
  at: z.string(),
  origin: z.string(),
  keyId: z.string(),
  keyAlg: z.enum(['ed25519', 'sm2']),
  signature: z.string().describe('Base64 signature over `body`'),
  body: z.string().describe('The exact signed text'),
})

export const ledgerReceiptResponse = z.object({
  seq: z.number(),
  index: z.number().describe('Leaf index: seq − 1'),
  entry: z
    .record(z.string(), z.unknown())
    .describe(
      'The stored entry as hashed: RFC 8785 JSON of every field but `hash`, hashed with `alg`, is `hash`',
    ),
  leafHash: hexHash,
  checkpoint: checkpointView,
  inclusionProof: z.array(hexHash).describe('RFC 9162 §2.1.3 audit path, lowest level first'),
})

export const ledgerConsistencyResponse = z.object({
  from: checkpointView,
  to: checkpointView,
  proof: z.array(hexHash).describe('RFC 9162 §2.1.4 consistency proof'),
})

export const signingKeyView = z.object({
  keyId: z.string(),
  alg: z.enum(['ed25519', 'sm2']),
  generation: z.number(),
  publicKeyPem: z.string(),
  createdAt: z.string(),
})

export const ledgerCheckpointsResponse = z.object({
  checkpoints: z.array(checkpointView),
  nextBefore: z.number().nullable(),
  keys: z.array(signingKeyView),
})

export interface Endpoint {
  method: 'get' | 'post'
  path: string
  summary: string
  permission: Permission | 'authenticated' | 'public'
  query?: z.ZodType
  body?: z.ZodType
  response: z.ZodType
  status?: number
}

export const endpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/api/v1/me',
    summary: 'The caller',
    permission: 'authenticated',
    response: meResponse,
  },
  {
    method: 'get',
    path: '/api/v1/organizations',
    summary: 'List organizations',
    permission: 'read:org:any',
    query: organizationsQuery,
    response: z.object({ organizations: z.array(organizationView) }),
  },
  {
    method: 'post',
    path: '/api/v1/registrations',
    summary: 'Register a provider or buyer (pending until the authority approves; rate-limited)',
    permission: 'public',
    body: registrationBody,
    response: registrationResponse,
    status: 202,
  },
  {
    method: 'post',
    path: '/api/v1/registrations/{orgId}/review',
    summary: 'Approve or return a pending registration',
    permission: 'approve:org-registration:any',
    body: reviewBody,
    response: z.object({ orgId: z.string(), status: z.enum(['approved', 'rejected']) }),
  },
  {
    method: 'get',
    path: '/api/v1/ledger',
    summary: 'Transaction-log entries, newest first',
    permission: 'read:ledger:any',
    query: ledgerQuery,
    response: z.object({ entries: z.array(ledgerEntryView), nextBefore: z.number().nullable() }),
  },
  {
    method: 'get',
    path: '/api/v1/ledger/verify',
    summary: 'Re-walk the hash chain and name the first broken entry',
    permission: 'verify:ledger:any',
    response: verifyResponse,
  },
  {
    method: 'get',
    path: '/api/v1/ledger/{seq}/proof',
    summary:
      'Receipt for one entry: the entry, its index and an inclusion proof against a signed checkpoint ' +
      '(read:ledger:any, or a party to the entry: its actor organisation, an organisation or person among its subjects)',
    permission: 'authenticated',
    query: ledgerProofQuery,
    response: ledgerReceiptResponse,
  },
  {
    method: 'get',
    path: '/api/v1/ledger/consistency',
    summary: 'Consistency proof between two signed checkpoints (by tree size)',
    permission: 'authenticated',
    query: ledgerConsistencyQuery,
    response: ledgerConsistencyResponse,
  },
  {
    method: 'get',
    path: '/api/v1/ledger/checkpoints',
    summary: 'Signed checkpoints, newest first, with every public key that signed one',
    permission: 'authenticated',
    query: ledgerCheckpointsQuery,
    response: ledgerCheckpointsResponse,
  },
  {
    method: 'get',
    path: '/api/v1/scans/{id}',
    summary: 'A desensitization scan report: findings per column, k-anonymity, verdict (Art. 32)',
    permission: 'read:scan-report:own-org',
    response: scanReportView,
  },
  // C2/C3 catalog, source registry, quality issues and the working-day calendar.
  ...catalogEndpoints,
  // C6 catalog search and DCAT export (the CKAN action API at /api/3/action/* follows CKAN's own documentation).
  ...openDataEndpoints,
  // C7 products, versions, uploads, PROV-JSON provenance and model runs (Art. 35–38).
  ...productEndpoints,
  // C8 orders (Art. 24, 38).
  ...orderEndpoints,
  // C8 research public-interest access (Art. 26) and usage reports (Art. 46).
  ...researchEndpoints,
  // C8 licence data API (Art. 24, 38): the licence's own key, checked at every call.
  ...licenceEndpoints,
]

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' })
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const e of endpoints) {
    const query = e.query
      ? (jsonSchema(e.query, 'input') as {
          properties?: Record<string, object>
          required?: string[]
        })
      : undefined
    const pathParams = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    ;(paths[e.path] ??= {})[e.method] = {
      summary: e.summary,
      'x-permission': e.permission,
      security: e.permission === 'public' ? [] : [{ apiKey: [] }, { session: [] }],
      parameters: [
        ...pathParams,
        ...Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: query?.required?.includes(name) ?? false,
          schema,
        })),
      ],
      ...(e.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(e.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(e.status ?? 200)]: {
          description: 'OK',
          content: { 'application/json': { schema: jsonSchema(e.response, 'output') } },
        },
        '4XX': {
          description: 'Refused: `{error: {code, message}}` in the caller’s language',
          content: { 'application/json': { schema: jsonSchema(errorBody, 'output') } },
        },
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Guangdong Public Data Exchange API', version: '1.0.0' },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'API key from Settings → API keys' },
        session: { type: 'apiKey', in: 'cookie', name: '__session' },
      },
    },
    paths,
  }
}
