// C12 (Art. 48–52): the figures of a supervision report, computed from ledger entries alone
// (plus the working-day calendar and the ledger's own audit records). Pure: the same entries give
// the same report, byte for byte, so a regulator can regenerate it from an export of the log.
import type { LedgerAction } from '~/services/ledger/actions'
import { art23ReplyDueIn, type CalendarRules } from '~/services/calendar/working-days.server'

/** Art. 23: the source department's answer to a sharing request — not its escalation or the like. */
const SHARING_REPLIES: readonly string[] = [
  'sharing-request.granted',
  'sharing-request.refused',
] satisfies readonly LedgerAction[]
const isSharingReply = (action: string) => SHARING_REPLIES.includes(action)

/** The fields of a ledger entry a report reads. */
export interface ReportEntry {
  _id: number
  at: Date
  action: string
  actorOrgId?: string | null
  subjects: string[]
  summary?: Record<string, string | number | boolean> | null
}

/** A failed chain verification (models/ledger-audit.ts) inside the period. */
export interface AuditFinding {
  at: Date
  firstBrokenSeq: number
}

export type PeriodKind = 'monthly' | 'yearly'

export interface Period {
  kind: PeriodKind
  /** 'YYYY-MM' or 'YYYY'. */
  label: string
  start: Date
  end: Date
}

export const FIGURE_KEYS = [
  // Art. 10–13 completeness: entries drafted and published by the period's end, approvals in it.
  'catalogEntries',
  'catalogPublished',
  'catalogApproved',
  // Art. 11 timeliness: legal-basis deadlines (15 working days) falling due in the period.
  'deadlinesDue',
  'deadlinesMet',
  'deadlinesMissed',
  // Art. 23: sharing requests submitted in the period and their replies within 5 working days.
  'sharingRequests',
  'sharingRepliedInTime',
  'sharingRepliedLate',
  'sharingUnanswered',
  // Research requests (Art. 26) and whether the owner decided by the reply date the request set.
  'researchRequests',
  'researchRepliedInTime',
  'researchUnanswered',
  // Art. 16: data updates and entries flagged stale against their update frequency.
  'dataUpdates',
  'staleFlags',
  // Art. 33: open-data growth.
  'openFilesPublished',
  'openBytesPublished',
  'openFilesTotal',
  // Art. 38: transactions and revenue (integer fen, CNY).
  'ordersCreated',
  'ordersPaid',
  'revenueFen',
  'refunds',
  'refundedFen',
  // Art. 46: usage reports.
  'usageReportsSubmitted',
  'usageReportsOverdue',
  // Art. 51: disputes opened by a body in the period, and those resolved in it.
  'disputesOpened',
  'disputesResolved',
  // Art. 52: rectification notices issued to a body in the period.
  'rectificationsIssued',
  // Art. 52 violations (a rectification notice left unanswered past its deadline is one).
  'violationsCatalog',
  'violationsUnanswered',
  'violationsLeak',
  'violationsTamper',
  'violationsRectificationOverdue',
  'violations',
] as const

export type FigureKey = (typeof FIGURE_KEYS)[number]

export interface Figure {
  value: number
  /** Ledger seqs behind the value, ascending, at most EVIDENCE_CAP of them. */
  evidence: number[]
  /** How many seqs there were before the cap. */
  evidenceCount: number
}

export type Figures = Record<FigureKey, Figure>

/** A stored report's figures with the keys added since it was written (zero, no evidence). */
export function completeFigures(figures: Partial<Figures>): Figures {
  const out = {} as Figures
  for (const key of FIGURE_KEYS)
    out[key] = figures[key] ?? { value: 0, evidence: [], evidenceCount: 0 }
  return out
}

export interface RankingRow {
  orgId: string
  rank: number
  /** 0–100, or null when the agency had nothing to score. */
  score: number | null
  parts: Record<string, number>
}

export interface ReportContent {
  format: 1
  scope: string
  kind: PeriodKind
  period: string
  from: string
  to: string
  throughSeq: number
  /** Figure groups with no underlying records at all (shown as "no data", never as zero). */
  noData: string[]
  totals: Figures
  orgs: { orgId: string; agency: boolean; figures: Figures }[]
  ranking: RankingRow[]
}

export const EVIDENCE_CAP = 100
/** Art. 23: a sharing request is answered within 5 working days. */

/**
 * Yearly evaluation (Art. 49): weights of the rates an agency is scored on; a rate with no
 * denominator is left out and the remaining weights are rescaled. Each Art. 52 violation then
 * costs VIOLATION_PENALTY points (never below 0).
 */
export const SCORE_WEIGHTS = {
  completeness: 30,
  timeliness: 25,
  freshness: 20,
  sharing: 15,
  openData: 10,
} as const
export const VIOLATION_PENALTY = 5

const OFFSET_MS = 8 * 3600 * 1000

/** Art. 48: reporting periods are calendar months and years in China Standard Time. */
export function periodOf(label: string): Period {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label)
  const year = /^(\d{4})$/.exec(label)
  if (month) {
    const y = Number(month[1])
    const m = Number(month[2])
    return {
      kind: 'monthly',
      label,
      start: new Date(Date.UTC(y, m - 1, 1) - OFFSET_MS),
      end: new Date(Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1) - OFFSET_MS),
    }
  }
  if (year) {
    const y = Number(year[1])
    return {
      kind: 'yearly',
      label,
      start: new Date(Date.UTC(y, 0, 1) - OFFSET_MS),
      end: new Date(Date.UTC(y + 1, 0, 1) - OFFSET_MS),
    }
  }
  throw new RangeError(`not a period: ${label}`)
}

/** The period before the one `moment` falls in (what a scheduled run on the 1st reports on). */
export function previousPeriod(kind: PeriodKind, moment: Date): string {
  const local = new Date(moment.getTime() + OFFSET_MS)
  const y = local.getUTCFullYear()
  const m = local.getUTCMonth() + 1
  if (kind === 'yearly') return String(y - 1)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

function subjectIds(entry: ReportEntry, type: string): string[] {
  const prefix = `${type}:`
  return entry.subjects.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length))
}

function summaryString(entry: ReportEntry, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = entry.summary?.[key]
    if (typeof v === 'string' && v) return v
  }
  return undefined
}

function summaryNumber(entry: ReportEntry, key: string): number {
  const v = entry.summary?.[key]
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

class Tally {
  private readonly values = new Map<FigureKey, { value: number; evidence: Set<number> }>()

  add(key: FigureKey, seq: number | null, amount = 1) {
    let cell = this.values.get(key)
    if (!cell) this.values.set(key, (cell = { value: 0, evidence: new Set() }))
    cell.value += amount
    if (seq !== null) cell.evidence.add(seq)
  }

  figures(): Figures {
    const out = {} as Figures
    for (const key of FIGURE_KEYS) {
      const cell = this.values.get(key)
      const evidence = cell ? [...cell.evidence].sort((a, b) => a - b) : []
      out[key] = {
        value: cell?.value ?? 0,
        evidence: evidence.slice(0, EVIDENCE_CAP),
        evidenceCount: evidence.length,
      }
    }
    return out
  }
}

/**
 * Every figure of one period for every organisation, from the entries appended before the
 * period's end (`entries` sorted by seq). `scope` 'all' keeps every organisation's row;
 * `org:<id>` keeps that one row and its totals.
 */
export function computeReport(input: {
  scope: string
  period: Period
  entries: ReportEntry[]
  audits: AuditFinding[]
  calendar: CalendarRules
}): ReportContent {
  const { period, calendar } = input
  const entries = input.entries.filter((e) => e.at < period.end)
  const inPeriod = (at: Date) => at >= period.start && at < period.end
  const onlyOrg = input.scope.startsWith('org:') ? input.scope.slice(4) : null
  // How far the log reaches: a deadline counts as passed only once the log has moved beyond it
  // (the period's end for a closed period, the newest entry for the current one). Taken from the
  // entries, never from the clock, so the same log gives the same report.
  const lastAt = entries.reduce((max, e) => Math.max(max, e.at.getTime()), period.start.getTime())
  const asOf = new Date(Math.min(period.end.getTime(), lastAt))

  const totals = new Tally()
  const rows = new Map<string, Tally>()
  const agencies = new Set<string>()
  const add = (orgId: string | undefined, key: FigureKey, seq: number | null, amount = 1) => {
    if (onlyOrg !== null && orgId !== onlyOrg) return
    totals.add(key, seq, amount)
    if (!orgId) return
    let row = rows.get(orgId)
    if (!row) rows.set(orgId, (row = new Tally()))
    row.add(key, seq, amount)
  }

  // Who owns what: learned from the entries that name both (catalog entries → agency,
  // orders → seller, sharing requests → the agency asked).
  const entryOrg = new Map<string, string>()
  const orderSeller = new Map<string, string>()
  const requestOwner = new Map<string, string>()
  for (const e of entries) {
    const orgs = subjectIds(e, 'org')
    if (e.action.startsWith('catalog.') || e.action === 'open-data.file-published') {
      for (const id of subjectIds(e, 'catalog-entry')) {
        const owner =
          orgs[0] ??
          (e.action === 'catalog.draft_created' ? (e.actorOrgId ?? undefined) : undefined)
        if (owner && !entryOrg.has(id)) entryOrg.set(id, owner)
      }
    }
    if (e.action === 'org.created' && e.summary?.type === 'agency')
      for (const id of orgs) agencies.add(id)
    const seller = summaryString(e, 'sellerOrgId')
    if (seller)
      for (const id of subjectIds(e, 'order')) if (!orderSeller.has(id)) orderSeller.set(id, seller)
    if (e.action.startsWith('sharing-request.')) {
      const owner = summaryString(e, 'providerOrgId', 'sourceOrgId', 'ownerOrgId')
      if (owner)
        for (const id of subjectIds(e, 'sharing-request'))
          if (!requestOwner.has(id)) requestOwner.set(id, owner)
    }
  }
  for (const owner of entryOrg.values()) agencies.add(owner)
  const ownerOfEntry = (e: ReportEntry) =>
    subjectIds(e, 'catalog-entry')
      .map((id) => entryOrg.get(id))
      .find(Boolean)
  const sellerOf = (e: ReportEntry) =>
    summaryString(e, 'sellerOrgId') ??
    subjectIds(e, 'order')
      .map((id) => orderSeller.get(id))
      .find(Boolean)
  // Art. 46 and 52(5): the licensee who reports (or whose copy leaked).
  const licenseeOf = (e: ReportEntry) =>
    summaryString(e, 'buyerOrgId', 'holderOrgId', 'licenseeOrgId', 'orgId') ??
    subjectIds(e, 'org')[0] ??
    e.actorOrgId ??
    undefined

  const published = new Set<string>()
  const drafted = new Set<string>()
  const marks: ReportEntry[] = []
  const submissions = new Map<string, ReportEntry[]>()
  const sharingSubmitted: ReportEntry[] = []
  const sharingReplies = new Map<string, ReportEntry>()
  const researchSubmitted: ReportEntry[] = []
  const researchDecisions = new Map<string, ReportEntry>()
  let sawSharing = false
  let sawResearch = false
  let sawTransactions = false
  let sawUsageReports = false

  for (const e of entries) {
    const now = inPeriod(e.at)
    switch (e.action) {
      case 'catalog.draft_created':
        for (const id of subjectIds(e, 'catalog-entry')) {
          if (!drafted.has(id)) add(entryOrg.get(id), 'catalogEntries', e._id)
          drafted.add(id)
        }
        break
      case 'catalog.approved':
        for (const id of subjectIds(e, 'catalog-entry')) {
          if (!published.has(id)) add(entryOrg.get(id), 'catalogPublished', e._id)
          published.add(id)
        }
        if (now) add(ownerOfEntry(e), 'catalogApproved', e._id)
        break
      case 'catalog.legal_basis_changed':
        marks.push(e)
        break
      case 'catalog.submitted':
        for (const id of subjectIds(e, 'catalog-entry'))
          submissions.set(id, [...(submissions.get(id) ?? []), e])
        break
      case 'catalog.deadline_overdue':
        // Art. 52(2): the catalog was not updated as required.
        if (now && e.summary?.phase === 'agency') add(ownerOfEntry(e), 'violationsCatalog', e._id)
        break
      case 'catalog.data_updated':
        if (now) add(ownerOfEntry(e) ?? e.actorOrgId ?? undefined, 'dataUpdates', e._id)
        break
      case 'catalog.stale_flagged':
        if (now) {
          add(ownerOfEntry(e), 'staleFlags', e._id)
          add(ownerOfEntry(e), 'violationsCatalog', e._id)
        }
        break
      case 'open-data.file-published':
        add(subjectIds(e, 'org')[0] ?? ownerOfEntry(e), 'openFilesTotal', e._id)
        if (now) {
          add(subjectIds(e, 'org')[0] ?? ownerOfEntry(e), 'openFilesPublished', e._id)
          add(
            subjectIds(e, 'org')[0] ?? ownerOfEntry(e),
            'openBytesPublished',
            null,
            summaryNumber(e, 'size'),
          )
        }
        break
      case 'order.created':
        sawTransactions = true
        if (now) add(sellerOf(e), 'ordersCreated', e._id)
        break
      case 'order.paid':
        sawTransactions = true
        if (now) {
          // A subscription's renewal invoice is revenue, not another paid order.
          if (e.summary?.renewal !== true) add(sellerOf(e), 'ordersPaid', e._id)
          add(sellerOf(e), 'revenueFen', e._id, summaryNumber(e, 'amountFen'))
        }
        break
      case 'order.refunded':
        sawTransactions = true
        if (now) {
          add(sellerOf(e), 'refunds', e._id)
          add(sellerOf(e), 'refundedFen', e._id, summaryNumber(e, 'amountFen'))
        }
        break
      case 'usage-report.submitted':
        sawUsageReports = true
        if (now) add(licenseeOf(e), 'usageReportsSubmitted', e._id)
        break
      case 'usage-report.overdue':
        sawUsageReports = true
        if (now) add(licenseeOf(e), 'usageReportsOverdue', e._id)
        break
      case 'fingerprint.lookup':
        // Art. 52(5): a leaked copy traced to the licence it was delivered under.
        // Written by the regulator's look-up (delivery/lookup.server.ts) once it identified a licence.
        if (now && e.summary?.matched === true) add(licenseeOf(e), 'violationsLeak', e._id)
        break
      case 'dispute.opened':
        // Art. 51: counted for the body that opened it (the first organisation it names).
        if (now) add(subjectIds(e, 'org')[0], 'disputesOpened', e._id)
        break
      case 'dispute.stage-closed':
      case 'dispute.decided':
        if (now && (e.action === 'dispute.decided' || e.summary?.outcome === 'resolved'))
          add(subjectIds(e, 'org')[0], 'disputesResolved', e._id)
        break
      case 'rectification.issued':
        if (now) add(subjectIds(e, 'org')[0], 'rectificationsIssued', e._id)
        break
      case 'rectification.escalated':
        if (now) add(subjectIds(e, 'org')[0], 'violationsRectificationOverdue', e._id)
        break
      case 'research-request.submitted':
        sawResearch = true
        researchSubmitted.push(e)
        break
      case 'research-request.approved':
      case 'research-request.refused':
        sawResearch = true
        for (const id of subjectIds(e, 'research-request'))
          if (!researchDecisions.has(id)) researchDecisions.set(id, e)
        break
      default:
        if (e.action.startsWith('sharing-request.')) {
          sawSharing = true
          if (e.action === 'sharing-request.submitted') sharingSubmitted.push(e)
          else if (isSharingReply(e.action))
            for (const id of subjectIds(e, 'sharing-request'))
              if (!sharingReplies.has(id)) sharingReplies.set(id, e)
        }
    }
  }

  // Art. 11: the agency updates the catalog within 15 working days of a legal-basis change; met
  // when it submitted the entry after the mark and by the due date.
  for (const mark of marks) {
    const due = new Date(summaryString(mark, 'agencyDueAt') ?? '')
    if (Number.isNaN(due.getTime()) || !inPeriod(due)) continue
    const entryId = subjectIds(mark, 'catalog-entry')[0] ?? ''
    const owner = entryOrg.get(entryId) ?? subjectIds(mark, 'org')[0]
    const answer = (submissions.get(entryId) ?? []).find((s) => s._id > mark._id && s.at <= due)
    // Not yet answered and not yet due: neither met nor missed.
    if (!answer && due > asOf) continue
    add(owner, 'deadlinesDue', mark._id)
    if (answer) {
      add(owner, 'deadlinesMet', mark._id)
      add(owner, 'deadlinesMet', answer._id, 0)
    } else add(owner, 'deadlinesMissed', mark._id)
  }

  // Art. 23: a sharing request is answered within 5 working days; one still unanswered when its
  // deadline passed inside the period is an Art. 52 violation (unanswered request).
  for (const req of sharingSubmitted) {
    const id = subjectIds(req, 'sharing-request')[0] ?? ''
    const owner = requestOwner.get(id)
    const due = art23ReplyDueIn(calendar, req.at)
    const reply = sharingReplies.get(id)
    if (inPeriod(req.at)) {
      add(owner, 'sharingRequests', req._id)
      if (reply && reply.at <= due) add(owner, 'sharingRepliedInTime', reply._id)
      else if (reply) add(owner, 'sharingRepliedLate', reply._id)
      else if (due < asOf) add(owner, 'sharingUnanswered', req._id)
    }
    if (inPeriod(due) && (reply ? reply.at > due : due < asOf))
      add(owner, 'violationsUnanswered', req._id)
  }

  // Art. 26: the data's owner decides a research request by the reply date it was given; a
  // request still undecided when that date passed inside the period counts as unanswered (Art. 52).
  for (const req of researchSubmitted) {
    const id = subjectIds(req, 'research-request')[0] ?? ''
    const orgs = subjectIds(req, 'org')
    const owner = orgs.find((o) => o !== req.actorOrgId) ?? orgs[1] ?? orgs[0]
    const due = new Date(summaryString(req, 'replyDueAt') ?? '')
    const decision = researchDecisions.get(id)
    const hasDue = !Number.isNaN(due.getTime())
    if (inPeriod(req.at)) {
      add(owner, 'researchRequests', req._id)
      if (decision && (!hasDue || decision.at <= due))
        add(owner, 'researchRepliedInTime', decision._id)
    }
    if (hasDue && inPeriod(due) && (decision ? decision.at > due : due < asOf)) {
      add(owner, 'researchUnanswered', req._id)
      add(owner, 'violationsUnanswered', req._id)
    }
  }

  // Art. 52(6): data changed outside the workflow, as found by the ledger's chain audit.
  const brokenSeqs = [
    ...new Set(input.audits.filter((a) => inPeriod(a.at)).map((a) => a.firstBrokenSeq)),
  ].sort((a, b) => a - b)
  if (onlyOrg === null) for (const seq of brokenSeqs) totals.add('violationsTamper', seq)

  const finish = (tally: Tally): Figures => {
    const f = tally.figures()
    const parts = [
      f.violationsCatalog,
      f.violationsUnanswered,
      f.violationsLeak,
      f.violationsTamper,
      f.violationsRectificationOverdue,
    ]
    const evidence = [...new Set(parts.flatMap((p) => p.evidence))].sort((a, b) => a - b)
    f.violations = {
      value: parts.reduce((n, p) => n + p.value, 0),
      evidence: evidence.slice(0, EVIDENCE_CAP),
      evidenceCount: parts.reduce((n, p) => n + p.evidenceCount, 0),
    }
    return f
  }

  const orgs = [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([orgId, tally]) => ({ orgId, agency: agencies.has(orgId), figures: finish(tally) }))

  const noData: string[] = []
  if (!sawSharing) noData.push('sharing')
  if (!sawResearch) noData.push('research')
  if (!sawTransactions) noData.push('transactions')
  if (!sawUsageReports) noData.push('usageReports')

  return {
    format: 1,
    scope: input.scope,
    kind: period.kind,
    period: period.label,
    from: period.start.toISOString(),
    to: period.end.toISOString(),
    throughSeq: entries.at(-1)?._id ?? 0,
    noData,
    totals: finish(totals),
    orgs,
    ranking:
      period.kind === 'yearly'
        ? rankAgencies(
            orgs.filter((o) => o.agency),
            noData,
          )
        : [],
  }
}

const rate = (num: number, den: number) => (den > 0 ? num / den : null)

/**
 * Art. 49: the yearly evaluation. Each agency's score is the weighted mean of its rates
 * (SCORE_WEIGHTS, rates without a denominator left out) times 100, rounded, minus
 * VIOLATION_PENALTY per Art. 52 violation, floored at 0. Ranked by score, then by org id.
 */
export function rankAgencies(
  orgs: { orgId: string; figures: Figures }[],
  noData: string[] = [],
): RankingRow[] {
  const scored = orgs.map(({ orgId, figures: f }) => {
    const rates: Record<keyof typeof SCORE_WEIGHTS, number | null> = {
      completeness: rate(f.catalogPublished.value, f.catalogEntries.value),
      timeliness: rate(f.deadlinesMet.value, f.deadlinesDue.value),
      freshness:
        f.catalogPublished.value > 0
          ? Math.max(0, 1 - f.staleFlags.value / f.catalogPublished.value)
          : null,
      sharing: noData.includes('sharing')
        ? null
        : rate(
            f.sharingRepliedInTime.value,
            f.sharingRepliedInTime.value + f.sharingRepliedLate.value + f.sharingUnanswered.value,
          ),
      openData: f.catalogPublished.value > 0 ? (f.openFilesTotal.value > 0 ? 1 : 0) : null,
    }
    let weighted = 0
    let weights = 0
    const parts: Record<string, number> = {}
    for (const key of Object.keys(SCORE_WEIGHTS) as (keyof typeof SCORE_WEIGHTS)[]) {
      const r = rates[key]
      if (r === null) continue
      weighted += SCORE_WEIGHTS[key] * r
      weights += SCORE_WEIGHTS[key]
      parts[key] = Math.round(r * 1000) / 1000
    }
    parts.violations = f.violations.value
    const score =
      weights > 0
        ? Math.max(
            0,
            Math.round((100 * weighted) / weights) - VIOLATION_PENALTY * f.violations.value,
          )
        : null
    return { orgId, score, parts }
  })
  scored.sort(
    (a, b) =>
      (b.score ?? -1) - (a.score ?? -1) || (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0),
  )
  return scored.map((s, i) => ({ ...s, rank: i + 1 }))
}
