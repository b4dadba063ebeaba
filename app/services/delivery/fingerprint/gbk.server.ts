// GBK anchor fields as UTF-8 bytes, fast. A GBK file's rows must anchor exactly as their UTF-8
// twin's (a leak is often re-encoded), so anchor fields are converted; iconv-lite (and ICU's
// TextDecoder) decode GBK at ~50 MB/s and cost ~1 µs per call, which made GBK copies 7× slower
// than UTF-8 ones. A table of every two-byte GBK code, built once from iconv-lite itself, turns
// the conversion into a lookup per character; anything else (GB18030 four-byte sequences, bytes
// the table does not know) falls back to iconv-lite for that field.
import iconv from 'iconv-lite'
import type { ByteSink } from './canonical'

let table: Uint16Array | undefined

/** Unicode code point of each two-byte GBK code (lead << 8 | trail); 0 where none. */
function gbkTable(): Uint16Array {
  if (table) return table
  const t = new Uint16Array(65536)
  const pair = Buffer.alloc(2)
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue
      pair[0] = lead
      pair[1] = trail
      const s = iconv.decode(pair, 'gb18030')
      const cp = s.length === 1 ? s.charCodeAt(0) : 0
      if (cp >= 0x80 && cp !== 0xfffd && (cp < 0xd800 || cp > 0xdfff)) t[(lead << 8) | trail] = cp
    }
  }
  table = t
  return t
}

/**
 * Appends the UTF-8 form of GBK bytes `src[start, end)` to `out`. Returns false (and leaves
 * `out.len` as it was) when it meets a sequence the table does not cover.
 */
export function gbkToUtf8Into(src: Uint8Array, start: number, end: number, out: ByteSink): boolean {
  const t = gbkTable()
  out.ensure((end - start) * 2)
  const o = out.buf
  const begin = out.len
  let n = begin
  for (let i = start; i < end; i++) {
    const c = src[i]!
    if (c < 0x80) {
      o[n++] = c
      continue
    }
    const cp = i + 1 < end ? t[(c << 8) | src[i + 1]!]! : 0
    if (cp === 0) {
      out.len = begin
      return false
    }
    i++
    if (cp < 0x800) {
      o[n++] = 0xc0 | (cp >> 6)
      o[n++] = 0x80 | (cp & 0x3f)
    } else {
      o[n++] = 0xe0 | (cp >> 12)
      o[n++] = 0x80 | ((cp >> 6) & 0x3f)
      o[n++] = 0x80 | (cp & 0x3f)
    }
  }
  out.len = n
  return true
}

/** The slow, complete conversion (any GB18030 text). */
export function gbkToUtf8(b: Buffer): Buffer {
  return Buffer.from(iconv.decode(b, 'gb18030'), 'utf8')
}
