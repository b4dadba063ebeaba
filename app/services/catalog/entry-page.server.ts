// The entry page: everything one entry shows its reader, and the actions taken on it (submit,
// review, the confidentiality review, record a data update, mark the legal basis changed, raise a
// quality issue).
import type { AuthUser } from '~/services/identity/auth.server'
import { DomainError } from '~/utils/errors'
import { markLegalBasisChanged } from './deadlines.server'
import { diffContent } from './diff'
import { getEntryForUser, type PlainContent } from './entries.server'
import { recordDataUpdate } from './freshness.server'
import { catalogLinks } from './pages.server'
import { listQualityIssues, raiseQualityIssue } from './quality.server'
import { decideEntry, reviewHistory, submitEntry } from './review.server'
import { reasonLines, type entryPageActionSchema } from './schemas'
import { verificationOffer } from '~/services/verification/verify.server'
import { listVersions } from './versions.server'
import {
  needsOpeningReview,
  openingReviewOf,
  reviewEntryOpening,
  withReviewerName,
} from '~/services/security/confidentiality.server'
import type { z } from 'zod'
import type { LocaleT as T } from '~/i18n/config'

export async function entryPageData(user: AuthUser, t: T, entryId: string) {
  const { entry, orgNames, fullView, owner, restricted } = await getEntryForUser(user, entryId)
  const p = user.permissions
  const authority = p.has('review:catalog-entry:any') && user.org?.type === 'authority'
  const published = entry.publishedVersion > 0
  // Art. 9, 45: a card-only reader of an important entry sees neither its versions nor its issues.
  const [versions, history, issues] = await Promise.all([
    published && !restricted ? listVersions(entryId) : Promise.resolve([]),
    fullView ? reviewHistory(entryId) : Promise.resolve([]),
    published && !restricted
      ? listQualityIssues({ entryId }, { limit: 50 })
      : Promise.resolve({ items: [], nextAfter: null, orgNames: {} }),
  ])
  const pendingChanges =
    fullView && entry.published && entry.status !== 'approved'
      ? diffContent(entry.published, entry.content)
      : null
  // Art. 46: the source department makes its working copy's confidentiality review; the authority
  // deciding on the entry sees it.
  const confidentiality = owner || authority ? await openingReviewState(user, entry, owner) : null
  return {
    nav: catalogLinks(user, t),
    entry,
    orgNames: { ...orgNames, ...issues.orgNames },
    fullView,
    restricted,
    versions,
    history,
    issues: issues.items,
    pendingChanges,
    confidentiality,
    can: {
      edit: owner && p.has('create:catalog-entry:own-org') && entry.status !== 'submitted',
      submit:
        owner &&
        p.has('create:catalog-entry:own-org') &&
        (entry.status === 'draft' || entry.status === 'returned'),
      decide: authority && entry.status === 'submitted',
      recordUpdate: owner && published,
      markBasis: (owner || authority) && published && !entry.deadline,
      raiseIssue: p.has('raise:quality-issue:any') && published && !restricted,
      // C4 (Art. 22): another agency may ask for shared data.
      requestSharing:
        !owner &&
        user.org?.type === 'agency' &&
        p.has('create:sharing-request:own-org') &&
        published &&
        entry.listed &&
        entry.published?.sharingType !== 'not_shared',
      // C4 (Art. 26 ¶1): the authority or the source department shares with an enterprise.
      shareArt26:
        published &&
        entry.listed &&
        entry.published?.sharingType !== 'not_shared' &&
        ((owner && p.has('decide:sharing-request:own-org')) ||
          (authority && p.has('coordinate:sharing-request:any'))),
      // C5 (Art. 23 ¶3): another agency may verify a record when the entry offers verification.
      verify:
        !owner &&
        !restricted &&
        p.has('verify:record:own-org') &&
        published &&
        Boolean(await verificationOffer(entryId)),
      // C4 (Art. 24): the source department stores the data its online grants are delivered from.
      manageSharedData:
        owner &&
        p.has('decide:sharing-request:own-org') &&
        published &&
        entry.published?.sharingType !== 'not_shared',
    },
  }
}

/** Art. 46: whether the working copy opens data, its review if made, and who may make it. */
async function openingReviewState(
  user: AuthUser,
  entry: { id: string; status: string; content: PlainContent },
  owner: boolean,
) {
  if (!needsOpeningReview(entry.content)) return null
  const review = await openingReviewOf(entry.id, entry.content)
  return {
    review: await withReviewerName(review),
    canReview:
      owner &&
      !review &&
      entry.status !== 'submitted' &&
      user.permissions.has('review:confidentiality:own-org'),
  }
}

type ActionInput = z.output<typeof entryPageActionSchema>

/** One intent of the entry page, each under its own permission. Returns the notice to show. */
export async function entryPageAction(
  user: AuthUser,
  t: T,
  entryId: string,
  input: ActionInput,
): Promise<string> {
  const need = (permission: Parameters<AuthUser['permissions']['has']>[0]) => {
    if (!user.permissions.has(permission))
      throw new DomainError('forbidden', 'error.forbidden', 403)
  }
  switch (input.intent) {
    case 'submit':
      need('create:catalog-entry:own-org')
      await submitEntry({ user, entryId })
      return t('catalog.form.submitted')
    case 'decide': {
      need('review:catalog-entry:any')
      const result = await decideEntry({
        reviewer: user,
        entryId,
        decision: input.decision,
        reasons: reasonLines(input.reasons),
      })
      return t(
        result.outcome === 'returned'
          ? 'catalog.decide.returned'
          : result.outcome === 'approved'
            ? 'catalog.decide.approved'
            : 'catalog.decide.awaiting',
      )
    }
    case 'dataUpdate':
      need('create:catalog-entry:own-org')
      await recordDataUpdate({ user, entryId })
      return t('catalog.stale.recorded')
    case 'markBasis': {
      if (!user.permissions.has('create:catalog-entry:own-org')) need('review:catalog-entry:any')
      const { agencyDueAt } = await markLegalBasisChanged({ user, entryId, reason: input.reason })
      return t('catalog.deadlines.marked', { date: agencyDueAt.toISOString().slice(0, 10) })
    }
    case 'confidentialityReview':
      need('review:confidentiality:own-org')
      await reviewEntryOpening(user, entryId, { outcome: input.outcome, note: input.note })
      return t(`confidentiality.recorded.${input.outcome}`)
    case 'raiseIssue':
      need('raise:quality-issue:any')
      await raiseQualityIssue({
        user,
        entryId,
        kind: input.kind,
        fieldName: input.fieldName || undefined,
        description: input.description,
      })
      return t('catalog.quality.raised')
  }
}
