import { once } from 'node:events'
import {
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import { makeResidentId } from '~/services/identity/codes'
import { writeXlsx } from '../../../tests/fixtures/desensitize/xlsx'
import { scanFile } from './scanner.server'
import { declaredSchemaSchema } from './schemas'

const dir = mkdtempSync(path.join(os.tmpdir(), 'desens-scan-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name)
  writeFileSync(p, content)
  return p
}
const ids = Array.from({ length: 6 }, (_, i) => makeResidentId(`4401061990030${i + 1}12${i}`))

describe('scan verdicts', () => {
  it('art32 passes a file without personal data', async () => {
    const r = await scanFile(file('clean.csv', '区域,数量,状态\n天河区,12,正常\n越秀区,7,已办结\n'))
    expect(r.status).toBe('passed')
    expect(r.blockingFindings).toBe(0)
    expect(r.fileHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('art32 fails a file with resident IDs, naming column, rows and method', async () => {
    const csv = '编号,证件\n' + ids.map((id, i) => `${i},${id}`).join('\n') + '\n'
    const r = await scanFile(file('ids.csv', csv))
    expect(r.status).toBe('failed')
    const col = r.sheets[0]!.columns.find((c) => c.name === '证件')!
    expect(col.verdict).toBe('block')
    expect(col.findings[0]).toMatchObject({
      detector: 'resident_id',
      count: 6,
      samples: [2, 3, 4, 5, 6],
      verdict: 'block',
    })
    expect(col.findings[0]!.suggestedMethod).toMatch(/pseudonymize/)
  })

  it('art41 a column declared non-personal that holds IDs is an undeclared-personal finding', async () => {
    const csv = '编号,备用字段\n' + ids.map((id, i) => `${i},${id}`).join('\n') + '\n'
    const schema = declaredSchemaSchema.parse({ columns: [{ name: '备用字段', personal: false }] })
    const r = await scanFile(file('declared.csv', csv), { schema })
    const col = r.sheets[0]!.columns.find((c) => c.name === '备用字段')!
    expect(col.declaredPersonal).toBe(false)
    expect(col.findings[0]!.reason).toBe('undeclared_personal')
    expect(r.status).toBe('failed')
  })

  it('art32 a declared personal column with no raw identifiers left passes as desensitized', async () => {
    const csv = '编号,证件\n1,4401**********123X\n2,p_0a1b2c3d4e5f60718293a4b5c6d7e8f9\n'
    const schema = declaredSchemaSchema.parse({
      columns: [{ name: '证件', personal: true, category: 'resident_id' }],
    })
    const r = await scanFile(file('masked.csv', csv), { schema })
    expect(r.status).toBe('passed')
    expect(r.sheets[0]!.columns[0]).toMatchObject({
      name: '证件',
      declaredPersonal: true,
      verdict: 'ok',
    })
  })

  it('a few chance Luhn passes among many failing card-shaped numbers do not block', async () => {
    // 16-digit numbers with a card prefix: one in ten passes Luhn by chance.
    const rows = Array.from(
      { length: 200 },
      (_, i) => `${i},62${String(1e13 + i * 7919).padStart(14, '0')}`,
    )
    const r = await scanFile(file('orders.csv', '行,订单号\n' + rows.join('\n') + '\n'))
    const col = r.sheets[0]!.columns.find((c) => c.name === '订单号')
    expect(col?.findings.every((f) => f.verdict === 'review') ?? true).toBe(true)
    expect(r.status).toBe('passed')
  })

  it('scans GBK the same as UTF-8', async () => {
    const text = '姓名,手机\n张伟,13800138000\n李娜,13900139000\n'
    const a = await scanFile(file('u.csv', text))
    const b = await scanFile(file('g.csv', iconv.encode(text, 'gbk')))
    expect(b.encoding).toBe('gb18030')
    expect(b.sheets[0]!.columns).toEqual(a.sheets[0]!.columns)
  })

  it('scans every XLSX sheet', async () => {
    const p = path.join(dir, 'book.xlsx')
    writeXlsx(p, [
      {
        name: '统计',
        rows: [
          ['区域', '数量'],
          ['天河区', 3],
        ],
      },
      {
        name: '联系人',
        rows: [
          ['姓名', '电话'],
          ['王芳', '13800138000'],
        ],
      },
    ])
    const r = await scanFile(p)
    expect(r.format).toBe('xlsx')
    expect(r.sheets.map((s) => s.name)).toEqual(['统计', '联系人'])
    expect(r.sheets[1]!.columns.map((c) => c.findings[0]!.detector)).toEqual([
      'person_name',
      'mobile',
    ])
    expect(r.status).toBe('failed')
  })
})

describe('bad input ends in a failed report, never a throw', () => {
  it('a truncated XLSX', async () => {
    const p = path.join(dir, 'cut.xlsx')
    writeXlsx(p, [{ name: 'S', rows: [['a'], ['b']] }])
    truncateSync(p, Math.floor(statSync(p).size / 2))
    const r = await scanFile(p)
    expect(r).toMatchObject({ status: 'failed', failure: { code: 'xlsx_truncated' } })
    expect(r.fileHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('a 10,000-column row', async () => {
    const r = await scanFile(file('wide.csv', 'a\n' + 'x,'.repeat(10_000) + '\n'))
    expect(r).toMatchObject({ status: 'failed', failure: { code: 'too_many_columns' } })
  })

  it('a single line longer than the record cap, written as a stream', async () => {
    const p = path.join(dir, 'line.csv')
    const out = createWriteStream(p)
    out.write('a,b\n')
    const block = Buffer.alloc(512 * 1024, 'y')
    for (let i = 0; i < 6; i++) if (!out.write(block)) await once(out, 'drain')
    out.end()
    await once(out, 'finish')
    const r = await scanFile(p, { limits: { maxRecordChars: 1024 * 1024 } })
    expect(r).toMatchObject({ status: 'failed', failure: { code: 'record_too_long' } })
  })

  it('a missing file', async () => {
    const r = await scanFile(path.join(dir, 'missing.csv'))
    expect(r).toMatchObject({ status: 'failed', failure: { code: 'unreadable' }, fileHash: null })
  })
})

describe('k-anonymity in the scan', () => {
  const rows = [
    ['性别', '年龄', '区域', '诊断'],
    ...Array.from({ length: 6 }, () => ['男', '30-39', '天河区', '感冒']),
    ...Array.from({ length: 5 }, () => ['女', '30-39', '天河区', '感冒']),
    ['女', '40-49', '越秀区', '感冒'],
    ['女', '40-49', '越秀区', '发热'],
  ]
  const csv = rows.map((r) => r.join(',')).join('\n') + '\n'

  it('art32 fails below the minimum k and reports the figures without raw values', async () => {
    const schema = declaredSchemaSchema.parse({ quasiIdentifiers: ['性别', '年龄', '区域'] })
    const r = await scanFile(file('k.csv', csv), { schema })
    const k = r.kAnonymity[0]!
    expect(k).toMatchObject({
      minK: 5,
      records: 13,
      classes: 3,
      smallestClass: 2,
      classesBelowK: 1,
      recordsBelowK: 2,
      passed: false,
    })
    expect(k.shareBelowK).toBeCloseTo(2 / 13)
    expect(k.offending).toHaveLength(1)
    expect(k.offending[0]!.count).toBe(2)
    expect(k.offending[0]!.labels.join('|')).not.toMatch(/女|越秀/)
    expect(r.status).toBe('failed')
  })

  it('art32 passes when the grade asks for less', async () => {
    const schema = declaredSchemaSchema.parse({
      quasiIdentifiers: ['性别', '年龄', '区域'],
      grade: 'general-1',
    })
    const r = await scanFile(file('k2.csv', csv), {
      schema,
      kByGrade: { default: 5, 'general-1': 2 },
    })
    expect(r.kAnonymity[0]).toMatchObject({ minK: 2, passed: true })
    expect(r.status).toBe('passed')
  })

  it('fails when the declared quasi-identifiers are not in the file', async () => {
    const schema = declaredSchemaSchema.parse({ quasiIdentifiers: ['邮编'] })
    const r = await scanFile(file('k3.csv', csv), { schema })
    expect(r.status).toBe('failed')
    expect(r.schemaIssues.join()).toMatch(/邮编/)
  })
})
