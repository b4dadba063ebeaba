// The authority's minimum k per security grade (C9; Art. 32; GB/T 37964): stored in one
// settings document, edited on /authority/desensitize-settings, read by every scan (runScan).
import { DesensitizeSettings } from '#models/desensitize-settings'
import { generalLevels } from '~/services/catalog/settings.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { DEFAULT_MIN_K } from './kanon'

const SETTINGS_ID = 'k-by-grade'

/** The grades the authority can set a minimum k for: GB/T 43697 tiers and the configured general sub-levels. */
export async function gradeKeys(): Promise<string[]> {
  return ['default', 'core', 'important', ...(await generalLevels()).map((l) => `general-${l}`)]
}

/** The grade key of a catalog/product grade {tier, level}: `general-<level>`, or the tier. */
export function gradeKey(
  grade: { tier: string; level?: number | null } | null | undefined,
): string | undefined {
  if (!grade) return undefined
  return grade.tier === 'general' && grade.level ? `general-${grade.level}` : grade.tier
}

/** Art. 32: the minimum k per grade as the authority set it; `default` (5 unless set) for the rest. */
export async function minKByGrade(): Promise<Record<string, number>> {
  await connectDb()
  const doc = await DesensitizeSettings.findById(SETTINGS_ID).lean()
  const table: Record<string, number> = { default: DEFAULT_MIN_K }
  for (const row of doc?.minK ?? []) table[row.grade] = row.k
  return table
}

/**
 * Art. 32 (open only after desensitization; GB/T 37964 re-identification risk): the authority
 * sets the minimum k per grade. Grades left out fall back to `default`. Every later scan uses it.
 */
export async function setMinKByGrade(input: {
  user: AuthUser
  table: Record<string, number>
}): Promise<Record<string, number>> {
  const keys = await gradeKeys()
  const unknown = Object.keys(input.table).filter((g) => !keys.includes(g))
  if (unknown.length)
    throw new DomainError('unknown_grade', 'error.scan.unknownGrade', 400, undefined, {
      grades: unknown.join(', '),
    })
  const rows = keys
    .filter((g) => input.table[g] !== undefined)
    .map((grade) => ({ grade, k: input.table[grade]! }))
  if (rows.some((r) => !Number.isInteger(r.k) || r.k < 2 || r.k > 1000))
    throw new DomainError('bad_k', 'error.scan.badK', 400)
  await connectDb()
  await DesensitizeSettings.updateOne(
    { _id: SETTINGS_ID },
    { $set: { minK: rows, updatedBy: input.user.id, updatedAt: new Date() } },
    { upsert: true },
  )
  await appendLedger({
    action: 'desensitize.min_k_set',
    actor: { userId: input.user.id, ...(input.user.org?.id ? { orgId: input.user.org.id } : {}) },
    subjects: ['desensitize-settings:k-by-grade'],
    payload: { minK: rows },
    summary: Object.fromEntries(rows.map((r) => [`k_${r.grade.replace(/-/g, '_')}`, r.k])),
  })
  return minKByGrade()
}
