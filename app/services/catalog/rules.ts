// The catalog's rules of the law as pure functions over an entry's content: the services call
// them before a submission or an approval, and the edit page shows the same problems early.
// Each problem names the form field it belongs to and an i18n message key.
import type { GradeTier, OpenAttribute, SharingType } from '~/vocab/catalog'

export interface RuleContent {
  title: { zh: string; en?: string | null }
  description: { zh?: string | null; en?: string | null }
  category?: string | null
  dataForm?: string | null
  fields: {
    name: string
    personal?: boolean | null
    sensitive?: boolean | null
    tradeSecret?: boolean | null
  }[]
  sharingType: SharingType
  sharingBasis?: string | null
  sharingConditions?: string | null
  sharingScope?: string | null
  openAttribute: OpenAttribute
  openConditions?: string | null
  rightHolderConsent?: boolean | null
  distributions: { desensitized?: boolean | null }[]
  updateFrequency?: string | null
  departments?: {
    collecting?: string | null
    verifying?: string | null
    providing?: string | null
  } | null
  grade: { tier: GradeTier; level?: number | null }
  legalBasis?: string | null
}

export interface RuleProblem {
  field: string
  key: string
  params?: Record<string, unknown>
}

const blank = (v: string | null | undefined) => !v || v.trim() === ''

/**
 * Art. 10: the catalog states the data form, sharing content, sharing type, conditions, scope,
 * open attribute, update frequency and the collecting / verifying / providing departments.
 * Before the authority can review an entry every one of them must be filled.
 */
export function art10MissingFields(c: RuleContent): RuleProblem[] {
  const problems: RuleProblem[] = []
  if (blank(c.title.zh)) problems.push({ field: 'titleZh', key: 'error.catalog.art10Missing' })
  if (blank(c.description.zh))
    problems.push({ field: 'descriptionZh', key: 'error.catalog.art10Missing' })
  if (c.fields.length === 0) problems.push({ field: 'f_name', key: 'error.catalog.art10NoFields' })
  const d = c.departments
  for (const role of ['collecting', 'verifying', 'providing'] as const) {
    if (blank(d?.[role])) problems.push({ field: role, key: 'error.catalog.art10Missing' })
  }
  if (blank(c.legalBasis))
    problems.push({ field: 'legalBasis', key: 'error.catalog.legalBasisRequired' })
  return problems
}

/**
 * Art. 12–13: `conditional` must state its basis and the sharing conditions; `not_shared` must
 * cite a law, regulation or national rule (and is filed with the authority on approval).
 */
export function art13SharingTypeProblems(c: RuleContent): RuleProblem[] {
  const problems: RuleProblem[] = []
  if (c.sharingType === 'conditional') {
    if (blank(c.sharingBasis))
      problems.push({ field: 'sharingBasis', key: 'error.catalog.conditionalNeedsBasis' })
    if (blank(c.sharingConditions))
      problems.push({ field: 'sharingConditions', key: 'error.catalog.conditionalNeedsConditions' })
  }
  if (c.sharingType === 'not_shared' && blank(c.sharingBasis)) {
    problems.push({ field: 'sharingBasis', key: 'error.catalog.notSharedNeedsLaw' })
  }
  return problems
}

export function hasPersonalOrTradeSecretFields(c: Pick<RuleContent, 'fields'>): boolean {
  return c.fields.some((f) => f.personal || f.sensitive || f.tradeSecret)
}

/** Art. 32 exception: a desensitized distribution exists, or the right-holder consented. */
export function art32ExceptionApplies(
  c: Pick<RuleContent, 'distributions' | 'rightHolderConsent'>,
): boolean {
  return Boolean(c.rightHolderConsent) || c.distributions.some((d) => d.desensitized)
}

/**
 * Art. 32: data involving trade secrets or personal privacy is not opened — unless it was
 * desensitized or the right-holder consented. Conditional opening must state its conditions.
 */
export function art32OpenAttributeProblems(c: RuleContent): RuleProblem[] {
  const problems: RuleProblem[] = []
  if (
    c.openAttribute !== 'not_open' &&
    hasPersonalOrTradeSecretFields(c) &&
    !art32ExceptionApplies(c)
  ) {
    problems.push({ field: 'openAttribute', key: 'error.catalog.art32PersonalNotOpen' })
  }
  if (c.openAttribute === 'open_conditional' && blank(c.openConditions)) {
    problems.push({ field: 'openConditions', key: 'error.catalog.openConditionsRequired' })
  }
  return problems
}

/** GB/T 43697-2024: core data is never opened (nor listed, see `isListable`). */
export function coreGradeProblems(c: RuleContent): RuleProblem[] {
  return c.grade.tier === 'core' && c.openAttribute !== 'not_open'
    ? [{ field: 'openAttribute', key: 'error.catalog.coreNeverOpen' }]
    : []
}

/** General data carries a level of the configured ladder; core/important carry none. */
export function gradeLevelProblems(
  c: RuleContent,
  generalLevels: readonly number[],
): RuleProblem[] {
  if (c.grade.tier !== 'general') return []
  return c.grade.level != null && generalLevels.includes(c.grade.level)
    ? []
    : [{ field: 'gradeLevel', key: 'error.catalog.gradeLevel' }]
}

/** GB/T 43697-2024: important data needs the authority's extra confirmation step. */
export function needsGradeConfirmation(c: Pick<RuleContent, 'grade'>): boolean {
  return c.grade.tier === 'important'
}

/** Core-graded entries are never listed (catalog search, open portal, marketplace). */
export function isListable(c: Pick<RuleContent, 'grade'>): boolean {
  return c.grade.tier !== 'core'
}

/** Everything that stops a submission, in form order. */
export function submissionProblems(
  c: RuleContent,
  generalLevels: readonly number[],
): RuleProblem[] {
  return [
    ...art10MissingFields(c),
    ...art13SharingTypeProblems(c),
    ...art32OpenAttributeProblems(c),
    ...coreGradeProblems(c),
    ...gradeLevelProblems(c, generalLevels),
  ]
}

/** Art. 16: how long data may go without an update before it counts as stale (calendar days). */
export const FRESHNESS_ALLOWANCE_DAYS: Record<string, number | null> = {
  realtime: 1,
  daily: 2,
  weekly: 8,
  monthly: 32,
  quarterly: 93,
  yearly: 367,
  irregular: null,
}
