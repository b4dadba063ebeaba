// C12 (Art. 48–52): a report on a seeded month matches hand-counted figures; the same log
// regenerates the same bytes; the scheduled job is idempotent per period; the ranking is notified once.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  closeQueues,
  getQueue,
  scheduleRepeatingJobs,
  SUPERVISION_MONTHLY_SCHEDULER,
  SUPERVISION_YEARLY_SCHEDULER,
} from '#jobs/queues'
import { supervisionReport } from '#jobs/processors/supervision-report'
import { LedgerAuditModel } from '#models/ledger-audit'
import { NotificationModel } from '#models/notification'
import { SupervisionReport } from '#models/supervision-report'
import { notify } from '#jobs/processors/notify'
import { appendLedger, type AppendLedgerInput } from '~/services/ledger/ledger.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { useTestDb } from '../../../tests/setup/db'
import { previousPeriod } from './figures.server'
import {
  generateSupervisionReport,
  getSupervisionReport,
  notifySupervisionRanking,
  rankingNotified,
} from './reports.server'

process.env.QUEUE_PREFIX = `test-supervision-${process.env.VITEST_POOL_ID ?? 0}-${Date.now()}`

const A = 'a'.repeat(24) // agency A
const B = 'b'.repeat(24) // agency B
const P = 'c'.repeat(24) // provider (seller)
const Q = 'd'.repeat(24) // buyer (licensee)
const E = (n: number) => `e${String(n).repeat(23)}` // catalog entry ids
const cst = (local: string) => new Date(`${local}+08:00`)

const seqs: Record<string, number> = {}
async function at(local: string, name: string, input: AppendLedgerInput) {
  vi.setSystemTime(cst(local))
  seqs[name] = (await appendLedger(input))._id
}

const authority = {
  id: 'f'.repeat(24),
  org: { id: 'f'.repeat(24), type: 'authority', name: { zh: '主管部门', en: 'Authority' } },
} as AuthUser

describe('supervision reports', () => {
  useTestDb()
  afterAll(async () => {
    vi.useRealTimers()
    await closeQueues()
  })

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const entry = (n: number, org: string) => [`catalog-entry:${E(n)}`, `org:${org}`]
    // September 2026 (before the month): three entries drafted, E1 published, two legal-basis marks.
    await at('2026-09-10T10:00:00', 'draftE1', {
      action: 'catalog.draft_created',
      actor: { orgId: A },
      subjects: entry(1, A),
    })
    await at('2026-09-11T10:00:00', 'draftE2', {
      action: 'catalog.draft_created',
      actor: { orgId: A },
      subjects: entry(2, A),
    })
    await at('2026-09-12T10:00:00', 'draftE3', {
      action: 'catalog.draft_created',
      actor: { orgId: B },
      subjects: entry(3, B),
    })
    await at('2026-09-15T10:00:00', 'approveE1', {
      action: 'catalog.approved',
      subjects: entry(1, A),
    })
    await at('2026-09-20T10:00:00', 'markE1', {
      action: 'catalog.legal_basis_changed',
      subjects: [...entry(1, A), `catalog-deadline:${E(1)}:v1`],
      summary: { agencyDueAt: cst('2026-10-12T23:59:59.999').toISOString() },
    })
    await at('2026-09-21T10:00:00', 'markE3', {
      action: 'catalog.legal_basis_changed',
      subjects: [...entry(3, B), `catalog-deadline:${E(3)}:v1`],
      summary: { agencyDueAt: cst('2026-10-14T23:59:59.999').toISOString() },
    })
    // October 2026, the month under report.
    await at('2026-10-09T10:00:00', 'submitE1', {
      action: 'catalog.submitted',
      actor: { orgId: A },
      subjects: entry(1, A),
    })
    await at('2026-10-10T10:00:00', 'approveE2', {
      action: 'catalog.approved',
      subjects: entry(2, A),
    })
    await at('2026-10-11T10:00:00', 'reapproveE1', {
      action: 'catalog.approved',
      subjects: entry(1, A),
    })
    await at('2026-10-15T09:00:00', 'overdueE3', {
      action: 'catalog.deadline_overdue',
      subjects: [...entry(3, B), `catalog-deadline:${E(3)}:v1`],
      summary: { phase: 'agency' },
    })
    await at('2026-10-16T10:00:00', 'updateE1', {
      action: 'catalog.data_updated',
      actor: { orgId: A },
      subjects: [`catalog-entry:${E(1)}`],
    })
    await at('2026-10-17T10:00:00', 'staleE2', {
      action: 'catalog.stale_flagged',
      subjects: entry(2, A),
    })
    await at('2026-10-18T10:00:00', 'file1', {
      action: 'open-data.file-published',
      subjects: entry(1, A),
      summary: { size: 1000 },
    })
    await at('2026-10-19T10:00:00', 'file2', {
      action: 'open-data.file-published',
      subjects: entry(1, A),
      summary: { size: 500 },
    })
    const order = (id: string) => [`order:${id}`, 'product:p1']
    await at('2026-10-20T10:00:00', 'createO1', {
      action: 'order.created',
      subjects: order('o1'),
      summary: { sellerOrgId: P, buyerOrgId: Q },
    })
    await at('2026-10-20T11:00:00', 'payO1', {
      action: 'order.paid',
      subjects: order('o1'),
      summary: { amountFen: 12000, currency: 'CNY', sellerOrgId: P },
    })
    await at('2026-10-21T10:00:00', 'createO2', {
      action: 'order.created',
      subjects: order('o2'),
      summary: { sellerOrgId: P, buyerOrgId: Q },
    })
    await at('2026-10-21T11:00:00', 'payO2', {
      action: 'order.paid',
      subjects: order('o2'),
      summary: { amountFen: 3000, currency: 'CNY', sellerOrgId: P },
    })
    // No seller in the refund's summary: the order's seller is learned from its earlier entries.
    await at('2026-10-22T10:00:00', 'refundO2', {
      action: 'order.refunded',
      subjects: order('o2'),
      summary: { amountFen: 3000 },
    })
    await at('2026-10-23T10:00:00', 'usageOverdue', {
      action: 'usage-report.overdue',
      subjects: ['licence:l1', `org:${Q}`],
      summary: { holderOrgId: Q },
    })
    await at('2026-10-24T10:00:00', 'leak', {
      action: 'fingerprint.lookup',
      subjects: ['licence:l1'],
      summary: { matched: true, licenceId: 'l1', buyerOrgId: Q },
    })
    await at('2026-10-25T10:00:00', 'noLeak', {
      action: 'fingerprint.lookup',
      summary: { matched: false },
    })
    await at('2026-10-26T10:00:00', 'usageReport', {
      action: 'usage-report.submitted',
      subjects: ['licence:l2', `org:${Q}`],
      summary: { holderOrgId: Q },
    })
    // November 2026: after the month, so outside its figures.
    await at('2026-11-02T10:00:00', 'payO3', {
      action: 'order.paid',
      subjects: order('o3'),
      summary: { amountFen: 99999, sellerOrgId: P },
    })
    await at('2026-11-02T11:00:00', 'draftE4', {
      action: 'catalog.draft_created',
      actor: { orgId: B },
      subjects: entry(4, B),
    })
    // The hourly chain audit found a break on 20 October (Art. 52(6): data changed outside the workflow).
    await LedgerAuditModel.create({
      runId: 'audit-oct',
      at: cst('2026-10-20T12:00:00'),
      ok: false,
      checked: 4,
      firstBrokenSeq: seqs.approveE1,
    })
    vi.setSystemTime(cst('2026-11-27T10:00:00'))
  })

  it('art48 a report on a seeded month matches hand-counted figures', async () => {
    const { id, agencyReports } = await generateSupervisionReport({
      scope: 'all',
      period: '2026-10',
      generatedBy: 'scheduler',
    })
    // The all-organisations report, and one of its own for each agency (A and B).
    expect(agencyReports).toBe(2)
    expect(
      (await SupervisionReport.find({ period: '2026-10' }, { scope: 1 }).lean())
        .map((r) => r.scope)
        .sort(),
    ).toEqual(['all', `org:${A}`, `org:${B}`])
    const { content } = await getSupervisionReport(id)
    const v = (figures: (typeof content)['totals']) =>
      Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, f.value]))
    expect(content).toMatchObject({
      kind: 'monthly',
      period: '2026-10',
      from: '2026-09-30T16:00:00.000Z',
      to: '2026-10-31T16:00:00.000Z',
    })
    // Sharing (Art. 23) and research requests (Art. 26) are not in the log at all: "no data", not zero.
    expect(content.noData).toEqual(['sharing', 'research'])
    expect(v(content.totals)).toEqual({
      catalogEntries: 3, // E1, E2, E3 drafted by 31 Oct (E4 came in November)
      catalogPublished: 2, // E1 (September), E2 (October)
      catalogApproved: 2, // E2, and E1 approved again
      deadlinesDue: 2, // E1 due 12 Oct, E3 due 14 Oct
      deadlinesMet: 1, // E1 submitted 9 Oct
      deadlinesMissed: 1, // E3 never submitted
      sharingRequests: 0,
      sharingRepliedInTime: 0,
      sharingRepliedLate: 0,
      sharingUnanswered: 0,
      researchRequests: 0,
      researchRepliedInTime: 0,
      researchUnanswered: 0,
      dataUpdates: 1,
      staleFlags: 1,
      openFilesPublished: 2,
      openBytesPublished: 1500, // 1000 + 500
      openFilesTotal: 2,
      ordersCreated: 2,
      ordersPaid: 2, // O1, O2 (O3 is November)
      revenueFen: 15000, // 12000 + 3000
      refunds: 1,
      refundedFen: 3000,
      usageReportsSubmitted: 1,
      usageReportsOverdue: 1,
      disputesOpened: 0,
      disputesResolved: 0,
      rectificationsIssued: 0,
      violationsRectificationOverdue: 0,
      violationsCatalog: 2, // E3 overdue, E2 stale
      violationsUnanswered: 0,
      violationsLeak: 1, // the matched fingerprint look-up (the unmatched one is not)
      violationsTamper: 1, // the audit's broken chain
      violations: 4,
    })
    const row = (org: string) => v(content.orgs.find((o) => o.orgId === org)!.figures)
    expect(content.orgs.map((o) => [o.orgId, o.agency])).toEqual([
      [A, true],
      [B, true],
      [P, false],
      [Q, false],
    ])
    expect(row(A)).toMatchObject({
      catalogEntries: 2,
      catalogPublished: 2,
      catalogApproved: 2,
      deadlinesDue: 1,
      deadlinesMet: 1,
      deadlinesMissed: 0,
      dataUpdates: 1,
      staleFlags: 1,
      openFilesPublished: 2,
      openBytesPublished: 1500,
      violations: 1,
    })
    expect(row(B)).toMatchObject({
      catalogEntries: 1,
      catalogPublished: 0,
      deadlinesDue: 1,
      deadlinesMet: 0,
      deadlinesMissed: 1,
      violationsCatalog: 1,
      violations: 1,
    })
    expect(row(P)).toMatchObject({
      ordersCreated: 2,
      ordersPaid: 2,
      revenueFen: 15000,
      refunds: 1,
      refundedFen: 3000,
      violations: 0,
    })
    expect(row(Q)).toMatchObject({
      usageReportsOverdue: 1,
      usageReportsSubmitted: 1,
      violationsLeak: 1,
      violations: 1,
    })
    // Each figure names its evidence entries.
    expect(content.totals.deadlinesMet.evidence).toEqual([seqs.markE1, seqs.submitE1])
    expect(content.totals.deadlinesMissed.evidence).toEqual([seqs.markE3])
    expect(content.totals.revenueFen.evidence).toEqual([seqs.payO1, seqs.payO2])
    expect(content.totals.refunds.evidence).toEqual([seqs.refundO2])
    expect(content.totals.violations.evidence).toEqual(
      [seqs.approveE1, seqs.overdueE3, seqs.staleE2, seqs.leak].sort((a, b) => a! - b!),
    )
    expect(content.throughSeq).toBe(seqs.usageReport)
  })

  it('art48 regenerates byte-identical content and hash from the same log, even after it grew', async () => {
    const first = await generateSupervisionReport({
      scope: 'all',
      period: '2026-10',
      generatedBy: 'scheduler',
    })
    const before = await SupervisionReport.findById(first.id).lean()
    await appendLedger({
      action: 'order.paid',
      subjects: ['order:o9'],
      summary: { amountFen: 1, sellerOrgId: P },
    })
    const again = await generateSupervisionReport({
      scope: 'all',
      period: '2026-10',
      generatedBy: authority.id,
    })
    const after = await SupervisionReport.findById(again.id).lean()
    expect(again).toEqual({
      id: first.id,
      contentHash: first.contentHash,
      created: false,
      agencyReports: 2,
    })
    expect(Buffer.from(after!.content).equals(Buffer.from(before!.content))).toBe(true)
    expect(await SupervisionReport.countDocuments({ period: '2026-10', scope: 'all' })).toBe(1)
  })

  it('art48 scopes a report to one organisation', async () => {
    const { id, created } = await generateSupervisionReport({
      scope: `org:${A}`,
      period: '2026-10',
      generatedBy: 'scheduler',
    })
    // The same report the all-organisations run already stored for agency A.
    expect(created).toBe(false)
    const { content } = await getSupervisionReport(id)
    expect(content.orgs.map((o) => o.orgId)).toEqual([A])
    expect(content.totals.catalogEntries.value).toBe(2)
    expect(content.totals.revenueFen.value).toBe(0)
    // The chain audit is platform-wide: it belongs to no single organisation's report.
    expect(content.totals.violationsTamper.value).toBe(0)
  })

  it('art49 ranks agencies by the documented score and notifies the ranking once', async () => {
    const { id } = await generateSupervisionReport({
      scope: 'all',
      period: '2026',
      generatedBy: 'scheduler',
    })
    const { content } = await getSupervisionReport(id)
    // A: completeness 2/2, timeliness 1/1, freshness 1 - 1/2, open data 1 (sharing: no data)
    //    → (30·1 + 25·1 + 20·0.5 + 10·1) / 85 = 88.2 → 88, minus 5 for one violation = 83.
    // B: completeness 0/2 (E4 drafted in November), timeliness 0/1 → 0, minus 5, floored at 0.
    expect(content.ranking.map((r) => [r.orgId, r.rank, r.score])).toEqual([
      [A, 1, 83],
      [B, 2, 0],
    ])
    const first = await notifySupervisionRanking(authority, id)
    const second = await notifySupervisionRanking(authority, id)
    expect(second.seq).toBe(first.seq)
    expect(await rankingNotified(id)).toBe(first.seq)
    const jobs = await getQueue('notifications').getJobs(['waiting', 'delayed', 'active'])
    const ours = jobs.filter((j) => j.data.kind === 'supervision.ranking')
    expect(ours.map((j) => j.data.orgId).sort()).toEqual([A, B])
    for (const job of ours) await notify(job.data)
    expect(await NotificationModel.countDocuments({ kind: 'supervision.ranking' })).toBe(2)
    // A monthly report has no ranking to notify.
    const monthly = await generateSupervisionReport({
      scope: 'all',
      period: '2026-10',
      generatedBy: 'scheduler',
    })
    await expect(notifySupervisionRanking(authority, monthly.id)).rejects.toMatchObject({
      status: 409,
    })
  })

  it('art48 the scheduled job reports on the previous period and is idempotent per period', async () => {
    expect(previousPeriod('monthly', cst('2026-11-01T01:00:00'))).toBe('2026-10')
    expect(previousPeriod('monthly', cst('2026-01-01T01:00:00'))).toBe('2025-12')
    expect(previousPeriod('yearly', cst('2027-01-01T02:00:00'))).toBe('2026')
    const progress: number[] = []
    const deps = {
      scheduledAt: cst('2026-11-01T01:00:00'),
      updateProgress: async (p: number) => void progress.push(p),
    }
    const one = await supervisionReport({ period: 'previous-month' }, deps)
    // Progress only moves forward and ends at 100.
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    expect(progress.at(-1)).toBe(100)
    const two = await supervisionReport({ period: 'previous-month' }, deps)
    expect(two.id).toBe(one.id)
    expect(two.created).toBe(false)
    expect(one.id.startsWith('2026-10-all-')).toBe(true)
    expect(await SupervisionReport.countDocuments({ period: '2026-10' })).toBe(3)
    await expect(supervisionReport({ period: '2026-13' })).rejects.toThrow(
      /invalid supervision-reports payload/,
    )

    await scheduleRepeatingJobs()
    await scheduleRepeatingJobs()
    const schedulers = await getQueue('supervision-reports').getJobSchedulers()
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      [SUPERVISION_MONTHLY_SCHEDULER, '0 1 1 * *', 'Asia/Shanghai'],
      [SUPERVISION_YEARLY_SCHEDULER, '0 2 1 1 *', 'Asia/Shanghai'],
    ])
  })
})
