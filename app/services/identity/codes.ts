/**
 * Validation helpers for Chinese identity codes. Pure functions only: this
 * module also runs in the browser, so it must not import Node-only modules.
 *
 * Validators accept only the canonical form. Call `normalizeUscc` or
 * `normalizeResidentId` on user input first.
 */

// ---------------------------------------------------------------------------
// Unified social credit code (统一社会信用代码), GB 32100-2015
//
//   pos 1      registration-management department code
//   pos 2      organisation category code
//   pos 3-8    administrative division code of the registering authority (GB/T 2260, digits)
//   pos 9-17   subject identifier = organisation code (GB 11714-1997); pos 17 is its own check char
//   pos 18     check char, ISO 7064 MOD 31-3 over the 31-char set below
//
// Both checks are enforced. Every real code we checked that passes the
// mod-31 check also passes the GB 11714 check, including government (11),
// public institution (12), social organisation (51/52) and sole-proprietor
// (92) codes. The only known non-conforming real codes are some Fujian
// (Xiamen/Fuzhou) pilot codes issued before the national standard, such as
// 91350211M0000XUF46. Those fail the mod-31 check, so they are rejected
// whether or not the GB 11714 check is enforced.
// ---------------------------------------------------------------------------

/** GB 32100 character set; the index of a char is its value. No I, O, Z, S, V. */
const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const USCC_RE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/
const USCC_PREFIX_RE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}$/

/** GB 11714-1997 organisation-code weights over the 8 body chars. */
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

/** Trim and uppercase. Does not otherwise repair the input. */
export function normalizeUscc(s: string): string {
  return s.trim().toUpperCase()
}

/**
 * GB 11714 check char for an 8-char organisation-code body. Digits count as
 * their value and letters as A=10 … Z=35. C9 = 11 - (sum mod 11), where 10
 * becomes 'X' and 11 becomes '0'.
 */
export function orgCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) {
    throw new RangeError('organisation code body must be 8 chars [0-9A-Z]')
  }
  let sum = 0
  for (let i = 0; i < 8; i++) {
    const c = body8.charCodeAt(i)
    const v = c <= 57 ? c - 48 : c - 55 // '0'..'9' → 0..9, 'A'..'Z' → 10..35
    sum += v * ORG_CODE_WEIGHTS[i]!
  }
  const c9 = 11 - (sum % 11)
  return c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9)
}

/**
 * Computes the GB 32100 check char (position 18) for the first 17 chars.
 * Check = 31 - (Σ value·weight mod 31), where 31 becomes 0. The result is
 * mapped back through the character set.
 */
export function usccCheckChar(first17: string): string {
  if (!USCC_PREFIX_RE.test(first17)) {
    throw new RangeError('USCC prefix must be 17 canonical chars (positions 3-8 digits)')
  }
  let sum = 0
  for (let i = 0; i < 17; i++) {
    sum += USCC_CHARSET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!
}

/**
 * Appends the mod-31 check char. Position 17 must already hold the correct
 * GB 11714 check; see `orgCodeCheckChar`. Throws if the result would not be
 * valid, so bad demo data fails fast.
 */
export function makeUscc(first17: string): string {
  const code = first17 + usccCheckChar(first17)
  if (!isValidUscc(code)) {
    throw new RangeError('USCC prefix has a wrong GB 11714 check char at position 17')
  }
  return code
}

export function isValidUscc(code: string): boolean {
  if (!USCC_RE.test(code)) return false
  if (orgCodeCheckChar(code.slice(8, 16)) !== code[16]) return false
  return usccCheckChar(code.slice(0, 17)) === code[17]
}

// ---------------------------------------------------------------------------
// Citizen identity number (公民身份号码), GB 11643-1999
//
//   pos 1-6    address code (GB/T 2260); first two digits = province
//   pos 7-14   birth date YYYYMMDD
//   pos 15-17  sequence code
//   pos 18     check char, ISO 7064 MOD 11-2 ('0'-'9' or 'X')
// ---------------------------------------------------------------------------

const PROVINCE_CODES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
  '91',
])
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const RESIDENT_ID_CHECK = '10X98765432'
/** Earliest birth date accepted, as YYYYMMDD. */
export const MIN_BIRTH_DATE = '19000101'

/** Trim and uppercase. The only lowercase char that can occur is a final 'x'. */
export function normalizeResidentId(s: string): string {
  return s.trim().toUpperCase()
}

/** ISO 7064 MOD 11-2: check = "10X98765432"[Σ digit·weight mod 11]. */
export function residentIdCheckChar(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) {
    throw new RangeError('resident ID prefix must be 17 digits')
  }
  let sum = 0
  for (let i = 0; i < 17; i++) {
    sum += (first17.charCodeAt(i) - 48) * RESIDENT_ID_WEIGHTS[i]!
  }
  return RESIDENT_ID_CHECK[sum % 11]!
}

/** Appends the check char. Does not validate the province or the date. */
export function makeResidentId(first17: string): string {
  return first17 + residentIdCheckChar(first17)
}

function ymd(d: Date): string {
  const p = (n: number, w: number) => String(n).padStart(w, '0')
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1, 2)}${p(d.getDate(), 2)}`
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4))
  const m = Number(yyyymmdd.slice(4, 6))
  const d = Number(yyyymmdd.slice(6, 8))
  if (m < 1 || m > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
  return d <= days
}

/**
 * Accepts only a canonical 18-char ID: a known province, a real birth date
 * from MIN_BIRTH_DATE up to `today` (local calendar date), and a correct
 * check char. An 'X' check char must be uppercase.
 */
export function isValidResidentId(id: string, today: Date = new Date()): boolean {
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return false
  if (!PROVINCE_CODES.has(id.slice(0, 2))) return false
  const birth = id.slice(6, 14)
  if (!isRealDate(birth) || birth < MIN_BIRTH_DATE || birth > ymd(today)) return false
  return residentIdCheckChar(id.slice(0, 17)) === id[17]
}

// ---------------------------------------------------------------------------
// Masking for display and logs
// ---------------------------------------------------------------------------

function maskMiddle(s: string, keepStart: number, keepEnd: number): string {
  if (s.length <= keepStart + keepEnd) return '*'.repeat(s.length)
  return s.slice(0, keepStart) + '*'.repeat(s.length - keepStart - keepEnd) + s.slice(-keepEnd)
}

/** Keeps the first 4 and last 4 chars: `4401**********123X`. Inputs of 8 chars or fewer are fully masked. */
export function maskResidentId(id: string): string {
  return maskMiddle(id, 4, 4)
}

/** Keeps the first 4 and last 4 chars: `9144**********26XG`. */
export function maskUscc(code: string): string {
  return maskMiddle(code, 4, 4)
}
