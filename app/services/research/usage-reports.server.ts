// Usage feedback (Art. 46; C8 "buyers report usage periodically"): a licensee reports, for
// every period its licence sets, how it used the data. Periods are counted from the licence start;
// a period's report is due a grace of working days after the period ends. The `usage-reminders`
// job reminds licensees before that and marks overdue reports once; the licensor's and the
// authority's dashboards list them.
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Licence } from '#models/licence'
import { Product } from '#models/product'
import {
  UsageReport,
  UsageReportOverdue,
  usageReportId,
  type UsageReportDoc,
  type UsageReportOverdueDoc,
} from '#models/usage-report'
import {
  addWorkingDaysIn,
  chinaDate,
  loadCalendarRules,
  workingDaysBetweenIn,
  type CalendarRules,
} from '~/services/calendar/working-days.server'
import { notifyOrg } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { orgNamesOf } from '~/services/products/products.server'
import { claim, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { isObjectId } from './requests.server'
import { pageInMemory } from '~/utils/listing.server'
import type { UsageListQuery, UsageReportInput } from './schemas'

/**
 * Art. 46 sets no date for the report; the platform's rule: due 10 working days after the period
 * ends (time to write it), reminders when 5 and 1 working days are left.
 */
export const USAGE_REPORT_GRACE_WORKING_DAYS = 10
export const USAGE_REMIND_AT_WORKING_DAYS = [5, 1] as const
const PERIOD_MONTHS = { monthly: 1, quarterly: 3, yearly: 12 } as const
const MAX_PERIODS = 1000
const REPORTING: ('monthly' | 'quarterly' | 'yearly')[] = ['monthly', 'quarterly', 'yearly']

type ReportingLicence = {
  _id: mongoose.Types.ObjectId
  start: Date
  end: Date
  usageReport?: string | null
  revokedAt?: Date | null
}

export interface ReportPeriod {
  index: number
  start: Date
  end: Date
}

function addMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear()
  const m = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(date.getUTCDate(), lastDay),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  )
}

/**
 * Art. 46: the reporting periods a licence sets, counted from its start (month arithmetic; the
 * 31st falls back to a shorter month's last day). The last period is cut at the licence's end or
 * revocation: use stops there, and so does the duty to report.
 */
export function reportPeriods(
  licence: Pick<ReportingLicence, 'start' | 'end' | 'usageReport' | 'revokedAt'>,
): ReportPeriod[] {
  const months = PERIOD_MONTHS[licence.usageReport as keyof typeof PERIOD_MONTHS]
  if (!months) return []
  const stop =
    licence.revokedAt && licence.revokedAt < licence.end ? licence.revokedAt : licence.end
  const periods: ReportPeriod[] = []
  for (let k = 0; k < MAX_PERIODS; k++) {
    const start = addMonths(licence.start, k * months)
    if (start >= stop) break
    const next = addMonths(licence.start, (k + 1) * months)
    periods.push({ index: k, start, end: next < stop ? next : stop })
  }
  return periods
}

/** Art. 46 (platform rule above): a period's report is due 10 working days after the period ends. */
export function reportDueAt(rules: CalendarRules, period: ReportPeriod): Date {
  return addWorkingDaysIn(rules, period.end, USAGE_REPORT_GRACE_WORKING_DAYS)
}

/** An ISO 8601 interval of China calendar dates: how a period is named in the log and on pages. */
export function periodLabel(period: { start: Date; end: Date }): string {
  return `${chinaDate(period.start)}/${chinaDate(new Date(period.end.getTime() - 1))}`
}

function notLicensee(): DomainError {
  return new DomainError('forbidden', 'error.research.notLicensee', 403)
}

async function loadLicence(licenceId: string) {
  if (!isObjectId(licenceId))
    throw new DomainError('not_found', 'error.research.licenceNotFound', 404)
  const licence = await Licence.findById(licenceId).lean()
  if (!licence) throw new DomainError('not_found', 'error.research.licenceNotFound', 404)
  return licence
}

/** Art. 46: only the licensee reports on its own licence. */
export function assertLicensee(user: AuthUser, licence: { licenseeOrgId: string }): void {
  if (!user.org || user.org.id !== licence.licenseeOrgId) throw notLicensee()
}

/** Art. 46: a report covers a period of the licence that has begun (an early report is welcome). */
export function reportablePeriod(
  licence: ReportingLicence,
  index: number,
  now: Date,
): ReportPeriod {
  if (!licence.usageReport || licence.usageReport === 'none')
    throw new DomainError('no_reports', 'error.research.noReportsDue', 422)
  const period = reportPeriods(licence).find((p) => p.index === index)
  if (!period)
    throw new DomainError('bad_period', 'error.research.noSuchPeriod', 422, {
      periodIndex: ['error.research.noSuchPeriod'],
    })
  if (period.start > now)
    throw new DomainError('bad_period', 'error.research.periodNotStarted', 422, {
      periodIndex: ['error.research.periodNotStarted'],
    })
  return period
}

/** Fields named as used must be among those the licence permits (empty permitted = every field). */
export function assertFieldsPermitted(used: string[], permitted: string[]): void {
  if (permitted.length === 0) return
  const extra = used.filter((f) => !permitted.includes(f))
  if (extra.length)
    throw new DomainError(
      'fields_not_permitted',
      'error.research.fieldsNotPermitted',
      422,
      { fieldsUsed: ['error.research.fieldsNotPermitted'] },
      { fields: extra.join(', ') },
    )
}

async function logSubmission(report: UsageReportDoc, actor: { userId: string; orgId: string }) {
  const entry = await appendLedger({
    action: 'usage-report.submitted',
    actor,
    subjects: [
      `usage-report:${report._id}`,
      `licence:${report.licenceId}`,
      `org:${report.licenseeOrgId}`,
      `org:${report.licensorOrgId}`,
    ],
    payload: {
      usage: report.usage,
      outputs: report.outputs,
      fieldsUsed: report.fieldsUsed,
      incidents: report.incidents,
    },
    summary: {
      licenceId: report.licenceId,
      period: periodLabel({ start: report.periodStart, end: report.periodEnd }),
      late: report.late,
      incidents: report.incidents.length > 0,
    },
    eventKey: `usage-report.submitted:${report._id}`,
  })
  await UsageReport.updateOne({ _id: report._id }, { $set: { ledgerSeq: entry._id } })
  await notifyOrg({
    key: `usage-report:${report._id}:submitted`,
    orgId: report.licensorOrgId,
    kind: 'usage-report.submitted',
    params: {
      licenceId: report.licenceId,
      period: periodLabel({ start: report.periodStart, end: report.periodEnd }),
    },
  })
  return entry._id
}

/**
 * Art. 46: the licensee's report for one period — one per licence and period (the insert's key);
 * logged as `usage-report.submitted`. A second report for the same period is refused.
 */
export async function submitUsageReport(
  user: AuthUser,
  licenceId: string,
  input: UsageReportInput,
  options: { now?: Date } = {},
): Promise<{ reportId: string; ledgerSeq: number; late: boolean }> {
  const now = options.now ?? new Date()
  const licence = await loadLicence(licenceId)
  assertLicensee(user, licence)
  const period = reportablePeriod(licence, input.periodIndex, now)
  assertFieldsPermitted(input.fieldsUsed, licence.permittedFields)
  const rules = await loadCalendarRules()
  const report: UsageReportDoc = {
    _id: usageReportId(licenceId, period.index),
    licenceId,
    licenseeOrgId: licence.licenseeOrgId,
    licensorOrgId: licence.licensorOrgId,
    periodIndex: period.index,
    periodStart: period.start,
    periodEnd: period.end,
    usage: input.usage,
    outputs: input.outputs,
    fieldsUsed: [...new Set(input.fieldsUsed)],
    incidents: input.incidents,
    late: now > reportDueAt(rules, period),
    submittedBy: user.id,
    submittedAt: now,
    ledgerSeq: null,
  }
  try {
    await UsageReport.create(report)
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    // A retry after a crash between the insert and the log finishes the log, then says "already".
    const earlier = await UsageReport.findById(report._id).lean()
    if (earlier && earlier.ledgerSeq === null)
      await logSubmission(earlier, { userId: earlier.submittedBy, orgId: earlier.licenseeOrgId })
    throw new DomainError('already_reported', 'error.research.alreadyReported', 409)
  }
  const ledgerSeq = await logSubmission(report, { userId: user.id, orgId: licence.licenseeOrgId })
  return { reportId: report._id, ledgerSeq, late: report.late }
}

export interface SweepResult {
  licences: number
  reminded: number
  overdue: number
}

async function logOverdue(mark: UsageReportOverdueDoc) {
  const label = periodLabel({ start: mark.periodStart, end: mark.periodEnd })
  const entry = await appendLedger({
    action: 'usage-report.overdue',
    subjects: [
      `usage-report:${mark._id}`,
      `licence:${mark.licenceId}`,
      `org:${mark.licenseeOrgId}`,
      `org:${mark.licensorOrgId}`,
    ],
    payload: { dueAt: mark.dueAt.toISOString() },
    summary: { licenceId: mark.licenceId, period: label, dueAt: mark.dueAt.toISOString() },
    eventKey: `usage-report.overdue:${mark._id}`,
  })
  await UsageReportOverdue.updateOne({ _id: mark._id }, { $set: { ledgerSeq: entry._id } })
  const params = { licenceId: mark.licenceId, period: label, dueAt: mark.dueAt.toISOString() }
  await notifyOrg({
    key: `usage-report:${mark._id}:overdue`,
    orgId: mark.licenseeOrgId,
    kind: 'usage-report.overdue',
    params,
  })
  await notifyOrg({
    key: `usage-report:${mark._id}:overdue:licensor`,
    orgId: mark.licensorOrgId,
    kind: 'usage-report.overdue',
    params,
  })
}

/**
 * The `usage-reminders` job (Art. 46): for every licence that asks for reports, remind the
 * licensee when 5 and 1 working days are left before a period's report is due, and mark each
 * report not in by its due date overdue — once (the mark's key), logged as `usage-report.overdue`.
 * Idempotent: reminders carry keys, marks are unique inserts.
 */
export async function runUsageReportSweep(now: Date = new Date()): Promise<SweepResult> {
  const rules = await loadCalendarRules()
  const licences = await Licence.find(
    { usageReport: mongoose.trusted({ $in: REPORTING }) },
    { start: 1, end: 1, usageReport: 1, revokedAt: 1, licenseeOrgId: 1, licensorOrgId: 1 },
  ).lean()
  const result: SweepResult = { licences: licences.length, reminded: 0, overdue: 0 }
  for (let i = 0; i < licences.length; i += 500) {
    const batch = licences.slice(i, i + 500)
    const ids = batch.map((l) => String(l._id))
    const [reports, marks] = await Promise.all([
      UsageReport.find({ licenceId: mongoose.trusted({ $in: ids }) }, { _id: 1 }).lean(),
      UsageReportOverdue.find({ licenceId: mongoose.trusted({ $in: ids }) }).lean(),
    ])
    const reported = new Set(reports.map((r) => r._id))
    const marked = new Map(marks.map((m) => [m._id, m]))
    for (const licence of batch) {
      const licenceId = String(licence._id)
      for (const period of reportPeriods(licence)) {
        if (period.end > now) break
        const id = usageReportId(licenceId, period.index)
        if (reported.has(id)) continue
        const dueAt = reportDueAt(rules, period)
        if (now > dueAt) {
          const existing = marked.get(id)
          if (existing) {
            if (existing.ledgerSeq === null || existing.ledgerSeq === undefined)
              await logOverdue(existing)
            continue
          }
          const mark: UsageReportOverdueDoc = {
            _id: id,
            licenceId,
            licenseeOrgId: licence.licenseeOrgId,
            licensorOrgId: licence.licensorOrgId,
            periodIndex: period.index,
            periodStart: period.start,
            periodEnd: period.end,
            dueAt,
            markedAt: now,
            ledgerSeq: null,
          }
          if (!(await claim(UsageReportOverdue, mark))) {
            continue
          }
          await logOverdue(mark)
          result.overdue++
          continue
        }
        const left = workingDaysBetweenIn(rules, now, dueAt)
        const threshold = USAGE_REMIND_AT_WORKING_DAYS.filter((w) => left <= w).at(-1)
        if (threshold === undefined) continue
        await notifyOrg({
          key: `usage-report:${id}:remind${threshold}`,
          orgId: licence.licenseeOrgId,
          kind: 'usage-report.reminder',
          params: {
            licenceId,
            period: periodLabel(period),
            dueAt: dueAt.toISOString(),
            workingDaysLeft: left,
          },
        })
        result.reminded++
      }
    }
  }
  return result
}

type Localized = { zh: string; en: string }

async function subjectTitles(
  licences: { productId?: string | null; catalogEntryId?: string | null }[],
) {
  const productIds = [
    ...new Set(
      licences.map((l) => l.productId).filter((id): id is string => Boolean(id && isObjectId(id))),
    ),
  ]
  const entryIds = [
    ...new Set(
      licences
        .map((l) => l.catalogEntryId)
        .filter((id): id is string => Boolean(id && isObjectId(id))),
    ),
  ]
  const [products, entries] = await Promise.all([
    productIds.length
      ? Product.find({ _id: mongoose.trusted({ $in: productIds }) }, { title: 1 }).lean()
      : [],
    entryIds.length
      ? CatalogEntry.find(
          { _id: mongoose.trusted({ $in: entryIds }) },
          { published: 1, content: 1 },
        ).lean()
      : [],
  ])
  const titles: Record<string, Localized> = {}
  for (const p of products) titles[`product:${String(p._id)}`] = { zh: p.title.zh, en: p.title.en }
  for (const e of entries) {
    const t = e.published?.title ?? e.content.title
    titles[`catalog-entry:${String(e._id)}`] = { zh: t.zh, en: t.en }
  }
  return (l: { productId?: string | null; catalogEntryId?: string | null }): Localized =>
    (l.productId
      ? titles[`product:${l.productId}`]
      : l.catalogEntryId
        ? titles[`catalog-entry:${l.catalogEntryId}`]
        : undefined) ?? { zh: '', en: '' }
}

export interface OverdueReportRow {
  id: string
  licenceId: string
  title: Localized
  licensee: Localized
  licensor: Localized
  period: string
  dueAt: string
  markedAt: string
}

/**
 * Overdue reports still not in, for a dashboard: the licensor's (provider home) or, with no org,
 * every one (the authority). A report handed in late drops off the list (it is marked `late`).
 */
export async function listOverdueReports(
  scope: { licensorOrgId?: string; licenseeOrgId?: string },
  limit = 50,
): Promise<{ rows: OverdueReportRow[]; total: number }> {
  const marks = await UsageReportOverdue.find({
    ...(scope.licensorOrgId ? { licensorOrgId: scope.licensorOrgId } : {}),
    ...(scope.licenseeOrgId ? { licenseeOrgId: scope.licenseeOrgId } : {}),
  })
    .sort({ dueAt: 1 })
    .limit(2000)
    .lean()
  const reports = marks.length
    ? await UsageReport.find(
        { _id: mongoose.trusted({ $in: marks.map((m) => m._id) }) },
        { _id: 1 },
      ).lean()
    : []
  const reported = new Set(reports.map((r) => r._id))
  const open = marks.filter((m) => !reported.has(m._id))
  const shown = open.slice(0, limit)
  const licences = shown.length
    ? await Licence.find(
        { _id: mongoose.trusted({ $in: [...new Set(shown.map((m) => m.licenceId))] }) },
        { productId: 1, catalogEntryId: 1 },
      ).lean()
    : []
  const byId = new Map(licences.map((l) => [String(l._id), l]))
  const title = await subjectTitles(licences)
  const names = await orgNamesOf(shown.flatMap((m) => [m.licenseeOrgId, m.licensorOrgId]))
  return {
    total: open.length,
    rows: shown.map((m) => ({
      id: m._id,
      licenceId: m.licenceId,
      title: title(byId.get(m.licenceId) ?? {}),
      licensee: names[m.licenseeOrgId] ?? { zh: '', en: '' },
      licensor: names[m.licensorOrgId] ?? { zh: '', en: '' },
      period: periodLabel({ start: m.periodStart, end: m.periodEnd }),
      dueAt: m.dueAt.toISOString(),
      markedAt: m.markedAt.toISOString(),
    })),
  }
}

export type PeriodState = 'submitted' | 'overdue' | 'due' | 'open' | 'upcoming'

export interface PeriodRow {
  index: number
  label: string
  state: PeriodState
  dueAt: string
  submittedAt: string | null
  late: boolean
  ledgerSeq: number | null
}

function periodState(
  period: ReportPeriod,
  dueAt: Date,
  report: { submittedAt: Date } | undefined,
  now: Date,
): PeriodState {
  if (report) return 'submitted'
  if (period.start > now) return 'upcoming'
  if (period.end > now) return 'open'
  return now > dueAt ? 'overdue' : 'due'
}

/** Who may read a licence's reports: its licensee and licensor, and whoever reads every licence. */
export function mayReadReports(
  user: AuthUser,
  licence: { licenseeOrgId: string; licensorOrgId: string },
): boolean {
  const orgId = user.org?.id
  return (
    user.permissions.has('read:licence:any') ||
    Boolean(orgId && (orgId === licence.licenseeOrgId || orgId === licence.licensorOrgId))
  )
}

/** The usage-report page of one licence: its terms in brief and every period's state. */
export async function licenceReportsPage(
  user: AuthUser,
  licenceId: string,
  now: Date = new Date(),
) {
  const licence = await loadLicence(licenceId)
  if (!mayReadReports(user, licence)) throw notLicensee()
  const rules = await loadCalendarRules()
  const reports = await UsageReport.find({ licenceId }).lean()
  const byIndex = new Map(reports.map((r) => [r.periodIndex, r]))
  const periods = reportPeriods(licence)
  // Past and current periods, and the next one: a ten-year monthly licence is not 120 rows.
  const current = periods.findIndex((p) => p.end > now)
  const shown = current === -1 ? periods : periods.slice(0, current + 2)
  const rows: PeriodRow[] = shown.map((p) => {
    const report = byIndex.get(p.index)
    const dueAt = reportDueAt(rules, p)
    return {
      index: p.index,
      label: periodLabel(p),
      state: periodState(p, dueAt, report, now),
      dueAt: dueAt.toISOString(),
      submittedAt: report ? report.submittedAt.toISOString() : null,
      late: report?.late ?? false,
      ledgerSeq: report?.ledgerSeq ?? null,
    }
  })
  const title = await subjectTitles([licence])
  const names = await orgNamesOf([licence.licenseeOrgId, licence.licensorOrgId])
  return {
    licence: {
      id: licenceId,
      title: title(licence),
      licensee: names[licence.licenseeOrgId] ?? { zh: '', en: '' },
      licensor: names[licence.licensorOrgId] ?? { zh: '', en: '' },
      purpose: licence.purpose,
      scenario: licence.scenario,
      start: licence.start.toISOString(),
      end: licence.end.toISOString(),
      usageReport: licence.usageReport ?? 'none',
      permittedFields: licence.permittedFields,
      researchOnly: licence.researchOnly,
    },
    rows,
    reports: reports
      .sort((a, b) => a.periodIndex - b.periodIndex)
      .map((r) => ({
        index: r.periodIndex,
        usage: r.usage,
        outputs: r.outputs,
        fieldsUsed: r.fieldsUsed,
        incidents: r.incidents,
      })),
    canSubmit:
      user.permissions.has('submit:usage-report:own-org') && user.org?.id === licence.licenseeOrgId,
  }
}

const OVERVIEW_MAX = 5_000

/** The usage-reports list: one numbered page of the overview in the order asked (no due date sorts last). */
export async function licenseeReportPage(
  user: AuthUser,
  query: UsageListQuery,
  now: Date = new Date(),
) {
  const rows = await licenseeReportOverview(user, now)
  const key = (r: (typeof rows)[number]) =>
    query.sort === 'overdue' ? r.overdue : query.sort === 'end' ? r.end : (r.nextDueAt ?? '\uffff')
  const sign = query.dir === 'asc' ? 1 : -1
  rows.sort((a, b) => {
    const x = key(a)
    const y = key(b)
    return (x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id)) * sign
  })
  const { items, paging } = pageInMemory(rows, query)
  return { licences: items, paging }
}

/** The licensee's licences that ask for reports, each with its open duties (the usage-reports list). */
export async function licenseeReportOverview(user: AuthUser, now: Date = new Date()) {
  const orgId = user.org?.id
  if (!orgId) throw notLicensee()
  const licences = await Licence.find(
    { licenseeOrgId: orgId, usageReport: mongoose.trusted({ $in: REPORTING }) },
    {
      start: 1,
      end: 1,
      usageReport: 1,
      revokedAt: 1,
      productId: 1,
      catalogEntryId: 1,
      licensorOrgId: 1,
      researchOnly: 1,
    },
  )
    .sort({ _id: -1 })
    .limit(OVERVIEW_MAX)
    .lean()
  const ids = licences.map((l) => String(l._id))
  const reports = ids.length
    ? await UsageReport.find({ licenceId: mongoose.trusted({ $in: ids }) }, { _id: 1 }).lean()
    : []
  const reported = new Set(reports.map((r) => r._id))
  const rules = await loadCalendarRules()
  const title = await subjectTitles(licences)
  const names = await orgNamesOf(licences.map((l) => l.licensorOrgId))
  return licences.map((l) => {
    const licenceId = String(l._id)
    let due = 0
    let overdue = 0
    let nextDueAt: Date | null = null
    for (const p of reportPeriods(l)) {
      if (p.start > now) break
      if (reported.has(usageReportId(licenceId, p.index))) continue
      const dueAt = reportDueAt(rules, p)
      if (p.end <= now) {
        if (now > dueAt) overdue++
        else due++
      }
      if (!nextDueAt || dueAt < nextDueAt) nextDueAt = dueAt
    }
    return {
      id: licenceId,
      title: title(l),
      licensor: names[l.licensorOrgId] ?? { zh: '', en: '' },
      usageReport: l.usageReport ?? 'none',
      researchOnly: l.researchOnly,
      end: l.end.toISOString(),
      due,
      overdue,
      nextDueAt: nextDueAt ? nextDueAt.toISOString() : null,
    }
  })
}

/** Counts for a licensee's home card. */
export async function licenseeReportCounts(user: AuthUser, now: Date = new Date()) {
  const rows = await licenseeReportOverview(user, now)
  return {
    licences: rows.length,
    due: rows.reduce((n, r) => n + r.due, 0),
    overdue: rows.reduce((n, r) => n + r.overdue, 0),
  }
}
