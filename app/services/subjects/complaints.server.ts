// Complaints of data subjects (C10; Art. 43): a person who finds that a public body broke a law,
// regulation or rule and harmed her rights complains to the data authority at that body's level.
// The authority accepts it or not within 5 working days (with reasons when not), then decides it
// within 30 working days of accepting, with reasons. Each answer is a claim under a unique key
// (`<complaint>:accept`, `<complaint>:decide`) followed by the complaint's projection, so two
// officers answering at once make one answer; every step is logged and the person sees it.
import mongoose from 'mongoose'
import { Organization } from '#models/organization'
import { User } from '#models/user'
import {
  SubjectComplaint,
  SubjectComplaintStep,
  type SubjectComplaintDoc,
} from '#models/subject-complaint'
import { addWorkingDays, workingDaysBetween } from '~/services/calendar/working-days.server'
import { notifyOrg } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { assertIdentityConfirmed } from '~/services/identity/subjects.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { coordinatingAuthority } from '~/services/sharing/requests.server'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import type { ComplaintAnswer, ComplaintInput } from './schemas'

/** The platform's deadlines, in working days (the Measures set none). */
export const COMPLAINT_ACCEPT_DAYS = 5
export const COMPLAINT_DECIDE_DAYS = 30

function complaintNotFound() {
  return new DomainError('not_found', 'error.subject.complaintNotFound', 404)
}

/**
 * Art. 43: the person complains about a public body (an agency); the complaint goes to the data
 * authority at that body's level, with a deadline to accept it. Her identity must be confirmed.
 */
export async function fileComplaint(user: AuthUser, input: ComplaintInput, now = new Date()) {
  await assertIdentityConfirmed(user)
  const respondent = await Organization.findById(input.respondentOrgId, {
    type: 1,
    status: 1,
  }).lean()
  if (respondent?.type !== 'agency' || respondent.status !== 'approved')
    throw new DomainError('not_a_body', 'error.subject.notABody', 422, {
      respondentOrgId: ['error.subject.notABody'],
    })
  const authorityOrgId = await coordinatingAuthority(input.respondentOrgId)
  if (!authorityOrgId)
    throw new DomainError('no_authority', 'error.subject.noAuthority', 422, {
      respondentOrgId: ['error.subject.noAuthority'],
    })
  const doc = await SubjectComplaint.create({
    userId: user.id,
    respondentOrgId: input.respondentOrgId,
    authorityOrgId,
    facts: input.facts,
    remedy: input.remedy,
    status: 'submitted',
    submittedAt: now,
    acceptDueAt: await addWorkingDays(now, COMPLAINT_ACCEPT_DAYS),
  })
  const complaintId = String(doc._id)
  await appendLedger({
    action: 'subject.complaint-filed',
    actor: { userId: user.id },
    subjects: [`user:${user.id}`, `org:${input.respondentOrgId}`, `org:${authorityOrgId}`],
    payload: { complaintId, facts: input.facts, remedy: input.remedy },
    summary: { respondentOrgId: input.respondentOrgId },
    eventKey: `subject.complaint-filed:${complaintId}`,
  })
  await notifyOrg({
    key: `subject-complaint:${complaintId}:filed`,
    orgId: authorityOrgId,
    kind: 'subject-complaint.filed',
    params: { complaintId, dueAt: doc.acceptDueAt.toISOString() },
  })
  return { complaintId, acceptDueAt: doc.acceptDueAt.toISOString() }
}

/** A claimed step onto the complaint, then the log (keyed): the same result however often. */
async function applyStep(
  complaint: { _id: unknown; userId: string; respondentOrgId: string; authorityOrgId: string },
  kind: ComplaintAnswer['step'],
  step: { by: string; at: Date; decision: string; note: string | null | undefined },
) {
  const complaintId = String(complaint._id)
  const note = step.note ?? ''
  const set =
    kind === 'accept'
      ? {
          status: step.decision,
          note: note || null,
          answeredAt: step.at,
          decideDueAt:
            step.decision === 'accepted'
              ? await addWorkingDays(step.at, COMPLAINT_DECIDE_DAYS)
              : null,
        }
      : { status: 'decided', outcome: step.decision, note, answeredAt: step.at }
  // From the state the step answers only, so a late repeat never moves a complaint back.
  await SubjectComplaint.updateOne(
    { _id: complaintId, status: kind === 'accept' ? 'submitted' : 'accepted' },
    { $set: set },
  )
  await appendLedger({
    action: 'subject.complaint-answered',
    actor: { userId: step.by, orgId: complaint.authorityOrgId },
    subjects: [
      `user:${complaint.userId}`,
      `org:${complaint.respondentOrgId}`,
      `org:${complaint.authorityOrgId}`,
    ],
    payload: { complaintId, step: kind, decision: step.decision, note },
    summary: { step: kind, decision: step.decision },
    eventKey: `subject.complaint-answered:${complaintId}:${kind}`,
  })
}

/**
 * Art. 43: the authority's answer — accept the complaint or not (reasons required when not), then,
 * once accepted, decide it with reasons. One answer per step, whoever answers first.
 */
export async function answerComplaint(officer: AuthUser, input: ComplaintAnswer, now = new Date()) {
  assertMay(officer, 'handle:complaint:own-org')
  await connectDb()
  const complaint = await SubjectComplaint.findById(input.complaintId).lean()
  if (!complaint || complaint.authorityOrgId !== officer.org?.id) throw complaintNotFound()
  if (input.step === 'accept' && input.decision === 'not_accepted' && input.note.length < 10)
    throw new DomainError('reasons_required', 'error.subject.reasonsRequired', 422, {
      note: ['error.subject.reasonsRequired'],
    })
  if (input.step === 'decide' && complaint.status !== 'accepted')
    throw new DomainError('not_accepted', 'error.subject.complaintNotAccepted', 409)
  let won = true
  try {
    await SubjectComplaintStep.create({
      _id: `${input.complaintId}:${input.step}`,
      by: officer.id,
      at: now,
      decision: input.decision,
      note: input.note,
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    won = false
  }
  // The step as claimed (this answer's, or the one that came first) is applied either way: an
  // answer whose projection a crash lost is completed by the next one (same values, keyed log).
  const step = (await SubjectComplaintStep.findById(`${input.complaintId}:${input.step}`).lean())!
  await applyStep(complaint, input.step, step)
  if (!won) throw new DomainError('already_answered', 'error.subject.complaintAnswered', 409)
  return { complaintId: input.complaintId, step: input.step, decision: input.decision }
}

export interface ComplaintView {
  id: string
  respondent: { zh: string; en: string }
  facts: string
  remedy: string
  status: SubjectComplaintDoc['status']
  outcome: string | null
  note: string | null
  submittedAt: string
  acceptDueAt: string
  decideDueAt: string | null
  overdue: boolean
}

async function views(list: SubjectComplaintDoc[], now: Date): Promise<ComplaintView[]> {
  const orgs = await Organization.find(
    { _id: mongoose.trusted({ $in: [...new Set(list.map((c) => c.respondentOrgId))] }) },
    { name: 1 },
  ).lean()
  const names = new Map(orgs.map((o) => [String(o._id), o.name]))
  return list.map((c) => {
    const due =
      c.status === 'submitted' ? c.acceptDueAt : c.status === 'accepted' ? c.decideDueAt : null
    return {
      id: String(c._id),
      respondent: {
        zh: names.get(c.respondentOrgId)?.zh ?? c.respondentOrgId,
        en: names.get(c.respondentOrgId)?.en ?? c.respondentOrgId,
      },
      facts: c.facts,
      remedy: c.remedy,
      status: c.status,
      outcome: c.outcome ?? null,
      note: c.note ?? null,
      submittedAt: c.submittedAt.toISOString(),
      acceptDueAt: c.acceptDueAt.toISOString(),
      decideDueAt: c.decideDueAt?.toISOString() ?? null,
      overdue: Boolean(due && due < now),
    }
  })
}

/** The person's own complaints, newest first. */
export async function myComplaints(user: AuthUser, now = new Date()) {
  assertMay(user, 'file:complaint:own')
  await connectDb()
  const list = await SubjectComplaint.find({ userId: user.id })
    .sort({ submittedAt: -1 })
    .limit(50)
    .lean()
  return views(list as SubjectComplaintDoc[], now)
}

/** The complaints an authority handles (about bodies at its level), open ones first. */
export async function authorityComplaints(officer: AuthUser, now = new Date()) {
  assertMay(officer, 'handle:complaint:own-org')
  await connectDb()
  const list = await SubjectComplaint.find({ authorityOrgId: officer.org?.id ?? '' })
    .sort({ submittedAt: -1 })
    .limit(200)
    .lean()
  const open = (s: string) => (s === 'submitted' || s === 'accepted' ? 0 : 1)
  // Who complains (the authority answers her): her name and e-mail.
  const people = await User.find(
    { _id: mongoose.trusted({ $in: [...new Set(list.map((c) => c.userId))] }) },
    { displayName: 1, email: 1 },
  ).lean()
  const byId = new Map(people.map((p) => [String(p._id), `${p.displayName} · ${p.email}`]))
  return (await views(list as SubjectComplaintDoc[], now))
    .map((v, i) => ({ ...v, complainant: byId.get(list[i]!.userId) ?? '' }))
    .sort((a, b) => open(a.status) - open(b.status))
}

/** The public bodies a person may complain about (approved agencies), by name. */
export async function complaintRespondents() {
  await connectDb()
  const orgs = await Organization.find({ type: 'agency', status: 'approved' }, { name: 1 })
    .sort({ 'name.zh': 1 })
    .limit(500)
    .lean()
  return orgs.map((o) => ({ id: String(o._id), name: { zh: o.name.zh, en: o.name.en } }))
}

/**
 * The complaint clocks (Art. 43), in the hourly sharing sweep: the authority is reminded when one
 * working day is left to accept or to decide, and told once a deadline has passed. Keyed notices.
 */
export async function runComplaintSweep(now = new Date()) {
  await connectDb()
  let reminded = 0
  let overdue = 0
  const open = await SubjectComplaint.find({
    status: mongoose.trusted({ $in: ['submitted', 'accepted'] }),
  }).lean()
  for (const c of open) {
    const step = c.status === 'submitted' ? 'accept' : 'decide'
    const due = c.status === 'submitted' ? c.acceptDueAt : c.decideDueAt
    if (!due) continue
    const complaintId = String(c._id)
    const params = { complaintId, dueAt: due.toISOString() }
    if (due <= now) {
      await notifyOrg({
        key: `subject-complaint:${complaintId}:${step}:overdue`,
        orgId: c.authorityOrgId,
        kind: `subject-complaint.${step}_overdue`,
        params,
      })
      overdue++
    } else if ((await workingDaysBetween(now, due)) <= 1) {
      await notifyOrg({
        key: `subject-complaint:${complaintId}:${step}:reminder`,
        orgId: c.authorityOrgId,
        kind: `subject-complaint.${step}_due`,
        params,
      })
      reminded++
    }
  }
  return { reminded, overdue }
}
