// A deterministic, enterprise-registry-like CSV for tests and benchmarks: USCC-style identifiers,
// Chinese names and addresses (some quoted, with commas and quotes inside), a category, a date
// and three numeric columns with different tolerances.
import type { FingerprintSpecInput } from '../spec'

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const CITIES = [
  '广州市',
  '深圳市',
  '珠海市',
  '汕头市',
  '佛山市',
  '韶关市',
  '河源市',
  '梅州市',
  '惠州市',
  '东莞市',
  '中山市',
  '江门市',
  '湛江市',
  '茂名市',
  '肇庆市',
]
const DISTRICTS = [
  '天河区',
  '越秀区',
  '海珠区',
  '南山区',
  '福田区',
  '香洲区',
  '禅城区',
  '南海区',
  '惠城区',
  '莞城区',
]
const SYLLABLES = [
  ...'华盛信达恒通金源宏泰嘉裕鑫海粤兴隆瑞丰润新安百利德广东方明远鸿运祥和顺发创联科智云数宇辰',
]
const TRADES = [
  '科技',
  '贸易',
  '实业',
  '电子',
  '物流',
  '建设',
  '餐饮',
  '医药',
  '数据',
  '文化',
  '投资',
  '农业',
]
const INDUSTRIES = [
  '制造业',
  '批发和零售业',
  '信息传输、软件和信息技术服务业',
  '建筑业',
  '交通运输、仓储和邮政业',
  '住宿和餐饮业',
  '金融业',
  '房地产业',
  '租赁和商务服务业',
  '科学研究和技术服务业',
  '教育',
  '卫生和社会工作',
]
const ROADS = [
  '中山大道',
  '天河路',
  '深南大道',
  '解放路',
  '人民路',
  '建设路',
  '东风路',
  '环市东路',
  '滨海大道',
  '工业大道',
]

export const SYNTHETIC_HEADER = [
  '统一社会信用代码',
  '企业名称',
  '行业',
  '成立日期',
  '注册资本(万元)',
  '从业人数',
  '纳税额(万元)',
  '住所',
  '备注',
]

export const SYNTHETIC_SPEC: FingerprintSpecInput = {
  columns: [
    { name: '统一社会信用代码', kind: 'identifier' },
    { name: '企业名称', kind: 'text' },
    { name: '行业', kind: 'category' },
    { name: '成立日期', kind: 'date', equivalentEncodings: true },
    { name: '注册资本(万元)', kind: 'numeric', tolerance: { absolute: 0.01 } },
    { name: '从业人数', kind: 'numeric', tolerance: { absolute: 1 } },
    { name: '纳税额(万元)', kind: 'numeric', tolerance: { lastDigit: true } },
    { name: '住所', kind: 'text' },
    { name: '备注', kind: 'text' },
  ],
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!
}

function uscc(r: () => number): string {
  let body =
    '9144' +
    String(Math.floor(r() * 100)).padStart(2, '0') +
    String(Math.floor(r() * 100)).padStart(2, '0')
  while (body.length < 17) body += USCC_CHARS[Math.floor(r() * USCC_CHARS.length)]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body[i]!) * USCC_WEIGHTS[i]!
  return body + USCC_CHARS[(31 - (sum % 31)) % 31]
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** One data row (already CSV-encoded, without the line end). */
export function syntheticRow(r: () => number): string {
  const name =
    pick(r, CITIES) +
    pick(r, SYLLABLES) +
    pick(r, SYLLABLES) +
    (r() < 0.5 ? pick(r, SYLLABLES) : '') +
    pick(r, TRADES) +
    '有限公司'
  const y = 1990 + Math.floor(r() * 35)
  const date = `${y}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`
  const capital = (10 + r() * 99990).toFixed(2)
  const staff = String(1 + Math.floor(r() ** 3 * 5000))
  const tax = (r() * 5000).toFixed(1)
  let address =
    pick(r, CITIES) + pick(r, DISTRICTS) + pick(r, ROADS) + `${1 + Math.floor(r() * 999)}号`
  if (r() < 0.1) address += `,${1 + Math.floor(r() * 30)}楼`
  const note =
    r() < 0.7
      ? ''
      : r() < 0.5
        ? '曾用名"' + pick(r, SYLLABLES) + pick(r, SYLLABLES) + '"'
        : '年报已公示'
  return [uscc(r), name, pick(r, INDUSTRIES), date, capital, staff, tax, address, note]
    .map(csvField)
    .join(',')
}

/** A whole synthetic file in memory (tests; the benchmark streams `syntheticRow` instead). */
export function syntheticCsv(rows: number, seed: number, lineEnd = '\n'): Buffer {
  const r = seededRandom(seed)
  const lines = [SYNTHETIC_HEADER.map(csvField).join(',')]
  for (let i = 0; i < rows; i++) lines.push(syntheticRow(r))
  return Buffer.from(lines.join(lineEnd) + lineEnd, 'utf8')
}
