// C12 (Art. 23, 48, 52): the supervision figures for sharing come from the real events the sharing
// services write. A month (November 2026, no public holidays) is played through the services with
// the clock set to each moment, and the report for the month is compared with a hand count.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import type { AuthUser } from '~/services/identity/auth.server'
import { runSharingReplySweep } from '~/services/sharing/clocks.server'
import { replyToSharingRequest, submitSharingRequest } from '~/services/sharing/requests.server'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { generateSupervisionReport, getSupervisionReport } from './reports.server'

const at = (local: string) => vi.setSystemTime(new Date(`${local}+08:00`))

describe('supervision figures from a month of real sharing events (C12)', () => {
  useTestDb()
  let psb: AuthUser
  let amr: AuthUser
  let nr: AuthUser

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    nr = await demoUser('nr@demo.gd.example')
    // Only the clock is faked: timers, sockets and the database run as ever.
    vi.useFakeTimers({ toFake: ['Date'] })
  })
  afterAll(() => {
    vi.useRealTimers()
  })

  it('art23 art52 a hand-counted November: replies in time, late, unanswered, and pending at the month’s end', async () => {
    // nr is the source department of none of the demo world's requests: every figure below is ours.
    const entries = await CatalogEntry.find(
      { orgId: nr.org!.id, listed: true, 'published.sharingType': 'conditional' },
      { published: 1 },
    )
      .sort({ code: 1 })
      .lean()
    const entry = entries[0]!
    const fields = entry.published!.fields.map((f) => f.name).slice(0, 2)
    const ask = (who: AuthUser) =>
      submitSharingRequest(who, {
        entryId: String(entry._id),
        scenario: '用地审批中核对不动产登记信息',
        usingUnit: '业务处室',
        duty: '《不动产登记暂行条例》第十八条',
        fields,
        mode: 'offline',
        periodEnd: '2027-06-30',
      })
    const agree = (requestId: string) =>
      replyToSharingRequest(nr, requestId, {
        outcome: 'granted',
        fields,
        mode: 'offline',
        end: '2027-05-31',
        note: '',
      })

    // Mon 2 Nov: two requests; 5 working days end on Mon 9 Nov.
    at('2026-11-02T10:00:00')
    const r1 = await ask(amr)
    at('2026-11-02T11:00:00')
    const r2 = await ask(psb)
    // Fri 6 Nov: r1 agreed, in time.
    at('2026-11-06T15:00:00')
    await agree(r1.requestId)
    // Tue 10 Nov: r2 refused with a citation — a day late. r3 asked (due Tue 17 Nov).
    at('2026-11-10T09:00:00')
    await replyToSharingRequest(nr, r2.requestId, {
      outcome: 'refused',
      instrument: '《不动产登记暂行条例》',
      article: '第二十七条',
      note: '',
    })
    const r3 = await ask(amr)
    // Wed 18 Nov: r3 still unanswered; the hourly sweep escalates it (an escalation is not a reply).
    at('2026-11-18T10:30:00')
    const swept = await runSharingReplySweep()
    expect(swept.escalated).toBeGreaterThanOrEqual(1)
    // Thu 26 Nov: r4 asked, due Thu 3 Dec — pending when the month ends.
    at('2026-11-26T16:00:00')
    const r4 = await ask(psb)
    expect([r1, r2, r3, r4].every((r) => r.status === 'pending')).toBe(true)

    // 1 Dec: the November report, as the monthly scheduler makes it.
    at('2026-12-01T09:00:00')
    const generated = await generateSupervisionReport({
      scope: `org:${nr.org!.id}`,
      period: '2026-11',
      generatedBy: 'scheduler',
    })
    const report = await getSupervisionReport(generated.id)
    const f = report.content.orgs.find((o) => o.orgId === nr.org!.id)!.figures
    // By hand: 4 asked; r1 in time; r2 late; r3 never answered; r4 not yet due.
    expect({
      requests: f.sharingRequests.value,
      inTime: f.sharingRepliedInTime.value,
      late: f.sharingRepliedLate.value,
      unanswered: f.sharingUnanswered.value,
      violations: f.violationsUnanswered.value,
    }).toEqual({ requests: 4, inTime: 1, late: 1, unanswered: 1, violations: 2 })
    expect(report.content.noData).not.toContain('sharing')
  })
})
