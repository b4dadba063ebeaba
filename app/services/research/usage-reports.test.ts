// Usage feedback (Art. 46): periods from the licence start, one report per period, the reminder
// job's overdue marks (once), and the dashboards that list them.
import { beforeAll, describe, expect, it } from 'vitest'
import { Licence } from '#models/licence'
import { LedgerEntry } from '#models/ledger-entry'
import { NotificationModel } from '#models/notification'
import { UsageReport, UsageReportOverdue } from '#models/usage-report'
import { usageReminders } from '#jobs/processors/usage-reminders'
import { notify } from '#jobs/processors/notify'
import { addWorkingDays } from '~/services/calendar/working-days.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { refusal } from '../../../tests/fixtures/errors'
import { jsonRequest, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { demoUser } from '../../../tests/fixtures/products'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import {
  listOverdueReports,
  periodLabel,
  reportPeriods,
  runUsageReportSweep,
  submitUsageReport,
  USAGE_REPORT_GRACE_WORKING_DAYS,
} from './usage-reports.server'

const DAY = 86_400_000

let buyer: AuthUser
let provider: AuthUser
let researcher: AuthUser

async function licence(
  holder: AuthUser,
  start: Date,
  usageReport: 'monthly' | 'quarterly' | 'yearly' | 'none',
  days = 365,
) {
  const doc = await Licence.create({
    licenseeOrgId: holder.org!.id,
    licensorOrgId: provider.org!.id,
    productId: null,
    purpose: '经营分析',
    scenario: '内部报表',
    permittedFields: ['city_code', 'vitality_index'],
    deliveryMode: 'file_download',
    start,
    end: new Date(start.getTime() + days * DAY),
    derivationAllowed: false,
    usageReport,
    source: 'order',
    sourceRef: `test-usage-${Math.random()}`,
  })
  return String(doc._id)
}

const report = (periodIndex: number) => ({
  periodIndex,
  usage: '用于季度营商环境分析报告',
  outputs: '内部报告一份',
  fieldsUsed: ['city_code'],
  incidents: '',
})

describe('usage reports (Art. 46)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    buyer = await demoUser('buyer@demo.gd.example')
    provider = await demoUser('provider@demo.gd.example')
    researcher = await demoUser('researcher@demo.gd.example')
  })

  it('art46 periods are counted from the licence start and cut at its end', () => {
    const start = new Date('2026-01-31T02:00:00Z')
    const periods = reportPeriods({
      start,
      end: new Date('2026-08-15T00:00:00Z'),
      usageReport: 'quarterly',
      revokedAt: null,
    })
    expect(periods.map((p) => p.start.toISOString())).toEqual([
      '2026-01-31T02:00:00.000Z',
      '2026-04-30T02:00:00.000Z',
      '2026-07-31T02:00:00.000Z',
    ])
    expect(periods[2]!.end.toISOString()).toBe('2026-08-15T00:00:00.000Z')
    expect(
      reportPeriods({
        start,
        end: new Date('2027-01-31T02:00:00Z'),
        usageReport: 'monthly',
        revokedAt: new Date('2026-03-10T00:00:00Z'),
      }),
    ).toHaveLength(2)
    expect(
      reportPeriods({
        start,
        end: new Date('2030-01-01T00:00:00Z'),
        usageReport: 'none',
        revokedAt: null,
      }),
    ).toEqual([])
    expect(periodLabel(periods[0]!)).toBe('2026-01-31/2026-04-30')
  })

  it('art46 one report per licence per period, logged with licence and period', async () => {
    const licenceId = await licence(buyer, new Date(Date.now() - 100 * DAY), 'monthly')
    const first = await submitUsageReport(buyer, licenceId, report(0))
    const entry = await LedgerEntry.findById(first.ledgerSeq).lean()
    expect(entry!.action).toBe('usage-report.submitted')
    expect(entry!.summary).toMatchObject({
      licenceId,
      period: expect.stringMatching(/^\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}$/),
    })
    expect((await refusal(() => submitUsageReport(buyer, licenceId, report(0)))).code).toBe(
      'already_reported',
    )
    // Concurrent duplicates: one report, one log entry.
    const both = await Promise.allSettled([
      submitUsageReport(buyer, licenceId, report(1)),
      submitUsageReport(buyer, licenceId, report(1)),
    ])
    expect(both.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    expect(await UsageReport.countDocuments({ licenceId })).toBe(2)
    expect(
      await LedgerEntry.countDocuments({
        action: 'usage-report.submitted',
        subjects: `licence:${licenceId}`,
      }),
    ).toBe(2)
    // A period that has not started, fields outside the licence, a licence without reports.
    expect((await refusal(() => submitUsageReport(buyer, licenceId, report(9)))).code).toBe(
      'bad_period',
    )
    expect(
      (
        await refusal(() =>
          submitUsageReport(buyer, licenceId, { ...report(2), fieldsUsed: ['secret'] }),
        )
      ).code,
    ).toBe('fields_not_permitted')
    const silent = await licence(buyer, new Date(Date.now() - 100 * DAY), 'none')
    expect((await refusal(() => submitUsageReport(buyer, silent, report(0)))).code).toBe(
      'no_reports',
    )
  })

  it('art46 only the licensee reports; the wrong role is refused by the API', async () => {
    const licenceId = await licence(buyer, new Date(Date.now() - 40 * DAY), 'monthly')
    expect((await refusal(() => submitUsageReport(researcher, licenceId, report(0)))).status).toBe(
      403,
    )
    const { action } = await import('~/routes/api.v1.usage-reports')
    const agency = await sessionCookieFor('psb@demo.gd.example')
    const refused = await settle(() =>
      action({
        request: jsonRequest(
          '/api/v1/usage-reports',
          { licenceId, ...report(0) },
          { cookie: agency },
        ),
        params: {},
        context: {},
      }),
    )
    expect(refused.status).toBe(403)
    const cookie = await sessionCookieFor('buyer@demo.gd.example')
    const ok = await settle(() =>
      action({
        request: jsonRequest('/api/v1/usage-reports', { licenceId, ...report(0) }, { cookie }),
        params: {},
        context: {},
      }),
    )
    expect(ok.status).toBe(201)
    expect(await ok.json()).toMatchObject({ late: false })
  })

  it('art46 the reminder job reminds before due and marks overdue reports once; dashboards list them', async () => {
    const now = new Date()
    // Quarterly from 200 days ago: periods 0 and 1 have ended; period 0's report is long overdue.
    const licenceId = await licence(researcher, new Date(now.getTime() - 200 * DAY), 'quarterly')
    const first = await usageReminders({ at: now.toISOString() })
    expect(first.overdue).toBeGreaterThanOrEqual(1)
    const marks = await UsageReportOverdue.find({ licenceId }).lean()
    expect(marks.map((m) => m.periodIndex)).toContain(0)
    expect(marks.every((m) => m.ledgerSeq !== null)).toBe(true)
    const logged = await LedgerEntry.countDocuments({
      action: 'usage-report.overdue',
      subjects: `licence:${licenceId}`,
    })
    expect(logged).toBe(marks.length)

    // A second run (a retry, an overlapping run) marks and logs nothing new.
    await runUsageReportSweep(now)
    expect(await UsageReportOverdue.countDocuments({ licenceId })).toBe(marks.length)
    expect(
      await LedgerEntry.countDocuments({
        action: 'usage-report.overdue',
        subjects: `licence:${licenceId}`,
      }),
    ).toBe(logged)

    // The licensor (provider home) and the authority see it.
    const forProvider = await listOverdueReports({ licensorOrgId: provider.org!.id })
    expect(forProvider.rows.some((r) => r.licenceId === licenceId)).toBe(true)
    expect((await listOverdueReports({})).rows.some((r) => r.licenceId === licenceId)).toBe(true)

    // Handed in late: marked late, and off the overdue list.
    const late = await submitUsageReport(researcher, licenceId, report(0))
    expect(late.late).toBe(true)
    const after = await listOverdueReports({ licensorOrgId: provider.org!.id })
    expect(after.rows.some((r) => r.id === `${licenceId}:p0`)).toBe(false)
  })

  it('art46 a licensee is reminded when the due date is near', async () => {
    // A monthly licence whose first period ended just now: due in 10 working days; remind at 5 and 1 left.
    const periodEnd = new Date()
    const start = new Date(periodEnd.getTime())
    start.setUTCMonth(start.getUTCMonth() - 1)
    const licenceId = await licence(buyer, start, 'monthly')
    const due = await addWorkingDays(periodEnd, USAGE_REPORT_GRACE_WORKING_DAYS)
    const fewLeft = new Date(due.getTime() - 5 * DAY)
    const result = await runUsageReportSweep(fewLeft)
    expect(result.reminded).toBeGreaterThanOrEqual(1)
    expect(await UsageReportOverdue.countDocuments({ licenceId })).toBe(0)
    // The notification job records the reminder once per key.
    const key = `usage-report:${licenceId}:p0:remind5`
    const job = { key, orgId: buyer.org!.id, kind: 'usage-report.reminder', params: { licenceId } }
    await notify(job)
    await notify(job)
    expect(await NotificationModel.countDocuments({ key })).toBe(1)
  })
})
