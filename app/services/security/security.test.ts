// Security events, alerts and the self-check (issue 19; Art. 45 ¶2, 47) on the run's own database
// and Redis.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SecurityCheck } from '#models/security-check'
import { SecurityEvent } from '#models/security-event'
import { closeQueues, getQueue } from '#jobs/queues'
import { loader as securityPage } from '~/routes/authority.security'
import { createBackup } from '~/services/backup/backup.server'
import { login } from '~/services/identity/auth.server'
import { BASE, sessionCookieFor, settle } from '../../../tests/fixtures/auth'
import { refusal } from '../../../tests/fixtures/errors'
import { demoUser } from '../../../tests/fixtures/products'
import { seedDemoWorldFromTemplate, useTestDb } from '../../../tests/setup/db'
import { securityDashboard } from './events.server'
import { runSelfCheck } from './self-check.server'

const backups = mkdtempSync(path.join(os.tmpdir(), 'gdpde-selfcheck-'))
process.env.BACKUP_DIR = backups

describe('security events and the self-check (Art. 45, 47)', () => {
  useTestDb()
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
  })
  afterAll(async () => {
    await closeQueues()
    rmSync(backups, { recursive: true, force: true })
  })

  it('art45 failed logins are one counted line per account and hour, and the lock-out alerts the authority', async () => {
    const email = 'researcher@demo.gd.example'
    for (let i = 0; i < 10; i++) {
      const error = await refusal(() =>
        login(new Request(`${BASE}/login`), {
          email,
          password: `wrong-${i}`,
          clientIp: '203.0.113.9',
        }),
      )
      expect(error.status).toBe(401)
    }
    const failed = await SecurityEvent.find({ kind: 'login-failed', subject: email }).lean()
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ count: 10, severity: 'info', alertedAt: null })
    const [lockout] = await SecurityEvent.find({ kind: 'lockout' }).lean()
    expect(lockout).toMatchObject({
      severity: 'warning',
      subject: `accountAtSource:${email}|203.0.113.9`,
    })
    expect(lockout!.alertedAt).toBeInstanceOf(Date)
    // The alert is in the notification queue for the provincial authority, once.
    const authority = await demoUser('authority@demo.gd.example')
    const job = await getQueue('notifications').getJob(
      `security_${lockout!._id}`.replace(/:/g, '_'),
    )
    expect(job?.data).toMatchObject({
      kind: 'security.alert',
      orgId: authority.org!.id,
      params: { securityEvent: 'lockout' },
    })
  })

  it('art45 a permission denial is recorded with who and where; the dashboard is the authority’s and the regulator’s only', async () => {
    const get = async (email: string) => {
      const cookie = await sessionCookieFor(email)
      return settle(() =>
        securityPage({
          request: new Request(`${BASE}/authority/security`, { headers: { Cookie: cookie } }),
          params: {},
          context: {},
        }),
      )
    }
    expect((await get('buyer@demo.gd.example')).status).toBe(403)
    const denied = await SecurityEvent.findOne({ kind: 'permission-denied' }).lean()
    expect(denied).toMatchObject({
      subject: 'buyer@demo.gd.example GET /authority/security',
      detail: 'read:security-events:any',
    })
    expect((await get('authority@demo.gd.example')).status).toBe(200)
    expect((await get('regulator@demo.gd.example')).status).toBe(200)

    const board = await securityDashboard(await demoUser('regulator@demo.gd.example'))
    expect(board.last24h['login-failed']).toBe(10)
    expect(board.last24h.lockout).toBe(1)
    expect(board.last24h['permission-denied']).toBeGreaterThanOrEqual(1)
    expect(board.trend).toHaveLength(14)
    expect(board.trend.at(-1)!.counts['login-failed']).toBe(10)
    expect(board.recent.map((e) => e.kind)).toContain('lockout')
    expect(
      await refusal(async () => securityDashboard(await demoUser('provider@demo.gd.example'))),
    ).toMatchObject({ status: 403 })
  })

  it('art45 art47 the self-check reports a missing backup and an unaudited log, alerts once, and passes the backup once one is made', async () => {
    const at = new Date()
    const first = await runSelfCheck(at)
    expect(first.created).toBe(true)
    const item = (check: string) => first.items.find((i) => i.check === check)
    expect(item('backup-fresh')).toMatchObject({ ok: false, detail: 'none' })
    expect(item('ledger-audit')).toMatchObject({ ok: false })
    expect(item('signing-key-age')).toMatchObject({ ok: true })
    expect(first.ok).toBe(false)
    // A retried run in the same minute writes the same report once, and no second event.
    expect((await runSelfCheck(at)).created).toBe(false)
    expect(await SecurityCheck.countDocuments({})).toBe(1)
    const events = await SecurityEvent.find({ kind: 'self-check-failed' }).lean()
    expect(events.map((e) => e.subject).sort()).toContain('backup-fresh')
    expect(events.every((e) => e.count === 1 && e.alertedAt instanceof Date)).toBe(true)

    await createBackup({ dir: backups })
    const later = await runSelfCheck(new Date(at.getTime() + 60_000))
    expect(later.items.find((i) => i.check === 'backup-fresh')).toMatchObject({ ok: true })
    const board = await securityDashboard(await demoUser('authority@demo.gd.example'))
    expect(board.selfCheck?.items.find((i) => i.check === 'backup-fresh')?.ok).toBe(true)
  })
})
