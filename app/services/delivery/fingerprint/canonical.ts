// What a cell "is" once a leaker's tools have been at it. Anchors are built from canonical
// bytes so a row is recognised after whitespace and quoting are normalised, after Excel turns
// "0755" into 755 or "12.50" into 12.5, and after a date comes back as 2024-01-05T00:00:00.000Z
// or as an Excel serial number. All functions work on UTF-8 bytes.

const SPACE = 0x20
const TAB = 0x09
const CR = 0x0d
const LF = 0x0a
const QUOTE = 0x22
const DOT = 0x2e
const MINUS = 0x2d
const PLUS = 0x2b
const SLASH = 0x2f
const ZERO = 0x30
const NINE = 0x39

function isAsciiSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === LF
}

/** Width of a non-ASCII space at `i` (U+00A0, U+3000, U+FEFF), or 0. */
function unicodeSpaceAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!
  if (c === 0xc2 && i + 1 < end && b[i + 1] === 0xa0) return 2
  if (c === 0xe3 && i + 2 < end && b[i + 1] === 0x80 && b[i + 2] === 0x80) return 3
  if (c === 0xef && i + 2 < end && b[i + 1] === 0xbb && b[i + 2] === 0xbf) return 3
  return 0
}

/** Result slot of `trim` (reused: the hot path allocates nothing per field). */
export const trimmed = { start: 0, end: 0 }

/** Sets `trimmed` to [start, end) without ASCII and common Unicode spaces at either end. */
export function trim(b: Uint8Array, start: number, end: number): void {
  for (;;) {
    if (start < end && isAsciiSpace(b[start]!)) start++
    else if (start < end && b[start]! >= 0x80) {
      const w = unicodeSpaceAt(b, start, end)
      if (!w) break
      start += w
    } else break
  }
  for (;;) {
    if (end > start && isAsciiSpace(b[end - 1]!)) end--
    else if (end - 2 > start && b[end - 2] === 0xc2 && b[end - 1] === 0xa0) end -= 2
    else if (end - 3 >= start && b[end - 3] === 0xe3 && b[end - 2] === 0x80 && b[end - 1] === 0x80)
      end -= 3
    else break
  }
  trimmed.start = start
  trimmed.end = end
}

/** A plain decimal number's parts (offsets into the buffer), or null. */
export interface Decimal {
  negative: boolean
  intStart: number
  intEnd: number
  /** fracStart === fracEnd when there is no fraction (with or without a dot). */
  fracStart: number
  fracEnd: number
}

/**
 * Parses `[+-]digits[.digits]` (at least one digit) in an already trimmed range. The result is
 * a shared slot, valid until the next call.
 */
export function parseDecimal(b: Uint8Array, start: number, end: number): Decimal | null {
  let i = start
  let negative = false
  if (i < end && (b[i] === MINUS || b[i] === PLUS)) {
    negative = b[i] === MINUS
    i++
  }
  const intStart = i
  while (i < end && b[i]! >= ZERO && b[i]! <= NINE) i++
  const intEnd = i
  let fracStart = i
  let fracEnd = i
  if (i < end && b[i] === DOT) {
    i++
    fracStart = i
    while (i < end && b[i]! >= ZERO && b[i]! <= NINE) i++
    fracEnd = i
  }
  if (i !== end || (intEnd === intStart && fracEnd === fracStart)) return null
  const d = decimalSlot
  d.negative = negative
  d.intStart = intStart
  d.intEnd = intEnd
  d.fracStart = fracStart
  d.fracEnd = fracEnd
  return d
}

const decimalSlot: Decimal = { negative: false, intStart: 0, intEnd: 0, fracStart: 0, fracEnd: 0 }

/**
 * Byte offset of the digit at 10^place (place = -2 is the hundredths digit, 0 the units, 1 the
 * tens), or -1 when the number is not written to that place (12.3 has no hundredths digit; 7 has
 * no tens digit).
 */
export function digitAt(d: Decimal, place: number): number {
  if (place < 0) {
    const k = -place
    return d.fracEnd - d.fracStart >= k ? d.fracStart + k - 1 : -1
  }
  const at = d.intEnd - 1 - place
  return at >= d.intStart ? at : -1
}

/** The place of the last written digit: 12.34 → -2, 120 → 0. */
export function lastPlace(d: Decimal): number {
  return d.fracEnd > d.fracStart ? -(d.fracEnd - d.fracStart) : 0
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE
}

/**
 * A date written as YYYY-MM-DD or YYYY/MM/DD (optionally followed by a time): the offset of its
 * first separator times two, plus 1 for the slash spelling; -1 when it is not such a date.
 */
export function dateSpelling(b: Uint8Array, start: number, end: number): number {
  if (end - start < 10) return -1
  const s = start
  if (!(isDigit(b[s]) && isDigit(b[s + 1]) && isDigit(b[s + 2]) && isDigit(b[s + 3]))) return -1
  if (!(isDigit(b[s + 5]) && isDigit(b[s + 6]) && isDigit(b[s + 8]) && isDigit(b[s + 9]))) return -1
  const s1 = b[s + 4]
  if (s1 !== b[s + 7] || (s1 !== MINUS && s1 !== SLASH)) return -1
  if (end - s > 10 && b[s + 10] !== SPACE && b[s + 10] !== 0x54 /* T */) return -1
  return (s + 4) * 2 + (s1 === SLASH ? 1 : 0)
}

/** Growable output for canonical bytes. */
export class ByteSink {
  buf = new Uint8Array(1024)
  /** The same bytes as 32-bit words (for hashing). */
  words = new Int32Array(this.buf.buffer)
  len = 0

  reset(): void {
    this.len = 0
  }

  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return
    let n = this.buf.length * 2
    while (n < this.len + extra) n *= 2
    const next = new Uint8Array(n)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
    this.words = new Int32Array(next.buffer)
  }

  byte(c: number): void {
    if (this.len === this.buf.length) this.ensure(1)
    this.buf[this.len++] = c
  }

  ascii(s: string): void {
    this.ensure(s.length)
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i)
  }
}

function writeCanonicalDecimal(b: Uint8Array, d: Decimal, out: ByteSink): void {
  let is = d.intStart
  while (is < d.intEnd - 1 && b[is] === ZERO) is++
  let fe = d.fracEnd
  while (fe > d.fracStart && b[fe - 1] === ZERO) fe--
  const intZero = is === d.intEnd || (is === d.intEnd - 1 && b[is] === ZERO)
  if (d.negative && !(intZero && fe === d.fracStart)) out.byte(MINUS)
  out.ensure(d.intEnd - is + fe - d.fracStart + 2)
  if (is === d.intEnd) out.byte(ZERO)
  for (let i = is; i < d.intEnd; i++) out.buf[out.len++] = b[i]!
  if (fe > d.fracStart) {
    out.buf[out.len++] = DOT
    for (let i = d.fracStart; i < fe; i++) out.buf[out.len++] = b[i]!
  }
}

// Excel's day 0 is 1899-12-30 (counting its 1900 leap-year bug); serials 1..2958465 are 1900–9999.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30)

function writeCanonicalDate(b: Uint8Array, start: number, end: number, out: ByteSink): boolean {
  const groups: number[] = []
  let widths = 0
  let i = start
  while (i < end && groups.length < 8) {
    while (i < end && (b[i]! < ZERO || b[i]! > NINE)) i++
    if (i === end) break
    let v = 0
    const s = i
    while (i < end && b[i]! >= ZERO && b[i]! <= NINE) v = v * 10 + (b[i++]! - ZERO)
    if (groups.length === 0) widths = i - s
    groups.push(v)
  }
  if (groups.length === 0) return false
  if (groups.length <= 2 && widths === 8) {
    // 20240105
    const v = groups[0]!
    groups.splice(0, 1, Math.floor(v / 10000), Math.floor(v / 100) % 100, v % 100)
  } else if (groups.length <= 2 && widths <= 7 && groups[0]! >= 1 && groups[0]! < 2958466) {
    // An Excel serial day (a date cell exported without its number format).
    const d = new Date(EXCEL_EPOCH_MS + groups[0]! * 86400000)
    groups.splice(0, 1, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
  }
  while (groups.length > 3 && groups[groups.length - 1] === 0) groups.pop()
  out.ascii(groups.join('-'))
  return true
}

/**
 * Appends the canonical bytes of one field to `out`: trimmed; RFC 4180 quotes undone; inner runs
 * of whitespace as one space; a plain number without leading/trailing zeros; a date (kind 'date')
 * as Y-M-D numbers.
 */
export function writeCanonical(
  b: Uint8Array,
  start: number,
  end: number,
  quoted: boolean,
  isDate: boolean,
  out: ByteSink,
): void {
  trim(b, start, end)
  start = trimmed.start
  end = trimmed.end
  if (start === end) return
  if (isDate && writeCanonicalDate(b, start, end, out)) return
  const c0 = b[start]!
  if (c0 <= NINE && c0 !== SPACE) {
    const d = parseDecimal(b, start, end)
    if (d) {
      writeCanonicalDecimal(b, d, out)
      return
    }
  }
  out.ensure(end - start)
  const o = out.buf
  let n = out.len
  let space = false
  for (let i = start; i < end; i++) {
    const c = b[i]!
    if (c <= SPACE) {
      if (isAsciiSpace(c)) {
        space = true
        continue
      }
    } else if (c === QUOTE && quoted && b[i + 1] === QUOTE) i++
    if (space) {
      o[n++] = SPACE
      space = false
    }
    o[n++] = c
  }
  out.len = n
}

/**
 * A number as Excel or a script may print it (1.5e-7, -1E+21) rewritten as a plain decimal
 * string; other text unchanged.
 */
export function expandExponent(text: string): string {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?[eE]([+-]?\d{1,4})\s*$/.exec(text)
  if (!m || (m[2] === '' && !m[3])) return text
  const digits = (m[2] ?? '') + (m[3] ?? '')
  const point = (m[2] ?? '').length + Number(m[4])
  let s: string
  if (point <= 0) s = '0.' + '0'.repeat(-point) + digits
  else if (point >= digits.length) s = digits + '0'.repeat(point - digits.length)
  else s = digits.slice(0, point) + '.' + digits.slice(point)
  return (m[1] === '-' ? '-' : '') + s
}
