// The periodic security self-check (issue 19; Art. 45, 47): is the newest backup recent, and is
// it copied off-site; is the log's signing key young enough; did the last ledger audit pass,
// recently; is the configuration one a production exchange may run with. Each run writes one
// report (its id the run's minute: a retried job writes it once) and a failed check is a security
// event, which alerts the authority.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { LedgerAuditModel } from '#models/ledger-audit'
import { SecurityCheck, type SecurityCheckDoc } from '#models/security-check'
import { listSnapshots } from '~/services/backup/backup.server'
import { listPublicKeys } from '~/services/ledger/signing-keys.server'
import { claim, connectDb } from '~/utils/db.server'
import { getEnv, type Env } from '~/utils/env.server'
import type { SelfCheck } from '~/vocab/security'
import { recordSecurityEvent } from './events.server'

const HOUR = 3600_000
/** A nightly backup older than this has been missed. */
export const BACKUP_MAX_AGE_HOURS = 26
/** The log's signing key is rotated at least yearly. */
export const SIGNING_KEY_MAX_AGE_DAYS = 365
/** The ledger audit runs hourly; one older than this has not run. */
export const AUDIT_MAX_AGE_HOURS = 3

export interface SelfCheckItem {
  check: SelfCheck
  ok: boolean
  detail: string
}

/** The newest snapshot's time in a backup repository, or null when it holds none. */
async function newestBackup(dir: string): Promise<Date | null> {
  const ids = await listSnapshots(dir)
  const last = ids.at(-1)
  if (!last) return null
  return (await stat(path.join(dir, 'snapshots', `${last}.json`))).mtime
}

/** What a production exchange must not run without. */
export function configProblems(env: Env): string[] {
  const problems: string[] = []
  if (env.NODE_ENV !== 'production') return problems
  if (env.COOKIE_SECURE === 'false') problems.push('COOKIE_SECURE=false')
  if (env.PASSWORD_SCRYPT_LOG2N < 17) problems.push('PASSWORD_SCRYPT_LOG2N<17')
  if (!env.DELIVERY_LINK_SECRET) problems.push('DELIVERY_LINK_SECRET unset')
  if (!env.BACKUP_MIRROR_DIR) problems.push('BACKUP_MIRROR_DIR unset (no off-site copy)')
  if (!env.APP_ORIGIN?.startsWith('https://')) problems.push('APP_ORIGIN is not https')
  return problems
}

/** Art. 45, 47: runs every check, stores the report, records each failure as a security event. */
export async function runSelfCheck(now = new Date()): Promise<{
  id: string
  ok: boolean
  items: SelfCheckItem[]
  created: boolean
}> {
  await connectDb()
  const env = getEnv()
  const items: SelfCheckItem[] = []
  const hours = (d: Date) => (now.getTime() - d.getTime()) / HOUR

  const local = await newestBackup(env.BACKUP_DIR)
  items.push({
    check: 'backup-fresh',
    ok: local !== null && hours(local) <= BACKUP_MAX_AGE_HOURS,
    detail: local ? `${hours(local).toFixed(1)} h` : 'none',
  })
  const mirror = env.BACKUP_MIRROR_DIR ? await newestBackup(env.BACKUP_MIRROR_DIR) : null
  items.push({
    check: 'backup-mirror',
    ok: mirror !== null && hours(mirror) <= BACKUP_MAX_AGE_HOURS,
    detail: env.BACKUP_MIRROR_DIR ? (mirror ? `${hours(mirror).toFixed(1)} h` : 'none') : 'unset',
  })
  const keys = await listPublicKeys()
  const newest = keys.at(-1)
  const keyDays = newest ? hours(new Date(newest.createdAt)) / 24 : null
  items.push({
    check: 'signing-key-age',
    ok: keyDays !== null && keyDays <= SIGNING_KEY_MAX_AGE_DAYS,
    detail: keyDays === null ? 'none' : `${Math.floor(keyDays)} d`,
  })
  const audit = await LedgerAuditModel.findOne({}).sort({ at: -1 }).lean()
  items.push({
    check: 'ledger-audit',
    ok: Boolean(audit?.ok) && hours(audit!.at) <= AUDIT_MAX_AGE_HOURS,
    detail: audit
      ? `${audit.ok ? 'ok' : `broken at ${audit.firstBrokenSeq ?? '?'}`}, ${hours(audit.at).toFixed(1)} h`
      : 'none',
  })
  const problems = configProblems(env)
  items.push({ check: 'config', ok: problems.length === 0, detail: problems.join('; ') })

  const ok = items.every((i) => i.ok)
  const id = now.toISOString().slice(0, 16)
  // The failures become events (and alerts) before the report is saved: a run a crash cuts short
  // between the two is run again and raises them then (the alert is keyed, so it comes once; a
  // repeat only adds one to the hour's tally). A run whose report exists records nothing again.
  if (!(await SecurityCheck.exists({ _id: id })))
    for (const item of items.filter((i) => !i.ok))
      await recordSecurityEvent({
        kind: 'self-check-failed',
        subject: item.check,
        detail: item.detail,
        at: now,
      })
  const created = await claim(SecurityCheck, {
    _id: id,
    at: now,
    ok,
    items: items as unknown as SecurityCheckDoc['items'],
  })
  return { id, ok, items, created }
}
