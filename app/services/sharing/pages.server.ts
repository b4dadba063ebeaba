// What the sharing pages show (C4; Art. 22–24): the request form for one catalog entry, an agency's
// requests and its inbox as the source department, and one request with its reply. Plain JSON.
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Organization } from '#models/organization'
import { SharingRequest } from '#models/sharing-request'
import { orgNames } from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { grantReviewOf, withReviewerName } from '~/services/security/confidentiality.server'
import { DomainError } from '~/utils/errors'
import { pageOf } from '~/utils/listing.server'
import { currentDataset } from './datasets.server'
import { grantAccessView } from './delivery.server'
import { handoversOf } from './handovers.server'
import {
  loadSharableEntry,
  loadSharingRequest,
  maySee,
  notFound,
  type SharingRequestLean,
} from './requests.server'
import type { SharingListQuery } from './schemas'

/** The entry a request is about: what it offers, who answers, and whether this user may ask. */
export async function newSharingRequestPage(user: AuthUser, entryId: string) {
  const entry = await loadSharableEntry(entryId)
  const doc = await CatalogEntry.findById(entryId, { 'published.fields': 1 }).lean()
  const names = await orgNames([entry.sourceOrgId])
  return {
    entry: {
      id: entry.id,
      title: entry.title,
      sharingType: entry.sharingType,
      source: names[entry.sourceOrgId] ?? { zh: entry.sourceOrgId, en: entry.sourceOrgId },
      fields: (doc?.published?.fields ?? []).map((f) => ({
        name: f.name,
        label: { zh: f.label.zh, en: f.label.en },
      })),
    },
    isAgency: user.org?.type === 'agency',
    ownEntry: user.org?.id === entry.sourceOrgId,
  }
}

/**
 * Art. 26 ¶1: the form of the authority or the source department sharing with an enterprise or
 * institution — the entry, and the approved enterprises and institutions to choose from.
 */
export async function art26SharingPage(user: AuthUser, entryId: string) {
  const page = await newSharingRequestPage(user, entryId)
  const orgs = await Organization.find(
    {
      type: mongoose.trusted({ $in: ['provider', 'buyer', 'research'] }),
      status: 'approved',
    },
    { name: 1, type: 1 },
  )
    .sort({ _id: 1 })
    .limit(500)
    .lean()
  return {
    entry: page.entry,
    recipients: orgs.map((o) => ({ id: String(o._id), name: { zh: o.name.zh, en: o.name.en } })),
  }
}

function row(r: SharingRequestLean) {
  return {
    id: String(r._id),
    entryId: r.catalogEntryId,
    title: r.entryTitle,
    requesterOrgId: r.requesterOrgId,
    sourceOrgId: r.sourceOrgId,
    status: r.status,
    mode: r.mode,
    fields: r.fields,
    createdAt: r.createdAt.toISOString(),
    replyDueAt: r.replyDueAt?.toISOString() ?? null,
  }
}

/**
 * An agency's requests (`mine`) or, as a source department, the requests its data received
 * (`inbox`): numbered pages sorted by date or reply deadline, narrowed by status.
 */
export async function sharingListPage(user: AuthUser, query: SharingListQuery) {
  const orgId = user.org?.id
  if (!orgId) throw new DomainError('forbidden', 'error.forbidden', 403)
  const filter = {
    ...(query.box === 'inbox' ? { sourceOrgId: orgId } : { requesterOrgId: orgId }),
    ...(query.status && { status: query.status }),
  }
  const { items, paging } = await pageOf(SharingRequest, filter, query, {
    created: 'createdAt',
    due: 'replyDueAt',
  })
  const rows = items.map((r) => row(r as SharingRequestLean))
  const names = await orgNames(rows.flatMap((r) => [r.requesterOrgId, r.sourceOrgId]))
  return { query, items: rows, paging, orgNames: names }
}

/** One request, for the two agencies and the authority; the reply form for the source department. */
export async function sharingRequestPage(user: AuthUser, requestId: string) {
  const request = await loadSharingRequest(requestId)
  if (!maySee(user, request)) throw notFound()
  const entry = await CatalogEntry.findById(request.catalogEntryId, {
    'published.fields': 1,
  }).lean()
  const labels = new Map(
    (entry?.published?.fields ?? []).map((f) => [f.name, { zh: f.label.zh, en: f.label.en }]),
  )
  const names = await orgNames([request.requesterOrgId, request.sourceOrgId])
  const d = request.decision
  const online = request.status === 'granted' && !!d?.grantId && d.mode !== 'offline'
  const isRequester = user.org?.id === request.requesterOrgId
  const isSource = user.org?.id === request.sourceOrgId
  const now = new Date()
  const dataset = online && isSource ? await currentDataset(request.catalogEntryId) : null
  return {
    request: {
      ...row(request),
      scenario: request.scenario,
      usingUnit: request.usingUnit,
      duty: request.duty,
      periodEnd: request.periodEnd.toISOString(),
      sharingType: request.sharingType,
      escalatedAt: request.escalatedAt?.toISOString() ?? null,
      art26: request.art26
        ? {
            purpose: request.art26.purpose,
            basis: `${request.art26.instrument} ${request.art26.article}`,
          }
        : null,
    },
    coordinations: request.coordinations.map((c) => ({
      seq: c.seq,
      at: c.at.toISOString(),
      note: c.note,
    })),
    fields: request.fields.map((name) => ({
      name,
      label: labels.get(name) ?? { zh: name, en: name },
    })),
    decision: d
      ? {
          outcome: d.outcome,
          fields: d.fields.map((name) => ({
            name,
            label: labels.get(name) ?? { zh: name, en: name },
          })),
          mode: d.mode ?? null,
          end: d.end?.toISOString() ?? null,
          deliveryDueAt: d.deliveryDueAt?.toISOString() ?? null,
          citation: d.citation
            ? { instrument: d.citation.instrument, article: d.citation.article }
            : null,
          note: d.note,
          automatic: d.automatic,
          revokedAt: d.revokedAt?.toISOString() ?? null,
          revokeReason: d.revokeReason ?? '',
          deliveredAt: d.deliveredAt?.toISOString() ?? null,
          decidedAt: d.decidedAt.toISOString(),
          grantId: d.grantId ?? null,
        }
      : null,
    orgNames: { ...names, ...(await orgNames(request.filings.map((f) => f.authorityOrgId))) },
    // Art. 25: where a cross-level or cross-region request was filed, and what was said.
    filings: request.filings.map((f) => ({
      authorityOrgId: f.authorityOrgId,
      relation: f.relation,
      filedSeq: f.filedSeq ?? null,
      comments: request.filingComments
        .filter((c) => c.authorityOrgId === f.authorityOrgId)
        .map((c) => ({ seq: c.seq, at: c.at.toISOString(), note: c.note })),
    })),
    canCommentOnFiling:
      user.permissions.has('coordinate:sharing-request:any') &&
      request.filings.some((f) => f.authorityOrgId === user.org?.id),
    handovers: d?.grantId ? await handoversOf(String(request._id)) : [],
    // Art. 24: an online grant's copy, as its two agencies see it.
    access:
      online && (isRequester || isSource)
        ? {
            grantId: d!.grantId!,
            mode: d!.mode as 'api' | 'file',
            inForce: !d!.revokedAt && (!d!.end || d!.end > now),
            delivery: await grantAccessView(d!.grantId!),
            mayUse:
              isRequester &&
              (user.permissions.has('create:sharing-request:own-org') ||
                user.permissions.has('receive:sharing-grant:own-org')) &&
              !d!.revokedAt &&
              (!d!.end || d!.end > now),
          }
        : null,
    // The source department stores the entry's data, from which online grants are delivered.
    dataset:
      online && isSource
        ? {
            entryId: request.catalogEntryId,
            fileName: dataset?.fileName ?? null,
            uploadedAt: dataset?.uploadedAt.toISOString() ?? null,
          }
        : null,
    canHandOver:
      request.status === 'granted' &&
      d?.mode === 'offline' &&
      !d.revokedAt &&
      user.org?.id === request.sourceOrgId &&
      user.permissions.has('decide:sharing-request:own-org'),
    canRevoke:
      request.status === 'granted' &&
      !d?.revokedAt &&
      user.org?.id === request.sourceOrgId &&
      user.permissions.has('decide:sharing-request:own-org'),
    canReply:
      request.status === 'pending' &&
      user.org?.id === request.sourceOrgId &&
      user.permissions.has('decide:sharing-request:own-org'),
    // Art. 46: a request for important data, and its confidentiality review.
    confidentiality: request.reviewRequired ? await grantReviewState(user, request) : null,
  }
}

async function grantReviewState(user: AuthUser, request: SharingRequestLean) {
  const review = await grantReviewOf(String(request._id))
  return {
    review: await withReviewerName(review),
    canReview:
      !review &&
      request.status === 'pending' &&
      user.org?.id === request.sourceOrgId &&
      user.permissions.has('decide:sharing-request:own-org') &&
      user.permissions.has('review:confidentiality:own-org'),
  }
}
