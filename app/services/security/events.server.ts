// Security events and alerts (issue 19; Art. 45 ¶2, 47): every door that refuses or notices
// something — failed logins and lock-outs, permission denials, rate-limit trips, failed scans,
// fingerprint hits, verification enumeration, chain breaks, failed backups and self-checks —
// records it here, in one collection, counted per (kind, subject, hour). The kinds that matter at
// once reach the data authority's notification centre, once per kind, subject and hour.
import { createHash } from 'node:crypto'
import mongoose from 'mongoose'
import { Organization } from '#models/organization'
import { SecurityCheck } from '#models/security-check'
import { SecurityEvent, type SecurityEventDoc } from '#models/security-event'
import { notifyOrg } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { assertMay } from '~/utils/permissions'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import {
  ALERTING,
  SECURITY_EVENT_KINDS,
  SEVERITY_OF,
  type SecurityEventKind,
} from '~/vocab/security'

const HOUR = 3600_000
const DAY = 24 * HOUR
const TZ = 8 * HOUR

export interface SecurityEventInput {
  kind: SecurityEventKind
  /** What it concerns (an account, an address, a route, an entry). */
  subject: string
  orgId?: string | null
  userId?: string | null
  detail?: string
  at?: Date
}

let provincialAuthority: Promise<string | null> | undefined

/** The provincial data authority: where alerts go. */
function alertOrg(): Promise<string | null> {
  provincialAuthority ??= Organization.findOne(
    { type: 'authority', level: 'province', status: 'approved' },
    { _id: 1 },
  )
    .lean()
    .then((o) => (o ? String(o._id) : null))
  provincialAuthority.then(
    (id) => {
      if (!id) provincialAuthority = undefined
    },
    () => (provincialAuthority = undefined),
  )
  return provincialAuthority
}

/**
 * Art. 45 ¶2, 47: records one security event. Never throws: a failure to record must not turn
 * the refusal it accompanies into an error (it is logged to the console instead).
 */
export async function recordSecurityEvent(input: SecurityEventInput): Promise<void> {
  try {
    await connectDb()
    const at = input.at ?? new Date()
    const hour = new Date(Math.floor(at.getTime() / HOUR) * HOUR)
    const subject = input.subject.slice(0, 200)
    const digest = createHash('sha256').update(subject).digest('hex').slice(0, 24)
    const _id = `${input.kind}|${hour.toISOString()}|${digest}`
    const detail = (input.detail ?? '').slice(0, 500)
    let first = false
    try {
      await SecurityEvent.create({
        _id,
        kind: input.kind,
        severity: SEVERITY_OF[input.kind],
        hour,
        subject,
        orgId: input.orgId ?? null,
        userId: input.userId ?? null,
        detail,
        count: 1,
        firstAt: at,
        lastAt: at,
      })
      first = true
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      // A count, not an invariant: an increment lost to a race costs a unit of a tally.
      await SecurityEvent.updateOne(
        { _id },
        { $inc: { count: 1 }, $set: { lastAt: at, ...(detail ? { detail } : {}) } },
      )
    }
    if (first && ALERTING.includes(input.kind)) await alert(_id, input, subject)
  } catch (error) {
    console.error(
      '[security] could not record',
      input.kind,
      error instanceof Error ? error.message : error,
    )
  }
}

/** The alert to the authority's notification centre (its key makes it once per event document). */
async function alert(id: string, input: SecurityEventInput, subject: string) {
  const orgId = await alertOrg()
  if (!orgId) return
  await notifyOrg({
    key: `security:${id}`,
    orgId,
    kind: 'security.alert',
    params: { securityEvent: input.kind, subject, detail: input.detail ?? '' },
  })
  await SecurityEvent.updateOne({ _id: id }, { $set: { alertedAt: new Date() } })
}

export interface SecurityDashboard {
  since: string
  /** The last 24 hours, per kind. */
  last24h: Record<SecurityEventKind, number>
  /** One row per day for the last 14 days (oldest first), per kind. */
  trend: { day: string; counts: Record<SecurityEventKind, number> }[]
  recent: {
    id: string
    kind: SecurityEventKind
    severity: string
    subject: string
    detail: string
    count: number
    firstAt: string
    lastAt: string
    alerted: boolean
  }[]
  selfCheck: {
    at: string
    ok: boolean
    items: { check: string; ok: boolean; detail: string }[]
  } | null
}

const zero = () =>
  Object.fromEntries(SECURITY_EVENT_KINDS.map((k) => [k, 0])) as Record<SecurityEventKind, number>

/** Art. 45 ¶2, 47: the authority's (and the regulator's) view of security events and trends. */
export async function securityDashboard(
  user: AuthUser,
  now = new Date(),
): Promise<SecurityDashboard> {
  assertMay(user, 'read:security-events:any')
  await connectDb()
  // Days are Guangdong's (UTC+8), as the page shows times.
  const since = new Date(Math.floor((now.getTime() + TZ) / DAY) * DAY - TZ - 13 * DAY)
  const dayOf = (d: Date) => new Date(d.getTime() + TZ).toISOString().slice(0, 10)
  const docs = await SecurityEvent.find({ hour: mongoose.trusted({ $gte: since }) }).lean()
  const last24h = zero()
  const days = new Map<string, Record<SecurityEventKind, number>>()
  for (let d = 0; d < 14; d++) days.set(dayOf(new Date(since.getTime() + d * DAY)), zero())
  for (const e of docs as SecurityEventDoc[]) {
    const kind = e.kind as SecurityEventKind
    if (e.lastAt.getTime() > now.getTime() - DAY) last24h[kind] += e.count
    const row = days.get(dayOf(e.hour))
    if (row) row[kind] += e.count
  }
  const recent = [...docs]
    .sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime())
    .slice(0, 50)
    .map((e) => ({
      id: e._id,
      kind: e.kind as SecurityEventKind,
      severity: e.severity,
      subject: e.subject,
      detail: e.detail ?? '',
      count: e.count,
      firstAt: e.firstAt.toISOString(),
      lastAt: e.lastAt.toISOString(),
      alerted: Boolean(e.alertedAt),
    }))
  const check = await SecurityCheck.findOne({}).sort({ at: -1 }).lean()
  return {
    since: since.toISOString(),
    last24h,
    trend: [...days].map(([day, counts]) => ({ day, counts })),
    recent,
    selfCheck: check
      ? {
          at: check.at.toISOString(),
          ok: check.ok,
          items: check.items.map((i) => ({ check: i.check, ok: i.ok, detail: i.detail ?? '' })),
        }
      : null,
  }
}
