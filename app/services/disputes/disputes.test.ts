// Disputes between public bodies (C13; Art. 51) in the seeded demo world: psb and amr (provincial
// departments) disagree over the use of shared data; the provincial data authority coordinates and
// invites nr to the joint consultation. gz-health (a Guangzhou department) against psb crosses levels.
import { beforeAll, describe, expect, it } from 'vitest'
import { getQueue } from '#jobs/queues'
import { Dispute, DisputeStep } from '#models/dispute'
import { LedgerEntry } from '#models/ledger-entry'
import type { AuthUser } from '~/services/identity/auth.server'
import { refusal } from '../../../tests/fixtures/errors'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  disputeAuthority,
  disputePage,
  myDisputes,
  openDispute,
  runDisputeSweep,
  stepDispute,
} from './disputes.server'
import {
  generateSupervisionReport,
  getSupervisionReport,
} from '~/services/supervision/reports.server'
import { disputeOpenSchema } from './schemas'

let psb: AuthUser
let amr: AuthUser
let nr: AuthUser
let authority: AuthUser
let gzAuthority: AuthUser
let gzHealth: AuthUser
let buyer: AuthUser

const opening = (respondentOrgId: string) =>
  disputeOpenSchema.parse({
    respondentOrgId,
    matter: 'use',
    facts: '市场监管局将共享的常住人口数据用于授权范围以外的企业信用评价，超出了共享申请所列用途。',
    documents: '共享申请 GD-2026-0117\n数据使用情况说明',
    asks: '请对方停止超范围使用并删除相关副本。',
  })

const position = (text: string) => ({ intent: 'position' as const, text })
const close = (outcome: 'resolved' | 'failed', note: string, invitedOrgIds: string[] = []) => ({
  intent: 'close' as const,
  outcome,
  note,
  invitedOrgIds,
})

describe('disputes between public bodies (C13)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    psb = await demoUser('psb@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    nr = await demoUser('nr@demo.gd.example')
    authority = await demoUser('authority@demo.gd.example')
    gzAuthority = await demoUser('gz-authority@demo.gd.example')
    gzHealth = await demoUser('gzhealth@demo.gd.example')
    buyer = await demoUser('buyer@demo.gd.example')
  })

  it('art51 art48 a dispute goes from negotiation to the authority’s coordination, a joint consultation with the bodies it invites, its leaning opinion and the decision — each stage ended once, with its outcome, logged and counted in the supervision report', async () => {
    const { disputeId, route, authorityOrgId } = await openDispute(psb, opening(amr.org!.id))
    expect({ route, authorityOrgId }).toEqual({
      route: 'same-level',
      authorityOrgId: authority.org!.id,
    })
    expect(
      (await getQueue('notifications').getJob(`dispute_${disputeId}_opened_${amr.org!.id}`))?.data,
    ).toMatchObject({ orgId: amr.org!.id, kind: 'dispute.opened' })
    // Negotiation: both sides state their positions; the authority cannot end it for them.
    await stepDispute(psb, disputeId, position('共享授权的用途是企业登记核验，不含信用评价。'))
    await stepDispute(amr, disputeId, position('信用评价属于市场监管职责，属于履职需要。'))
    expect(
      (await refusal(() => stepDispute(authority, disputeId, close('failed', '未能一致')))).code,
    ).toBe('wrong_stage')
    await stepDispute(amr, disputeId, close('failed', '双方未能达成一致。'))
    let page = await disputePage(psb, disputeId)
    expect(page).toMatchObject({ stage: 'coordination', role: 'claimant' })
    expect(page.stageDueAt).not.toBeNull()
    // Coordination: the authority alone ends it; five officers at once end it once.
    expect(
      (await refusal(() => stepDispute(psb, disputeId, close('failed', '不同意')))).status,
    ).toBe(403)
    // Failing coordination needs the bodies invited to the joint consultation.
    expect(
      (await refusal(() => stepDispute(authority, disputeId, close('failed', '协调不成。')))).code,
    ).toBe('no_invitees')
    const tries = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        stepDispute(authority, disputeId, close('failed', '协调不成，转联合会商。', [nr.org!.id])),
      ),
    )
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1)
    expect(await DisputeStep.countDocuments({ disputeId })).toBe(2)
    page = await disputePage(authority, disputeId)
    expect(page).toMatchObject({ stage: 'consultation', invited: [{ id: nr.org!.id }] })
    // Consultation: the invited body states its view; then the authority ends it.
    expect((await disputePage(nr, disputeId)).role).toBe('invited')
    await stepDispute(nr, disputeId, position('建议按共享申请所列用途界定，超范围部分另行申请。'))
    await stepDispute(authority, disputeId, close('failed', '联合会商仍未解决。'))
    // The authority sets out each side's reasons and its leaning opinion, submitted for decision.
    await stepDispute(authority, disputeId, {
      intent: 'opinion',
      claimantReasons: '共享申请所列用途为企业登记核验。',
      respondentReasons: '信用评价属于本部门法定职责。',
      leaning: '倾向于认定超范围使用，应另行提出共享申请。',
      submittedTo: '广东省人民政府',
    })
    // Sealed by the exchange's key (Art. 29–30), checked on every view.
    expect((await disputePage(amr, disputeId)).opinion).toMatchObject({ seal: { ok: true } })
    expect((await disputePage(amr, disputeId)).stage).toBe('submitted')
    // Five officers recording the decision at once: one decision.
    const decisions = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        stepDispute(authority, disputeId, {
          intent: 'decision',
          text: `省政府决定：市场监管局停止超范围使用，另行申请。（${i}）`,
        }),
      ),
    )
    expect(decisions.filter((t) => t.status === 'fulfilled')).toHaveLength(1)
    page = await disputePage(amr, disputeId)
    expect(page).toMatchObject({
      stage: 'resolved',
      decision: { text: expect.stringContaining('停止') },
    })
    expect(page.outcomes.map((o) => [o.stage, o.outcome])).toEqual([
      ['negotiation', 'failed'],
      ['coordination', 'failed'],
      ['consultation', 'failed'],
    ])
    expect(page.positions.map((p) => p.stage)).toEqual([
      'negotiation',
      'negotiation',
      'consultation',
    ])
    // Each step logged once.
    const logged = async (action: string) =>
      LedgerEntry.countDocuments({ action, subjects: `dispute:${disputeId}` })
    expect(await logged('dispute.opened')).toBe(1)
    expect(await logged('dispute.position-stated')).toBe(3)
    expect(await logged('dispute.stage-closed')).toBe(3)
    expect(await logged('dispute.opinion-submitted')).toBe(1)
    expect(await logged('dispute.decided')).toBe(1)
    // The supervision report counts it: opened by psb, resolved (by the decision) in the period.
    const period = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7)
    const report = await generateSupervisionReport({ scope: 'all', period, generatedBy: 'test' })
    const { content } = await getSupervisionReport(report.id)
    expect(content.totals.disputesOpened.value).toBeGreaterThanOrEqual(1)
    expect(content.totals.disputesResolved.evidence.length).toBeGreaterThanOrEqual(1)
    expect(
      content.orgs.find((o) => o.orgId === psb.org!.id)!.figures.disputesOpened.value,
    ).toBeGreaterThanOrEqual(1)
    // Nothing more can be done on it.
    expect(
      (await refusal(() => stepDispute(amr, disputeId, position('还有一点补充意见需要说明。'))))
        .code,
    ).toBe('wrong_stage')
  })

  it('art51 a negotiation that succeeds resolves the dispute; bodies at different levels go to their common upper authority', async () => {
    const { disputeId, route, authorityOrgId } = await openDispute(gzHealth, opening(psb.org!.id))
    expect({ route, authorityOrgId }).toEqual({
      route: 'common-upper',
      authorityOrgId: authority.org!.id,
    })
    // The city's own authority is not the coordinator of this one.
    expect((await refusal(() => disputePage(gzAuthority, disputeId))).status).toBe(404)
    await stepDispute(psb, disputeId, close('resolved', '双方同意按原共享申请范围使用。'))
    expect((await disputePage(gzHealth, disputeId)).stage).toBe('resolved')
    // Two bodies of one city: that city's authority.
    expect(await disputeAuthority(gzHealth.org!.id, gzAuthority.org!.id)).toEqual({
      authorityOrgId: gzAuthority.org!.id,
      route: 'same-level',
    })
  })

  it('art51 only the parties, the invited bodies and the coordinating authority see a dispute; a wrong role or bad input is refused and writes nothing', async () => {
    const { disputeId } = await openDispute(psb, opening(amr.org!.id))
    expect((await refusal(() => disputePage(nr, disputeId))).status).toBe(404)
    expect((await myDisputes(nr)).map((d) => d.id)).not.toContain(disputeId)
    expect((await myDisputes(authority)).map((d) => d.id)).toContain(disputeId)
    expect((await refusal(() => disputePage(buyer, disputeId))).status).toBe(403)
    const count = await Dispute.countDocuments({})
    expect((await refusal(() => openDispute(buyer, opening(amr.org!.id)))).status).toBe(403)
    expect((await refusal(() => openDispute(psb, opening(psb.org!.id)))).code).toBe('not_a_body')
    expect((await refusal(() => openDispute(psb, opening(buyer.org!.id)))).code).toBe('not_a_body')
    expect((await refusal(() => openDispute(authority, opening(amr.org!.id)))).status).toBe(403)
    expect(await Dispute.countDocuments({})).toBe(count)
    const bad = disputeOpenSchema.safeParse({ respondentOrgId: 'x', matter: 'war', facts: '短' })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues.map((i) => i.message)).toContain('error.dispute.tooShort')
  })

  it('art51 a stage past its deadline is told to the authority and the parties once; a stage claim a crash left unprojected, or an opening left unlogged, is finished by the sweep', async () => {
    const { disputeId } = await openDispute(psb, opening(amr.org!.id))
    const late = new Date(Date.now() + 30 * 86_400_000)
    expect((await runDisputeSweep(late)).overdue).toBeGreaterThanOrEqual(1)
    const job = await getQueue('notifications').getJob(
      `dispute_${disputeId}_negotiation_overdue_${authority.org!.id}`,
    )
    expect(job?.data).toMatchObject({ kind: 'dispute.overdue', orgId: authority.org!.id })
    // As if the process died right after the negotiation's claim.
    await DisputeStep.create({
      _id: `${disputeId}:negotiation`,
      disputeId,
      stage: 'negotiation',
      outcome: 'failed',
      note: '协商不成。',
      by: amr.id,
      orgId: amr.org!.id,
      at: new Date(),
    })
    // And a dispute stored but not logged (the process died right after the insert).
    const orphan = await Dispute.create({
      claimantOrgId: amr.org!.id,
      respondentOrgId: nr.org!.id,
      authorityOrgId: authority.org!.id,
      route: 'same-level',
      matter: 'collection',
      facts: '自然资源厅与市场监管局对同一地块的权属数据采集口径不一致。',
      asks: '请对方按统一口径更正。',
      openedBy: amr.id,
      openedAt: new Date(Date.now() - 120_000),
    })
    expect((await runDisputeSweep()).repaired).toBe(2)
    expect((await disputePage(psb, disputeId)).stage).toBe('coordination')
    expect(
      await LedgerEntry.countDocuments({ eventKey: `dispute.opened:${String(orphan._id)}` }),
    ).toBe(1)
    expect((await runDisputeSweep()).repaired).toBe(0)
    expect(
      await LedgerEntry.countDocuments({
        eventKey: `dispute.stage-closed:${disputeId}:negotiation`,
      }),
    ).toBe(1)

    // A position stored but not logged (the process died between the two): the next read logs it,
    // once, however often the dispute is read.
    await Dispute.updateOne(
      { _id: disputeId },
      {
        $push: {
          positions: {
            id: 'crashed-position',
            stage: 'coordination',
            orgId: psb.org!.id,
            userId: psb.id,
            text: '我方已按授权范围使用数据，未超出共享申请所列用途。',
            at: new Date(),
          },
        },
      },
    )
    const key = `dispute.position-stated:${disputeId}:crashed-position`
    expect(await LedgerEntry.countDocuments({ eventKey: key })).toBe(0)
    await disputePage(psb, disputeId)
    await disputePage(amr, disputeId)
    expect(await LedgerEntry.countDocuments({ eventKey: key })).toBe(1)
    const stored = (await Dispute.findById(disputeId).lean())!
    expect(stored.positionsLogged).toBe(stored.positions.length)
  })
})
