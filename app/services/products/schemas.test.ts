// The new-version form's field lines (versionFormSchema): types, flags, and the fingerprint
// tolerance a provider declares for a numeric field (Art. 38, ADR 021).
import { describe, expect, it } from 'vitest'
import { versionFormSchema } from './schemas'

const INPUT = `catalog-entry:${'a'.repeat(24)}`

function parse(schemaLines: string) {
  return versionFormSchema.safeParse({ input: [INPUT], activityZh: '加工', schemaLines })
}

describe('version form field lines', () => {
  it('art38 reads fixed and ±N on numeric fields, beside personal and sensitive', () => {
    const result = parse(
      [
        'city_code, 城市代码, City code, code',
        'rate, 比率, Rate, decimal, fixed',
        'firms, 企业数, Firms, integer, ±10',
        'area, 面积, Area, decimal, +-0.5, sensitive',
        'owner, 权利人, Owner, string, personal',
      ].join('\n'),
    )
    expect(result.success).toBe(true)
    const fields = result.data!.schema
    expect(fields.map((f) => [f.name, f.type, f.fixed, f.toleranceAbsolute])).toEqual([
      ['city_code', 'code', false, null],
      ['rate', 'decimal', true, null],
      ['firms', 'integer', false, 10],
      ['area', 'decimal', false, 0.5],
      ['owner', 'string', false, null],
    ])
    expect(fields[3]!.sensitive).toBe(true)
    expect(fields[4]!.personal).toBe(true)
  })

  it('art38 refuses a tolerance on a field that is not numeric, both at once, or an unknown flag', () => {
    const messages = (lines: string) => {
      const result = parse(lines)
      return result.success ? [] : result.error.issues.map((i) => i.message)
    }
    expect(messages('name, 名称, Name, string, ±5')).toEqual(['error.market.toleranceNotNumeric'])
    expect(messages('day, 日期, Day, date, fixed')).toEqual(['error.market.toleranceNotNumeric'])
    expect(messages('rate, 比率, Rate, decimal, fixed, ±1')).toEqual([
      'error.market.toleranceNotNumeric',
    ])
    expect(messages('rate, 比率, Rate, decimal, ±0')).toEqual(['error.market.schemaLine'])
    expect(messages('rate, 比率, Rate, decimal, roughly')).toEqual(['error.market.schemaLine'])
    expect(messages('rate, 比率, Rate, decimal, ±abc')).toEqual(['error.market.schemaLine'])
    expect(messages('rate, 比率, Rate, decimal, ±1, ±2')).toEqual(['error.market.schemaLine'])
  })
})
