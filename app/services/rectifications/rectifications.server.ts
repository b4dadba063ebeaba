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
import { sealStatus } from '~/services/seals/verify'
import { agenciesCoordinatedBy, coordinatingAuthority } from '~/services/sharing/requests.server'
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
  await completeIssue(doc.toObject() as RectificationDoc)
  return { rectificationId: id, dueAt: doc.dueAt.toISOString() }
}

/**
 * The steps after a notice is stored — its log entry and the body's notice (keyed) — `loggedSeq`
 * last, so the sweep finishes an issue a crash cut short.
 */
async function completeIssue(r: RectificationDoc) {
  const id = String(r._id)
  const sealSha256 = r.sealed
    ? (JSON.parse(r.sealed) as { seal?: { sha256?: string } }).seal?.sha256
    : undefined
  const entry = await appendLedger({
    action: 'rectification.issued',
    actor: { userId: r.issuedBy, orgId: r.authorityOrgId },
    subjects: [`rectification:${id}`, `org:${r.agencyOrgId}`, `org:${r.authorityOrgId}`],
    payload: { item: r.item, finding: r.finding, evidenceSeqs: r.evidenceSeqs, sealSha256 },
    summary: { item: r.item, dueAt: r.dueAt.toISOString() },
    eventKey: `rectification.issued:${id}`,
  })
  await notifyOrg({
    key: `rectification:${id}:issued`,
    orgId: r.agencyOrgId,
    kind: 'rectification.issued',
    params: { rectificationId: id, dueAt: r.dueAt.toISOString() },
  })
  await Rectification.updateOne({ _id: id, loggedSeq: null }, { $set: { loggedSeq: entry._id } })
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
  await projectAnswer(r, (await RectificationStep.findById(`${rectificationId}:answer`).lean())!)
  return { rectificationId }
}

type Step = { _id: string; by: string; at: Date; text?: string | null }

/** The answer's projection, log entry and notice, from its claim (repeatable). */
async function projectAnswer(r: RectificationDoc, step: Step) {
  const id = String(r._id)
  const measures = step.text ?? ''
  await Rectification.updateOne(
    { _id: id, answer: null },
    { $set: { answer: { measures, by: step.by, at: step.at }, status: 'answered' } },
  )
  await appendLedger({
    action: 'rectification.answered',
    actor: { userId: step.by, orgId: r.agencyOrgId },
    subjects: [`rectification:${id}`, `org:${r.agencyOrgId}`, `org:${r.authorityOrgId}`],
    payload: { measures, late: step.at > r.dueAt },
    summary: { late: step.at > r.dueAt },
    eventKey: `rectification.answered:${id}`,
  })
  await notifyOrg({
    key: `rectification:${id}:answered`,
    orgId: r.authorityOrgId,
    kind: 'rectification.answered',
    params: { rectificationId: id },
  })
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
  await projectClose(r, (await RectificationStep.findById(`${rectificationId}:close`).lean())!)
  return { rectificationId }
}

/** The closing's projection, log entry and notice, from its claim (repeatable). */
async function projectClose(r: RectificationDoc, step: Step) {
  const id = String(r._id)
  await Rectification.updateOne(
    { _id: id },
    { $set: { status: 'closed', closedAt: step.at, closedNote: step.text ?? '' } },
  )
  await appendLedger({
    action: 'rectification.closed',
    actor: { userId: step.by, orgId: r.authorityOrgId },
    subjects: [`rectification:${id}`, `org:${r.agencyOrgId}`, `org:${r.authorityOrgId}`],
    payload: { note: step.text ?? '' },
    summary: {},
    eventKey: `rectification.closed:${id}`,
  })
  await notifyOrg({
    key: `rectification:${id}:closed`,
    orgId: r.agencyOrgId,
    kind: 'rectification.closed',
    params: { rectificationId: id },
  })
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
  // Steps a crash cut short: an issue not yet logged (after a minute), an answer or a closing
  // claimed but not projected.
  const unlogged = (await Rectification.find({
    loggedSeq: null,
    issuedAt: mongoose.trusted({ $lt: new Date(now.getTime() - 60_000) }),
  }).lean()) as RectificationDoc[]
  for (const r of unlogged) await completeIssue(r)
  const steps = (await RectificationStep.find({}).lean()) as Step[]
  const byId = new Map(
    (
      (await Rectification.find({
        _id: mongoose.trusted({ $in: [...new Set(steps.map((x) => x._id.split(':')[0]!))] }),
      }).lean()) as RectificationDoc[]
    ).map((r) => [String(r._id), r]),
  )
  let repaired = unlogged.length
  for (const step of steps) {
    const [id = '', kind] = step._id.split(':')
    const r = byId.get(id)
    if (!r) continue
    if (kind === 'answer' && !r.answer) await projectAnswer(r, step)
    else if (kind === 'close' && r.status !== 'closed') await projectClose(r, step)
    else continue
    repaired++
  }
  return { escalated, repaired }
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
    seal: sealStatus(r.sealed),
  }))
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
  return agenciesCoordinatedBy(officer.org?.id)
}
