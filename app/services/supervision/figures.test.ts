// C12: the pure report computation — Art. 23 replies counted in working days, Art. 52
// unanswered requests, and the period boundaries in China Standard Time.
import { describe, expect, it } from 'vitest'
import { computeReport, periodOf, type ReportEntry } from './figures.server'

const cst = (local: string) => new Date(`${local}+08:00`)
const AG = 'a'.repeat(24)
let seq = 0
const e = (
  local: string,
  action: string,
  subjects: string[],
  summary?: ReportEntry['summary'],
): ReportEntry => ({
  _id: ++seq,
  at: cst(local),
  action,
  subjects,
  ...(summary && { summary }),
})

describe('report figures', () => {
  it('art23 counts sharing replies within 5 working days and art52 unanswered requests', () => {
    const req = (id: string, local: string) =>
      e(local, 'sharing-request.submitted', [`sharing-request:${id}`], { providerOrgId: AG })
    const entries = [
      // Thu 1 Oct: 5 working days (no holidays in this calendar) end on Thu 8 Oct.
      req('r1', '2026-10-01T10:00:00'),
      req('r2', '2026-10-01T11:00:00'),
      e('2026-10-08T18:00:00', 'sharing-request.granted', ['sharing-request:r1']), // in time
      e('2026-10-09T09:00:00', 'sharing-request.refused', ['sharing-request:r2']), // one day late
      // Tue 20 Oct, due Tue 27 Oct, never answered: unanswered and an Art. 52 violation.
      req('r3', '2026-10-20T10:00:00'),
      // Escalated to the authority the day after: an escalation is not a reply.
      e('2026-10-28T09:00:00', 'sharing-request.escalated', ['sharing-request:r3']),
      // Fri 30 Oct, due Fri 6 Nov: still within its time at the month's end.
      req('r4', '2026-10-30T10:00:00'),
    ]
    const content = computeReport({
      scope: 'all',
      period: periodOf('2026-10'),
      entries,
      audits: [],
      calendar: new Map(),
    })
    const f = content.orgs.find((o) => o.orgId === AG)!.figures
    expect(content.noData).not.toContain('sharing')
    expect([
      f.sharingRequests.value,
      f.sharingRepliedInTime.value,
      f.sharingRepliedLate.value,
      f.sharingUnanswered.value,
    ]).toEqual([4, 1, 1, 1])
    // Art. 52: unanswered when the deadline passed — r2 (answered a day late) and r3 (never).
    expect(f.violationsUnanswered.evidence).toEqual([2, 5])
    // A holiday on Mon 5 Oct pushes r2's deadline to Fri 9 Oct: its reply is then in time.
    const holiday = computeReport({
      scope: 'all',
      period: periodOf('2026-10'),
      entries,
      audits: [],
      calendar: new Map([['2026-10-05', 'off']]),
    })
    expect(holiday.totals.sharingRepliedInTime.value).toBe(2)
  })

  it('art52 counts a research request undecided past its reply date as unanswered, against the owner', () => {
    const RQ = 'r'.repeat(24)
    const submitted = (id: string, local: string, due: string) => ({
      ...e(
        local,
        'research-request.submitted',
        [`research-request:${id}`, 'product:p1', `org:${RQ}`, `org:${AG}`],
        { replyDueAt: cst(due).toISOString() },
      ),
      actorOrgId: RQ,
    })
    const entries = [
      submitted('q1', '2026-10-05T10:00:00', '2026-10-19T23:59:59'),
      e('2026-10-12T10:00:00', 'research-request.approved', ['research-request:q1']), // decided in time
      submitted('q2', '2026-10-06T10:00:00', '2026-10-20T23:59:59'), // never decided
      submitted('q3', '2026-10-28T10:00:00', '2026-11-11T23:59:59'), // not yet due
    ]
    const content = computeReport({
      scope: 'all',
      period: periodOf('2026-10'),
      entries,
      audits: [],
      calendar: new Map(),
    })
    const owner = content.orgs.find((o) => o.orgId === AG)!.figures
    expect([
      owner.researchRequests.value,
      owner.researchRepliedInTime.value,
      owner.researchUnanswered.value,
      owner.violationsUnanswered.value,
    ]).toEqual([3, 1, 1, 1])
    expect(content.orgs.find((o) => o.orgId === RQ)).toBeUndefined()
    expect(content.noData).toEqual(['sharing', 'transactions', 'usageReports'])
    // Read while the log only reached 12 October, q2's reply date (20 Oct) has not passed yet.
    const early = computeReport({
      scope: 'all',
      period: periodOf('2026-10'),
      entries: entries.slice(0, 3),
      audits: [],
      calendar: new Map(),
    })
    expect(early.totals.researchUnanswered.value).toBe(0)
  })

  it('art52 counts only a fingerprint look-up that found the licence', () => {
    const entries = [
      e('2026-10-02T10:00:00', 'fingerprint.lookup', ['licence:l1'], {
        matched: true,
        buyerOrgId: AG,
      }),
      e('2026-10-02T11:00:00', 'fingerprint.lookup', [], { matched: false }),
    ]
    const content = computeReport({
      scope: 'all',
      period: periodOf('2026-10'),
      entries,
      audits: [],
      calendar: new Map(),
    })
    expect(content.totals.violationsLeak.value).toBe(1)
    expect(content.orgs).toMatchObject([{ orgId: AG, figures: { violationsLeak: { value: 1 } } }])
  })

  it('art52 attributes a traced leak to the licensee the look-up names', () => {
    const L = 'b'.repeat(24)
    const entries = [
      e('2026-10-03T10:00:00', 'fingerprint.lookup', ['licence:l9', `org:${L}`, 'product:p1'], {
        matched: true,
        licenceId: 'l9',
        licenseeOrgId: L,
      }),
      e('2026-10-03T11:00:00', 'fingerprint.lookup', ['product:p1'], {
        matched: false,
        candidates: 2,
      }),
    ]
    const content = computeReport({
      scope: 'all',
      period: periodOf('2026-10'),
      entries,
      audits: [],
      calendar: new Map(),
    })
    expect(content.totals.violationsLeak.value).toBe(1)
    expect(content.orgs.find((o) => o.orgId === L)!.figures.violationsLeak.value).toBe(1)
  })

  it('art48 a subscription renewal is revenue, not another paid order', () => {
    const entries = [
      e('2026-10-05T10:00:00', 'order.paid', ['order:o1'], { amountFen: 300, sellerOrgId: AG }),
      e('2026-10-20T10:00:00', 'order.paid', ['order:o1'], {
        amountFen: 300,
        sellerOrgId: AG,
        renewal: true,
      }),
    ]
    const content = computeReport({
      scope: 'all',
      period: periodOf('2026-10'),
      entries,
      audits: [],
      calendar: new Map(),
    })
    expect(content.totals.ordersPaid.value).toBe(1)
    expect(content.totals.revenueFen.value).toBe(600)
  })

  it('art48 periods are calendar months and years in China Standard Time', () => {
    expect(periodOf('2026-12')).toMatchObject({
      kind: 'monthly',
      start: cst('2026-12-01T00:00:00'),
      end: cst('2027-01-01T00:00:00'),
    })
    expect(periodOf('2026')).toMatchObject({
      kind: 'yearly',
      start: cst('2026-01-01T00:00:00'),
      end: cst('2027-01-01T00:00:00'),
    })
    expect(() => periodOf('2026-13')).toThrow(RangeError)
    // An entry at 23:30 on 31 October (CST) belongs to October although it is 15:30 UTC.
    const late = [
      e('2026-10-31T23:30:00', 'order.paid', ['order:o1'], { amountFen: 5, sellerOrgId: AG }),
    ]
    expect(
      computeReport({
        scope: 'all',
        period: periodOf('2026-10'),
        entries: late,
        audits: [],
        calendar: new Map(),
      }).totals.revenueFen.value,
    ).toBe(5)
    expect(
      computeReport({
        scope: 'all',
        period: periodOf('2026-11'),
        entries: late,
        audits: [],
        calendar: new Map(),
      }).totals.revenueFen.value,
    ).toBe(0)
  })
})
