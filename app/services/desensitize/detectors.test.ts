import { describe, expect, it } from 'vitest'
import { isValidResidentId, isValidUscc, makeResidentId } from '~/services/identity/codes'
import {
  brokenResidentId,
  brokenUscc,
  residentId,
  Rng,
  uscc,
} from '../../../tests/fixtures/desensitize/corpus'
import {
  detectCell,
  headerCues,
  isIpv6,
  isLegacyResidentId,
  isResidentId18,
  isUscc,
  luhnValid,
  type DetectorId,
} from './detectors'

function hits(value: string, header = ''): Record<string, number> {
  const out: Record<string, number> = {}
  detectCell(value, headerCues(header), (d: DetectorId, score: number) => {
    if (score > 0) out[d] = Math.max(out[d] ?? 0, score)
  })
  return out
}
const kinds = (value: string, header = '') => Object.keys(hits(value, header)).sort()

const ID = makeResidentId('44010619900307123')
const BAD_ID = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0')

describe('checksum identifiers', () => {
  it('art32 finds a GB 11643 resident ID, with a lowercase x too', () => {
    expect(kinds(ID)).toEqual(['resident_id'])
    const withX = makeResidentId('11010119800101002')
    expect(withX.endsWith('X') ? kinds(withX.toLowerCase()) : ['resident_id']).toEqual([
      'resident_id',
    ])
  })

  it('a random 18-digit number or a broken check digit is not an ID', () => {
    expect(kinds(BAD_ID)).toEqual([])
    expect(kinds('202411051234567890')).toEqual([])
  })

  it('a 15-digit legacy ID is found only with a real province and date', () => {
    expect(isLegacyResidentId('440106900307123')).toBe(true)
    expect(isLegacyResidentId('440106901307123')).toBe(false) // month 13
    expect(isLegacyResidentId('990106900307123')).toBe(false) // no province 99
    expect(hits('440106900307123', '身份证号').resident_id).toBeGreaterThan(0.8)
  })

  it('finds a USCC and refuses one with a wrong check character', () => {
    const code = uscc(new Rng(1))
    expect(kinds(code)).toEqual(['uscc'])
    expect(kinds(brokenUscc(new Rng(1)))).toEqual([])
  })

  it('finds bank cards by Luhn and card prefix, grouped or not', () => {
    expect(luhnValid('6222021234567890128')).toBe(true)
    expect(kinds('6222021234567890128')).toEqual(['bank_card'])
    expect(kinds('6222 0212 3456 7890 128')).toEqual(['bank_card'])
    expect(kinds('6222021234567890127')).toEqual([])
    expect(kinds('1234567812345670')).toEqual([]) // Luhn-valid, but no card prefix
  })
})

describe('the inline identifier checks agree with the identity module', () => {
  it('isResidentId18 ≡ isValidResidentId, isUscc ≡ isValidUscc on valid, broken and random values', () => {
    const rng = new Rng(11)
    const samples: string[] = []
    for (let i = 0; i < 3000; i++) {
      samples.push(
        residentId(rng),
        brokenResidentId(rng),
        String(rng.int(1, 9)) + rng.digits(17),
        rng.digits(17) + 'X',
      )
      // Edge dates: before 1900, after today, month 0/13, day 0/32, 29 February.
      const mm = String(rng.int(0, 13)).padStart(2, '0')
      const dd = String(rng.int(0, 32)).padStart(2, '0')
      samples.push(makeResidentId(`440106${rng.int(1895, 2035)}${mm}${dd}${rng.digits(3)}`))
    }
    for (const s of samples) expect(isResidentId18(s), s).toBe(isValidResidentId(s))
    const codes = Array.from({ length: 2000 }, () => [uscc(rng), brokenUscc(rng)]).flat()
    for (const c of codes) expect(isUscc(c), c).toBe(isValidUscc(c))
  })
})

describe('contact details', () => {
  it('finds mainland mobiles in the usual spellings and nothing else', () => {
    for (const v of ['13800138000', '138-0013-8000', '+86 13800138000', '8613800138000'])
      expect(kinds(v), v).toEqual(['mobile'])
    expect(kinds('12800138000')).toEqual([]) // no such segment
    expect(kinds('1730793600')).toEqual([]) // a Unix timestamp
    expect(kinds('1730793600000')).toEqual([]) // in milliseconds
  })

  it('finds landlines with an area code', () => {
    for (const v of ['020-38888888', '(0755)86668888', '0757-2233445', '02038888888'])
      expect(kinds(v), v).toEqual(['landline'])
    expect(kinds('38888888')).toEqual([])
  })

  it('finds e-mail and IP addresses', () => {
    expect(kinds('zhang.san@gd.gov.cn')).toEqual(['email'])
    expect(kinds('zhang.san@')).toEqual([])
    expect(kinds('192.168.10.25')).toEqual(['ipv4'])
    expect(kinds('256.1.1.1')).toEqual([])
    expect(isIpv6('2408:8456:3c10::1')).toBe(true)
    expect(isIpv6('::ffff:10.0.0.1')).toBe(true)
    expect(isIpv6('12:30:45')).toBe(false)
    expect(kinds('2408:8456:3c10:a1b2:0:0:0:1')).toEqual(['ipv6'])
  })
})

describe('documents, plates, names, addresses, dates', () => {
  it('finds passports and Hong Kong/Macao permits, more surely under a cue', () => {
    expect(kinds('E12345678')).toEqual(['passport'])
    expect(kinds('EA1234567')).toEqual(['passport'])
    expect(kinds('C12345678')).toEqual(['hk_macao_permit'])
    expect(hits('E12345678', '护照号码').passport).toBeGreaterThan(hits('E12345678').passport!)
    expect(kinds('X12345678')).toEqual([])
  })

  it('finds licence plates, new-energy ones too', () => {
    expect(kinds('粤A12345')).toEqual(['licence_plate'])
    expect(kinds('粤BD12345')).toEqual(['licence_plate'])
    expect(kinds('粤A1234')).toEqual([])
  })

  it('a name is sure under a name header and only weak without one', () => {
    expect(hits('张伟', '姓名').person_name).toBeGreaterThanOrEqual(0.9)
    expect(hits('仉梓涵', '联系人').person_name).toBeGreaterThan(0.5) // rare surname, named column
    expect(hits('张家港', '城市').person_name ?? 0).toBeLessThan(0.5)
    expect(kinds('深圳', '城市')).toEqual([])
    expect(kinds('广东省数据局', '单位名称')).toEqual([])
  })

  it('finds names in context inside free text', () => {
    expect(kinds('联系人：王小明，电话13800138000，已回访。', '备注')).toEqual([
      'free_text',
      'mobile',
      'person_name',
    ])
    expect(kinds('李先生反映小区路灯损坏。')).toEqual(['free_text', 'person_name'])
  })

  it('a detailed address reaches a building; a district is not detailed', () => {
    expect(kinds('广东省广州市天河区天河路385号')).toEqual(['address'])
    expect(kinds('深圳市南山区星河湾小区3栋1单元2402室')).toEqual(['address'])
    expect(kinds('广东省广州市天河区')).toEqual([])
    expect(kinds('粤府办〔2021〕3号')).toEqual([])
  })

  it('a full date is a birth date only under a birth cue, and month precision is generalized', () => {
    expect(kinds('1990-03-07', '出生日期')).toEqual(['birth_date'])
    expect(kinds('1990年3月7日', '出生日期')).toEqual(['birth_date'])
    expect(kinds('19900307', 'birth_date')).toEqual(['birth_date'])
    expect(kinds('1990-03', '出生日期')).toEqual([])
    expect(kinds('2024-11-05', '下单日期')).toEqual([])
    expect(kinds('申请人于1990年3月7日出生，现住址不详，出生日期1990-03-07。')).toContain(
      'birth_date',
    )
  })
})

describe('header cues', () => {
  it('reads Chinese and English headers, and a product name is not a person name', () => {
    const has = (h: string, bit: number) => (headerCues(h) & bit) !== 0
    expect(has('身份证号码', 1 << 0)).toBe(true)
    expect(has('mobile_phone', 1 << 2)).toBe(true)
    expect(headerCues('商品名称') & (1 << 11)).toBe(0)
    expect(headerCues('姓名') & (1 << 11)).not.toBe(0)
  })
})
