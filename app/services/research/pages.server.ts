// What the research-access pages show: the researcher's requests, the owner's inbox, one request,
// the new-request form, and the counts on the home pages. Loaders call these after checking the
// caller; refusals are DomainErrors the routes turn into 4xx.
import { ResearchRequest } from '#models/research-request'
import type { AuthUser } from '~/services/identity/auth.server'
import { getT } from '~/utils/i18n.server'
import {
  isReplyOverdue,
  loadRequest,
  loadResearchSubject,
  mayDecide,
  maySee,
  notFound,
  type ResearchRequestLean,
} from './requests.server'
import { orgNamesOf } from '~/services/products/products.server'
import { licenseeReportCounts, listOverdueReports } from './usage-reports.server'
import type { ResearchSubjectKind } from '~/vocab/research'
import type { LocaleT as T } from '~/i18n/config'
import { cursorPageOf } from '~/utils/listing.server'

const PAGE = 25

// The marketplace's page helpers serve these pages too: a refusal becomes a 4xx page in the
// user's language, and a refused form comes back with the values posted.

/** The section links this user may follow (each page checks again). */
export function researchLinks(user: AuthUser, t: T) {
  const links: { to: string; label: string }[] = []
  if (user.permissions.has('create:research-request:own-org'))
    links.push({ to: '/research/requests', label: t('research.nav.mine') })
  if (user.permissions.has('decide:research-request:own-org'))
    links.push({ to: '/research/inbox', label: t('research.nav.inbox') })
  if (user.permissions.has('submit:usage-report:own-org'))
    links.push({ to: '/usage-reports', label: t('research.nav.usage') })
  return links
}

function row(r: ResearchRequestLean, now: Date) {
  return {
    id: String(r._id),
    subjectKind: r.subjectKind,
    subjectTitle: r.subjectTitle,
    requesterOrgId: r.requesterOrgId,
    ownerOrgId: r.ownerOrgId,
    project: r.project,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    replyDueAt: r.replyDueAt.toISOString(),
    overdue: isReplyOverdue(r, now),
  }
}

export type ResearchRowView = ReturnType<typeof row>

async function page(
  filter: Record<string, unknown>,
  query: { after?: string; status?: string },
  now: Date,
) {
  const f: Record<string, unknown> = { ...filter }
  if (query.status) f.status = query.status
  const docs = await cursorPageOf(ResearchRequest, f, { after: query.after, limit: PAGE }, -1)
  const items = (docs.items as ResearchRequestLean[]).map((d) => row(d, now))
  const orgNames = await orgNamesOf(items.flatMap((i) => [i.requesterOrgId, i.ownerOrgId]))
  return { items, orgNames, nextAfter: docs.nextAfter, total: docs.total }
}

/** The researcher's requests (their organization's), newest first. */
export function listOwnRequests(
  user: AuthUser,
  query: { after?: string; status?: string },
  now: Date = new Date(),
) {
  if (!user.org) throw notFound()
  return page({ requesterOrgId: user.org.id }, query, now)
}

/** The owner's inbox: requests on its products or entries; the authority sees every request. */
export function listInbox(
  user: AuthUser,
  query: { after?: string; status?: string },
  now: Date = new Date(),
) {
  if (!user.org) throw notFound()
  return page(user.org.type === 'authority' ? {} : { ownerOrgId: user.org.id }, query, now)
}

/** One request with its decision, for the requester, the owner and the authority. */
export async function requestPage(user: AuthUser, requestId: string, now: Date = new Date()) {
  const r = await loadRequest(requestId)
  if (!maySee(user, r)) throw notFound()
  const subject = await loadResearchSubject(
    r.subjectKind as ResearchSubjectKind,
    r.productId ?? r.catalogEntryId ?? '',
  ).catch(() => null)
  const labels = Object.fromEntries((subject?.fields ?? []).map((f) => [f.name, f.label]))
  const orgNames = await orgNamesOf([
    r.requesterOrgId,
    r.ownerOrgId,
    r.decision?.decidedByOrgId ?? '',
  ])
  return {
    request: {
      ...row(r, now),
      productId: r.productId,
      catalogEntryId: r.catalogEntryId,
      useKind: r.useKind,
      purpose: r.purpose,
      people: r.people.map((p) => ({ name: p.name, role: p.role })),
      fields: r.fields.map((name) => ({ name, label: labels[name] ?? { zh: name, en: name } })),
      periodStart: r.periodStart.toISOString(),
      periodEnd: r.periodEnd.toISOString(),
      ethicsRef: r.ethicsRef,
      submittedSeq: r.submittedSeq ?? null,
      decision: r.decision
        ? {
            outcome: r.decision.outcome,
            fields: r.decision.fields,
            end: r.decision.end ? r.decision.end.toISOString() : null,
            reasons: r.decision.reasons,
            decidedAt: r.decision.decidedAt.toISOString(),
            decidedByOrgId: r.decision.decidedByOrgId,
            licenceId: r.decision.licenceId ?? null,
            ledgerSeq: r.decision.ledgerSeq ?? null,
          }
        : null,
    },
    orgNames,
    canDecide: r.status === 'pending' && mayDecide(user, r),
    isRequester: user.org?.id === r.requesterOrgId,
  }
}

/** The new-request form: what is asked about and the fields it offers. */
export async function newRequestPage(query: { product?: string; entry?: string }) {
  const kind: ResearchSubjectKind | null = query.product
    ? 'product'
    : query.entry
      ? 'catalog-entry'
      : null
  if (!kind) return { subject: null }
  const subject = await loadResearchSubject(kind, (query.product ?? query.entry)!)
  const names = await orgNamesOf([subject.ownerOrgId])
  return {
    subject: {
      kind,
      id: (subject.productId ?? subject.catalogEntryId)!,
      title: subject.title,
      owner: names[subject.ownerOrgId] ?? { zh: '', en: '' },
      fields: subject.fields,
    },
  }
}

/** Counts for the home pages: own requests, the inbox, overdue replies and overdue usage reports. */
export async function researchHome(user: AuthUser, now: Date = new Date()) {
  const orgId = user.org?.id
  const p = user.permissions
  const out: {
    links: { to: string; label: string }[]
    mine?: { pending: number; approved: number; refused: number }
    inbox?: { pending: number; overdue: number }
    usage?: { licences: number; due: number; overdue: number }
  } = { links: [] }
  if (!orgId) return out
  if (p.has('create:research-request:own-org')) {
    const mine = await ResearchRequest.find({ requesterOrgId: orgId }, { status: 1 }).lean()
    out.mine = { pending: 0, approved: 0, refused: 0 }
    for (const r of mine) out.mine[r.status as 'pending' | 'approved' | 'refused']++
  }
  if (p.has('decide:research-request:own-org')) {
    const pending = await ResearchRequest.find(
      { ...(user.org?.type === 'authority' ? {} : { ownerOrgId: orgId }), status: 'pending' },
      { status: 1, replyDueAt: 1 },
    ).lean()
    out.inbox = {
      pending: pending.length,
      overdue: pending.filter((r) => isReplyOverdue(r, now)).length,
    }
  }
  if (p.has('submit:usage-report:own-org')) out.usage = await licenseeReportCounts(user, now)
  return out
}

export type ResearchHomeView = Awaited<ReturnType<typeof researchHome>>

/** Overdue usage reports for a dashboard: on the org's own licences, or (authority) every one. */
export async function overdueReportsCard(user: AuthUser) {
  if (!user.org) return { rows: [], total: 0 }
  return listOverdueReports(user.org.type === 'authority' ? {} : { licensorOrgId: user.org.id }, 10)
}

export type OverdueReportsView = Awaited<ReturnType<typeof overdueReportsCard>>

/**
 * What the home pages spread into their loader data for `<ResearchHomeSection />`: the research
 * card (own requests, inbox, usage reports) and, with `overdue`, the overdue usage reports on the
 * org's licences (every licence for the authority).
 */
export async function researchHomeData(
  request: Request,
  user: AuthUser,
  options: { overdue?: boolean } = {},
) {
  const t = await getT(request)
  const home = await researchHome(user)
  return {
    researchHome: { ...home, links: researchLinks(user, t) },
    overdueReports: options.overdue ? await overdueReportsCard(user) : null,
  }
}
