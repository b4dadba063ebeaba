// XLSX dates are serial numbers with a date number format: read as dates, so a date of birth in a
// workbook made by Excel (here by ExcelJS, which writes what Excel writes) is detected.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveLimits } from './limits'
import { scanFile } from './scanner.server'
import { readTable } from './table.server'
import { excelSerialToText, formatCodeKind } from './xlsx.server'

const dir = mkdtempSync(path.join(os.tmpdir(), 'xlsx-dates-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BIRTHS = ['1990-03-07', '1985-11-12', '1977-12-01', '2001-01-31', '1968-07-15', '1999-02-28']

async function workbook(file: string, options: { date1904?: boolean } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook()
  if (options.date1904) wb.properties.date1904 = true
  const ws = wb.addWorksheet('人员')
  ws.addRow(['编号', '出生日期', '登记时间', '金额', '中文日期'])
  BIRTHS.forEach((b, i) => {
    const row = ws.addRow([
      i + 1,
      new Date(`${b}T00:00:00Z`),
      new Date(`${b}T08:30:00Z`),
      1234.5 + i,
      new Date(`${b}T00:00:00Z`),
    ])
    row.getCell(2).numFmt = 'yyyy-mm-dd'
    row.getCell(3).numFmt = 'yyyy/m/d h:mm'
    row.getCell(4).numFmt = '#,##0.00'
    row.getCell(5).numFmt = 'yyyy"年"m"月"d"日"'
  })
  const p = path.join(dir, file)
  await wb.xlsx.writeFile(p)
  return p
}

async function rows(p: string): Promise<string[][]> {
  const out: string[][] = []
  await readTable(
    p,
    { onSheet: () => undefined, onRow: (cells) => out.push([...cells]) },
    resolveLimits(),
  )
  return out
}

describe('XLSX serial dates', () => {
  it('reads cells with a date number format as ISO dates, numbers as numbers', async () => {
    const read = await rows(await workbook('dates.xlsx'))
    expect(read[0]).toEqual(['编号', '出生日期', '登记时间', '金额', '中文日期'])
    expect(read.slice(1).map((r) => r[1])).toEqual(BIRTHS)
    expect(read[1]![2]).toBe('1990-03-07 08:30:00')
    expect(read[1]![3]).toBe('1234.5')
    expect(read[1]![0]).toBe('1')
    expect(read.slice(1).map((r) => r[4])).toEqual(BIRTHS)
  })

  it('honours the 1904 date system', async () => {
    const read = await rows(await workbook('dates-1904.xlsx', { date1904: true }))
    expect(read.slice(1).map((r) => r[1])).toEqual(BIRTHS)
  })

  it('art32 finds dates of birth in an XLSX file', async () => {
    const result = await scanFile(await workbook('births.xlsx'))
    const column = result.sheets[0]!.columns.find((c) => c.name === '出生日期')
    expect(column?.findings.map((f) => f.detector)).toContain('birth_date')
    expect(column?.verdict).toBe('block')
    // The amounts beside them are not dates.
    expect(result.sheets[0]!.columns.find((c) => c.name === '金额')).toBeUndefined()
  })

  it('converts serials and classifies format codes like Excel', () => {
    expect(excelSerialToText(32939, 'date')).toBe('1990-03-07')
    expect(excelSerialToText(1, 'date')).toBe('1900-01-01')
    expect(excelSerialToText(60, 'date')).toBe('1900-02-29')
    expect(excelSerialToText(61, 'date')).toBe('1900-03-01')
    expect(excelSerialToText(0.5, 'time')).toBe('12:00:00')
    expect(excelSerialToText(32939 - 1462, 'date', true)).toBe('1990-03-07')
    expect(excelSerialToText(-1, 'date')).toBeNull()
    expect(formatCodeKind('yyyy-mm-dd')).toBe('date')
    expect(formatCodeKind('[$-804]yyyy"年"m"月"d"日"')).toBe('date')
    expect(formatCodeKind('m/d/yy h:mm')).toBe('datetime')
    expect(formatCodeKind('[h]:mm:ss')).toBe('time')
    expect(formatCodeKind('#,##0.00;[Red]-#,##0.00')).toBeNull()
    expect(formatCodeKind('0"天"')).toBeNull()
    expect(formatCodeKind('General')).toBeNull()
  })
})
