// Art. 9: the authority sets the grading rules. GB/T 43697-2024 fixes core / important / general;
// the sub-levels of general are local and configurable (default 1–4).
import { CatalogSettings, DEFAULT_GENERAL_LEVELS } from '#models/catalog-settings'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { DomainError } from '~/utils/errors'

export interface GradeLevel {
  level: number
  zh: string
  en: string
}

/** The configured ladder of general sub-levels. */
export async function gradeLadder(): Promise<GradeLevel[]> {
  const doc = await CatalogSettings.findById('grading').lean()
  const levels = doc?.generalLevels?.length ? doc.generalLevels : DEFAULT_GENERAL_LEVELS
  return levels.map((l) => ({ level: l.level, zh: l.zh, en: l.en }))
}

export async function generalLevels(): Promise<number[]> {
  return (await gradeLadder()).map((l) => l.level)
}

/** Art. 9: the authority replaces the ladder of general sub-levels (1..n, consecutive). */
export async function setGradeLadder(input: { user: AuthUser; levels: GradeLevel[] }) {
  const levels = [...input.levels].sort((a, b) => a.level - b.level)
  const consecutive =
    levels.length >= 1 &&
    levels.length <= 9 &&
    levels.every((l, i) => l.level === i + 1 && l.zh.trim() && l.en.trim())
  if (!consecutive)
    throw new DomainError('bad_ladder', 'error.catalog.badLadder', 400, {
      levels: ['error.catalog.badLadder'],
    })
  await CatalogSettings.updateOne(
    { _id: 'grading' },
    { $set: { generalLevels: levels, updatedBy: input.user.id, updatedAt: new Date() } },
    { upsert: true },
  )
  await appendLedger({
    action: 'catalog.grading_set',
    actor: { userId: input.user.id, orgId: input.user.org?.id },
    subjects: ['catalog-settings:grading'],
    payload: { levels },
    summary: { levels: levels.length },
  })
  return levels
}
