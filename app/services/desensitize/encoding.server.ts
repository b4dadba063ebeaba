// Text encoding of a CSV/TSV file, detected from its bytes (never assumed): a BOM says UTF-8 or
// UTF-16; otherwise the first chunk holding a non-ASCII byte decides — strict UTF-8 if it decodes,
// else GB18030 (a superset of GBK and GB2312). Bytes that contradict the decision later (a file
// stitched from a UTF-8 and a GBK part) end the read with `mixed_encoding`.
import { isAscii } from 'node:buffer'
import iconv from 'iconv-lite'
import { ScanInputError } from './limits'

export type TextEncoding = 'ascii' | 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'utf-16be'

// GBK text passes as UTF-8 only by chance, a character or a few at a time; a run of this many
// consecutive valid multi-byte UTF-8 characters means the bytes really are UTF-8.
const UTF8_RUN_EVIDENCE = 24

/** Byte offset where a run of UTF8_RUN_EVIDENCE valid multi-byte UTF-8 characters ends, or -1. */
export function findUtf8Run(buf: Buffer): number {
  let run = 0
  const n = buf.length
  for (let i = 0; i < n;) {
    const b = buf[i]!
    if (b < 0x80) {
      i++
      continue
    }
    const len =
      b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    let ok = len > 0 && i + len <= n
    for (let k = 1; ok && k < len; k++) ok = (buf[i + k]! & 0xc0) === 0x80
    if (!ok) {
      run = 0
      i++
      continue
    }
    if (++run >= UTF8_RUN_EVIDENCE) return i + len
    i += len
  }
  return -1
}

interface Decoder {
  write(buf: Buffer): string
  end(): string
}

function utf8Strict(): Decoder {
  const d = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() }
}

export class SniffingDecoder {
  encoding: TextEncoding = 'ascii'
  private decoder: Decoder | undefined
  private first = true
  private offset = 0

  write(chunk: Buffer): string {
    const at = this.offset
    this.offset += chunk.length
    let buf = chunk
    if (this.first) {
      this.first = false
      buf = this.fromBom(buf)
    }
    if (!this.decoder) {
      // Pure ASCII reads the same in every candidate encoding: decide later.
      if (isAscii(buf)) return buf.toString('latin1')
      this.decide(buf)
    }
    try {
      const text = this.decoder!.write(buf)
      if (this.encoding === 'gb18030') this.checkGb18030(buf, text, at)
      return text
    } catch (error) {
      if (error instanceof ScanInputError) throw error
      throw new ScanInputError(
        'mixed_encoding',
        `invalid ${this.encoding} bytes near byte ${at}: the file mixes encodings or is not text`,
      )
    }
  }

  end(): string {
    if (!this.decoder) return ''
    try {
      return this.decoder.end()
    } catch {
      throw new ScanInputError(
        'invalid_encoding',
        `the file ends inside a ${this.encoding} character`,
      )
    }
  }

  private fromBom(buf: Buffer): Buffer {
    if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      this.encoding = 'utf-8-bom'
      this.decoder = utf8Strict()
      return buf.subarray(3)
    }
    if (
      buf.length >= 2 &&
      ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
    ) {
      this.encoding = buf[0] === 0xff ? 'utf-16le' : 'utf-16be'
      const d = new TextDecoder(this.encoding, { fatal: true })
      this.decoder = { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() }
      return buf.subarray(2)
    }
    return buf
  }

  private decide(buf: Buffer): void {
    const probe = utf8Strict()
    try {
      probe.write(buf)
      this.encoding = 'utf-8'
      this.decoder = utf8Strict()
    } catch {
      this.encoding = 'gb18030'
      const d = iconv.getDecoder('gb18030')
      this.decoder = { write: (b) => d.write(b), end: () => d.end() ?? '' }
    }
  }

  // GB18030 decodes almost any byte string, so catch the two tell-tales of a wrong guess:
  // replacement characters, and a stretch of bytes that is in fact UTF-8.
  private checkGb18030(buf: Buffer, text: string, at: number): void {
    if (text.includes('\ufffd')) {
      throw new ScanInputError(
        'invalid_encoding',
        `bytes near byte ${at} are neither UTF-8 nor GB18030`,
      )
    }
    const run = findUtf8Run(buf)
    if (run !== -1) {
      throw new ScanInputError(
        'mixed_encoding',
        `the file is GB18030/GBK but the bytes near byte ${at + run} are UTF-8: mixed encodings`,
      )
    }
  }
}
