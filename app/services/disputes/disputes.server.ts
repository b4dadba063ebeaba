// Disputes between public bodies over the collection, use or management of public data (C13;
// Art. 51). The parties negotiate first; failing that, the data authority at their level
// coordinates; failing that, it consults jointly with the bodies it invites (the establishment
// office and the like); failing that, it sets out each side's reasons and its leaning opinion and
// submits them for decision to the Party committee or government at its level, and records the
// decision. Parties at different levels or in different regions go, after negotiating, to their
// common upper authority (¶2). Every stage has a deadline in working days and ends once — its
// outcome a claim under `<dispute>:<stage>` — then the dispute moves on; each step is logged.
import { randomUUID } from 'node:crypto'
import mongoose from 'mongoose'
import {
  Dispute,
  DisputeStep,
  type DisputeDoc,
  type DisputeStage,
  type DisputeStepDoc,
} from '#models/dispute'
import { Organization } from '#models/organization'
import { addWorkingDays } from '~/services/calendar/working-days.server'
import { authorityOf, notifyOrg } from '~/services/catalog/notify.server'
import { orgNames } from '~/services/catalog/entries.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { sealDocument } from '~/services/seals/seal.server'
import { sealStatus } from '~/services/seals/verify'
import { upperRegion } from '~/services/sharing/requests.server'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import type { DisputeOpening, DisputeStepInput } from './schemas'

/** Each stage's deadline in working days (the Measures set none; "in time"). */
export const DISPUTE_STAGE_DAYS: Partial<Record<DisputeStage, number>> = {
  negotiation: 10,
  coordination: 15,
  consultation: 20,
  opinion: 10,
}

/** What follows a stage that failed. */
const NEXT: Partial<Record<DisputeStage, DisputeStage>> = {
  negotiation: 'coordination',
  coordination: 'consultation',
  consultation: 'opinion',
}

function disputeNotFound() {
  return new DomainError('not_found', 'error.dispute.notFound', 404)
}

function wrongStage() {
  return new DomainError('wrong_stage', 'error.dispute.wrongStage', 409)
}

/** The regions above a body's, nearest first (a county's city and province; a city's province). */
function regionsAbove(level: string, regionCode: string) {
  const out: { level: string; regionCode: string }[] = []
  for (let up = upperRegion(level, regionCode); up; up = upperRegion(up.level, up.regionCode))
    out.push(up)
  return out
}

/**
 * Art. 51: the authority that coordinates a dispute — the parties' own when both are at one level
 * in one region (¶1), else their common upper authority (¶2): the nearest authority above both
 * (the province's when one party is provincial).
 */
export async function disputeAuthority(
  claimantOrgId: string,
  respondentOrgId: string,
): Promise<{ authorityOrgId: string; route: 'same-level' | 'common-upper' } | null> {
  const orgs = await Organization.find(
    { _id: mongoose.trusted({ $in: [claimantOrgId, respondentOrgId].filter(isObjectId) }) },
    { level: 1, regionCode: 1 },
  ).lean()
  const a = orgs.find((o) => String(o._id) === claimantOrgId)
  const b = orgs.find((o) => String(o._id) === respondentOrgId)
  if (!a?.level || !a.regionCode || !b?.level || !b.regionCode) return null
  if (a.level === b.level && a.regionCode === b.regionCode) {
    const same = await authorityOf(a.level, a.regionCode)
    return same ? { authorityOrgId: same, route: 'same-level' } : null
  }
  const aboveB = regionsAbove(b.level, b.regionCode)
  const common = regionsAbove(a.level, a.regionCode).find((r) =>
    aboveB.some((x) => x.level === r.level && x.regionCode === r.regionCode),
  ) ?? { level: 'province', regionCode: `${a.regionCode.slice(0, 2)}0000` }
  const upper = await authorityOf(common.level, common.regionCode)
  return upper ? { authorityOrgId: upper, route: 'common-upper' } : null
}

async function stageDue(stage: DisputeStage, from: Date): Promise<Date | null> {
  const days = DISPUTE_STAGE_DAYS[stage]
  return days ? addWorkingDays(from, days) : null
}

/** Art. 51: a body opens a dispute with another public body; they negotiate first. */
export async function openDispute(user: AuthUser, input: DisputeOpening, now = new Date()) {
  assertMay(user, 'open:dispute:own-org')
  await connectDb()
  const claimantOrgId = user.org?.id ?? ''
  const respondent = await Organization.findById(input.respondentOrgId, {
    type: 1,
    status: 1,
  }).lean()
  if (
    input.respondentOrgId === claimantOrgId ||
    respondent?.status !== 'approved' ||
    (respondent.type !== 'agency' && respondent.type !== 'authority')
  )
    throw new DomainError('not_a_body', 'error.dispute.notABody', 422, {
      respondentOrgId: ['error.dispute.notABody'],
    })
  const route = await disputeAuthority(claimantOrgId, input.respondentOrgId)
  if (!route)
    throw new DomainError('no_authority', 'error.dispute.noAuthority', 422, {
      respondentOrgId: ['error.dispute.noAuthority'],
    })
  const doc = await Dispute.create({
    claimantOrgId,
    respondentOrgId: input.respondentOrgId,
    ...route,
    matter: input.matter,
    facts: input.facts,
    documents: input.documents,
    asks: input.asks,
    stage: 'negotiation',
    stageDueAt: await stageDue('negotiation', now),
    openedBy: user.id,
    openedAt: now,
  })
  await completeOpening(doc.toObject() as DisputeDoc)
  const disputeId = String(doc._id)
  return { disputeId, route: route.route, authorityOrgId: route.authorityOrgId }
}

/**
 * The steps after a dispute is stored — its log entry and the notices to the other body and the
 * authority (keyed) — `loggedSeq` last, so the sweep finishes an opening a crash cut short.
 */
async function completeOpening(d: DisputeDoc) {
  const disputeId = String(d._id)
  const entry = await appendLedger({
    action: 'dispute.opened',
    actor: { userId: d.openedBy, orgId: d.claimantOrgId },
    subjects: [
      `dispute:${disputeId}`,
      `org:${d.claimantOrgId}`,
      `org:${d.respondentOrgId}`,
      `org:${d.authorityOrgId}`,
    ],
    payload: { matter: d.matter, facts: d.facts, asks: d.asks, route: d.route },
    summary: { matter: d.matter, route: d.route },
    eventKey: `dispute.opened:${disputeId}`,
  })
  for (const orgId of [d.respondentOrgId, d.authorityOrgId])
    await notifyOrg({
      key: `dispute:${disputeId}:opened:${orgId}`,
      orgId,
      kind: 'dispute.opened',
      params: { disputeId },
    })
  await Dispute.updateOne({ _id: disputeId, loggedSeq: null }, { $set: { loggedSeq: entry._id } })
}

/**
 * Logs the dispute's positions not yet logged (each keyed by its id, so a repeat writes nothing),
 * then records how many are. Run after a position is stated, and when a dispute is read or swept
 * with fewer logged than stated (a crash between the two steps).
 */
async function logPositions(disputeId: string) {
  const d = (await Dispute.findById(disputeId, { positions: 1, positionsLogged: 1 }).lean())!
  const positions = d.positions ?? []
  for (const p of positions.slice(d.positionsLogged ?? 0))
    await appendLedger({
      action: 'dispute.position-stated',
      actor: { userId: p.userId, orgId: p.orgId },
      subjects: [`dispute:${disputeId}`, `org:${p.orgId}`],
      payload: { stage: p.stage, text: p.text },
      summary: { stage: p.stage },
      eventKey: `dispute.position-stated:${disputeId}:${p.id}`,
    })
  // $max: a slower concurrent run never lowers the count (and a lower one only re-logs no-ops).
  await Dispute.updateOne({ _id: disputeId }, { $max: { positionsLogged: positions.length } })
}

type Role = 'claimant' | 'respondent' | 'authority' | 'invited'

/** The viewer's part in a dispute, or null (a stranger: the dispute is not found). */
function roleIn(user: AuthUser, d: DisputeDoc): Role | null {
  const orgId = user.org?.id
  if (!orgId) return null
  if (orgId === d.authorityOrgId && user.permissions.has('handle:dispute:own-org'))
    return 'authority'
  if (orgId === d.claimantOrgId) return 'claimant'
  if (orgId === d.respondentOrgId) return 'respondent'
  if (d.invitedOrgIds.includes(orgId)) return 'invited'
  return null
}

async function loadFor(user: AuthUser, disputeId: string) {
  assertMay(user, 'read:dispute:own-org')
  await connectDb()
  const d = isObjectId(disputeId)
    ? ((await Dispute.findById(disputeId).lean()) as DisputeDoc | null)
    : null
  const role = d ? roleIn(user, d) : null
  if (!d || !role) throw disputeNotFound()
  if ((d.positionsLogged ?? 0) < d.positions.length) await logPositions(disputeId)
  return { d, role }
}

/** Who may end a stage: the parties end their negotiation; the authority every later stage. */
function mayClose(role: Role, stage: DisputeStage): boolean {
  if (stage === 'negotiation') return role === 'claimant' || role === 'respondent'
  return role === 'authority' && (stage === 'coordination' || stage === 'consultation')
}

/**
 * Art. 51: ends the dispute's current stage once (a claim) — resolved, or failed and on to the next
 * stage with its deadline — then logs it and tells the parties and the authority.
 */
async function closeStage(
  user: AuthUser,
  d: DisputeDoc,
  input: { outcome: 'resolved' | 'failed'; note: string; invitedOrgIds: string[] },
  now: Date,
) {
  const disputeId = String(d._id)
  const stage = d.stage as DisputeStage
  const next: DisputeStage = input.outcome === 'resolved' ? 'resolved' : NEXT[stage]!
  // The joint consultation names the bodies it brings in (Art. 51: the establishment office etc.).
  let invited: string[] = []
  if (next === 'consultation') {
    invited = [...new Set(input.invitedOrgIds)].filter(
      (id) => id !== d.claimantOrgId && id !== d.respondentOrgId && id !== d.authorityOrgId,
    )
    const found = await Organization.countDocuments({
      _id: mongoose.trusted({ $in: invited }),
      status: 'approved',
      type: mongoose.trusted({ $in: ['agency', 'authority'] }),
    })
    if (invited.length === 0 || found !== invited.length)
      throw new DomainError('no_invitees', 'error.dispute.noInvitees', 422, {
        invitedOrgIds: ['error.dispute.noInvitees'],
      })
  }
  try {
    await DisputeStep.create({
      _id: `${disputeId}:${stage}`,
      disputeId,
      stage,
      outcome: input.outcome,
      note: input.note,
      by: user.id,
      orgId: user.org!.id,
      at: now,
      invitedOrgIds: invited,
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    throw new DomainError('stage_closed', 'error.dispute.stageClosed', 409)
  }
  await projectStage(disputeId, `${disputeId}:${stage}`)
}

/** The dispute follows a stage's claim (idempotent: a repeat changes nothing). */
async function projectStage(disputeId: string, stepId: string) {
  const step = (await DisputeStep.findById(stepId).lean()) as DisputeStepDoc | null
  if (!step) return
  const stage = step.stage as DisputeStage
  const next: DisputeStage = step.outcome === 'resolved' ? 'resolved' : NEXT[stage]!
  await Dispute.updateOne(
    { _id: disputeId, stage },
    {
      $set: {
        stage: next,
        stageDueAt: await stageDue(next, step.at),
        ...(next === 'resolved' ? { resolvedAt: step.at } : {}),
        ...(next === 'consultation' ? { invitedOrgIds: step.invitedOrgIds } : {}),
      },
    },
  )
  const d = (await Dispute.findById(disputeId).lean())!
  await appendLedger({
    action: 'dispute.stage-closed',
    actor: { userId: step.by, orgId: step.orgId },
    subjects: [
      `dispute:${disputeId}`,
      `org:${d.claimantOrgId}`,
      `org:${d.respondentOrgId}`,
      `org:${d.authorityOrgId}`,
    ],
    payload: { stage, outcome: step.outcome, note: step.note, next },
    summary: { stage, outcome: step.outcome, next },
    eventKey: `dispute.stage-closed:${stepId}`,
  })
  for (const orgId of new Set([
    d.claimantOrgId,
    d.respondentOrgId,
    d.authorityOrgId,
    ...d.invitedOrgIds,
  ]))
    await notifyOrg({
      key: `dispute:${disputeId}:${stage}:${orgId}`,
      orgId,
      kind: next === 'resolved' ? 'dispute.resolved' : `dispute.to-${next}`,
      params: { disputeId },
    })
}

/**
 * Art. 51: one step on a dispute — a position stated by a side (or an invited body in the joint
 * consultation), a stage ended, the authority's opinion submitted for decision, the decision.
 */
export async function stepDispute(
  user: AuthUser,
  disputeId: string,
  input: DisputeStepInput,
  now = new Date(),
) {
  const { d, role } = await loadFor(user, disputeId)
  const stage = d.stage as DisputeStage
  if (input.intent === 'position') {
    const open = stage === 'negotiation' || stage === 'coordination' || stage === 'consultation'
    if (!open || (role === 'invited' && stage !== 'consultation')) throw wrongStage()
    const id = randomUUID()
    await Dispute.updateOne(
      { _id: disputeId },
      {
        $push: {
          positions: { id, stage, orgId: user.org!.id, userId: user.id, text: input.text, at: now },
        },
      },
    )
    await logPositions(disputeId)
    return { disputeId, stage }
  }
  if (input.intent === 'close') {
    if (!mayClose(role, stage)) throw role === 'authority' ? wrongStage() : forbidden()
    await closeStage(user, d, input, now)
    return { disputeId, stage }
  }
  if (role !== 'authority') throw forbidden()
  if (input.intent === 'opinion') {
    if (stage !== 'opinion') throw wrongStage()
    const { intent: _intent, ...opinion } = input
    await claimOnce(disputeId, 'opinion', 'submitted', JSON.stringify(opinion), user, now)
    await projectOpinion(d, opinion, user.id, user.org!.id, now)
    return { disputeId, stage }
  }
  if (stage !== 'submitted') throw wrongStage()
  await claimOnce(disputeId, 'submitted', 'decided', input.text, user, now)
  await projectDecision(d, input.text, user.id, user.org!.id, now)
  return { disputeId, stage }
}

/** The opinion's projection, seal and log entry (after its claim; repeatable). */
async function projectOpinion(
  d: DisputeDoc,
  input: {
    claimantReasons: string
    respondentReasons: string
    leaning: string
    submittedTo: string
  },
  by: string,
  orgId: string,
  now: Date,
) {
  const disputeId = String(d._id)
  {
    // Art. 29–30: the opinion submitted for decision carries the exchange's electronic seal.
    const sealed = await sealDocument({
      kind: 'dispute-opinion',
      ref: `dispute:${disputeId}`,
      issuerOrgId: orgId,
      issuedAt: now.toISOString(),
      document: {
        article: 51,
        claimantOrgId: d.claimantOrgId,
        respondentOrgId: d.respondentOrgId,
        claimantReasons: input.claimantReasons,
        respondentReasons: input.respondentReasons,
        leaning: input.leaning,
        submittedTo: input.submittedTo,
      },
    })
    await Dispute.updateOne(
      { _id: disputeId, stage: 'opinion' },
      {
        $set: {
          opinion: { ...input, sealed: JSON.stringify(sealed), by, at: now },
          stage: 'submitted',
          stageDueAt: null,
        },
      },
    )
    await appendLedger({
      action: 'dispute.opinion-submitted',
      actor: { userId: by, orgId },
      subjects: [`dispute:${disputeId}`, `org:${d.claimantOrgId}`, `org:${d.respondentOrgId}`],
      payload: {
        claimantReasons: input.claimantReasons,
        respondentReasons: input.respondentReasons,
        leaning: input.leaning,
        submittedTo: input.submittedTo,
        sealSha256: sealed.seal.sha256,
      },
      summary: { submittedTo: input.submittedTo },
      eventKey: `dispute.opinion-submitted:${disputeId}`,
    })
    for (const orgId of [d.claimantOrgId, d.respondentOrgId])
      await notifyOrg({
        key: `dispute:${disputeId}:submitted:${orgId}`,
        orgId,
        kind: 'dispute.submitted',
        params: { disputeId },
      })
  }
}

/** The decision's projection and log entry (after its claim; repeatable). */
async function projectDecision(d: DisputeDoc, text: string, by: string, orgId: string, now: Date) {
  const disputeId = String(d._id)
  const input = { text }
  await Dispute.updateOne(
    { _id: disputeId, stage: 'submitted' },
    {
      $set: {
        decision: { text: input.text, by, at: now },
        stage: 'resolved',
        resolvedAt: now,
      },
    },
  )
  await appendLedger({
    action: 'dispute.decided',
    actor: { userId: by, orgId },
    subjects: [`dispute:${disputeId}`, `org:${d.claimantOrgId}`, `org:${d.respondentOrgId}`],
    payload: { text: input.text },
    summary: {},
    eventKey: `dispute.decided:${disputeId}`,
  })
  for (const orgId of [d.claimantOrgId, d.respondentOrgId])
    await notifyOrg({
      key: `dispute:${disputeId}:decided:${orgId}`,
      orgId,
      kind: 'dispute.resolved',
      params: { disputeId },
    })
}

/** The opinion and the decision happen once each: a claim, a lost race answers 409. */
async function claimOnce(
  disputeId: string,
  stage: 'opinion' | 'submitted',
  outcome: 'submitted' | 'decided',
  note: string,
  user: AuthUser,
  now: Date,
) {
  try {
    await DisputeStep.create({
      _id: `${disputeId}:${stage}`,
      disputeId,
      stage,
      outcome,
      note,
      by: user.id,
      orgId: user.org!.id,
      at: now,
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    throw new DomainError('stage_closed', 'error.dispute.stageClosed', 409)
  }
}

function forbidden() {
  return new DomainError('forbidden', 'error.dispute.notYours', 403)
}

export interface DisputeView {
  id: string
  role: Role
  claimant: { id: string; name: { zh: string; en: string } }
  respondent: { id: string; name: { zh: string; en: string } }
  authority: { id: string; name: { zh: string; en: string } }
  route: 'same-level' | 'common-upper'
  matter: string
  facts: string
  documents: string[]
  asks: string
  stage: DisputeStage
  stageDueAt: string | null
  overdue: boolean
  openedAt: string
  invited: { id: string; name: { zh: string; en: string } }[]
  positions: { stage: string; org: { zh: string; en: string }; text: string; at: string }[]
  outcomes: { stage: string; outcome: string; note: string; at: string }[]
  opinion: {
    claimantReasons: string
    respondentReasons: string
    leaning: string
    submittedTo: string
    at: string
    /** Its electronic seal, checked now. */
    seal: { ok: boolean; keyId: string; sha256: string } | null
  } | null
  decision: { text: string; at: string } | null
  /** What the viewer may do now. */
  may: { position: boolean; close: boolean; opinion: boolean; decision: boolean }
}

async function views(user: AuthUser, list: DisputeDoc[], now: Date): Promise<DisputeView[]> {
  const ids = [
    ...new Set(
      list.flatMap((d) => [
        d.claimantOrgId,
        d.respondentOrgId,
        d.authorityOrgId,
        ...d.invitedOrgIds,
        ...d.positions.map((p) => p.orgId),
      ]),
    ),
  ]
  const names = await orgNames(ids)
  const org = (id: string) => ({ id, name: names[id] ?? { zh: id, en: id } })
  const steps = (await DisputeStep.find({
    disputeId: mongoose.trusted({ $in: list.map((d) => String(d._id)) }),
  })
    .sort({ at: 1 })
    .lean()) as DisputeStepDoc[]
  return list.map((d) => {
    const role = roleIn(user, d)!
    const stage = d.stage as DisputeStage
    const talking = stage === 'negotiation' || stage === 'coordination' || stage === 'consultation'
    return {
      id: String(d._id),
      role,
      claimant: org(d.claimantOrgId),
      respondent: org(d.respondentOrgId),
      authority: org(d.authorityOrgId),
      route: d.route,
      matter: d.matter,
      facts: d.facts,
      documents: d.documents,
      asks: d.asks,
      stage,
      stageDueAt: d.stageDueAt?.toISOString() ?? null,
      overdue: Boolean(d.stageDueAt && d.stageDueAt < now),
      openedAt: d.openedAt.toISOString(),
      invited: d.invitedOrgIds.map(org),
      positions: d.positions.map((p) => ({
        stage: p.stage,
        org: org(p.orgId).name,
        text: p.text,
        at: p.at.toISOString(),
      })),
      outcomes: steps
        .filter(
          (s) =>
            s.disputeId === String(d._id) && (s.outcome === 'resolved' || s.outcome === 'failed'),
        )
        .map((s) => ({ stage: s.stage, outcome: s.outcome, note: s.note, at: s.at.toISOString() })),
      opinion: d.opinion
        ? {
            claimantReasons: d.opinion.claimantReasons,
            respondentReasons: d.opinion.respondentReasons,
            leaning: d.opinion.leaning,
            submittedTo: d.opinion.submittedTo,
            at: d.opinion.at.toISOString(),
            seal: sealStatus(d.opinion.sealed),
          }
        : null,
      decision: d.decision ? { text: d.decision.text, at: d.decision.at.toISOString() } : null,
      may: {
        position: talking && (role !== 'invited' || stage === 'consultation'),
        close: mayClose(role, stage),
        opinion: role === 'authority' && stage === 'opinion',
        decision: role === 'authority' && stage === 'submitted',
      },
    }
  })
}

/** One dispute as its parties, its authority and the invited bodies see it. */
export async function disputePage(user: AuthUser, disputeId: string, now = new Date()) {
  const { d } = await loadFor(user, disputeId)
  return (await views(user, [d], now))[0]!
}

/** The viewer's organisation's disputes — either side, invited, or coordinating — newest first. */
export async function myDisputes(user: AuthUser, now = new Date()) {
  assertMay(user, 'read:dispute:own-org')
  await connectDb()
  const orgId = user.org?.id ?? ''
  const list = (await Dispute.find({
    $or: mongoose.trusted([
      { claimantOrgId: orgId },
      { respondentOrgId: orgId },
      { authorityOrgId: orgId },
      { invitedOrgIds: orgId },
    ]),
  })
    .sort({ openedAt: -1 })
    .limit(100)
    .lean()) as DisputeDoc[]
  return views(
    user,
    list.filter((d) => roleIn(user, d)),
    now,
  )
}

/** The public bodies a dispute may name (approved agencies and authorities), by name. */
export async function disputeBodies(user: AuthUser) {
  assertMay(user, 'read:dispute:own-org')
  await connectDb()
  const orgs = await Organization.find(
    { status: 'approved', type: mongoose.trusted({ $in: ['agency', 'authority'] }) },
    { name: 1, type: 1 },
  )
    .limit(500)
    .lean()
  return orgs
    .filter((o) => String(o._id) !== user.org?.id)
    .map((o) => ({ id: String(o._id), type: o.type, name: { zh: o.name.zh, en: o.name.en } }))
}

/**
 * The dispute clock (in the hourly sharing sweep): a stage past its deadline is told to the
 * authority and the parties once (keyed notices); the stage stays open until it is ended.
 */
export async function runDisputeSweep(now = new Date()) {
  await connectDb()
  const late = (await Dispute.find({
    stageDueAt: mongoose.trusted({ $lt: now }),
    stage: mongoose.trusted({ $nin: ['submitted', 'resolved'] }),
  }).lean()) as DisputeDoc[]
  for (const d of late)
    for (const orgId of [d.authorityOrgId, d.claimantOrgId, d.respondentOrgId])
      await notifyOrg({
        key: `dispute:${String(d._id)}:${d.stage}:overdue:${orgId}`,
        orgId,
        kind: 'dispute.overdue',
        params: { disputeId: String(d._id) },
      })
  // An opening a crash left unlogged for a minute: logged and notified now.
  const unlogged = (await Dispute.find({
    loggedSeq: null,
    openedAt: mongoose.trusted({ $lt: new Date(now.getTime() - 60_000) }),
  }).lean()) as DisputeDoc[]
  for (const d of unlogged) await completeOpening(d)
  // Positions a crash left unlogged (stated before the sweep's minute of grace).
  const behind = (await Dispute.find(
    { 'positions.at': mongoose.trusted({ $lt: new Date(now.getTime() - 60_000) }) },
    { positions: 1, positionsLogged: 1 },
  ).lean()) as DisputeDoc[]
  for (const d of behind)
    if ((d.positionsLogged ?? 0) < d.positions.length) await logPositions(String(d._id))
  // A stage claim whose projection a crash cut short: projected now.
  const steps = await DisputeStep.find({}, { _id: 1, disputeId: 1, stage: 1 }).lean()
  const open = new Map(
    (
      await Dispute.find(
        { _id: mongoose.trusted({ $in: [...new Set(steps.map((s) => s.disputeId))] }) },
        { stage: 1 },
      ).lean()
    ).map((d) => [String(d._id), d.stage]),
  )
  let repaired = 0
  for (const s of steps) {
    if (open.get(s.disputeId) !== s.stage) continue
    const step = (await DisputeStep.findById(s._id).lean())!
    if (step.outcome === 'submitted' || step.outcome === 'decided') {
      const d = (await Dispute.findById(s.disputeId).lean()) as DisputeDoc
      if (step.outcome === 'submitted')
        await projectOpinion(d, JSON.parse(step.note), step.by, step.orgId, step.at)
      else await projectDecision(d, step.note, step.by, step.orgId, step.at)
    } else await projectStage(s.disputeId, s._id)
    repaired++
  }
  return { overdue: late.length, repaired: repaired + unlogged.length }
}
