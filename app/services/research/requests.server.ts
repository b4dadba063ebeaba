// Research public-interest access (Art. 26): a university or research institute asks the owner of a
// listed product, or the source department of a catalog entry, for data; the request follows the
// Art. 23–24 procedure (reply within 5 working days, minimal authorization). One exported function
// per rule; routes, the API and the seed call `submitResearchRequest`.
import { createHash } from 'node:crypto'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { ResearchRequest, type ResearchRequestDoc } from '#models/research-request'
import {
  ART23_REPLY_WORKING_DAYS,
  addWorkingDays,
  endOfChinaDay,
  workingDaysBetween,
} from '~/services/calendar/working-days.server'
import { notifyOrg } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { DomainError } from '~/utils/errors'
import type { ResearchRequestInput } from './schemas'
import type { ResearchSubjectKind, ResearchUseKind } from '~/vocab/research'
import { isObjectId } from '~/utils/schemas'

/** The longest access a request may ask for (a sensible bound on a research project; not in the law). */
export const RESEARCH_MAX_PERIOD_DAYS = 5 * 366

const DAY_MS = 86_400_000

/** 'YYYY-MM-DD' → the first moment of that day in China Standard Time. */
export function startOfChinaDay(ymd: string): Date {
  return new Date(Date.parse(`${ymd}T00:00:00+08:00`))
}
export { endOfChinaDay }

export function notFound(): DomainError {
  return new DomainError('not_found', 'error.research.notFound', 404)
}

/** Art. 26 ¶2: public-interest research access is for universities and research institutes only. */
export function assertResearchInstitution(user: AuthUser): NonNullable<AuthUser['org']> {
  if (!user.org || user.org.type !== 'research')
    throw new DomainError('not_research_org', 'error.research.notResearchOrg', 403)
  return user.org
}

/** Art. 26 ¶2: data obtained this way may be used only for research, education and other public-interest work. */
export function assertNonCommercialUse(useKind: ResearchUseKind): void {
  if (useKind === 'commercial') {
    throw new DomainError('commercial_purpose', 'error.research.commercialPurpose', 422, {
      useKind: ['error.research.commercialPurpose'],
    })
  }
}

export interface ResearchSubject {
  kind: ResearchSubjectKind
  ownerOrgId: string
  title: { zh: string; en: string }
  productId: string | null
  versionId: string | null
  catalogEntryId: string | null
  /** The fields a request may name: the product version's schema, or the entry's sharing content. */
  fields: { name: string; label: { zh: string; en: string } }[]
}

// Seeded and uploaded versions may carry no declared schema; their published sample's header row
// then names the columns (the sample is what every visitor already sees).
function sampleHeader(sample: string): string[] {
  const first = sample.split(/\r?\n/)[0] ?? ''
  const names = first.split(',').map((s) => s.trim())
  return names.length > 1 && names.every((n) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(n))
    ? names
    : []
}

/**
 * What can be asked for (Art. 26 with Art. 23): a listed market product with a published version,
 * or a listed catalog entry that is shared at all — not-shared data is answered only by
 * verification (Art. 23 ¶3), never handed over.
 */
export async function loadResearchSubject(
  kind: ResearchSubjectKind,
  id: string,
): Promise<ResearchSubject> {
  if (!isObjectId(id)) throw notFound()
  if (kind === 'product') {
    const product = await Product.findById(id).lean()
    if (!product || !product.listed || product.visibility !== 'market' || !product.latestPublished)
      throw notFound()
    const version = await ProductVersion.findById(product.latestPublished.versionId, {
      dataSchema: 1,
    }).lean()
    const declared = version?.dataSchema?.fields ?? []
    const fields = declared.length
      ? declared.map((f) => ({ name: f.name, label: { zh: f.label.zh, en: f.label.en } }))
      : product.kind === 'model'
        ? []
        : sampleHeader(product.sample).map((name) => ({ name, label: { zh: name, en: name } }))
    return {
      kind,
      ownerOrgId: product.ownerOrgId,
      title: { zh: product.title.zh, en: product.title.en },
      productId: id,
      versionId: product.latestPublished.versionId,
      catalogEntryId: null,
      fields,
    }
  }
  const entry = await CatalogEntry.findById(id, { orgId: 1, listed: 1, published: 1 }).lean()
  if (!entry || !entry.listed || !entry.published) throw notFound()
  if (entry.published.sharingType === 'not_shared')
    throw new DomainError('not_shared', 'error.research.notShared', 409)
  return {
    kind,
    ownerOrgId: entry.orgId,
    title: { zh: entry.published.title.zh, en: entry.published.title.en },
    productId: null,
    versionId: null,
    catalogEntryId: id,
    fields: entry.published.fields.map((f) => ({
      name: f.name,
      label: { zh: f.label.zh, en: f.label.en },
    })),
  }
}

/**
 * Art. 24 (minimal authorization): a request names the fields it needs, each one the subject
 * offers; when the subject declares fields, at least one must be named.
 */
export function assertFieldsOffered(requested: string[], offered: string[]): void {
  const unknown = requested.filter((f) => !offered.includes(f))
  if (unknown.length)
    throw new DomainError(
      'unknown_fields',
      'error.research.unknownFields',
      422,
      { fields: ['error.research.unknownFields'] },
      { fields: unknown.join(', ') },
    )
  if (offered.length > 0 && requested.length === 0)
    throw new DomainError('no_fields', 'error.research.noFields', 422, {
      fields: ['error.research.noFields'],
    })
  if (new Set(requested).size !== requested.length)
    throw new DomainError('duplicate_fields', 'error.research.duplicateFields', 422, {
      fields: ['error.research.duplicateFields'],
    })
}

/** Art. 24 (截止時間): the access period ends after it starts, not in the past, and within the bound. */
export function assertPeriod(start: Date, end: Date, now: Date): void {
  if (end.getTime() <= start.getTime())
    throw new DomainError('bad_period', 'error.research.periodOrder', 422, {
      periodEnd: ['error.research.periodOrder'],
    })
  if (end.getTime() <= now.getTime())
    throw new DomainError('bad_period', 'error.research.periodPast', 422, {
      periodEnd: ['error.research.periodPast'],
    })
  if (end.getTime() - start.getTime() > RESEARCH_MAX_PERIOD_DAYS * DAY_MS) {
    throw new DomainError(
      'bad_period',
      'error.research.periodTooLong',
      422,
      { periodEnd: ['error.research.periodTooLong'] },
      { days: RESEARCH_MAX_PERIOD_DAYS },
    )
  }
}

/** Art. 26 → Art. 23 ¶2: the owner's reply is due 5 working days after the request arrives. */
export function replyDeadline(submittedAt: Date): Promise<Date> {
  return addWorkingDays(submittedAt, ART23_REPLY_WORKING_DAYS)
}

/** A request is overdue while it waits past its reply deadline (shown, never auto-decided). */
export function isReplyOverdue(
  request: { status: string; replyDueAt: Date },
  now: Date = new Date(),
): boolean {
  return request.status === 'pending' && now.getTime() > request.replyDueAt.getTime()
}

/** A stable id for a seeded request, so re-seeding finds it (idempotent demo data). */
export function seededRequestId(key: string): mongoose.Types.ObjectId {
  return new mongoose.Types.ObjectId(
    createHash('sha256').update(`research-request:${key}`).digest('hex').slice(0, 24),
  )
}

export interface SubmittedRequest {
  requestId: string
  replyDueAt: Date
  ledgerSeq: number
}

/**
 * Art. 26: a research institution asks for access. Checked: the institution (¶2), the use (¶2),
 * the subject (Art. 23), the fields (Art. 24) and the period; the owner's 5-working-day clock
 * starts (Art. 23). Logged as `research-request.submitted`.
 */
export async function submitResearchRequest(
  user: AuthUser,
  input: ResearchRequestInput,
  options: { now?: Date; id?: mongoose.Types.ObjectId } = {},
): Promise<SubmittedRequest> {
  const org = assertResearchInstitution(user)
  assertNonCommercialUse(input.useKind)
  const now = options.now ?? new Date()
  const subject = await loadResearchSubject(input.subject.kind, input.subject.id)
  assertFieldsOffered(
    input.fields,
    subject.fields.map((f) => f.name),
  )
  const periodStart = startOfChinaDay(input.period.start)
  const periodEnd = endOfChinaDay(input.period.end)
  assertPeriod(periodStart, periodEnd, now)
  const replyDueAt = await replyDeadline(now)
  const _id = options.id ?? new mongoose.Types.ObjectId()
  let doc = await ResearchRequest.findById(_id).lean()
  if (!doc) {
    try {
      doc = (
        await ResearchRequest.create({
          _id,
          requesterOrgId: org.id,
          requesterUserId: user.id,
          subjectKind: subject.kind,
          productId: subject.productId,
          versionId: subject.versionId,
          catalogEntryId: subject.catalogEntryId,
          subjectTitle: subject.title,
          ownerOrgId: subject.ownerOrgId,
          useKind: input.useKind,
          purpose: input.purpose,
          project: input.project,
          people: input.people,
          fields: input.fields,
          periodStart,
          periodEnd,
          ethicsRef: input.ethicsRef,
          replyDueAt,
          status: 'pending',
          createdAt: now,
        })
      ).toObject()
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
      doc = await ResearchRequest.findById(_id).lean()
      if (!doc) throw error
    }
  }
  const requestId = String(doc._id)
  const entry = await appendLedger({
    action: 'research-request.submitted',
    actor: { userId: user.id, orgId: org.id },
    subjects: [
      `research-request:${requestId}`,
      subject.productId
        ? `product:${subject.productId}`
        : `catalog-entry:${subject.catalogEntryId}`,
      `org:${org.id}`,
      `org:${subject.ownerOrgId}`,
    ],
    // Digested, never stored: it names the project's people.
    payload: input,
    summary: {
      subjectKind: subject.kind,
      useKind: input.useKind,
      fields: input.fields.length,
      replyDueAt: doc.replyDueAt.toISOString(),
    },
    eventKey: `research-request.submitted:${requestId}`,
  })
  await ResearchRequest.updateOne({ _id: doc._id }, { $set: { submittedSeq: entry._id } })
  await notifyOrg({
    key: `research-request:${requestId}:submitted`,
    orgId: subject.ownerOrgId,
    kind: 'research-request.submitted',
    params: { requestId, title: subject.title.zh, dueAt: doc.replyDueAt.toISOString() },
  })
  return { requestId, replyDueAt: doc.replyDueAt, ledgerSeq: entry._id }
}

/** Who may see a request: the requesting institution, the owner, and the authority. */
export function maySee(
  user: AuthUser,
  request: Pick<ResearchRequestDoc, 'requesterOrgId' | 'ownerOrgId'>,
): boolean {
  const orgId = user.org?.id
  return Boolean(
    orgId &&
    (orgId === request.requesterOrgId ||
      orgId === request.ownerOrgId ||
      user.org?.type === 'authority'),
  )
}

/** Art. 26 with Art. 23: the owner decides (its staff holding the permission); the authority may too. */
export function mayDecide(
  user: AuthUser,
  request: Pick<ResearchRequestDoc, 'ownerOrgId'>,
): boolean {
  if (!user.permissions.has('decide:research-request:own-org') || !user.org) return false
  return user.org.id === request.ownerOrgId || user.org.type === 'authority'
}

export async function loadRequest(requestId: string) {
  if (!isObjectId(requestId)) throw notFound()
  const request = await ResearchRequest.findById(requestId).lean()
  if (!request) throw notFound()
  return request
}

export type ResearchRequestLean = Awaited<ReturnType<typeof loadRequest>>

export { isObjectId }

/** Art. 26 → Art. 23: the owner is warned when this many working days (and then 1) are left. */
export const RESEARCH_WARN_AT_WORKING_DAYS = [2, 1] as const

/**
 * Art. 26 → Art. 23 ¶2: for every request still waiting, warn the owner before its reply is due
 * and, once it is overdue, tell the owner and the requesting institution. Notices carry keys, so
 * reruns send nothing twice; nothing is decided for the owner.
 */
export async function runResearchReplySweep(
  now: Date = new Date(),
): Promise<{ pending: number; warned: number; overdue: number }> {
  const pending = await ResearchRequest.find(
    { status: 'pending' },
    { ownerOrgId: 1, requesterOrgId: 1, replyDueAt: 1, subjectTitle: 1 },
  ).lean()
  const result = { pending: pending.length, warned: 0, overdue: 0 }
  for (const r of pending) {
    const requestId = String(r._id)
    const params = { requestId, title: r.subjectTitle.zh, dueAt: r.replyDueAt.toISOString() }
    if (now > r.replyDueAt) {
      await notifyOrg({
        key: `research-request:${requestId}:overdue`,
        orgId: r.ownerOrgId,
        kind: 'research-request.overdue',
        params,
      })
      await notifyOrg({
        key: `research-request:${requestId}:overdue:requester`,
        orgId: r.requesterOrgId,
        kind: 'research-request.overdue',
        params,
      })
      result.overdue++
      continue
    }
    const left = await workingDaysBetween(now, r.replyDueAt)
    const threshold = RESEARCH_WARN_AT_WORKING_DAYS.filter((w) => left <= w).at(-1)
    if (threshold === undefined) continue
    await notifyOrg({
      key: `research-request:${requestId}:warn${threshold}`,
      orgId: r.ownerOrgId,
      kind: 'research-request.reply_due',
      params: { ...params, workingDaysLeft: left },
    })
    result.warned++
  }
  return result
}
