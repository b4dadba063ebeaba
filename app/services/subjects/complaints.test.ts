// Complaints of data subjects (C10; Art. 43) in the seeded demo world: zhangwei complains about
// the provincial public security department to the provincial data authority.
import { beforeAll, describe, expect, it } from 'vitest'
import { getQueue } from '#jobs/queues'
import { LedgerEntry } from '#models/ledger-entry'
import { Organization } from '#models/organization'
import { SubjectComplaint, SubjectComplaintStep } from '#models/subject-complaint'
import type { AuthUser } from '~/services/identity/auth.server'
import { type DomainError } from '~/utils/errors'
import { refusal } from '../../../tests/fixtures/errors'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  answerComplaint,
  authorityComplaints,
  runComplaintSweep,
  complaintRespondents,
  fileComplaint,
  myComplaints,
} from './complaints.server'

let zhang: AuthUser
let authority: AuthUser
let gzAuthority: AuthUser
let psb: AuthUser
const facts = '户籍迁移登记信息中我的迁出地记录有误，多次向公安厅反映未获处理。'

describe('complaints of data subjects (C10)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    zhang = await demoUser('zhangwei@demo.gd.example')
    authority = await demoUser('authority@demo.gd.example')
    gzAuthority = await demoUser('gz-authority@demo.gd.example')
    psb = await demoUser('psb@demo.gd.example')
  })

  it('art43 a complaint about a provincial department goes to the provincial authority, which accepts it and decides it with reasons', async () => {
    const filed = await fileComplaint(zhang, {
      respondentOrgId: psb.org!.id,
      facts,
      remedy: '请督促更正迁出地记录。',
    })
    const complaint = (await SubjectComplaint.findById(filed.complaintId).lean())!
    expect(complaint.authorityOrgId).toBe(authority.org!.id)
    expect(complaint.acceptDueAt.getTime()).toBeGreaterThan(Date.now())
    // The city authority does not see it; the provincial one does.
    expect(await authorityComplaints(gzAuthority)).toEqual([])
    expect((await authorityComplaints(authority)).map((c) => c.id)).toContain(filed.complaintId)
    expect(
      (
        await refusal(() =>
          answerComplaint(gzAuthority, {
            step: 'accept',
            complaintId: filed.complaintId,
            decision: 'accepted',
            note: '',
          }),
        )
      ).status,
    ).toBe(404)
    // Deciding before accepting is refused.
    expect(
      (
        await refusal(() =>
          answerComplaint(authority, {
            step: 'decide',
            complaintId: filed.complaintId,
            decision: 'upheld',
            note: '经核查，记录确有错误。',
          }),
        )
      ).code,
    ).toBe('not_accepted')
    await answerComplaint(authority, {
      step: 'accept',
      complaintId: filed.complaintId,
      decision: 'accepted',
      note: '',
    })
    await answerComplaint(authority, {
      step: 'decide',
      complaintId: filed.complaintId,
      decision: 'upheld',
      note: '经核查，迁出地记录确有错误，已督促公安厅在五个工作日内更正。',
    })
    const [mine] = await myComplaints(zhang)
    expect(mine).toMatchObject({
      id: filed.complaintId,
      status: 'decided',
      outcome: 'upheld',
      respondent: { zh: (await Organization.findById(psb.org!.id).lean())!.name.zh },
    })
    expect(mine!.decideDueAt).not.toBeNull()
    const logged = await LedgerEntry.find({ subjects: `user:${zhang.id}` }).lean()
    expect(logged.map((e) => e.action)).toEqual(
      expect.arrayContaining(['subject.complaint-filed', 'subject.complaint-answered']),
    )
  })

  it('art43 two officers answering at once make one answer; not accepting needs reasons', async () => {
    const { complaintId } = await fileComplaint(zhang, {
      respondentOrgId: psb.org!.id,
      facts,
      remedy: '请依法处理。',
    })
    expect(
      (
        await refusal(() =>
          answerComplaint(authority, {
            step: 'accept',
            complaintId,
            decision: 'not_accepted',
            note: '',
          }),
        )
      ).code,
    ).toBe('reasons_required')
    const answers = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        answerComplaint(authority, {
          step: 'accept',
          complaintId,
          decision: i % 2 ? 'accepted' : 'not_accepted',
          note: '不属于本部门职责范围，请向广州市投诉。',
        }),
      ),
    )
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1)
    const refused = answers.filter((a) => a.status === 'rejected')
    for (const r of refused)
      expect(((r as PromiseRejectedResult).reason as DomainError).code).toBe('already_answered')
    expect(
      await LedgerEntry.countDocuments({
        eventKey: `subject.complaint-answered:${complaintId}:accept`,
      }),
    ).toBe(1)
  })

  it('art43 an answer whose projection a crash lost is completed by the next answer, once', async () => {
    const { complaintId } = await fileComplaint(zhang, {
      respondentOrgId: psb.org!.id,
      facts,
      remedy: '请依法处理。',
    })
    // The claim was made, then the process died before the complaint and the log followed it.
    await SubjectComplaintStep.create({
      _id: `${complaintId}:accept`,
      by: authority.id,
      at: new Date(),
      decision: 'accepted',
      note: '',
    })
    const again = await refusal(() =>
      answerComplaint(authority, { step: 'accept', complaintId, decision: 'accepted', note: '' }),
    )
    expect(again.code).toBe('already_answered')
    expect(await SubjectComplaint.findById(complaintId).lean()).toMatchObject({
      status: 'accepted',
    })
    expect(
      await LedgerEntry.countDocuments({
        eventKey: `subject.complaint-answered:${complaintId}:accept`,
      }),
    ).toBe(1)
  })

  it('art43 only a confirmed person complains, only about a public body; only the authority answers', async () => {
    const buyerOrg = (await Organization.findOne({ type: 'buyer' }, { _id: 1 }).lean())!
    expect(
      (
        await refusal(() =>
          fileComplaint(zhang, {
            respondentOrgId: String(buyerOrg._id),
            facts,
            remedy: '请处理。',
          }),
        )
      ).code,
    ).toBe('not_a_body')
    expect(
      (
        await refusal(() =>
          fileComplaint(psb, { respondentOrgId: psb.org!.id, facts, remedy: '请处理。' }),
        )
      ).status,
    ).toBe(403)
    expect((await refusal(() => authorityComplaints(psb))).status).toBe(403)
    expect((await complaintRespondents()).map((o) => o.id)).toContain(psb.org!.id)
  })
  it('art43 the authority is reminded one working day before each deadline and told when it passed', async () => {
    const filed = await fileComplaint(zhang, {
      respondentOrgId: psb.org!.id,
      facts,
      remedy: '请督促更正迁出地记录。',
    })
    const due = new Date(filed.acceptDueAt)
    const job = (suffix: string) =>
      getQueue('notifications').getJob(`subject-complaint_${filed.complaintId}_${suffix}`)
    await runComplaintSweep(new Date(due.getTime() - 60_000))
    expect((await job('accept_reminder'))?.data).toMatchObject({
      orgId: authority.org!.id,
      kind: 'subject-complaint.accept_due',
    })
    await runComplaintSweep(new Date(due.getTime() + 60_000))
    expect((await job('accept_overdue'))?.data).toMatchObject({
      orgId: authority.org!.id,
      kind: 'subject-complaint.accept_overdue',
    })
    // Once accepted, the clock to decide runs.
    await answerComplaint(authority, {
      step: 'accept',
      complaintId: filed.complaintId,
      decision: 'accepted',
      note: '',
    })
    const accepted = (await SubjectComplaint.findById(filed.complaintId).lean())!
    await runComplaintSweep(new Date(accepted.decideDueAt!.getTime() + 60_000))
    expect((await job('decide_overdue'))?.data).toMatchObject({
      kind: 'subject-complaint.decide_overdue',
    })
  })
})
