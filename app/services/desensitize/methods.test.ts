import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeResidentId } from '~/services/identity/codes'
import { addressTo, ageBand, dateTo } from './generalize'
import { kAnonymity, makeLabeler, minKForGrade } from './kanon'
import { applyProfile, generalize, mask, pseudonymKey, pseudonymize } from './methods.server'
import { scanFile } from './scanner.server'
import { declaredSchemaSchema, profileSchema } from './schemas'

const dir = mkdtempSync(path.join(os.tmpdir(), 'desens-methods-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')

describe('methods', () => {
  it('masks with a configurable head and tail, counting Chinese characters as one', () => {
    expect(mask('13800138000', 3, 4)).toBe('138****8000')
    expect(mask('张三丰', 1, 0)).toBe('张**')
    expect(mask('abc', 2, 2)).toBe('***')
    expect(mask('6222021234567890128', 6, 4, '#')).toBe('622202#########0128')
  })

  it('generalizes ages to bands, dates to month or year, addresses to district or city', () => {
    expect(ageBand('37')).toBe('30-39')
    expect(ageBand('37', 5)).toBe('35-39')
    expect(dateTo('1990-03-07', 'month')).toBe('1990-03')
    expect(dateTo('1990年3月7日', 'year')).toBe('1990')
    expect(dateTo('2024-11-05 08:30:00', 'month')).toBe('2024-11')
    expect(addressTo('广东省广州市天河区天河路385号', 'district')).toBe('广东省广州市天河区')
    expect(addressTo('深圳市南山区科技园路1号', 'city')).toBe('深圳市')
    expect(generalize('not a date', 'year')).toBe('*')
  })

  it('pseudonyms are stable within a product, differ across products and algorithms, and hide the value', () => {
    const master = Buffer.alloc(32, 7)
    const a = pseudonymKey('product:a', master)
    const b = pseudonymKey('product:b', master)
    const id = makeResidentId('44010619900307123')
    expect(pseudonymize(id, a)).toBe(pseudonymize(id, a))
    expect(pseudonymize(id, a)).not.toBe(pseudonymize(id, b))
    expect(pseudonymize(id, a, 'hmac-sm3')).not.toBe(pseudonymize(id, a, 'hmac-sha256'))
    expect(pseudonymize(id, a)).toMatch(/^p_[0-9a-f]{32}$/)
  })
})

describe('applying a profile', () => {
  const ids = [makeResidentId('44010619900307123'), makeResidentId('44010619851111456')]
  const rows = [
    ['姓名', '身份证号', '手机', '年龄', '住址', '出生日期', '备注'],
    ['张伟', ids[0]!, '13800138000', '34', '广东省广州市天河区天河路385号', '1990-03-07', '无'],
    [
      '李娜',
      ids[1]!,
      '13900139000',
      '39',
      '广东省广州市天河区体育西路1号',
      '1985-11-11',
      '联系人王芳13700137000',
    ],
    ['张伟', ids[0]!, '13800138000', '34', '广东省广州市天河区天河路385号', '1990-03-07', '无'],
    [
      '陈静',
      ids[1]!.slice(0, 17) + '0',
      '13600136000',
      '52',
      '广东省深圳市南山区科技园路1号',
      '1972-01-02',
      '无',
    ],
  ]
  const input = path.join(dir, 'people.csv')
  writeFileSync(input, rows.map((r) => r.join(',')).join('\n') + '\n')
  const profile = profileSchema.parse({
    name: 'release-v1',
    columns: {
      姓名: { method: 'mask', keepHead: 1 },
      身份证号: { method: 'pseudonymize' },
      手机: { method: 'mask', keepHead: 3, keepTail: 4 },
      年龄: { method: 'generalize', to: 'age-band' },
      住址: { method: 'generalize', to: 'district' },
      出生日期: { method: 'generalize', to: 'year' },
      备注: { method: 'suppress' },
    },
  })

  it('art32 streams a desensitized copy that rescans as passed, with provenance hashes', async () => {
    const output = path.join(dir, 'out.csv')
    const prov = await applyProfile({
      source: input,
      output,
      profile,
      productRef: 'product:p1',
      key: Buffer.alloc(32, 1),
    })
    expect(prov).toMatchObject({
      inputHash: sha(input),
      outputHash: sha(output),
      rowsIn: 4,
      rowsOut: 4,
      rowsRemoved: 0,
    })
    expect(prov.profileHash).toMatch(/^[0-9a-f]{64}$/)
    expect(prov.pseudonymScope).toBe('gdpde:desensitize-pseudonym:v1:product:p1')
    const out = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','))
    expect(out[0]).toEqual(['姓名', '身份证号', '手机', '年龄', '住址', '出生日期'])
    expect(out[1]).toEqual([
      '张*',
      out[1]![1],
      '138****8000',
      '30-39',
      '广东省广州市天河区',
      '1990',
    ])
    expect(out[1]![1]).toBe(out[3]![1]) // joins still work
    expect(out[1]![1]).not.toBe(out[2]![1])
    const rescan = await scanFile(output)
    expect(rescan.blockingFindings).toBe(0)
    expect(rescan.status).toBe('passed')
  })

  it('art32 record removal drops rows whose quasi-identifier class is below k', async () => {
    const output = path.join(dir, 'k.csv')
    const withK = profileSchema.parse({
      ...profile,
      removeRecords: {
        belowK: { quasiIdentifiers: ['年龄', '住址'], k: 2 },
        where: [{ column: '姓名', equals: '陈静' }],
      },
    })
    const prov = await applyProfile({
      source: input,
      output,
      profile: withK,
      productRef: 'product:p1',
      key: Buffer.alloc(32, 1),
    })
    expect(prov).toMatchObject({ rowsIn: 4, rowsOut: 3, rowsRemoved: 1 })
    const schema = declaredSchemaSchema.parse({ quasiIdentifiers: ['年龄', '住址'] })
    const rescan = await scanFile(output, { schema, kByGrade: { default: 2 } })
    expect(rescan.kAnonymity[0]).toMatchObject({ smallestClass: 3, passed: true })
  })

  it('refuses a profile naming a column the file does not have', async () => {
    const bad = profileSchema.parse({ name: 'x', columns: { 邮编: { method: 'suppress' } } })
    await expect(
      applyProfile({
        source: input,
        output: path.join(dir, 'x.csv'),
        profile: bad,
        productRef: 'product:p1',
      }),
    ).rejects.toThrow(/邮编/)
  })
})

describe('k-anonymity figures', () => {
  it('art32 smallest class, share below k and labels that hide raw values', () => {
    const classes = new Map([
      ['男\u001f30\u001f天河区', 6],
      ['女\u001f30\u001f天河区', 4],
      ['女\u001f41\u001f越秀区', 1],
    ])
    const k = kAnonymity({
      sheet: 's',
      quasiIdentifiers: ['性别', '年龄', '区域'],
      classes,
      minK: 5,
      labeler: makeLabeler(Buffer.alloc(16)),
    })
    expect(k).toMatchObject({
      records: 11,
      classes: 3,
      smallestClass: 1,
      classesBelowK: 2,
      recordsBelowK: 5,
      passed: false,
    })
    expect(k.shareBelowK).toBeCloseTo(5 / 11)
    expect(k.offending.map((o) => o.count)).toEqual([1, 4])
    expect(k.offending[0]!.labels[1]).toBe('age 40-49')
    expect(k.offending[0]!.labels[0]).toMatch(/^#[0-9a-f]{8}$/)
    expect(JSON.stringify(k.offending)).not.toMatch(/女|越秀/)
  })

  it('the minimum k comes from the grade, 5 by default', () => {
    expect(minKForGrade(undefined)).toBe(5)
    expect(minKForGrade('important', { default: 5, important: 20 })).toBe(20)
    expect(minKForGrade('general-2', { default: 5, important: 20 })).toBe(5)
  })
})
