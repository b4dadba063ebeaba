// The streaming CSV byte scanner (app/lib/csv-scanner.ts): RFC 4180 records however the bytes
// arrive, the bytes passed through unchanged, and a bound on a record's length.
import { describe, expect, it } from 'vitest'
import { CsvScanner, fieldText, type CsvRecord } from './csv-scanner'

function records(chunks: Buffer[]): string[][] {
  const out: string[][] = []
  const take = (rec: CsvRecord) =>
    out.push(Array.from({ length: rec.count }, (_, f) => fieldText(rec, f)))
  const s = new CsvScanner()
  const bytes: Buffer[] = []
  for (const c of chunks) bytes.push(Buffer.from(s.push(c, take)))
  bytes.push(Buffer.from(s.end(take)))
  expect(Buffer.concat(bytes).equals(Buffer.concat(chunks))).toBe(true)
  return out
}

describe('CSV scanner', () => {
  const text = 'id,name,note\r\n1,"a, ""quoted"" name","two\nlines"\r\n2,plain,\n3,"",last'
  const expected = [
    ['id', 'name', 'note'],
    ['1', 'a, "quoted" name', 'two\nlines'],
    ['2', 'plain', ''],
    ['3', '', 'last'],
  ]

  it('reads RFC 4180 quoting, CRLF and a last line without a line end', () => {
    expect(records([Buffer.from(text)])).toEqual(expected)
  })

  it('gives the same records however the bytes are split', () => {
    const b = Buffer.from(text)
    expect(records([...b].map((x) => Buffer.from([x])))).toEqual(expected)
    for (let cut = 1; cut < b.length; cut++)
      expect(records([b.subarray(0, cut), b.subarray(cut)])).toEqual(expected)
  })

  it('refuses a record longer than the bound instead of growing without limit', () => {
    const s = new CsvScanner({ maxRecordBytes: 100 })
    expect(() => s.push(Buffer.from('"' + 'x'.repeat(200)), () => undefined)).toThrow(
      /longer than 100 bytes/,
    )
  })
})
