// Re-identification risk (C9; GB/T 37964): k-anonymity over declared quasi-identifiers.
// The authority sets the minimum k per security grade; a table whose smallest equivalence class
// is below it fails, and the report names the offending combinations only by generalized or
// keyed-hash labels, never by raw values.
import { createHmac, randomBytes } from 'node:crypto'
import { addressTo, ageBand, dateTo } from './generalize'

export const DEFAULT_MIN_K = 5

/** Minimum k per grade; grades not listed use `default`. The authority may pass its own table. */
export const DEFAULT_K_BY_GRADE: Readonly<Record<string, number>> = { default: DEFAULT_MIN_K }

export function minKForGrade(
  grade: string | undefined,
  table: Readonly<Record<string, number>> = DEFAULT_K_BY_GRADE,
): number {
  return (grade !== undefined ? table[grade] : undefined) ?? table.default ?? DEFAULT_MIN_K
}

export interface OffendingClass {
  /** One label per quasi-identifier: a generalized value or `#` + a keyed hash. */
  labels: string[]
  /** Records in the classes that share these labels. */
  count: number
  /** Distinct raw combinations behind the labels (generalized labels can merge several). */
  classes: number
}

export interface KAnonymityResult {
  sheet: string
  quasiIdentifiers: string[]
  minK: number
  records: number
  classes: number
  smallestClass: number
  classesBelowK: number
  recordsBelowK: number
  shareBelowK: number
  passed: boolean
  /** The smallest offending classes (at most 20). */
  offending: OffendingClass[]
  /** Set when there were more distinct combinations than the scan tracks. */
  overflow?: string
}

export const CLASS_KEY_SEPARATOR = '\u001f'

/** Labels that say what kind of value without saying which: coarse generalizations, else a salted hash. */
export function makeLabeler(salt: Buffer = randomBytes(16)): (value: string) => string {
  return (value) => {
    if (value === '') return '(empty)'
    const band = ageBand(value)
    if (band) return `age ${band}`
    const year = dateTo(value, 'year')
    if (year && /\d{4}\D/.test(value)) return `year ${year}`
    const district = addressTo(value, 'district')
    if (district && district.length < value.length) return district
    return `#${createHmac('sha256', salt).update(value).digest('hex').slice(0, 8)}`
  }
}

/** Art. 32 (desensitized before opening): the k-anonymity figures for one table's classes. */
export function kAnonymity(input: {
  sheet: string
  quasiIdentifiers: string[]
  classes: Map<string, number>
  minK: number
  overflow?: string
  labeler?: (value: string) => string
}): KAnonymityResult {
  const { classes, minK } = input
  let records = 0
  let smallest = Number.POSITIVE_INFINITY
  let recordsBelowK = 0
  let classesBelowK = 0
  const below: [string, number][] = []
  for (const [key, count] of classes) {
    records += count
    if (count < smallest) smallest = count
    if (count < minK) {
      recordsBelowK += count
      classesBelowK++
      below.push([key, count])
    }
  }
  below.sort((a, b) => a[1] - b[1])
  const label = input.labeler ?? makeLabeler()
  const merged = new Map<string, OffendingClass>()
  for (const [key, count] of below.slice(0, 1000)) {
    const labels = key.split(CLASS_KEY_SEPARATOR).map(label)
    const id = labels.join(CLASS_KEY_SEPARATOR)
    const seen = merged.get(id)
    if (seen) {
      seen.count += count
      seen.classes++
    } else merged.set(id, { labels, count, classes: 1 })
  }
  const offending = [...merged.values()].sort((a, b) => a.count - b.count).slice(0, 20)
  return {
    sheet: input.sheet,
    quasiIdentifiers: input.quasiIdentifiers,
    minK,
    records,
    classes: classes.size,
    smallestClass: classes.size === 0 ? 0 : smallest,
    classesBelowK,
    recordsBelowK,
    shareBelowK: records === 0 ? 0 : recordsBelowK / records,
    passed: input.overflow === undefined && classesBelowK === 0,
    offending,
    ...(input.overflow !== undefined ? { overflow: input.overflow } : {}),
  }
}
