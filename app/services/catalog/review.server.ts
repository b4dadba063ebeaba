// Art. 10: agencies submit their catalog to the data authority of the same level, which approves
// (審定) or returns it with reasons. Each step is a claim under a unique key (entry, revision,
// round, step), so a round is submitted once and decided once even when two reviewers click at
// once; the entry's status is a projection of the claims. Every approval is a new version.
import mongoose from 'mongoose'
import { CatalogEntry, type CatalogContent } from '#models/catalog-entry'
import { CatalogReview, reviewClaimId, type ReviewClaimStep } from '#models/catalog-review'
import { CatalogVersion, versionId } from '#models/catalog-version'
import { Organization } from '#models/organization'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { openingReviewProblem } from '~/services/security/confidentiality.server'
import { onEntryDecided, onEntrySubmitted } from './deadlines.server'
import {
  assertOwner,
  emitCatalogChange,
  entryView,
  loadEntry,
  orgNames,
  type EntryDoc,
} from './entries.server'
import { isListable, needsGradeConfirmation, submissionProblems, type RuleProblem } from './rules'
import { generalLevels } from './settings.server'
import { claimItemsOfEntry, sourceOf } from './source-registry.server'

function refuse(problems: RuleProblem[]): never {
  const fields: Record<string, string[]> = {}
  for (const p of problems) (fields[p.field] ??= []).push(p.key)
  const first = problems[0]!
  throw new DomainError('not_submittable', first.key, 422, fields, first.params)
}

/**
 * What stops this content of the entry going forward: the Art. 10/13/32/grade rules, and the
 * Art. 46 confidentiality review of data to be opened. Submission, the edit page and the approval
 * (on the submitted snapshot) all ask this.
 */
async function contentProblems(entryId: string, content: CatalogContent): Promise<RuleProblem[]> {
  const problems = submissionProblems(content, await generalLevels())
  const secrecy = await openingReviewProblem(entryId, content)
  if (secrecy) problems.push({ field: 'openAttribute', ...secrecy })
  return problems
}

/**
 * Art. 10, 12, 13, 32, 46: the owning agency submits the working copy for review. Refused, with
 * every problem named, when an Art. 10 field is missing, a conditional entry lacks basis or
 * conditions, a not-shared entry cites no law, the open attribute breaks Art. 32 / the core-grade
 * rule, or data to be opened has no passed confidentiality review of exactly this content.
 */
export async function submitEntry(input: { user: AuthUser; entryId: string; now?: Date }) {
  const entry = await loadEntry(input.entryId)
  assertOwner(input.user, entry)
  if (entry.status === 'submitted')
    throw new DomainError('already_submitted', 'error.catalog.alreadySubmitted', 409)
  if (entry.status === 'approved')
    throw new DomainError('nothing_to_submit', 'error.catalog.nothingToSubmit', 409)
  const problems = await contentProblems(input.entryId, entry.content)
  if (problems.length) refuse(problems)
  // Art. 14: the fields that name a data item make this agency its source; refused if another is.
  await claimItemsOfEntry(input.user, input.entryId, entry.content.fields)
  const round = entry.round + 1
  const at = input.now ?? new Date()
  const claimId = reviewClaimId(input.entryId, entry.revision, round, 'submit')
  try {
    await CatalogReview.create({
      _id: claimId,
      entryId: input.entryId,
      revision: entry.revision,
      round,
      step: 'submit',
      outcome: 'submitted',
      actorUserId: input.user.id,
      actorOrgId: input.user.org!.id,
      at,
      content: entry.content,
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    // A retry after a crash between the claim and its projection: finish the projection.
    await CatalogEntry.updateOne(
      { _id: entry._id, round: entry.round },
      {
        $set: {
          status: 'submitted',
          round,
          pendingStep: 'decide',
          returnReasons: [],
          returnedAt: null,
        },
      },
    )
    throw new DomainError('already_submitted', 'error.catalog.alreadySubmitted', 409)
  }
  await CatalogEntry.updateOne(
    { _id: entry._id },
    {
      $set: {
        status: 'submitted',
        round,
        pendingStep: 'decide',
        returnReasons: [],
        returnedAt: null,
        updatedAt: at,
      },
    },
  )
  await appendLedger({
    action: 'catalog.submitted',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: [`catalog-entry:${input.entryId}`, `org:${entry.orgId}`],
    payload: { revision: entry.revision, round, content: entry.content },
    summary: { code: entry.code, revision: entry.revision, round },
  })
  await onEntrySubmitted(input.entryId, at)
  await emitCatalogChange(input.entryId)
  return { id: input.entryId, revision: entry.revision, round }
}

/**
 * Every problem that would stop a submission of this content by this agency, for the edit page:
 * the Art. 10/13/32/grade rules, the Art. 46 confidentiality review of data to be opened, and
 * Art. 14 data items whose legal source is another department.
 */
export async function submissionCheck(
  orgId: string,
  entryId: string,
  content: CatalogContent,
): Promise<RuleProblem[]> {
  const problems = await contentProblems(entryId, content)
  for (const f of content.fields ?? []) {
    if (!f.dataItemCode) continue
    const owner = await sourceOf(f.dataItemCode)
    if (owner && owner.orgId !== orgId) {
      problems.push({
        field: 'f_item',
        key: 'error.catalog.sourceTaken',
        params: { code: f.dataItemCode, ownerZh: owner.name.zh, ownerEn: owner.name.en },
      })
    }
  }
  return problems
}

/** Art. 10: the catalog is reviewed by the data authority of the entry's own level and region. */
export async function assertSameLevelAuthority(
  reviewer: AuthUser,
  entry: { level: string; regionCode: string },
) {
  if (reviewer.org?.type !== 'authority') throw new DomainError('forbidden', 'error.forbidden', 403)
  const org = await Organization.findById(reviewer.org.id, { level: 1, regionCode: 1 }).lean()
  if (
    (org?.level ?? 'province') !== entry.level ||
    (org?.regionCode ?? '440000') !== entry.regionCode
  ) {
    throw new DomainError('other_level', 'error.catalog.otherLevel', 403)
  }
}

async function submittedContent(
  entryId: string,
  revision: number,
  round: number,
): Promise<CatalogContent> {
  const claim = await CatalogReview.findById(
    reviewClaimId(entryId, revision, round, 'submit'),
  ).lean()
  if (!claim?.content)
    throw new Error(`submission ${entryId} r${revision}.${round} has no snapshot`)
  return claim.content
}

/** The approved content becomes version `revision` and the entry's published view. */
async function publish(
  entry: EntryDoc,
  content: CatalogContent,
  reviewId: string,
  reviewer: AuthUser,
  at: Date,
) {
  const filedAt = content.sharingType === 'not_shared' ? at : null
  await claim(CatalogVersion, {
    _id: versionId(String(entry._id), entry.revision),
    entryId: String(entry._id),
    version: entry.revision,
    content,
    reviewId,
    approvedBy: reviewer.id,
    approvedAt: at,
    filedAt,
  })
  await CatalogEntry.updateOne(
    { _id: entry._id },
    {
      $set: {
        status: 'approved',
        pendingStep: null,
        publishedVersion: entry.revision,
        published: content,
        publishedAt: at,
        notSharedFiledAt: filedAt,
        listed: isListable(content),
        returnReasons: [],
        returnedAt: null,
        // Art. 16: the data counts as current from its approval until an update is recorded.
        lastDataUpdateAt: entry.lastDataUpdateAt ?? at,
        staleSince: null,
        updatedAt: at,
      },
    },
  )
  return filedAt
}

/**
 * A decision claim exists but the entry still shows the step pending (a crash between the claim and
 * its projection): apply the projection the claim implies. Its ledger entry is not written twice.
 */
async function repairDecision(
  entry: EntryDoc,
  claimId: string,
  content: CatalogContent,
  reviewer: AuthUser,
) {
  const claim = await CatalogReview.findById(claimId).lean()
  const fresh = await CatalogEntry.findById(entry._id, {
    status: 1,
    round: 1,
    pendingStep: 1,
  }).lean()
  if (
    !claim ||
    !fresh ||
    fresh.status !== 'submitted' ||
    fresh.round !== claim.round ||
    fresh.pendingStep !== claim.step
  )
    return
  if (claim.outcome === 'returned') {
    await CatalogEntry.updateOne(
      { _id: entry._id },
      {
        $set: {
          status: 'returned',
          pendingStep: null,
          returnReasons: claim.reasons,
          returnedAt: claim.at,
        },
      },
    )
  } else if (claim.step === 'decide' && needsGradeConfirmation(content)) {
    await CatalogEntry.updateOne({ _id: entry._id }, { $set: { pendingStep: 'confirm_grade' } })
  } else {
    await publish(entry, content, claimId, reviewer, claim.at)
  }
}

/**
 * Art. 10 審定: the authority of the same level approves or returns (with reasons) a submitted
 * entry. Important-graded entries pass a second step, the authority's grade confirmation
 * (GB/T 43697-2024), before they are approved. Art. 13: an approved not-shared entry is filed.
 */
export async function decideEntry(input: {
  reviewer: AuthUser
  entryId: string
  decision: 'approved' | 'returned'
  reasons: string[]
  now?: Date
}) {
  const entry = await loadEntry(input.entryId)
  await assertSameLevelAuthority(input.reviewer, entry)
  if (entry.status !== 'submitted' || !entry.pendingStep)
    throw new DomainError('not_submitted', 'error.catalog.notSubmitted', 409)
  const reasons = input.reasons.map((r) => r.trim()).filter(Boolean)
  if (input.decision === 'returned' && reasons.length === 0) {
    throw new DomainError('reason_required', 'error.catalog.returnNeedsReason', 400, {
      reasons: ['error.catalog.returnNeedsReason'],
    })
  }
  const content = await submittedContent(input.entryId, entry.revision, entry.round)
  if (input.decision === 'approved') {
    // The rules are checked again on the submitted snapshot: an approval never breaks them.
    const problems = await contentProblems(input.entryId, content)
    if (problems.length) refuse(problems)
  }
  const step = entry.pendingStep as ReviewClaimStep
  const claimId = reviewClaimId(input.entryId, entry.revision, entry.round, step)
  const at = input.now ?? new Date()
  try {
    await CatalogReview.create({
      _id: claimId,
      entryId: input.entryId,
      revision: entry.revision,
      round: entry.round,
      step,
      outcome: input.decision,
      reasons,
      actorUserId: input.reviewer.id,
      actorOrgId: input.reviewer.org!.id,
      at,
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    await repairDecision(entry, claimId, content, input.reviewer)
    throw new DomainError('already_decided', 'error.catalog.alreadyDecided', 409)
  }
  const actor = { userId: input.reviewer.id, orgId: input.reviewer.org?.id }
  const subjects = [`catalog-entry:${input.entryId}`, `org:${entry.orgId}`]
  let outcome: 'approved' | 'returned' | 'awaiting_grade_confirmation'
  if (input.decision === 'returned') {
    await CatalogEntry.updateOne(
      { _id: entry._id },
      {
        $set: {
          status: 'returned',
          pendingStep: null,
          returnReasons: reasons,
          returnedAt: at,
          updatedAt: at,
        },
      },
    )
    await appendLedger({
      action: 'catalog.returned',
      actor,
      subjects,
      payload: { claimId, reasons },
      summary: { code: entry.code, revision: entry.revision, step },
    })
    outcome = 'returned'
  } else if (step === 'decide' && needsGradeConfirmation(content)) {
    await CatalogEntry.updateOne(
      { _id: entry._id },
      { $set: { pendingStep: 'confirm_grade', updatedAt: at } },
    )
    await appendLedger({
      action: 'catalog.review_passed',
      actor,
      subjects,
      payload: { claimId },
      summary: { code: entry.code, revision: entry.revision, grade: 'important' },
    })
    outcome = 'awaiting_grade_confirmation'
  } else {
    const filedAt = await publish(entry, content, claimId, input.reviewer, at)
    await appendLedger({
      action: 'catalog.approved',
      actor,
      subjects: [...subjects, `catalog-version:${versionId(input.entryId, entry.revision)}`],
      payload: { claimId, version: entry.revision, content },
      summary: {
        code: entry.code,
        version: entry.revision,
        sharingType: content.sharingType,
        grade: content.grade.tier,
      },
    })
    if (filedAt) {
      // Art. 13 ¶2: a not-shared classification is filed (備案) with the authority of the same level.
      await appendLedger({
        action: 'catalog.not_shared_filed',
        actor,
        subjects,
        payload: { version: entry.revision, basis: content.sharingBasis },
        summary: { code: entry.code, version: entry.revision },
      })
    }
    outcome = 'approved'
  }
  if (outcome !== 'awaiting_grade_confirmation') await onEntryDecided(input.entryId, outcome, at)
  await emitCatalogChange(input.entryId)
  return { id: input.entryId, outcome, revision: entry.revision }
}

/**
 * The authority's review queue: submitted entries of its level and region, paged by `_id`.
 * `step` separates first reviews from important-grade confirmations.
 */
export async function listReviewQueue(
  reviewer: AuthUser,
  query: { after?: string; limit: number },
) {
  const org = reviewer.org
    ? await Organization.findById(reviewer.org.id, { level: 1, regionCode: 1 }).lean()
    : null
  if (!org) return { items: [], nextAfter: null, orgNames: {} }
  const rows = await CatalogEntry.find({
    status: 'submitted',
    level: org.level ?? 'province',
    regionCode: org.regionCode ?? '440000',
    ...(query.after && mongoose.isValidObjectId(query.after)
      ? { _id: mongoose.trusted({ $gt: new mongoose.Types.ObjectId(query.after) }) }
      : {}),
  })
    .sort({ _id: 1 })
    .limit(query.limit + 1)
    .lean()
  const items = rows.slice(0, query.limit).map(entryView)
  return {
    items,
    nextAfter: rows.length > query.limit ? items.at(-1)!.id : null,
    orgNames: await orgNames(items.map((i) => i.orgId)),
  }
}

/** The review history of an entry (submissions and decisions), oldest first. */
export async function reviewHistory(entryId: string) {
  const rows = await CatalogReview.find({ entryId }, { content: 0 })
    .sort({ at: 1 })
    .limit(500)
    .lean()
  return rows.map((r) => ({
    id: r._id,
    revision: r.revision,
    round: r.round,
    step: r.step,
    outcome: r.outcome,
    reasons: [...(r.reasons ?? [])],
    actorUserId: r.actorUserId,
    actorOrgId: r.actorOrgId,
    at: r.at.toISOString(),
  }))
}
