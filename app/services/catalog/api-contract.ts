// The catalog's JSON API (C2, C3): request and response schemas, and the endpoint list that
// app/services/api/contract.ts adds to the OpenAPI document.
import { z } from 'zod'
import { confidentialityReviewInput } from '~/services/security/schemas'
import type { Endpoint } from '~/services/api/contract'
import {
  contentSchema,
  dataUpdateSchema,
  markLegalBasisSchema,
  objectIdField,
  raiseQualityIssueSchema,
  reviewBodySchema,
} from './schemas'
import { DATA_ITEM_CODE, QUALITY_OUTCOMES } from '~/vocab/catalog'

const localized = z.object({ zh: z.string(), en: z.string() })
const iso = z.string().nullable()

export const catalogListQuery = z.strictObject({
  scope: z.enum(['published', 'mine']).default('published'),
  org: objectIdField.optional(),
  after: objectIdField.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

export const catalogContentView = z.object({
  title: localized,
  description: localized,
  tags: z.array(z.string()),
  category: z.string(),
  dataForm: z.string(),
  fields: z.array(
    z.object({
      name: z.string(),
      label: localized,
      type: z.string(),
      description: z.string(),
      personal: z.boolean(),
      sensitive: z.boolean(),
      tradeSecret: z.boolean(),
      dataItemCode: z.string().nullable(),
    }),
  ),
  sharingType: z.string(),
  sharingBasis: z.string(),
  sharingConditions: z.string(),
  sharingScope: z.string(),
  sharingScopeNote: z.string(),
  openAttribute: z.string(),
  openConditions: z.string(),
  rightHolderConsent: z.boolean(),
  screeningRef: z.string().nullable(),
  distributions: z.array(
    z.object({
      key: z.string(),
      title: localized,
      format: z.string(),
      accessUrl: z.string().nullable(),
      downloadRef: z.string().nullable(),
      desensitized: z.boolean(),
    }),
  ),
  updateFrequency: z.string(),
  departments: z.object({ collecting: z.string(), verifying: z.string(), providing: z.string() }),
  grade: z.object({ tier: z.string(), level: z.number().nullable() }),
  legalBasis: z.string(),
})

export const catalogEntryView = z.object({
  id: z.string(),
  code: z.string(),
  orgId: z.string(),
  level: z.string(),
  regionCode: z.string(),
  status: z.enum(['draft', 'submitted', 'returned', 'approved']),
  revision: z.number(),
  round: z.number(),
  pendingStep: z.string().nullable(),
  content: catalogContentView,
  publishedVersion: z.number(),
  published: catalogContentView.nullable(),
  publishedAt: iso,
  notSharedFiledAt: iso,
  listed: z.boolean(),
  returnReasons: z.array(z.string()),
  returnedAt: iso,
  lastDataUpdateAt: iso,
  staleSince: iso,
  deadline: z
    .object({
      deadlineId: z.string(),
      phase: z.string(),
      agencyDueAt: z.string(),
      reviewDueAt: iso,
      overdue: z.boolean(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})

const versionSummary = z.object({
  version: z.number(),
  approvedAt: z.string(),
  approvedBy: z.string(),
  filedAt: iso,
})

export const diffQuery = z.strictObject({
  from: z.coerce.number().int().min(1).max(100_000).optional(),
  to: z.coerce.number().int().min(1).max(100_000).optional(),
})

export const resolutionBody = z.strictObject({
  outcome: z.enum(QUALITY_OUTCOMES),
  note: z.string().trim().min(2).max(2000),
})

export const claimBody = z.strictObject({
  code: z.string().trim().regex(DATA_ITEM_CODE, 'error.catalog.dataItemCode'),
  name: z.strictObject({
    zh: z.string().trim().min(1).max(100),
    en: z.string().trim().max(200).default(''),
  }),
})

export const workingDaysQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }),
    days: z.coerce.number().int().min(0).max(3660).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => (q.days === undefined) !== (q.to === undefined), {
    message: 'give either days or to',
    path: ['days'],
  })

const qualityIssueView = z.object({
  id: z.string(),
  entryId: z.string(),
  orgId: z.string(),
  kind: z.string(),
  fieldName: z.string(),
  description: z.string(),
  raisedByOrgId: z.string().nullable(),
  raisedAt: z.string(),
  status: z.string(),
  resolution: z.object({ outcome: z.string(), note: z.string(), at: z.string() }).nullable(),
})

const deadlineView = z.object({
  id: z.string(),
  entryId: z.string(),
  code: z.string(),
  orgId: z.string(),
  phase: z.enum(['agency', 'review']),
  reason: z.string(),
  markedAt: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  workingDaysLeft: z.number(),
})

const E = '/api/v1/catalog/entries/{entryId}'

export const catalogEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/api/v1/catalog/entries',
    summary:
      'Catalog entries, paged by id: the published catalog, or (scope=mine) every entry of the caller’s agency',
    permission: 'read:catalog-entry:any',
    query: catalogListQuery,
    response: z.object({ entries: z.array(catalogEntryView), nextAfter: z.string().nullable() }),
  },
  {
    method: 'post',
    path: '/api/v1/catalog/entries',
    summary: 'Draft a catalog entry of the caller’s agency (Art. 10)',
    permission: 'create:catalog-entry:own-org',
    body: contentSchema,
    response: z.object({ id: z.string(), code: z.string() }),
    status: 201,
  },
  {
    method: 'get',
    path: E,
    summary: 'One catalog entry',
    permission: 'read:catalog-entry:any',
    response: catalogEntryView,
  },
  {
    method: 'post',
    path: E,
    summary: 'Replace the working copy of an entry (an approved entry starts its next revision)',
    permission: 'create:catalog-entry:own-org',
    body: contentSchema,
    response: z.object({ id: z.string(), revision: z.number() }),
  },
  {
    method: 'post',
    path: `${E}/submit`,
    summary:
      'Submit the working copy for review (refused with every Art. 10/13/14/32/46 problem named)',
    permission: 'create:catalog-entry:own-org',
    response: z.object({ id: z.string(), revision: z.number(), round: z.number() }),
  },
  {
    method: 'post',
    path: `${E}/confidentiality-review`,
    summary:
      'Record the agency’s confidentiality review of a working copy that opens data (Art. 46); submitting it needs a passed one',
    permission: 'review:confidentiality:own-org',
    body: confidentialityReviewInput,
    response: z.object({
      outcome: z.enum(['passed', 'failed']),
      note: z.string(),
      at: z.string(),
      reviewerUserId: z.string(),
      loggedSeq: z.number().nullable(),
    }),
    status: 201,
  },
  {
    method: 'post',
    path: `${E}/review`,
    summary:
      'Approve or return (with reasons) a submitted entry; important data needs a second approval',
    permission: 'review:catalog-entry:any',
    body: reviewBodySchema,
    response: z.object({
      id: z.string(),
      outcome: z.enum(['approved', 'returned', 'awaiting_grade_confirmation']),
      revision: z.number(),
    }),
  },
  {
    method: 'get',
    path: `${E}/versions`,
    summary: 'Approved versions, newest first; with from and to, what changed between two',
    permission: 'read:catalog-entry:any',
    query: diffQuery,
    response: z.object({
      versions: z.array(versionSummary),
      diff: z
        .object({
          from: z.number(),
          to: z.number(),
          changes: z.array(
            z.object({
              path: z.string(),
              kind: z.string(),
              before: z.string().nullable(),
              after: z.string().nullable(),
            }),
          ),
        })
        .optional(),
    }),
  },
  {
    method: 'get',
    path: `${E}/versions/{version}`,
    summary: 'One approved version',
    permission: 'read:catalog-entry:any',
    response: versionSummary.extend({ content: catalogContentView }),
  },
  {
    method: 'post',
    path: `${E}/data-updates`,
    summary: 'Record that the entry’s data was updated (Art. 16 freshness)',
    permission: 'create:catalog-entry:own-org',
    body: dataUpdateSchema,
    response: z.object({ id: z.string(), lastDataUpdateAt: z.string(), changed: z.boolean() }),
  },
  {
    method: 'post',
    path: `${E}/legal-basis-changes`,
    summary:
      'Mark the legal basis changed: the agency has 15 working days, the authority then 5 (Art. 11)',
    permission: 'create:catalog-entry:own-org',
    body: markLegalBasisSchema,
    response: z.object({ deadlineId: z.string(), agencyDueAt: z.string() }),
    status: 201,
  },
  {
    method: 'get',
    path: `${E}/quality-issues`,
    summary: 'Data-quality issues raised on an entry (Art. 17)',
    permission: 'read:catalog-entry:any',
    query: z.strictObject({
      after: objectIdField.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
    response: z.object({ issues: z.array(qualityIssueView), nextAfter: z.string().nullable() }),
  },
  {
    method: 'post',
    path: `${E}/quality-issues`,
    summary: 'Raise a data-quality issue on an entry (Art. 17)',
    permission: 'raise:quality-issue:any',
    body: raiseQualityIssueSchema,
    response: z.object({ id: z.string() }),
    status: 201,
  },
  {
    method: 'post',
    path: '/api/v1/catalog/quality-issues/{issueId}/resolution',
    summary: 'The source department resolves an issue with an outcome (Art. 17)',
    permission: 'resolve:quality-issue:own-org',
    body: resolutionBody,
    response: z.object({ id: z.string(), outcome: z.string() }),
  },
  {
    method: 'post',
    path: '/api/v1/catalog/data-items',
    summary:
      'Register the caller’s agency as the legal source of a data item (Art. 14; 409 names the owner)',
    permission: 'create:catalog-entry:own-org',
    body: claimBody,
    response: z.object({ code: z.string(), created: z.boolean() }),
    status: 201,
  },
  {
    method: 'get',
    path: '/api/v1/catalog/data-items/{code}',
    summary: 'The legal source department of a data item (Art. 14)',
    permission: 'read:catalog-entry:any',
    response: z.object({
      code: z.string(),
      orgId: z.string(),
      name: localized,
      claimedAt: z.string(),
    }),
  },
  {
    method: 'get',
    path: '/api/v1/catalog/deadlines',
    summary:
      'Open Art. 11 obligations: the caller’s agency’s, or (authority) every one of its level',
    permission: 'read:catalog-entry:any',
    response: z.object({ deadlines: z.array(deadlineView) }),
  },
  {
    method: 'get',
    path: '/api/v1/calendar/working-days',
    summary:
      'Working-day arithmetic on the authority’s calendar: from + days → due, or from → to → count',
    permission: 'authenticated',
    query: workingDaysQuery,
    response: z.object({
      from: z.string(),
      dueAt: z.string().optional(),
      workingDays: z.number().optional(),
    }),
  },
]
