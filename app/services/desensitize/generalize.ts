// Generalization (GB/T 37964 泛化): coarser values that keep analytic use. Shared by the
// desensitization methods and by k-anonymity labels, which describe offending combinations
// without the raw values.

/** `37` → `30-39` (width 10). Null when the value is not an age 0–150. */
export function ageBand(value: string, width = 10): string | null {
  const v = value.trim()
  if (!/^\d{1,3}(\.\d+)?$/.test(v)) return null
  const age = Math.floor(Number(v))
  if (age > 150) return null
  const low = Math.floor(age / width) * width
  return `${low}-${low + width - 1}`
}

const DATE = /^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?|(\d{2})(\d{2}))?(?:[ T].*)?$/

/** A date (or date-time) cut to month `1990-05` or year `1990`. Null when not a date. */
export function dateTo(value: string, precision: 'month' | 'year'): string | null {
  const m = DATE.exec(value.trim())
  if (!m) return null
  const y = Number(m[1])
  if (y < 1000 || y > 2999) return null
  const month = m[2] ?? m[4]
  if (precision === 'year' || month === undefined) return String(y)
  const mo = Number(month)
  if (mo < 1 || mo > 12) return null
  return `${y}-${String(mo).padStart(2, '0')}`
}

const ADDRESS_LEVELS =
  /^((?:[^省]{2,7}省|[^区]{2,10}自治区|[^区]{2,10}特别行政区)?)((?:[^市州盟区县]{1,10}?(?:市|自治州|州|地区|盟))?)((?:[^区县旗]{1,10}?(?:区|县|旗|市))?)/

/**
 * An address cut to its district (`广东省广州市天河区`) or city (`广东省广州市`).
 * Null when no administrative level is recognised.
 */
export function addressTo(value: string, level: 'district' | 'city' | 'province'): string | null {
  const m = ADDRESS_LEVELS.exec(value.trim())
  if (!m) return null
  const [, province = '', city = '', district = ''] = m
  const out =
    level === 'province'
      ? province
      : level === 'city'
        ? province + city
        : province + city + district
  return out.length > 0 ? out : null
}
