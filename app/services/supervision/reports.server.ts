// C12 (Art. 48–52): supervision reports — generate from the ledger, store once per distinct
// outcome, list, read, regenerate on request, and notify (通報) the yearly ranking.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import mongoose from 'mongoose'
import { enqueue, getQueue } from '#jobs/queues'
import { LedgerAuditModel } from '#models/ledger-audit'
import { LedgerEntry } from '#models/ledger-entry'
import { Organization } from '#models/organization'
import { SupervisionReport } from '#models/supervision-report'
import { loadCalendarRules } from '~/services/calendar/working-days.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger, ledgerHead } from '~/services/ledger/ledger.server'
import { claim, connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { pageOf, type ListQuery } from '~/utils/listing.server'
import type { Paging } from '~/utils/schemas'
import {
  completeFigures,
  computeReport,
  periodOf,
  type ReportContent,
  type ReportEntry,
} from './figures.server'
import { isObjectId } from '~/utils/schemas'
import { assertMay } from '~/utils/permissions'

const BATCH = 2000

/** Every ledger entry appended before `end`, in seq order (the report's only input besides audits and the calendar). */
async function entriesBefore(
  end: Date,
  onBatch?: (read: number) => Promise<void>,
): Promise<ReportEntry[]> {
  const out: ReportEntry[] = []
  let after = 0
  for (;;) {
    const batch = await LedgerEntry.find(
      { _id: mongoose.trusted({ $gt: after }), at: mongoose.trusted({ $lt: end }) },
      { _id: 1, at: 1, action: 1, actorOrgId: 1, subjects: 1, summary: 1 },
    )
      .sort({ _id: 1 })
      .limit(BATCH)
      .lean()
    out.push(...batch)
    await onBatch?.(out.length)
    if (batch.length < BATCH) return out
    after = batch.at(-1)!._id
  }
}

export function scopeKey(scope: string): string {
  return scope === 'all' ? 'all' : scope.slice('org:'.length)
}

/** The report's stored text and its hash: canonical JSON (RFC 8785), SHA-256. */
export function serializeReport(content: ReportContent): { text: string; hash: string } {
  const text = canonicalize(content) ?? ''
  return { text, hash: createHash('sha256').update(text, 'utf8').digest('hex') }
}

type Inputs = Omit<Parameters<typeof computeReport>[0], 'scope'>

/** Everything a period's reports read: the log before the period's end, the audits, the calendar. */
async function loadInputs(
  label: string,
  onProgress?: (percent: number) => Promise<void>,
): Promise<Inputs> {
  const period = periodOf(label)
  await connectDb()
  const head = await ledgerHead()
  const entries = await entriesBefore(period.end, async (read) => {
    await onProgress?.(Math.min(70, Math.round((70 * read) / Math.max(1, head.seq))))
  })
  const audits = await LedgerAuditModel.find(
    { ok: false, at: mongoose.trusted({ $gte: period.start, $lt: period.end }) },
    { at: 1, firstBrokenSeq: 1 },
  ).lean()
  const calendar = await loadCalendarRules()
  return {
    period,
    entries,
    audits: audits
      .filter((a) => typeof a.firstBrokenSeq === 'number')
      .map((a) => ({ at: a.at, firstBrokenSeq: a.firstBrokenSeq! })),
    calendar,
  }
}

export interface GeneratedReport {
  id: string
  contentHash: string
  created: boolean
}

/**
 * Stores one report under its key (scope, period, content hash), unique: the same log gives the
 * same content and so the same document; a grown log adds a new version and one
 * `supervision.report_generated` entry.
 */
async function storeReport(content: ReportContent, generatedBy: string): Promise<GeneratedReport> {
  const { text, hash } = serializeReport(content)
  const id = `${content.period}-${scopeKey(content.scope)}-${hash}`
  const created = await claim(SupervisionReport, {
    _id: id,
    scope: content.scope,
    kind: content.kind,
    period: content.period,
    contentHash: hash,
    content: text,
    throughSeq: content.throughSeq,
    generatedAt: new Date(),
    generatedBy,
  })
  await appendLedger({
    action: 'supervision.report_generated',
    ...(generatedBy !== 'scheduler' && { actor: { userId: generatedBy } }),
    subjects: [`supervision-report:${id}`],
    eventKey: `supervision-report:${id}`,
    summary: {
      scope: content.scope,
      period: content.period,
      contentHash: hash,
      throughSeq: content.throughSeq,
    },
  })
  return { id, contentHash: hash, created }
}

/**
 * Art. 48: generate and store a period's report. Scope 'all' also stores one report per agency
 * (Art. 48 supervises each agency), computed from the same read of the log.
 */
export async function generateSupervisionReport(
  input: { scope: string; period: string; generatedBy: string },
  onProgress?: (percent: number) => Promise<void>,
): Promise<GeneratedReport & { agencyReports: number }> {
  const inputs = await loadInputs(input.period, onProgress)
  const content = computeReport({ scope: input.scope, ...inputs })
  const main = await storeReport(content, input.generatedBy)
  await onProgress?.(80)
  const agencies =
    input.scope === 'all' ? content.orgs.filter((o) => o.agency && isObjectId(o.orgId)) : []
  for (const [i, agency] of agencies.entries()) {
    await storeReport(computeReport({ scope: `org:${agency.orgId}`, ...inputs }), input.generatedBy)
    await onProgress?.(80 + Math.floor((19 * (i + 1)) / agencies.length))
  }
  await onProgress?.(100)
  return { ...main, agencyReports: agencies.length }
}

export interface ReportListItem {
  id: string
  scope: string
  kind: 'monthly' | 'yearly'
  period: string
  contentHash: string
  throughSeq: number
  generatedAt: string
}

const REPORT_COLUMNS = { generated: 'generatedAt', period: 'period' } as const

/** The reports of one scope ('all' or `org:<id>`), one numbered page, newest generation first by default. */
export async function listSupervisionReports(
  input: ListQuery<keyof typeof REPORT_COLUMNS> & { kind?: 'monthly' | 'yearly'; scope: string },
): Promise<{ reports: ReportListItem[]; paging: Paging }> {
  await connectDb()
  const { items, paging } = await pageOf(
    SupervisionReport,
    { scope: input.scope, ...(input.kind ? { kind: input.kind } : {}) },
    input,
    REPORT_COLUMNS,
    { projection: { content: 0 } },
  )
  const reports = items.map((r) => ({
    id: r._id,
    scope: r.scope,
    kind: r.kind,
    period: r.period,
    contentHash: r.contentHash,
    throughSeq: r.throughSeq,
    generatedAt: r.generatedAt.toISOString(),
  }))
  return { reports, paging }
}

const REPORT_ID = /^(\d{4}(?:-\d{2})?)-(all|[0-9a-f]{24})-([0-9a-f]{64})$/

/** One stored report with its parsed content and the names of the organisations it lists. */
export async function getSupervisionReport(id: string) {
  if (!REPORT_ID.test(id)) throw new DomainError('not_found', 'error.supervision.notFound', 404)
  await connectDb()
  const doc = await SupervisionReport.findById(id).lean()
  if (!doc) throw new DomainError('not_found', 'error.supervision.notFound', 404)
  const stored = JSON.parse(doc.content) as ReportContent
  // (A report written before a figure existed shows it as zero.)
  const content: ReportContent = {
    ...stored,
    totals: completeFigures(stored.totals),
    orgs: stored.orgs.map((o) => ({ ...o, figures: completeFigures(o.figures) })),
  }
  const orgIds = content.orgs.map((o) => o.orgId).filter((o) => mongoose.isValidObjectId(o))
  const orgs = await Organization.find(
    { _id: mongoose.trusted({ $in: orgIds }) },
    { name: 1 },
  ).lean()
  return {
    id: doc._id,
    contentHash: doc.contentHash,
    generatedAt: doc.generatedAt.toISOString(),
    generatedBy: doc.generatedBy,
    content,
    orgNames: Object.fromEntries(
      orgs.map((o) => [String(o._id), { zh: o.name.zh, en: o.name.en }]),
    ) as Record<string, { zh: string; en: string }>,
  }
}

export type SupervisionReportView = Awaited<ReturnType<typeof getSupervisionReport>>

/** The job id of a generation: one per (scope, period, log head), so a repeated request runs once. */
export function generationJobId(scope: string, period: string, headSeq: number): string {
  return `supervision-${period}-${scopeKey(scope)}-${headSeq}`
}

/** Art. 48: the authority asks for a (re)generation; the job reports its progress on the reports page. */
export async function requestSupervisionReport(
  user: AuthUser,
  input: { scope: string; period: string },
) {
  assertMay(user, 'generate:supervision-report:any')
  periodOf(input.period)
  const head = await ledgerHead()
  const jobId = generationJobId(input.scope, input.period, head.seq)
  await enqueue(
    'supervision-reports',
    { scope: input.scope, period: input.period, requestedBy: user.id },
    { jobId },
  )
  return { jobId }
}

/** Generations waiting, running or recently finished, with their progress (BullMQ job progress). */
export async function generationProgress() {
  let jobs: Awaited<ReturnType<ReturnType<typeof getQueue<'supervision-reports'>>['getJobs']>>
  try {
    jobs = await getQueue('supervision-reports').getJobs(
      ['active', 'waiting', 'delayed', 'completed', 'failed'],
      0,
      19,
    )
  } catch (error) {
    // The reports themselves live in the database: without Redis the list still shows them.
    console.warn(`[supervision] could not read generation jobs: ${(error as Error).message}`)
    return []
  }
  const rows = await Promise.all(
    jobs.map(async (job) => ({
      id: job.id ?? '',
      period: String(job.data.period),
      scope: job.data.scope ?? 'all',
      state: await job.getState(),
      progress: typeof job.progress === 'number' ? job.progress : 0,
      at: new Date(job.timestamp).toISOString(),
      reportId: (job.returnvalue as { id?: string } | null)?.id ?? null,
    })),
  )
  return rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
}

/**
 * Art. 48, 49: the authority notifies (通報) a yearly evaluation — one ledger entry per report
 * and one notice per ranked agency, each keyed so a repeated click notifies once.
 */
export async function notifySupervisionRanking(user: AuthUser, reportId: string) {
  const report = await getSupervisionReport(reportId)
  if (report.content.kind !== 'yearly' || report.content.ranking.length === 0) {
    throw new DomainError('not_yearly', 'error.supervision.notYearly', 409)
  }
  const entry = await appendLedger({
    action: 'supervision.notified',
    actor: { userId: user.id, ...(user.org ? { orgId: user.org.id } : {}) },
    subjects: [
      `supervision-report:${reportId}`,
      ...report.content.ranking.slice(0, 40).map((r) => `org:${r.orgId}`),
    ],
    eventKey: `supervision-notified:${reportId}`,
    payload: { ranking: report.content.ranking },
    summary: {
      period: report.content.period,
      agencies: report.content.ranking.length,
      contentHash: report.contentHash,
    },
  })
  for (const row of report.content.ranking) {
    const key = `supervision-ranking:${report.content.period}:${report.contentHash.slice(0, 16)}:${row.orgId}`
    await enqueue(
      'notifications',
      {
        key,
        orgId: row.orgId,
        kind: 'supervision.ranking',
        params: {
          period: report.content.period,
          rank: row.rank,
          of: report.content.ranking.length,
          score: row.score ?? -1,
          reportId,
        },
      },
      { jobId: key.replace(/:/g, '_') },
    )
  }
  return { seq: entry._id, notified: report.content.ranking.length }
}

/** Whether this report's ranking was already notified (the ledger entry of its key). */
export async function rankingNotified(reportId: string): Promise<number | null> {
  await connectDb()
  const entry = await LedgerEntry.findOne(
    { eventKey: `supervision-notified:${reportId}` },
    { _id: 1 },
  ).lean()
  return entry?._id ?? null
}
