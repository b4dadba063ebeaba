import { describe, it, expect } from 'vitest'
import {
  isValidResidentId,
  isValidUscc,
  makeResidentId,
  makeUscc,
  maskResidentId,
  maskUscc,
  MIN_BIRTH_DATE,
  normalizeResidentId,
  normalizeUscc,
  orgCodeCheckChar,
  residentIdCheckChar,
  usccCheckChar,
} from './codes'

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'

/** Small seeded PRNG (mulberry32), so property-test failures can be reproduced. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const pick = (r: () => number, s: string) => s[Math.floor(r() * s.length)]!

describe('USCC (GB 32100-2015)', () => {
  // Real published codes. For each one, both the GB 11714 check (pos 17) and
  // the mod-31 check (pos 18) were recomputed independently of this module.
  // Every code/name pair appears in public sources, most in several.
  const knownGood: Array<[string, string]> = [
    ['9144030071526726XG', 'Tencent Technology (Shenzhen) Co., Ltd. (org-code check X)'],
    ['91440300708461136T', 'Shenzhen Tencent Computer Systems Co., Ltd.'],
    ['914403001922038216', 'Huawei Technologies Co., Ltd. (numeric check char)'],
    ['91330100716105852F', 'Alibaba (China) Network Technology Co., Ltd.'],
    ['91110108551385082Q', 'Xiaomi Inc. (小米科技有限责任公司)'],
    ['91110000802100433B', 'Beijing Baidu Netcom Science and Technology Co., Ltd.'],
    ['91110108795101314G', 'Google Information Technology (China) Co., Ltd.'],
    ['9135020026015919XW', 'Xiamen Xiangyu Group Co., Ltd.'],
    [
      '91350100M000100Y43',
      'sample code cited as the official example by many validators (letters in the org code)',
    ],
  ]
  // Real codes in non-enterprise categories, taken from public lists of
  // sample codes. Both check chars agree, which is why we enforce the
  // GB 11714 check too.
  const otherCategories = [
    '12100000425006133D', // 12: public institution
    '11330283002982634F', // 11: government body
    '51100000500019541K', // 51: social organisation
    '52120000MJ0529018E', // 52: private non-enterprise unit
    '92510100MA61WJ3204', // 92: sole proprietor
  ]

  it.each(knownGood)('accepts %s (%s)', (code) => {
    expect(isValidUscc(code)).toBe(true)
    expect(usccCheckChar(code.slice(0, 17))).toBe(code[17])
    expect(orgCodeCheckChar(code.slice(8, 16))).toBe(code[16])
  })

  it.each(otherCategories)('accepts non-enterprise category code %s', (code) => {
    expect(isValidUscc(code)).toBe(true)
  })

  it.each([
    ['9144030071526726XH', 'wrong check char'],
    ['914403001922038217', 'wrong check char (digit)'],
    ['91440300715267260N', 'GB 11714 check wrong (mod-31 check recomputed and correct)'],
    ['91A4030071526726XQ', 'non-digit region code (mod-31 check correct)'],
    ['9144030071526726X', 'too short (17)'],
    ['9144030071526726XGG', 'too long (19)'],
    ['', 'empty'],
    ['9144030071526726xg', 'lowercase'],
    [' 9144030071526726XG', 'leading whitespace (not normalised)'],
    ['91440300I1526726XG', 'forbidden letter I'],
    ['91440300O1526726XG', 'forbidden letter O'],
    ['91440300Z1526726XG', 'forbidden letter Z'],
    ['91440300S1526726XG', 'forbidden letter S'],
    ['91440300V1526726XG', 'forbidden letter V'],
    [
      '91350211M0000XUF46',
      'Fujian pilot code issued before GB 32100; real but not standard-conforming',
    ],
  ])('rejects %j: %s', (code) => {
    expect(isValidUscc(code)).toBe(false)
  })

  it('normalizeUscc trims and uppercases', () => {
    expect(normalizeUscc('  9144030071526726xg\n')).toBe('9144030071526726XG')
    expect(isValidUscc(normalizeUscc(' 91350100m000100y43 '))).toBe(true)
  })

  it('check helpers reject malformed input', () => {
    expect(() => usccCheckChar('123')).toThrow(RangeError)
    expect(() => usccCheckChar('91A40300715267260')).toThrow(RangeError)
    expect(() => orgCodeCheckChar('7152672')).toThrow(RangeError)
    expect(() => makeUscc('91440300715267260')).toThrow(RangeError) // bad GB 11714 char at pos 17
  })

  it('makeUscc appends the check char', () => {
    expect(makeUscc('9144030071526726X')).toBe('9144030071526726XG')
  })

  it('property: generated codes validate, and every single-char substitution is detected', () => {
    const r = rng(32100)
    for (let n = 0; n < 1000; n++) {
      let body = pick(r, USCC_CHARSET) + pick(r, USCC_CHARSET)
      for (let i = 0; i < 6; i++) body += pick(r, '0123456789')
      for (let i = 0; i < 8; i++) body += pick(r, USCC_CHARSET)
      const code = makeUscc(body + orgCodeCheckChar(body.slice(8, 16)))
      expect(isValidUscc(code)).toBe(true)
      // The mod-31 weights are all nonzero mod the prime 31, and two charset
      // values differ by less than 31. So any substitution at any position
      // changes the weighted sum mod 31.
      for (let pos = 0; pos < 18; pos++) {
        for (const c of USCC_CHARSET) {
          if (c === code[pos]) continue
          const mutated = code.slice(0, pos) + c + code.slice(pos + 1)
          if (isValidUscc(mutated))
            throw new Error(`undetected substitution: ${code} -> ${mutated}`)
        }
      }
    }
  })
})

describe('resident ID (GB 11643-1999)', () => {
  const today = new Date(2024, 5, 15) // 2024-06-15 (local time)

  it("accepts the standard's example 11010519491231002X", () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true)
    expect(residentIdCheckChar('11010519491231002')).toBe('X')
  })

  it("computes the check digit of the standard's example 440524188001010014", () => {
    expect(residentIdCheckChar('44052418800101001')).toBe('4')
    // The checksum is right, but the birth year 1880 is before the
    // 1900-01-01 floor this app requires, so the ID is rejected.
    expect(MIN_BIRTH_DATE).toBe('19000101')
    expect(isValidResidentId('440524188001010014')).toBe(false)
  })

  it('accepts boundary dates', () => {
    expect(isValidResidentId(makeResidentId('11010519000101001'), today)).toBe(true) // floor
    expect(isValidResidentId(makeResidentId('11010520000229001'), today)).toBe(true) // leap day 2000
    expect(isValidResidentId(makeResidentId('11010520240615001'), today)).toBe(true) // born today
    expect(isValidResidentId(makeResidentId('83000019800101001'), today)).toBe(true) // 83: residence permit
  })

  it.each([
    ['110105194912310021', 'wrong check digit'],
    [makeResidentId('11010519990230002'), 'date 19990230 does not exist'],
    [makeResidentId('11010519000229001'), '1900 is not a leap year'],
    [makeResidentId('11010519991301002'), 'month 13'],
    [makeResidentId('11010519990100002'), 'day 00'],
    [makeResidentId('11010518991231001'), 'born before 1900-01-01'],
    [makeResidentId('11010520240616001'), 'born after today'],
    [makeResidentId('99010519491231002'), 'province 99'],
    [makeResidentId('10010519491231002'), 'province 10'],
    [makeResidentId('00010519491231002'), 'province 00'],
    ['11010519491231002', 'too short (17)'],
    ['11010519491231002XX', 'too long (19)'],
    ['', 'empty'],
    ['11010519491231002x', 'lowercase x'],
    ['1101051949123100X2', 'X not in the check position'],
    [' 11010519491231002X', 'leading whitespace (not normalised)'],
  ])('rejects %j: %s', (id) => {
    expect(isValidResidentId(id, today)).toBe(false)
  })

  it('normalizeResidentId uppercases and trims', () => {
    expect(normalizeResidentId(' 11010519491231002x ')).toBe('11010519491231002X')
    expect(isValidResidentId(normalizeResidentId('11010519491231002x'))).toBe(true)
  })

  it('residentIdCheckChar rejects non-digit input', () => {
    expect(() => residentIdCheckChar('1101051949123100')).toThrow(RangeError)
    expect(() => residentIdCheckChar('1101051949123100A')).toThrow(RangeError)
  })

  it('property: generated IDs validate, and every single-char substitution is detected', () => {
    const r = rng(11643)
    const provinces = [
      '11',
      '12',
      '13',
      '14',
      '15',
      '21',
      '22',
      '23',
      '31',
      '32',
      '33',
      '34',
      '35',
      '36',
      '37',
      '41',
      '42',
      '43',
      '44',
      '45',
      '46',
      '50',
      '51',
      '52',
      '53',
      '54',
      '61',
      '62',
      '63',
      '64',
      '65',
      '71',
      '81',
      '82',
      '83',
      '91',
    ]
    const start = Date.UTC(1900, 0, 1)
    const end = Date.UTC(2024, 5, 15)
    for (let n = 0; n < 1000; n++) {
      const d = new Date(start + Math.floor(r() * ((end - start) / 86400000 + 1)) * 86400000)
      const date = d.toISOString().slice(0, 10).replace(/-/g, '')
      let first17 = provinces[Math.floor(r() * provinces.length)]!
      for (let i = 0; i < 4; i++) first17 += pick(r, '0123456789')
      first17 += date
      for (let i = 0; i < 3; i++) first17 += pick(r, '0123456789')
      const id = makeResidentId(first17)
      expect(isValidResidentId(id, today)).toBe(true)
      // MOD 11-2 weights are all nonzero mod the prime 11, and two digits
      // differ by less than 11, so a substitution is always detected.
      for (let pos = 0; pos < 18; pos++) {
        for (const c of '0123456789X') {
          if (c === id[pos]) continue
          const mutated = id.slice(0, pos) + c + id.slice(pos + 1)
          if (isValidResidentId(mutated, today))
            throw new Error(`undetected substitution: ${id} -> ${mutated}`)
        }
      }
    }
  })
})

describe('masking', () => {
  it('keeps the first 4 and last 4 chars', () => {
    expect(maskResidentId('44010119900101123X')).toBe('4401**********123X')
    expect(maskResidentId('11010519491231002X')).toBe('1101**********002X')
    expect(maskUscc('9144030071526726XG')).toBe('9144**********26XG')
  })

  it('fully masks short input', () => {
    expect(maskResidentId('12345678')).toBe('********')
    expect(maskUscc('')).toBe('')
  })
})
