// What each role's home page shows about the signed-in user and their org.
import mongoose from 'mongoose'
import { Organization } from '#models/organization'
import { User } from '#models/user'
import { listLedger, ledgerHead } from '~/services/ledger/ledger.server'
import type { AuthUser } from './auth.server'
import { dataKeys } from './keys.server'
import { decryptField } from './crypto.server'
import { maskResidentId } from './codes'
import { pendingRegistrations } from './auth.server'
import { holdingsOf } from '~/services/subjects/holdings.server'
import { confirmedSubjectKey } from './subjects.server'
import { useHistoryOf } from '~/services/subjects/uses.server'

function ledgerRows(entries: Awaited<ReturnType<typeof listLedger>>['entries']) {
  return entries.map((e) => ({
    seq: e._id,
    at: e.at.toISOString(),
    action: e.action,
    actorOrgId: e.actorOrgId ?? null,
    subjects: e.subjects,
    hash: e.hash,
  }))
}

export type LedgerRow = ReturnType<typeof ledgerRows>[number]

/** Recent log entries written by the user's organization. */
export async function orgHome(user: AuthUser) {
  const { entries } = user.org
    ? await listLedger({ orgId: user.org.id, limit: 10 })
    : { entries: [] }
  return { recent: ledgerRows(entries) }
}

export async function authorityHome(pendingAfter?: string) {
  const [pending, head, counts] = await Promise.all([
    pendingRegistrations(pendingAfter),
    ledgerHead(),
    Organization.aggregate<{ _id: string; n: number }>([
      { $match: { status: 'approved' } },
      { $group: { _id: '$type', n: { $sum: 1 } } },
    ]),
  ])
  return {
    pendingTotal: pending.total,
    pendingNextAfter: pending.nextAfter,
    pending: pending.page.map((o) => ({
      id: String(o._id),
      type: o.type,
      name: o.name,
      uscc: o.uscc,
      createdAt: o.createdAt.toISOString(),
    })),
    head,
    orgCounts: Object.fromEntries(counts.map((c) => [c._id, c.n])),
  }
}

/** The log for regulators, newest first, optionally filtered (the regulator console passes filters). */
export async function regulatorHome(filters: Omit<Parameters<typeof listLedger>[0], 'limit'> = {}) {
  const page = await listLedger({ limit: 25, ...filters })
  const orgIds = [...new Set(page.entries.map((e) => e.actorOrgId).filter(Boolean))]
  const orgs = await Organization.find({ _id: mongoose.trusted({ $in: orgIds }) })
    .select({ name: 1 })
    .lean()
  return {
    entries: ledgerRows(page.entries),
    nextBeforeSeq: page.nextBeforeSeq,
    orgNames: Object.fromEntries(orgs.map((o) => [String(o._id), o.name])),
  }
}

/**
 * A data subject sees their masked ID, every entry whose data holds a record about them with their
 * own values, every use of those records (Art. 39, 42), and every log entry naming their account.
 */
export async function subjectHome(user: AuthUser) {
  const doc = await User.findById(user.id).select({ residentIdEnc: 1 }).lean()
  // Art. 39: nothing about the person until her identity is confirmed.
  const key = await confirmedSubjectKey(user)
  const residentId = doc?.residentIdEnc
    ? maskResidentId(decryptField(doc.residentIdEnc, dataKeys().field))
    : null
  const { entries } = await listLedger({ subject: `user:${user.id}`, limit: 20 })
  return {
    residentIdMasked: residentId,
    identityConfirmed: key !== null,
    holdings: key ? await holdingsOf(key) : [],
    uses: key ? await useHistoryOf(key) : { total: 0, items: [] },
    entries: ledgerRows(entries),
  }
}

export function userView(user: AuthUser) {
  return {
    displayName: user.displayName,
    roles: user.roles as string[],
    org: user.org ? { name: user.org.name, type: user.org.type } : null,
  }
}
