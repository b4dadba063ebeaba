// Rectification within a deadline (C12; Art. 52) in the seeded demo world: the provincial data
// authority notifies amr to update its catalog; amr answers; another notice to psb is left
// unanswered past its deadline and goes to the government's supervision list.
import { spawnSync } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { getQueue } from '#jobs/queues'
import { LedgerEntry } from '#models/ledger-entry'
import { Rectification, RectificationStep } from '#models/rectification'
import type { AuthUser } from '~/services/identity/auth.server'
import { listPublicKeys } from '~/services/ledger/signing-keys.server'
import { verifySeal, type SealedDocument } from '~/services/seals/verify'
import {
  generateSupervisionReport,
  getSupervisionReport,
} from '~/services/supervision/reports.server'
import { refusal } from '../../../tests/fixtures/errors'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import {
  answerRectification,
  closeRectification,
  coordinatedAgencies,
  issueRectification,
  myRectifications,
  runRectificationSweep,
  sealedRectification,
} from './rectifications.server'
import { rectificationFormSchema } from './schemas'

let authority: AuthUser
let gzAuthority: AuthUser
let amr: AuthUser
let psb: AuthUser
let gzHealth: AuthUser

const notice = (agencyOrgId: string, days = 10) => ({
  agencyOrgId,
  item: 2,
  finding: '企业年度报告目录条目的更新频率为每月，但近三个月未更新数据。',
  days,
  evidence: [],
})

describe('rectification within a deadline (C12)', () => {
  useTestDb()

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    authority = await demoUser('authority@demo.gd.example')
    gzAuthority = await demoUser('gz-authority@demo.gd.example')
    amr = await demoUser('amr@demo.gd.example')
    psb = await demoUser('psb@demo.gd.example')
    gzHealth = await demoUser('gzhealth@demo.gd.example')
  })

  it('art52 the authority notifies a body it coordinates to rectify by a deadline; the body answers once; the authority closes it; all logged', async () => {
    expect((await coordinatedAgencies(authority)).map((a) => a.id)).toEqual(
      expect.arrayContaining([amr.org!.id, psb.org!.id]),
    )
    expect((await coordinatedAgencies(authority)).map((a) => a.id)).not.toContain(gzHealth.org!.id)
    const { rectificationId, dueAt } = await issueRectification(authority, notice(amr.org!.id))
    expect(new Date(dueAt) > new Date()).toBe(true)
    expect(
      (await getQueue('notifications').getJob(`rectification_${rectificationId}_issued`))?.data,
    ).toMatchObject({ orgId: amr.org!.id, kind: 'rectification.issued' })
    expect((await myRectifications(amr))[0]).toMatchObject({
      id: rectificationId,
      status: 'issued',
    })
    // Closing before an answer is refused; another body cannot answer it.
    expect(
      (await refusal(() => closeRectification(authority, rectificationId, '已整改'))).code,
    ).toBe('not_answered')
    expect(
      (await refusal(() => answerRectification(psb, rectificationId, '已按要求更新目录数据。')))
        .status,
    ).toBe(404)
    // Five answers at once: one stands.
    const tries = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        answerRectification(amr, rectificationId, `已补传近三个月数据并设置自动更新（${i}）。`),
      ),
    )
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1)
    await closeRectification(authority, rectificationId, '核查属实，整改完成。')
    expect((await myRectifications(authority)).find((r) => r.id === rectificationId)).toMatchObject(
      {
        status: 'closed',
        answer: { measures: expect.stringContaining('已补传') },
      },
    )
    for (const action of ['rectification.issued', 'rectification.answered', 'rectification.closed'])
      expect(
        await LedgerEntry.countDocuments({ action, subjects: `rectification:${rectificationId}` }),
      ).toBe(1)
  })

  it('art52 a notice unanswered past its deadline is reported for government supervision once, and counts as a violation in the supervision report; steps a crash cut short are finished by the sweep', async () => {
    const { rectificationId } = await issueRectification(authority, notice(psb.org!.id, 1))
    const late = new Date(Date.now() + 10 * 86_400_000)
    expect((await runRectificationSweep(late)).escalated).toBe(1)
    expect((await runRectificationSweep(late)).escalated).toBe(0)
    expect(await RectificationStep.countDocuments({ _id: `${rectificationId}:escalate` })).toBe(1)
    expect((await Rectification.findById(rectificationId).lean())!.status).toBe('escalated')
    expect(
      await LedgerEntry.countDocuments({ eventKey: `rectification.escalated:${rectificationId}` }),
    ).toBe(1)
    expect(
      (
        await getQueue('notifications').getJob(
          `rectification_${rectificationId}_escalated_${authority.org!.id}`,
        )
      )?.data,
    ).toMatchObject({ kind: 'rectification.escalated' })
    // An answer whose projection a crash cut short (claimed, not projected): the sweep finishes it.
    await RectificationStep.create({
      _id: `${rectificationId}:answer`,
      by: psb.id,
      at: new Date(),
      text: '已完成整改并说明逾期原因。',
    })
    expect(
      (await refusal(() => answerRectification(psb, rectificationId, '再答复一次整改情况。'))).code,
    ).toBe('answered')
    expect((await runRectificationSweep()).repaired).toBe(1)
    expect((await runRectificationSweep()).repaired).toBe(0)
    // The body answered (late); the notice shows it answered, logged once.
    expect((await Rectification.findById(rectificationId).lean())!).toMatchObject({
      status: 'answered',
      answer: { measures: '已完成整改并说明逾期原因。' },
    })
    expect(
      await LedgerEntry.countDocuments({ eventKey: `rectification.answered:${rectificationId}` }),
    ).toBe(1)
    // A notice stored but not logged (the process died right after the insert): logged by the sweep.
    const orphan = await Rectification.create({
      authorityOrgId: authority.org!.id,
      agencyOrgId: amr.org!.id,
      item: 1,
      finding: '未按要求提供本机构负责范围的业务数据。',
      dueAt: new Date(Date.now() + 10 * 86_400_000),
      issuedBy: authority.id,
      issuedAt: new Date(Date.now() - 120_000),
    })
    expect((await runRectificationSweep()).repaired).toBe(1)
    expect((await Rectification.findById(orphan._id).lean())!.loggedSeq).not.toBeNull()
    expect((await runRectificationSweep()).repaired).toBe(0)
    // The supervision report: issued to psb, and a violation for the overdue notice.
    const period = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7)
    const report = await generateSupervisionReport({ scope: 'all', period, generatedBy: 'test' })
    const { content } = await getSupervisionReport(report.id)
    const row = content.orgs.find((o) => o.orgId === psb.org!.id)!
    expect(row.figures.rectificationsIssued.value).toBeGreaterThanOrEqual(1)
    expect(row.figures.violationsRectificationOverdue.value).toBe(1)
    expect(row.figures.violations.value).toBeGreaterThanOrEqual(1)
  })

  it('art52 only the authority that coordinates a body issues to it; a wrong role or bad input is refused and writes nothing', async () => {
    const count = await Rectification.countDocuments({})
    expect((await refusal(() => issueRectification(gzAuthority, notice(amr.org!.id)))).code).toBe(
      'not_coordinated',
    )
    expect((await refusal(() => issueRectification(amr, notice(psb.org!.id)))).status).toBe(403)
    expect(
      (await refusal(() => issueRectification(authority, notice(authority.org!.id)))).code,
    ).toBe('not_coordinated')
    expect(await Rectification.countDocuments({})).toBe(count)
    const bad = rectificationFormSchema.safeParse({
      intent: 'issue',
      agencyOrgId: amr.org!.id,
      item: '11',
      finding: '短',
      days: '0',
    })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues.map((i) => i.message).sort()).toEqual([
      'error.rectification.badDays',
      'error.rectification.badItem',
      'error.rectification.tooShort',
    ])
  })

  it('art29 art30 a notice carries the exchange’s electronic seal: it verifies offline, from the file alone, and one byte altered fails', async () => {
    const { rectificationId } = await issueRectification(authority, notice(amr.org!.id))
    const view = (await myRectifications(amr)).find((r) => r.id === rectificationId)!
    expect(view.seal).toMatchObject({ ok: true })
    const text = await sealedRectification(amr, rectificationId)
    const sealed = JSON.parse(text) as SealedDocument
    expect(sealed).toMatchObject({
      kind: 'rectification-notice',
      ref: `rectification:${rectificationId}`,
      document: { item: 2, article: 52 },
    })
    expect(verifySeal(sealed)).toMatchObject({ ok: true, sha256: sealed.seal.sha256 })
    // The key is the one the log publishes.
    expect((await listPublicKeys()).map((k) => k.keyId)).toContain(sealed.seal.keyId)
    // One character of the document changed, the signature changed, another key: each fails.
    const finding = sealed.document as { finding: string }
    const altered = {
      ...sealed,
      document: { ...finding, finding: finding.finding.replace('三', '二') },
    }
    expect(verifySeal(altered)).toEqual({ ok: false, reason: 'digest_mismatch' })
    const sig = Buffer.from(sealed.seal.signature, 'base64')
    sig[0] = sig[0]! ^ 1
    expect(
      verifySeal({ ...sealed, seal: { ...sealed.seal, signature: sig.toString('base64') } }),
    ).toEqual({ ok: false, reason: 'bad_signature' })
    expect(verifySeal({ ...sealed, seal: { ...sealed.seal, keyId: '0'.repeat(32) } })).toEqual({
      ok: false,
      reason: 'key_mismatch',
    })
    expect(verifySeal({ nope: 1 })).toEqual({ ok: false, reason: 'malformed' })
    // Another body cannot fetch it.
    expect((await refusal(() => sealedRectification(psb, rectificationId))).status).toBe(404)
    // The command, in a process with no database and no configuration.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seal-'))
    const good = path.join(dir, 'good.json')
    const bad = path.join(dir, 'bad.json')
    await writeFile(good, text)
    await writeFile(
      bad,
      text.replace(
        sealed.seal.sha256,
        sealed.seal.sha256.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
    )
    const run = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'tools/seal-verify.ts', file], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' } as unknown as NodeJS.ProcessEnv,
      })
    const ok = run(good)
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toContain(`key ${sealed.seal.keyId}`)
    const fail = run(bad)
    expect(fail.status).toBe(1)
    expect(fail.stderr).toContain('FAIL digest_mismatch')
  })
})
