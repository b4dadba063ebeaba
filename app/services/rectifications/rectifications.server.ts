// Rectification within a deadline (限期整改, C12; Art. 52): when a public body falls into one of the
// situations of Art. 52 — found by the supervision figures or recorded by the authority — its data
// authority notifies it to rectify within a deadline; the body answers with what it did and the
// authority closes the notice. A notice still unanswered at its deadline is reported to the
// government at the authority's level for supervision (督查督辦) — by the hourly sweep, once — and
// counts in the supervision reports and the yearly evaluation. Each step is a claim under a unique
// key, then the notice's projection; every step is logged and notified.
import mongoose from 'mongoose'
import { Organization } from '#models/organization'
import { Rectification, RectificationStep, type RectificationDoc } from '#models/rectification'
import { addWorkingDays } from '~/services/calendar/working-days.server'
import { notifyOrg } from '~/services/catalog/notify.server'
import { orgNames } from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { sealDocument } from '~/services/seals/seal.server'
import { verifySeal } from '~/services/seals/verify'
import { coordinatingAuthority } from '~/services/sharing/requests.server'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay, assertMayAny } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'

function notFound() {
  return new DomainError('not_found', 'error.rectification.notFound', 404)
}

/** A step that happens once; false when it had happened already. */
async function claimStep(_id: string, by: string, at: Date, text = '') {
  try {
    await RectificationStep.create({ _id, by, at, text })
    return true
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    return false
  }
}

/**
 * Art. 52: the data authority notifies a body it coordinates (the agencies at its level and region)
 * to rectify within `days` working days, naming the situation (items 1–10) and what it found.
 */
export async function issueRectification(
  officer: AuthUser,
  input: { agencyOrgId: string; item: number; finding: string; days: number; evidence: number[] },
  now = new Date(),
) {
  assertMay(officer, 'issue:rectification:own-org')
  await connectDb()
  const agency = await Organization.findById(input.agencyOrgId, { type: 1, status: 1 }).lean()
  if (
    agency?.type !== 'agency' ||
    agency.status !== 'approved' ||
    (await coordinatingAuthority(input.agencyOrgId)) !== officer.org?.id
  )
    throw new DomainError('not_coordinated', 'error.rectification.notCoordinated', 422, {
      agencyOrgId: ['error.rectification.notCoordinated'],
    })
  const _id = new mongoose.Types.ObjectId()
  const id = String(_id)
  const dueAt = await addWorkingDays(now, input.days)
  // Art. 29–30: the notice carries the exchange's electronic seal.
  const sealed = await sealDocument({
    kind: 'rectification-notice',
    ref: `rectification:${id}`,
    issuerOrgId: officer.org!.id,
    issuedAt: now.toISOString(),
    document: {
      agencyOrgId: input.agencyOrgId,
      article: 52,
      item: input.item,
      finding: input.finding,
      evidenceSeqs: input.evidence,
      dueAt: dueAt.toISOString(),
    },
  })
  const doc = await Rectification.create({
    _id,
    authorityOrgId: officer.org!.id,
    agencyOrgId: input.agencyOrgId,
    item: input.item,
    finding: input.finding,
    evidenceSeqs: input.evidence,
    dueAt,
    issuedBy: officer.id,
    issuedAt: now,
    sealed: JSON.stringify(sealed),
  })
  await appendLedger({
    action: 'rectification.issued',
    actor: { userId: officer.id, orgId: officer.org!.id },
    subjects: [`rectification:${id}`, `org:${input.agencyOrgId}`, `org:${officer.org!.id}`],
    payload: {
      item: input.item,
      finding: input.finding,
      evidenceSeqs: input.evidence,
      sealSha256: sealed.seal.sha256,
    },
    summary: { item: input.item, dueAt: doc.dueAt.toISOString() },
    eventKey: `rectification.issued:${id}`,
  })
  await notifyOrg({
    key: `rectification:${id}:issued`,
    orgId: input.agencyOrgId,
    kind: 'rectification.issued',
    params: { rectificationId: id, dueAt: doc.dueAt.toISOString() },
  })
  return { rectificationId: id, dueAt: doc.dueAt.toISOString() }
}

async function load(id: string) {
  await connectDb()
  const r = isObjectId(id)
    ? ((await Rectification.findById(id).lean()) as RectificationDoc | null)
    : null
  if (!r) throw notFound()
  return r
}

/** Art. 52: the body answers its notice, once, with the measures it took. */
export async function answerRectification(
  user: AuthUser,
  rectificationId: string,
  measures: string,
  now = new Date(),
) {
  assertMay(user, 'answer:rectification:own-org')
  const r = await load(rectificationId)
  if (r.agencyOrgId !== user.org?.id) throw notFound()
  if (!(await claimStep(`${rectificationId}:answer`, user.id, now, measures)))
    throw new DomainError('answered', 'error.rectification.answered', 409)
  await Rectification.updateOne(
    { _id: rectificationId, answer: null },
    {
      $set: {
        answer: { measures, by: user.id, at: now },
        status: 'answered',
      },
    },
  )
  await appendLedger({
    action: 'rectification.answered',
    actor: { userId: user.id, orgId: r.agencyOrgId },
    subjects: [
      `rectification:${rectificationId}`,
      `org:${r.agencyOrgId}`,
      `org:${r.authorityOrgId}`,
    ],
    payload: { measures, late: now > r.dueAt },
    summary: { late: now > r.dueAt },
    eventKey: `rectification.answered:${rectificationId}`,
  })
  await notifyOrg({
    key: `rectification:${rectificationId}:answered`,
    orgId: r.authorityOrgId,
    kind: 'rectification.answered',
    params: { rectificationId },
  })
  return { rectificationId }
}

/** Art. 52: the authority accepts the answer and closes the notice, once. */
export async function closeRectification(
  officer: AuthUser,
  rectificationId: string,
  note: string,
  now = new Date(),
) {
  assertMay(officer, 'issue:rectification:own-org')
  const r = await load(rectificationId)
  if (r.authorityOrgId !== officer.org?.id) throw notFound()
  if (!r.answer) throw new DomainError('not_answered', 'error.rectification.notAnswered', 409)
  if (!(await claimStep(`${rectificationId}:close`, officer.id, now, note)))
    throw new DomainError('closed', 'error.rectification.closed', 409)
  await Rectification.updateOne(
    { _id: rectificationId },
    { $set: { status: 'closed', closedAt: now, closedNote: note } },
  )
  await appendLedger({
    action: 'rectification.closed',
    actor: { userId: officer.id, orgId: r.authorityOrgId },
    subjects: [
      `rectification:${rectificationId}`,
      `org:${r.agencyOrgId}`,
      `org:${r.authorityOrgId}`,
    ],
    payload: { note },
    summary: {},
    eventKey: `rectification.closed:${rectificationId}`,
  })
  await notifyOrg({
    key: `rectification:${rectificationId}:closed`,
    orgId: r.agencyOrgId,
    kind: 'rectification.closed',
    params: { rectificationId },
  })
  return { rectificationId }
}

/**
 * Art. 52: notices past their deadline without an answer are reported to the government at the
 * authority's level for supervision (督查督辦), once each (a claim), logged and told to both sides.
 * In the hourly sweep.
 */
export async function runRectificationSweep(now = new Date()) {
  await connectDb()
  const late = (await Rectification.find({
    answer: null,
    status: 'issued',
    dueAt: mongoose.trusted({ $lt: now }),
  }).lean()) as RectificationDoc[]
  let escalated = 0
  for (const r of late) {
    const id = String(r._id)
    const won = await claimStep(`${id}:escalate`, 'system', now)
    const step = (await RectificationStep.findById(`${id}:escalate`).lean())!
    await Rectification.updateOne(
      { _id: id, status: 'issued' },
      { $set: { status: 'escalated', escalatedAt: step.at } },
    )
    await appendLedger({
      action: 'rectification.escalated',
      actor: { orgId: r.authorityOrgId },
      subjects: [`rectification:${id}`, `org:${r.agencyOrgId}`, `org:${r.authorityOrgId}`],
      payload: { item: r.item, dueAt: r.dueAt.toISOString() },
      summary: { item: r.item },
      eventKey: `rectification.escalated:${id}`,
    })
    for (const orgId of [r.agencyOrgId, r.authorityOrgId])
      await notifyOrg({
        key: `rectification:${id}:escalated:${orgId}`,
        orgId,
        kind: 'rectification.escalated',
        params: { rectificationId: id },
      })
    if (won) escalated++
  }
  return { escalated }
}

export interface RectificationView {
  id: string
  agency: { id: string; name: { zh: string; en: string } }
  authority: { id: string; name: { zh: string; en: string } }
  item: number
  finding: string
  evidenceSeqs: number[]
  issuedAt: string
  dueAt: string
  status: string
  overdue: boolean
  answer: { measures: string; at: string } | null
  closedNote: string | null
  /** The electronic seal, checked now: its key and digest, or why it fails. */
  seal: { ok: boolean; keyId: string; sha256: string } | null
}

/** The notices the viewer's organisation issued (authority) or received (agency), newest first. */
export async function myRectifications(user: AuthUser, now = new Date()) {
  assertMayAny(user, ['issue:rectification:own-org', 'answer:rectification:own-org'])
  await connectDb()
  const orgId = user.org?.id ?? ''
  const filter = user.permissions.has('issue:rectification:own-org')
    ? { authorityOrgId: orgId }
    : { agencyOrgId: orgId }
  const list = (await Rectification.find(filter)
    .sort({ issuedAt: -1 })
    .limit(100)
    .lean()) as RectificationDoc[]
  const names = await orgNames(list.flatMap((r) => [r.agencyOrgId, r.authorityOrgId]))
  const org = (id: string) => ({ id, name: names[id] ?? { zh: id, en: id } })
  return list.map((r): RectificationView => ({
    id: String(r._id),
    agency: org(r.agencyOrgId),
    authority: org(r.authorityOrgId),
    item: r.item,
    finding: r.finding,
    evidenceSeqs: r.evidenceSeqs,
    issuedAt: r.issuedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    status: r.status,
    overdue: !r.answer && r.dueAt < now,
    answer: r.answer ? { measures: r.answer.measures, at: r.answer.at.toISOString() } : null,
    closedNote: r.closedNote ?? null,
    seal: sealView(r.sealed),
  }))
}

function sealView(sealed: string | null | undefined) {
  if (!sealed) return null
  const parsed = JSON.parse(sealed) as { seal?: { keyId?: string; sha256?: string } }
  const check = verifySeal(parsed)
  return {
    ok: check.ok,
    keyId: parsed.seal?.keyId ?? '',
    sha256: parsed.seal?.sha256 ?? '',
  }
}

/** Art. 29–30: the sealed notice as a file, for its authority and its body only. */
export async function sealedRectification(user: AuthUser, rectificationId: string) {
  assertMayAny(user, ['issue:rectification:own-org', 'answer:rectification:own-org'])
  const r = await load(rectificationId)
  if (!r.sealed || (r.authorityOrgId !== user.org?.id && r.agencyOrgId !== user.org?.id))
    throw notFound()
  return r.sealed
}

/** The agencies an authority coordinates (the ones it may notify), by name. */
export async function coordinatedAgencies(officer: AuthUser) {
  assertMay(officer, 'issue:rectification:own-org')
  await connectDb()
  const agencies = await Organization.find(
    { type: 'agency', status: 'approved' },
    { name: 1 },
  ).lean()
  const out: { id: string; name: { zh: string; en: string } }[] = []
  for (const a of agencies)
    if ((await coordinatingAuthority(String(a._id))) === officer.org?.id)
      out.push({ id: String(a._id), name: { zh: a.name.zh, en: a.name.en } })
  return out
}
