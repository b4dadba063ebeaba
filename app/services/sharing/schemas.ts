// Zod schemas shared by browser and server for sharing between agencies (C4; Art. 22–24). The JSON
// API takes these shapes; the forms post the same names (repeated `fields` checkboxes). Messages are
// i18n keys.
import { z } from 'zod'
import { confidentialityReviewInput } from '~/services/security/schemas'
import { listParams, objectId as idSchema } from '~/utils/schemas'
import { SHARING_MODES, SHARING_REQUEST_STATUSES } from '~/vocab/sharing'

export const objectId = idSchema('error.sharing.badId')
const required = (max: number) => z.string().trim().min(1, 'error.required').max(max)
const FIELD_NAME = /^[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]{0,63}$/
export const fieldName = z.string().trim().regex(FIELD_NAME, 'error.sharing.fieldName')
/** A repeated form field (checkboxes): absent → [], one → [one]. */
export const many = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(item).max(300),
  )
const day = z.iso.date('error.sharing.badDate')

/** Art. 22–24: what an agency asks for, and why. */
export const sharingRequestInput = z.strictObject({
  entryId: objectId,
  scenario: required(2000),
  usingUnit: required(200),
  duty: required(2000),
  fields: many(fieldName),
  mode: z.enum(SHARING_MODES),
  periodEnd: day,
})
export type SharingRequestInput = z.output<typeof sharingRequestInput>

/**
 * Art. 26 ¶1: the authority or the source department shares with an enterprise or institution, for
 * a policy or an emergency, on a cited legal basis — the rest as an agency's request.
 */
export const art26SharingInput = z.strictObject({
  entryId: objectId,
  beneficiaryOrgId: objectId,
  purpose: z.enum(['policy', 'emergency']),
  instrument: z.string().trim().max(200).default(''),
  article: z.string().trim().max(50).default(''),
  scenario: required(2000),
  usingUnit: required(200),
  fields: many(fieldName),
  mode: z.enum(SHARING_MODES),
  periodEnd: day,
})
export type Art26SharingInput = z.output<typeof art26SharingInput>

/** The citation a refusal rests on (Art. 23 ¶2): the instrument and the article in it. */
export const citationInput = z.strictObject({
  instrument: z.string().trim().max(200).default(''),
  article: z.string().trim().max(50).default(''),
})

/** The source department's reply: agree with terms (Art. 24), or refuse with a citation. */
export const sharingDecisionInput = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('granted'),
    fields: many(fieldName),
    mode: z.enum(SHARING_MODES),
    end: day,
    note: z.string().trim().max(2000).default(''),
  }),
  z.strictObject({
    outcome: z.literal('refused'),
    instrument: z.string().trim().max(200).default(''),
    article: z.string().trim().max(50).default(''),
    note: z.string().trim().max(2000).default(''),
  }),
])
export type SharingDecisionInput = z.output<typeof sharingDecisionInput>

/** Art. 24: the source department withdraws a grant, with its reason. */
export const revokeGrantInput = z.strictObject({
  intent: z.literal('revoke'),
  reason: z.string().trim().max(2000).default(''),
})

/** Art. 23 ¶4: what an offline hand-over contained, and who gave and received it. */
export const handoverInput = z.strictObject({
  intent: z.literal('handover'),
  fields: many(fieldName),
  rows: z.coerce.number().int('error.sharing.badRows').min(0, 'error.sharing.badRows').max(1e10),
  contentSha256: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, 'error.sharing.badDigest'),
  medium: required(200),
  handedOverAt: day,
  handedOverBy: required(200),
  receivedBy: required(200),
})
export type HandoverInput = z.output<typeof handoverInput>

/** Art. 46: the source department's confidentiality review of a request for important data. */
export const grantReviewInput = confidentialityReviewInput.extend({
  intent: z.literal('confidentiality-review'),
})

/** Art. 24: the requester issues the key of its API grant. */
export const issueGrantKeyInput = z.strictObject({ intent: z.literal('issue-key') })

/**
 * What the request page posts: a confidentiality review or a reply, or (after agreeing) a
 * revocation or a hand-over record by the source department, or an API key by the requester.
 */
export const requestPageInput = z.union([
  grantReviewInput,
  revokeGrantInput,
  handoverInput,
  issueGrantKeyInput,
  sharingDecisionInput,
])

/** `GET /api/v1/sharing/grants/:grantId/rows`: a page of the granted rows. */
export const grantRowsQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/** An agency's sharing lists: the requests its data received (`inbox`) or those it made (`mine`). */
export const sharingListQuery = z.strictObject({
  box: z.enum(['inbox', 'mine']).default('inbox'),
  ...listParams(['created', 'due'], { sort: 'created', dir: 'desc' }),
  status: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(SHARING_REQUEST_STATUSES).optional(),
  ),
})
export type SharingListQuery = z.infer<typeof sharingListQuery>

/** The request form's entry (`?entry=`). */
export const sharingEntryQuery = z.object({ entry: objectId })

/** Art. 22: the authority's coordination note on an overdue request. */
export const coordinationInput = z.strictObject({
  requestId: objectId,
  note: z.string().trim().min(4, 'error.sharing.noteRequired').max(2000),
})

/** Art. 25: an authority's comment on a request filed with it. */
export const filingCommentInput = z.strictObject({
  intent: z.literal('comment'),
  requestId: objectId,
  note: z.string().trim().min(4, 'error.sharing.noteRequired').max(2000),
})

/** What the authority's sharing page posts: a comment on a filing, or a coordination note. */
export const authoritySharingInput = z.union([filingCommentInput, coordinationInput])
