// Personal and sensitive information detectors (C9; Art. 32, 41). Pure functions: every
// detector looks at one cell with the cues its column header gives, and reports
// (detector, score) for what it finds. Scores are per-hit likelihoods; the scanner turns counts,
// shares and scores into column findings. Checksums (GB 11643, GB 32100, Luhn) cut false
// positives: a random 18-digit number is not an ID.
import { isValidResidentId, isValidUscc, makeResidentId } from '~/services/identity/codes'
import { surnameLength } from './surnames'

export const DETECTORS = [
  'resident_id',
  'uscc',
  'mobile',
  'landline',
  'bank_card',
  'email',
  'ipv4',
  'ipv6',
  'passport',
  'hk_macao_permit',
  'licence_plate',
  'person_name',
  'address',
  'birth_date',
  'free_text',
] as const
export type DetectorId = (typeof DETECTORS)[number]
export const DETECTOR_INDEX = Object.fromEntries(DETECTORS.map((d, i) => [d, i])) as Record<
  DetectorId,
  number
>

/** Detectors whose hits carry a checksum. */
export const CHECKSUM_DETECTORS: readonly DetectorId[] = ['resident_id', 'uscc', 'bank_card']

/**
 * A hit has a score in (0, 1]. Score 0 reports a candidate: the shape of a checksum-bearing
 * identifier whose checksum failed. Candidates are not findings, but many of them beside a few
 * hits show that the hits are chance (1 in 10 random numbers passes Luhn).
 */
export type Emit = (detector: DetectorId, score: number) => void

/** Bitmask of detectors the column header hints at (bit = DETECTOR_INDEX). */
export type Cues = number
const bit = (d: DetectorId) => 1 << DETECTOR_INDEX[d]

const HEADER_CUES: [DetectorId[], RegExp][] = [
  [['resident_id'], /身份证|证件号|公民身份|身份号|id_?card|id_?no|id_?number|identity|sfz/i],
  [['uscc'], /信用代码|社会信用|uscc|credit_?code/i],
  [['mobile', 'landline'], /手机|电话|联系方式|mobile|phone|tel(ephone)?\b|cell/i],
  [['landline'], /座机|固话|固定电话/i],
  [['bank_card'], /银行卡|卡号|银行账号|银行帐号|账号|帐号|bank|card_?no|account_?no/i],
  [['email'], /邮箱|电子邮件|e-?mail|邮件地址/i],
  [['ipv4', 'ipv6'], /(^|[^a-z])ip([^a-z]|$)|ip地址|ip_?addr/i],
  [['passport', 'hk_macao_permit'], /护照|passport|通行证|回乡证|permit|证件/i],
  [['licence_plate'], /车牌|号牌|牌照|plate/i],
  [['address'], /地址|住址|住所|居住地|户籍地|通讯地址|address|addr/i],
  [['birth_date'], /出生|生日|birth|dob/i],
  [['free_text'], /备注|描述|说明|内容|留言|评论|意见|情况|comment|remark|note|desc|text|memo/i],
]
const NAME_CUE =
  /姓名|人名|联系人|负责人|法定代表人|法人代表|法人|申请人|户主|患者|收件人|收货人|持卡人|经办人|投诉人|举报人|^name$|full_?name|person_?name|contact(_?name)?$|^(first|last)_?name/i
const NOT_PERSON_NAME =
  /名称|单位|企业|公司|商品|产品|机构|部门|项目|文件|品牌|company|product|org|dept|file/i

export function headerCues(header: string): Cues {
  let cues = 0
  for (const [ds, re] of HEADER_CUES) if (re.test(header)) for (const d of ds) cues |= bit(d)
  if (NAME_CUE.test(header) && !NOT_PERSON_NAME.test(header)) cues |= bit('person_name')
  return cues
}

export function hasCue(cues: Cues, d: DetectorId): boolean {
  return (cues & bit(d)) !== 0
}

// ---------------------------------------------------------------------------------------------
// Identifier checks

const PROVINCES = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83 91'.split(
    ' ',
  ),
)

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
}

/** GB 11643-1989 15-digit legacy number: province, real 19YYMMDD birth date, 3-digit sequence; no check digit. */
export function isLegacyResidentId(s: string): boolean {
  if (s.length !== 15 || !PROVINCES.has(s.slice(0, 2))) return false
  return isRealDate(1900 + Number(s.slice(6, 8)), Number(s.slice(8, 10)), Number(s.slice(10, 12)))
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'
// The identity module's birth-date rule (a real date from 1900 to today), asked once per birth
// date through `isValidResidentId` with a fixed valid address code, then remembered in a table
// indexed by year/month/day (0 unknown, 1 accepted, 2 refused), cleared when the day changes.
const MEMO_FIRST_YEAR = 1800
const birthMemo = new Uint8Array(400 * 13 * 32)
let memoDay = ''
let memoCalls = 0
let memoToday = new Date()

function refreshToday(): void {
  memoToday = new Date()
  const day = memoToday.toDateString()
  if (day !== memoDay) {
    memoDay = day
    birthMemo.fill(0)
  }
}

const digitsAt = (t: string, from: number, to: number) => {
  let v = 0
  for (let i = from; i < to; i++) v = v * 10 + t.charCodeAt(i) - 48
  return v
}

/** Whether the birth date at positions 7–14 of a (digit-checked) ID is acceptable. */
function birthAccepted(id: string): boolean {
  if ((memoCalls++ & 4095) === 0) refreshToday()
  const y = digitsAt(id, 6, 10)
  const m = digitsAt(id, 10, 12)
  const d = digitsAt(id, 12, 14)
  if (y < MEMO_FIRST_YEAR || y >= MEMO_FIRST_YEAR + 400 || m > 12 || d > 31) return false
  const slot = ((y - MEMO_FIRST_YEAR) * 13 + m) * 32 + d
  let v = birthMemo[slot]!
  if (v === 0) {
    v = isValidResidentId(makeResidentId(`110101${id.slice(6, 14)}001`), memoToday) ? 1 : 2
    birthMemo[slot] = v
  }
  return v === 1
}

/**
 * GB 11643 18-character ID, with the identity module's rules: province, birth date (through
 * `isValidResidentId`, once per date) and the MOD 11-2 check, computed inline because this runs
 * on every 18-digit value of a multi-GB file.
 */
export function isResidentId18(t: string): boolean {
  if (!PROVINCES.has(t.slice(0, 2))) return false
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const d = t.charCodeAt(i) - 48
    if (d < 0 || d > 9) return false
    sum += d * ID_WEIGHTS[i]!
  }
  if (ID_CHECK[sum % 11] !== t[17]) return false
  return birthAccepted(t)
}

// GB 32100 mod-31 check, inline: values of the 31-character set and the position weights.
const USCC_VALUE = new Int8Array(128).fill(-1)
Array.from('0123456789ABCDEFGHJKLMNPQRTUWXY').forEach((c, i) => (USCC_VALUE[c.charCodeAt(0)] = i))
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/**
 * GB 32100 code. The inline mod-31 check rejects 30 of 31 non-codes cheaply; a candidate that
 * passes is confirmed by the identity module's `isValidUscc` (which also checks GB 11714).
 */
export function isUscc(t: string): boolean {
  if (t.length !== 18) return false
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const c = t.charCodeAt(i)
    const v = c < 128 ? USCC_VALUE[c]! : -1
    if (v < 0) return false
    sum += v * USCC_WEIGHTS[i]!
  }
  const last = t.charCodeAt(17)
  if (last >= 128 || USCC_VALUE[last] !== (31 - (sum % 31)) % 31) return false
  return isValidUscc(t)
}

export function luhnValid(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

// UnionPay 62, Visa 4, Mastercard 51-55/22-27, Amex 34/37, JCB 35, domestic debit 60, and the
// 9-prefixed legacy domestic cards (e.g. 95599…).
const CARD_PREFIX = /^(62|4|5[1-5]|2[2-7]|3[457]|60|9[4-9])/

export function isBankCard(digits: string): boolean {
  return digits.length >= 16 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits)
}

// Mainland mobile number segments assigned by MIIT.
const MOBILE = /^1(3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}$/
export function isMobile(digits: string): boolean {
  return digits.length === 11 && MOBILE.test(digits)
}

// Area code 010/02x or 0[3-9]xx, then a 7-8 digit local number starting 2-9.
const LANDLINE = /^(0(10|2\d|[3-9]\d{2}))([2-9]\d{6,7})$/
export function isLandlineDigits(digits: string): boolean {
  return LANDLINE.test(digits)
}

const LANDLINE_WITH_SEPARATORS = /^\(?(0\d{2,3})\)?[-\s]?(\d{7,8})(?:-\d{1,6})?$/
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}$/
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

const ipv6Groups = (h: string) => (h === '' ? [] : h.split(':'))
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/
export function isIpv6(s: string): boolean {
  if (s.length < 3 || s.length > 45) return false
  let colons = 0
  for (let i = s.indexOf(':'); i !== -1; i = s.indexOf(':', i + 1)) colons++
  // Eight groups need 7 colons (6 with an IPv4 tail); fewer only with `::`. Times (12:30:45) fail here.
  if (colons < 2 || (colons < 6 && !s.includes('::')) || !IPV6_CHARS.test(s)) return false
  let body = s
  let groupsNeeded = 8
  const lastColon = s.lastIndexOf(':')
  if (s.indexOf('.', lastColon) !== -1) {
    if (!IPV4.test(s.slice(lastColon + 1))) return false
    body = s.slice(0, lastColon + 1) + '0'
    groupsNeeded = 7
  }
  const halves = body.split('::')
  if (halves.length > 2) return false
  const all = halves.flatMap(ipv6Groups)
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false
  return halves.length === 2 ? all.length < groupsNeeded : all.length === groupsNeeded
}

const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/
const PASSPORT = /^(E[0-9A-HJ-NP-Z]\d{7}|G\d{8}|[DSP]E?\d{7})$/
const HK_MACAO_PERMIT = /^(C[0-9A-HJ-NP-Z]\d{7}|W\d{8}|[HM]\d{8}(\d{2})?)$/
const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'
const PLATE = new RegExp(
  `^[${PLATE_PROVINCES}][A-HJ-NP-Z][·• ]?([A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]|[DF][A-HJ-NP-Z0-9]\\d{4}|\\d{5}[DF])$`,
)
const PLATE_IN_TEXT = new RegExp(
  `[${PLATE_PROVINCES}][A-HJ-NP-Z][·• ]?(?:[DF][A-HJ-NP-Z0-9]\\d{4}|\\d{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳])(?![A-Za-z0-9])`,
  'g',
)

// A detailed address reaches a building: a road/street/village/estate marker followed by a
// number with 号/栋/幢/室/单元/弄/楼. District-level text ("广州市天河区") is not detailed.
const ADDRESS =
  /(?:路|街|道|巷|弄|里|村|组|镇|乡|苑|园|小区|大厦|广场|花园|公寓|新村|社区|胡同|大街|大道)[^\s,，;；。]{0,12}?[0-9０-９一二三四五六七八九十百]+(?:号|號|栋|棟|幢|座|室|单元|弄|楼|层)/
const ADDRESS_HAS_PLACE = /省|市|区|县|旗|镇|乡|街道|路|街|村/

// Dates: 1990-05-03, 1990/5/3, 1990.05.03, 19900503, 1990年5月3日.
const DATE = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$/
const BIRTH_IN_TEXT =
  /(?:出生|生日|出生日期|出生于|生于|DOB|birth)[^0-9]{0,6}(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})/gi

const NAME_IN_TEXT =
  /(?:姓名|联系人|申请人|患者|户主|负责人|法定代表人|法人|收件人|收货人|经办人|投诉人|举报人)[:：\s为是]*([\u4e00-\u9fa5·]{2,5})/g
const TITLE_IN_TEXT = /([\u4e00-\u9fa5]{1,2})(?:先生|女士|小姐|同志)/g

/** A full birth date (day precision) in 1900..this year. Month- or year-only values are already generalized. */
export function isFullDate(s: string, thisYear = new Date().getFullYear()): boolean {
  const m = DATE.exec(s)
  if (!m) return false
  const y = Number(m[1])
  const mo = Number(m[2] ?? m[4])
  const d = Number(m[3] ?? m[5])
  return y >= 1900 && y <= thisYear && isRealDate(y, mo, d)
}

const isCjk = (c: number) => (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)

/** 2–4 CJK characters, or a minority name with a middle dot (阿卜杜·热合曼). */
function nameShape(s: string): boolean {
  const n = s.length
  if (n < 2 || n > 12) return false
  let dots = 0
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 0xb7 || c === 0x2022) dots++
    else if (!isCjk(c)) return false
  }
  return dots === 0 ? n <= 4 : dots <= 2 && s.charCodeAt(0) !== 0xb7 && s.charCodeAt(n - 1) !== 0xb7
}

const up = (base: number, cue: boolean) => (cue ? Math.min(1, base + 0.1) : base)

// ---------------------------------------------------------------------------------------------
// Cell classification

// The shape of the value being classified, measured in one pass (module state: detection is
// synchronous and never re-entered, and this keeps the per-cell path free of allocations).
let mDigits = 0
let mCjk = 0
let mAt = false
let mColon = false
let mDot = 0
let mSep = 0
let mTexty = false

function measure(t: string): void {
  mDigits = mCjk = mDot = mSep = 0
  mAt = mColon = mTexty = false
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    if (c >= 48 && c <= 57) mDigits++
    else if (c < 128) {
      if (c === 64) mAt = true
      else if (c === 58) mColon = true
      else if (c === 46) mDot++
      else if (c === 45 || c === 40 || c === 41 || c === 43 || c === 47) mSep++
      else if (c === 32) {
        mSep++
        mTexty = true
      } else if (c === 44 || c === 59 || c === 33 || c === 63 || c === 9 || c === 10 || c === 13)
        mTexty = true
    } else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) mCjk++
    else if (
      c === 0xff0c ||
      c === 0x3002 ||
      c === 0xff1a ||
      c === 0xff1b ||
      c === 0xff01 ||
      c === 0xff1f ||
      c === 0x3001 ||
      c === 0x3000
    )
      mTexty = true
  }
}

/**
 * Classifies a short token (no spaces): a whole cell, or a token taken out of free text.
 * Returns true when something was found.
 */
export function classifyToken(t: string, cues: Cues, emit: Emit): boolean {
  if (t.length < 5 || t.length > 64) return false
  measure(t)
  return classifyMeasured(t, cues, emit)
}

function classifyMeasured(t: string, cues: Cues, emit: Emit): boolean {
  const n = t.length
  if (n < 5 || n > 64) return false
  const digits = mDigits
  const cjk = mCjk
  const at = mAt
  const colon = mColon
  const dot = mDot
  const sep = mSep

  if (at) {
    if (EMAIL.test(t)) {
      emit('email', up(0.95, hasCue(cues, 'email')))
      return true
    }
    return false
  }

  if (digits === n) return classifyDigits(t, cues, emit)

  if (n === 18 && digits === 17 && (t[17] === 'X' || t[17] === 'x')) {
    if (isResidentId18(t.toUpperCase())) {
      emit('resident_id', up(0.97, hasCue(cues, 'resident_id')))
      return true
    }
  }

  if (cjk === 0 && digits + sep === n && sep > 0) {
    // Phones have 10–13 digits (an extension up to 18), cards 16–19; dates only matter under a cue.
    if (digits < 10 && !hasCue(cues, 'birth_date')) return false
    const d = t.replace(/[-\s()+/]/g, '')
    // Phone numbers with separators or a country code.
    const mobile = d.length === 13 && d.startsWith('86') ? d.slice(2) : d
    if (isMobile(mobile) && /^(\+?86[-\s]?)?1\d{2}[-\s]?\d{4}[-\s]?\d{4}$/.test(t)) {
      emit('mobile', up(0.9, hasCue(cues, 'mobile')))
      return true
    }
    const landline = LANDLINE_WITH_SEPARATORS.exec(t)
    if (landline && isLandlineDigits(landline[1]! + landline[2]!)) {
      emit('landline', up(0.85, hasCue(cues, 'landline')))
      return true
    }
    if (/^\d{4}([\s-]\d{4}){3}([\s-]?\d{1,3})?$/.test(t) && CARD_PREFIX.test(d)) {
      if (isBankCard(d)) {
        emit('bank_card', up(0.9, hasCue(cues, 'bank_card')))
        return true
      }
      emit('bank_card', 0)
    }
    if (hasCue(cues, 'birth_date') && isFullDate(t)) {
      emit('birth_date', 0.9)
      return true
    }
    return false
  }

  if (cjk === 0) {
    if (n === 18 && USCC_SHAPE.test(t)) {
      if (isUscc(t)) {
        emit('uscc', up(0.97, hasCue(cues, 'uscc')))
        return true
      }
      emit('uscc', 0)
    }
    if (dot === 3 && digits + dot === n && IPV4.test(t)) {
      emit('ipv4', up(0.8, hasCue(cues, 'ipv4')))
      return true
    }
    if (colon && isIpv6(t)) {
      emit('ipv6', up(0.9, hasCue(cues, 'ipv6')))
      return true
    }
    if (n >= 8 && n <= 11 && digits >= 7) {
      if (PASSPORT.test(t)) {
        emit('passport', hasCue(cues, 'passport') ? 0.95 : 0.6)
        return true
      }
      if (HK_MACAO_PERMIT.test(t)) {
        emit('hk_macao_permit', hasCue(cues, 'hk_macao_permit') ? 0.95 : 0.6)
        return true
      }
    }
    return false
  }

  // Contains CJK.
  if ((n === 7 || n === 8 || n === 9) && PLATE.test(t)) {
    emit('licence_plate', up(0.9, hasCue(cues, 'licence_plate')))
    return true
  }
  if (digits > 0 && hasCue(cues, 'birth_date') && isFullDate(t)) {
    emit('birth_date', 0.9)
    return true
  }
  return false
}

function classifyDigits(t: string, cues: Cues, emit: Emit): boolean {
  const n = t.length
  if (n === 18) {
    if (isResidentId18(t)) {
      emit('resident_id', up(0.97, hasCue(cues, 'resident_id')))
      return true
    }
    if (isUscc(t)) {
      emit('uscc', up(0.97, hasCue(cues, 'uscc')))
      return true
    }
    emit('uscc', 0)
    // The shape of an ID without its check digit: counted, so a column of chance hits shows.
    if (
      PROVINCES.has(t.slice(0, 2)) &&
      isRealDate(Number(t.slice(6, 10)), Number(t.slice(10, 12)), Number(t.slice(12, 14)))
    ) {
      emit('resident_id', 0)
    }
  }
  if (n === 15 && isLegacyResidentId(t)) {
    emit('resident_id', hasCue(cues, 'resident_id') ? 0.9 : 0.55)
    return true
  }
  if (n === 11 && isMobile(t)) {
    emit('mobile', up(0.9, hasCue(cues, 'mobile')))
    return true
  }
  if (n === 13 && t.startsWith('86') && isMobile(t.slice(2))) {
    emit('mobile', up(0.85, hasCue(cues, 'mobile')))
    return true
  }
  if (n >= 16 && n <= 19 && CARD_PREFIX.test(t)) {
    if (luhnValid(t)) {
      emit('bank_card', up(0.85, hasCue(cues, 'bank_card')))
      return true
    }
    emit('bank_card', 0)
  }
  if (n >= 10 && n <= 12 && t.charCodeAt(0) === 48 && isLandlineDigits(t)) {
    emit('landline', hasCue(cues, 'landline') ? 0.85 : 0.55)
    return true
  }
  if (n === 8 && hasCue(cues, 'birth_date') && isFullDate(t)) {
    emit('birth_date', 0.9)
    return true
  }
  return false
}

function isNameCandidate(s: string, cues: Cues): number {
  if (!nameShape(s)) return 0
  if (hasCue(cues, 'person_name')) return surnameLength(s) > 0 || s.includes('·') ? 0.9 : 0.75
  // Without a header cue a 2–3 character word with a surname first is only weakly a name.
  return s.length <= 3 && surnameLength(s) > 0 ? 0.3 : 0
}

export function isDetailedAddress(s: string): boolean {
  return ADDRESS.test(s) && ADDRESS_HAS_PLACE.test(s)
}

const PHONE_OR_CARD_WITH_SPACES = /^[+(]?[\d][\d\s()+-]{6,}$/
const HAS_CJK = /[\u3400-\u9fff]/
const ASCII_BIRTH_CUE = /birth|dob/i
const TOKEN = /[0-9A-Za-z@._%+:-]{5,64}/g
const EDGE_PUNCTUATION = /^[.\-:@_%+]+|[.\-:@_%+]+$/g

/** Classifies one cell. Long or mixed text is searched token by token (free text). */
export function detectCell(raw: string, cues: Cues, emit: Emit): void {
  const v =
    raw.length > 0 && (raw.charCodeAt(0) === 32 || raw.charCodeAt(raw.length - 1) === 32)
      ? raw.trim()
      : raw
  const n = v.length
  if (n < 2) return
  measure(v)
  const cjk = mCjk
  // Punctuation or spaces make a cell text to search, not one value to classify — except a
  // phone or card number written in groups.
  if (
    n <= 64 &&
    (!mTexty || (cjk === 0 && mDigits + mSep === n && PHONE_OR_CARD_WITH_SPACES.test(v)))
  ) {
    if (classifyMeasured(v, cues, emit)) return
    if (cjk > 0) {
      const nameScore = isNameCandidate(v, cues)
      if (nameScore > 0) {
        emit('person_name', nameScore)
        return
      }
      if (n >= 6 && isDetailedAddress(v)) {
        emit('address', up(0.9, hasCue(cues, 'address')))
        return
      }
    }
    if (n <= 8 || (n <= 24 && cjk === 0)) return
  }
  detectInText(v, cues, emit, cjk > 0)
}

// detectInText's forwarding emitter, built once (detection is synchronous, never re-entered).
let textTarget: Emit = () => undefined
let textBest = 0
const inner: Emit = (d, score) => {
  textTarget(d, score)
  // Legal-entity codes in a text do not make it personal.
  if (score > textBest && d !== 'uscc') textBest = score
}

export function detectInText(v: string, cues: Cues, emit: Emit, hasCjk = HAS_CJK.test(v)): void {
  textTarget = emit
  textBest = 0
  TOKEN.lastIndex = 0
  for (let m = TOKEN.exec(v); m; m = TOKEN.exec(v)) {
    const token = m[0].replace(EDGE_PUNCTUATION, '')
    classifyToken(token, 0, inner)
  }
  // Names in context, addresses, plates and written birth dates all need Chinese characters.
  if (hasCjk || ASCII_BIRTH_CUE.test(v)) detectChineseContext(v, cues)
  if (textBest > 0 && v.length >= 12) emit('free_text', textBest)
}

function detectChineseContext(v: string, cues: Cues): void {
  NAME_IN_TEXT.lastIndex = 0
  for (let m = NAME_IN_TEXT.exec(v); m; m = NAME_IN_TEXT.exec(v)) {
    const name = m[1]!
    // The name runs to the next non-name character; take the longest plausible prefix.
    const len = surnameLength(name)
    if (len > 0) inner('person_name', 0.85)
  }
  TITLE_IN_TEXT.lastIndex = 0
  for (let m = TITLE_IN_TEXT.exec(v); m; m = TITLE_IN_TEXT.exec(v)) {
    const s = m[1]!
    if (surnameLength(s.slice(-1)) > 0 || (s.length === 2 && surnameLength(s + '_') === 2)) {
      inner('person_name', 0.7)
      break
    }
  }
  if (isDetailedAddress(v)) inner('address', up(0.85, hasCue(cues, 'address')))
  PLATE_IN_TEXT.lastIndex = 0
  if (PLATE_IN_TEXT.test(v)) inner('licence_plate', 0.85)
  BIRTH_IN_TEXT.lastIndex = 0
  for (let m = BIRTH_IN_TEXT.exec(v); m; m = BIRTH_IN_TEXT.exec(v)) {
    if (isFullDate(`${m[1]}-${m[2]}-${m[3]}`)) {
      inner('birth_date', 0.85)
      break
    }
  }
}
