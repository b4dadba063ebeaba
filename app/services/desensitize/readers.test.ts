import {
  createWriteStream,
  mkdtempSync,
  rmSync,
  truncateSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import {
  sheetXml,
  workbookEntries,
  writeXlsx,
  zipBuffer,
} from '../../../tests/fixtures/desensitize/xlsx'
import { generateCorpus } from '../../../tests/fixtures/desensitize/corpus'
import { CsvParser } from './csv.server'
import { resolveLimits, ScanInputError, type ScanLimits } from './limits'
import { readTable, type ReadSummary } from './table.server'

const dir = mkdtempSync(path.join(os.tmpdir(), 'desens-read-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name)
  writeFileSync(p, content)
  return p
}

async function readAll(p: string, limits: Partial<ScanLimits> = {}) {
  const sheets: { name: string; rows: string[][] }[] = []
  const summary: ReadSummary = await readTable(
    p,
    {
      onSheet: (name) => sheets.push({ name, rows: [] }),
      onRow: (cells) => sheets.at(-1)!.rows.push(cells),
    },
    resolveLimits(limits),
  )
  return { sheets, summary }
}

async function readError(p: string, limits: Partial<ScanLimits> = {}): Promise<ScanInputError> {
  const error = await readAll(p, limits).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ScanInputError)
  return error as ScanInputError
}

const TABLE = '姓名,手机\n张三,13800138000\n李四,"139,0013"\n'

describe('CSV encodings are detected, not assumed', () => {
  it('reads UTF-8 without a BOM', async () => {
    const { sheets, summary } = await readAll(file('u8.csv', TABLE))
    expect(summary.encoding).toBe('utf-8')
    expect(sheets[0]!.rows).toEqual([
      ['姓名', '手机'],
      ['张三', '13800138000'],
      ['李四', '139,0013'],
    ])
  })

  it('reads UTF-8 with a BOM and drops the BOM', async () => {
    const { sheets, summary } = await readAll(
      file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TABLE)])),
    )
    expect(summary.encoding).toBe('utf-8-bom')
    expect(sheets[0]!.rows[0]).toEqual(['姓名', '手机'])
  })

  it('reads GBK as GB18030', async () => {
    const { sheets, summary } = await readAll(file('gbk.csv', iconv.encode(TABLE, 'gbk')))
    expect(summary.encoding).toBe('gb18030')
    expect(sheets[0]!.rows[1]).toEqual(['张三', '13800138000'])
  })

  it('reads UTF-16 with a BOM', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TABLE, 'utf16le')])
    const { sheets, summary } = await readAll(file('u16.csv', le))
    expect(summary.encoding).toBe('utf-16le')
    expect(sheets[0]!.rows[1]).toEqual(['张三', '13800138000'])
  })

  it('does not mistake a long GBK file for a mixed one', async () => {
    const corpus = generateCorpus(3000, 5)
    const text =
      corpus.header.join(',') +
      '\n' +
      corpus.rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n')
    const { sheets, summary } = await readAll(file('big-gbk.csv', iconv.encode(text, 'gbk')))
    expect(summary.encoding).toBe('gb18030')
    expect(summary.bytes).toBeGreaterThan(1024 * 1024)
    expect(sheets[0]!.rows).toHaveLength(3001)
    expect(sheets[0]!.rows[1]).toEqual(corpus.rows[0])
  })

  it('decides on the first non-ASCII bytes even when they come late', async () => {
    const ascii = 'id,n\n' + '1,2\n'.repeat(400_000) // > 1 MB of ASCII first
    const { sheets, summary } = await readAll(
      file('late.csv', Buffer.concat([Buffer.from(ascii), iconv.encode('3,广州\n', 'gbk')])),
    )
    expect(summary.encoding).toBe('gb18030')
    expect(sheets[0]!.rows.at(-1)).toEqual(['3', '广州'])
  })

  it('refuses a file mixing UTF-8 and GBK', async () => {
    const u8 = Buffer.from('a,b\n' + '中文,内容\n'.repeat(1000))
    const gbk = iconv.encode('张三,李四\n'.repeat(1000), 'gbk')
    const error = await readError(file('mixed.csv', Buffer.concat([u8, gbk])))
    expect(error.code).toBe('mixed_encoding')
  })

  it('reads TSV and CRLF, and keeps quoted newlines and doubled quotes', async () => {
    const { sheets, summary } = await readAll(file('t.tsv', 'a\tb\r\n"x\r\ny"\t"say ""hi"""\r\n'))
    expect(summary.format).toBe('tsv')
    expect(sheets[0]!.rows).toEqual([
      ['a', 'b'],
      ['x\r\ny', 'say "hi"'],
    ])
  })

  it('parses records split across any chunk boundary', () => {
    const text = 'a,"b\n""c""",d\r\ne,f,"g"\n'
    for (let cut = 0; cut <= text.length; cut++) {
      const rows: string[][] = []
      const parser = new CsvParser((cells) => rows.push(cells), resolveLimits())
      parser.push(text.slice(0, cut))
      parser.push(text.slice(cut))
      parser.finish()
      expect(rows, `cut at ${cut}`).toEqual([
        ['a', 'b\n"c"', 'd'],
        ['e', 'f', 'g'],
      ])
    }
  })
})

describe('bad CSV input ends in a clear error, never an unbounded allocation', () => {
  it('refuses a row of 10,000 columns', async () => {
    const error = await readError(file('wide.csv', 'a\n' + 'x,'.repeat(10_000) + 'x\n'))
    expect(error.code).toBe('too_many_columns')
    expect(error.message).toMatch(/more than 4096 columns/)
  })

  it('stops a single line longer than the record cap while streaming it', async () => {
    const p = path.join(dir, 'long.csv')
    const out = createWriteStream(p)
    const block = Buffer.alloc(1024 * 1024, 'x') // 8 MB in 1 MB blocks: never whole in memory
    out.write('a,b\n')
    for (let i = 0; i < 8; i++) if (!out.write(block)) await once(out, 'drain')
    out.end('\n')
    await once(out, 'finish')
    const error = await readError(p, { maxRecordChars: 2 * 1024 * 1024 })
    expect(error.code).toBe('record_too_long')
    expect(error.message).toMatch(/line 2/)
  })

  it('refuses an unterminated quote at the end of the file', async () => {
    expect((await readError(file('q.csv', 'a,b\n"open,x\n'))).code).toBe('unterminated_quote')
  })

  it('refuses an empty or missing file', async () => {
    expect((await readError(file('empty.csv', ''))).code).toBe('empty')
    expect((await readError(path.join(dir, 'nope.csv'))).code).toBe('unreadable')
  })
})

describe('XLSX', () => {
  it('reads every sheet, shared and inline values', async () => {
    const p = path.join(dir, 'book.xlsx')
    writeXlsx(p, [
      {
        name: '人员',
        rows: [
          ['姓名', '年龄'],
          ['张三', 34],
          ['李四', 28],
        ],
      },
      { name: 'Orgs', rows: [['名称'], ['广东省数据局']] },
    ])
    const { sheets, summary } = await readAll(p)
    expect(summary.format).toBe('xlsx')
    expect(sheets).toEqual([
      {
        name: '人员',
        rows: [
          ['姓名', '年龄'],
          ['张三', '34'],
          ['李四', '28'],
        ],
      },
      { name: 'Orgs', rows: [['名称'], ['广东省数据局']] },
    ])
  })

  it('refuses a truncated XLSX', async () => {
    const p = path.join(dir, 'cut.xlsx')
    writeXlsx(p, [{ name: 'S', rows: [['a'], ['b']] }])
    truncateSync(p, Math.floor(statSync(p).size / 2))
    expect((await readError(p)).code).toBe('xlsx_truncated')
  })

  const zeros = (mb: number) =>
    function* () {
      const head = Buffer.from('<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>')
      yield head
      const block = Buffer.alloc(1024 * 1024, 0x20)
      for (let i = 0; i < mb; i++) yield block
      yield Buffer.from('</t></is></c></row></sheetData></worksheet>')
    }

  it('refuses a zip bomb from its declared sizes before inflating it', async () => {
    const p = file('bomb.xlsx', zipBuffer(workbookEntries([{ name: 'S', xml: zeros(64) }], [])))
    const error = await readError(p)
    expect(error.code).toBe('zip_bomb')
    expect(error.message).toMatch(/inflates \d+×/)
  })

  it('refuses a zip bomb whose header lies about its size', async () => {
    const p = file(
      'liar.xlsx',
      zipBuffer(workbookEntries([{ name: 'S', xml: zeros(16), declaredSize: 1000 }], [])),
    )
    const error = await readError(p)
    expect(error.code).toBe('zip_bomb')
  })

  it('refuses a workbook over the decompressed-size budget', async () => {
    const shared: string[] = []
    const xml = sheetXml([['a'], ['b']], shared)
    const p = file('budget.xlsx', zipBuffer(workbookEntries([{ name: 'S', xml }], shared)))
    expect((await readError(p, { maxDecompressedBytes: 100 })).code).toBe('zip_bomb')
  })

  it('refuses a shared-string table of millions of empty strings (memory without characters)', async () => {
    const shared = Array.from({ length: 5_000 }, () => '')
    const xml = sheetXml([['a'], ['b']], [])
    const p = file('empty-strings.xlsx', zipBuffer(workbookEntries([{ name: 'S', xml }], shared)))
    const error = await readError(p, { maxSharedStrings: 1_000 })
    expect(error.code).toBe('shared_strings_too_large')
    expect(error.message).toMatch(/more than 1000 strings/)
  })

  it('refuses a sheet row wider than the column cap', async () => {
    const p = path.join(dir, 'wide.xlsx')
    writeXlsx(p, [{ name: 'S', rows: [Array.from({ length: 50 }, (_, i) => `c${i}`)] }])
    expect((await readError(p, { maxColumns: 10 })).code).toBe('too_many_columns')
  })

  it('refuses a ZIP that is not a workbook', async () => {
    const p = file('plain.zip', zipBuffer([{ name: 'readme.txt', data: Buffer.from('hi') }]))
    expect((await readError(p)).code).toBe('xlsx_corrupt')
  })
})
