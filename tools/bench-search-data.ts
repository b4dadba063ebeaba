// Synthetic catalog index records for `npm run bench:search` (and the search tests): realistic
// Chinese titles across Guangdong's cities and agencies, with English titles, tags, fields and a
// spread of facet values. Deterministic for a given seed. Frequent words (数据, 广东) occur in most
// entries; 荔枝 / lychee occur in 20 entries at any size (one in 5,000 at 100,000), so a rare
// query answers as many hits from 1,000 entries as from 100,000 and comparing the two sizes
// measures the corpus, not the answer. Only listed entries exist in the index, so there is no
// core-graded entry.
import type { CatalogIndexRecord } from '../app/services/search/catalog-documents'

type Content = CatalogIndexRecord['content']

export const REGIONS: [string, string, string][] = [
  ['440000', '广东省', 'Guangdong'],
  ['440100', '广州市', 'Guangzhou'],
  ['440300', '深圳市', 'Shenzhen'],
  ['440400', '珠海市', 'Zhuhai'],
  ['440500', '汕头市', 'Shantou'],
  ['440600', '佛山市', 'Foshan'],
  ['440200', '韶关市', 'Shaoguan'],
  ['440800', '湛江市', 'Zhanjiang'],
  ['441200', '肇庆市', 'Zhaoqing'],
  ['440700', '江门市', 'Jiangmen'],
  ['440900', '茂名市', 'Maoming'],
  ['441300', '惠州市', 'Huizhou'],
  ['441400', '梅州市', 'Meizhou'],
  ['441500', '汕尾市', 'Shanwei'],
  ['441600', '河源市', 'Heyuan'],
  ['441700', '阳江市', 'Yangjiang'],
  ['441800', '清远市', 'Qingyuan'],
  ['441900', '东莞市', 'Dongguan'],
  ['442000', '中山市', 'Zhongshan'],
  ['445100', '潮州市', 'Chaozhou'],
  ['445200', '揭阳市', 'Jieyang'],
  ['445300', '云浮市', 'Yunfu'],
]

const DEPARTMENTS: [string, string][] = [
  ['公安局', 'Public Security Bureau'],
  ['市场监督管理局', 'Administration for Market Regulation'],
  ['自然资源局', 'Natural Resources Bureau'],
  ['人力资源和社会保障局', 'Human Resources and Social Security Bureau'],
  ['卫生健康委员会', 'Health Commission'],
  ['教育局', 'Education Bureau'],
  ['交通运输局', 'Transport Bureau'],
  ['生态环境局', 'Ecology and Environment Bureau'],
  ['住房和城乡建设局', 'Housing and Urban-Rural Development Bureau'],
  ['农业农村局', 'Agriculture and Rural Affairs Bureau'],
  ['民政局', 'Civil Affairs Bureau'],
  ['统计局', 'Statistics Bureau'],
  ['水务局', 'Water Affairs Bureau'],
  ['应急管理局', 'Emergency Management Bureau'],
  ['文化广电旅游局', 'Culture, Radio, Television and Tourism Bureau'],
  ['医疗保障局', 'Healthcare Security Administration'],
]

const SUBJECTS: [string, string, string[], string[]][] = [
  [
    '企业登记',
    'enterprise registration',
    ['统一社会信用代码', '企业名称', '登记机关', '成立日期'],
    ['企业', '登记', '市场主体'],
  ],
  [
    '户籍人口',
    'household registration population',
    ['户籍地址', '人口数', '性别', '年龄段'],
    ['人口', '户籍'],
  ],
  [
    '土地利用现状',
    'land use status',
    ['地块编号', '用地类型', '面积', '坐标'],
    ['土地', '规划', '地理'],
  ],
  [
    '不动产登记',
    'real estate registration',
    ['不动产单元号', '权利类型', '登记日期'],
    ['不动产', '登记'],
  ],
  [
    '社会保险参保',
    'social insurance enrolment',
    ['参保人数', '险种', '缴费基数'],
    ['社保', '就业'],
  ],
  [
    '医疗机构名录',
    'medical institution directory',
    ['机构名称', '机构等级', '床位数', '地址'],
    ['医疗', '卫生'],
  ],
  ['学校名录', 'school directory', ['学校名称', '办学类型', '在校生数'], ['教育', '学校']],
  ['公交线路', 'bus routes', ['线路编号', '站点名称', '首末班时间'], ['交通', '公交']],
  [
    '空气质量监测',
    'air quality monitoring',
    ['监测站点', 'PM2.5浓度', '空气质量指数'],
    ['环境', '空气质量'],
  ],
  ['建设工程许可', 'construction permits', ['许可证号', '项目名称', '建设单位'], ['建设', '许可']],
  ['农产品价格', 'agricultural product prices', ['品种', '价格', '采集日期'], ['农业', '价格']],
  ['养老机构', 'elderly care institutions', ['机构名称', '床位数', '收费标准'], ['养老', '民政']],
  ['统计年鉴', 'statistical yearbook', ['指标名称', '年度', '数值'], ['统计', '经济']],
  [
    '水资源公报',
    'water resources bulletin',
    ['水库名称', '蓄水量', '监测日期'],
    ['水利', '水资源'],
  ],
  [
    '安全生产许可',
    'work safety licences',
    ['企业名称', '许可范围', '有效期'],
    ['安全生产', '许可'],
  ],
  ['旅游景区', 'tourist attractions', ['景区名称', '等级', '开放时间'], ['旅游', '文化']],
  [
    '医保定点药店',
    'designated pharmacies for medical insurance',
    ['药店名称', '定点编号', '地址'],
    ['医保', '药店'],
  ],
  ['道路交通事故', 'road traffic accidents', ['事故时间', '路段', '伤亡人数'], ['交通', '安全']],
]

const SUFFIXES: [string, string][] = [
  ['数据', 'data'],
  ['统计数据', 'statistics'],
  ['信息', 'information'],
  ['数据集', 'dataset'],
  ['名录', 'list'],
  ['年度报告', 'annual report'],
  ['监测数据', 'monitoring data'],
]

const SHARING = ['unconditional', 'conditional', 'not_shared'] as const
const OPEN = ['open_unconditional', 'open_conditional', 'not_open'] as const
const FREQ = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const
const CATEGORIES = [
  'population',
  'legal_entity',
  'natural_resources',
  'economy',
  'social_security',
  'health',
  'education',
  'transport',
  'environment',
  'public_safety',
  'urban_rural',
  'agriculture',
] as const
const FORMS = ['structured', 'unstructured', 'api', 'geospatial', 'file'] as const
const FREQ_ZH: Record<string, string> = {
  realtime: '实时',
  daily: '每日',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  yearly: '每年',
  irregular: '不定期',
}

function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A 24-hex id from a number (so ids look like ObjectIds and sort by creation). */
export function syntheticId(n: number): string {
  return (0x65000000 + n).toString(16).padStart(8, '0') + 'a1b2c3d4e5f6a7b8'
}

export function syntheticOrgId(region: number, dept: number): string {
  return 'ad' + String(region).padStart(2, '0') + String(dept).padStart(2, '0') + '0'.repeat(18)
}

export function syntheticOrgName(region: number, dept: number): { zh: string; en: string } {
  const [, zh, en] = REGIONS[region]!
  const [dzh, den] = DEPARTMENTS[dept]!
  return { zh: `${zh}${region === 0 ? dzh.replace(/局$/, '厅') : dzh}`, en: `${en} ${den}` }
}

/** Entries carrying the rare word (荔枝 / lychee), whatever the size. */
const RARE_ENTRIES = 20

export function syntheticEntries(count: number, seed = 42): CatalogIndexRecord[] {
  const random = rng(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const entries: CatalogIndexRecord[] = []
  const base = Date.UTC(2024, 0, 1)
  const rareEvery = Math.max(1, Math.floor(count / RARE_ENTRIES))
  for (let i = 0; i < count; i++) {
    const r = random() < 0.3 ? 0 : 1 + Math.floor(random() * (REGIONS.length - 1))
    const [regionCode, regionZh, regionEn] = REGIONS[r]!
    const d = Math.floor(random() * DEPARTMENTS.length)
    const [subjectZh, subjectEn, fieldNames, tags] = pick(SUBJECTS)
    const [suffixZh, suffixEn] = pick(SUFFIXES)
    const rare = i % rareEvery === rareEvery - 1
    const year = 2015 + Math.floor(random() * 11)
    const freq = pick(FREQ)
    const titleZh = `${regionZh}${rare ? '荔枝' : ''}${subjectZh}${suffixZh}（${year}年）`
    const titleEn = `${regionEn} ${rare ? 'lychee ' : ''}${subjectEn} ${suffixEn} (${year})`
    const mentionsProvince = r === 0 || random() < 0.2
    const descriptionZh =
      `${mentionsProvince ? '广东省' : regionZh}${DEPARTMENTS[d]![0]}${FREQ_ZH[freq]}更新的${subjectZh}数据，` +
      `包括${fieldNames.slice(0, 3).join('、')}等字段，用于政务服务和公共管理。`
    const descriptionEn = `${subjectEn} published by the ${regionEn} ${DEPARTMENTS[d]![1]}, updated ${freq}; fields include ${fieldNames.length} items.`
    const tier = random() < 0.25 ? 'important' : 'general'
    const published = new Date(base + Math.floor(random() * 700 * 86_400_000))
    const orgId = syntheticOrgId(r, d)
    const open = pick(OPEN)
    const content = {
      title: { zh: titleZh, en: titleEn },
      description: { zh: descriptionZh, en: descriptionEn },
      tags: [...tags, pick(['开放', '共享', '政务', '民生', '经济运行', '营商环境'])],
      category: pick(CATEGORIES),
      dataForm: pick(FORMS),
      fields: fieldNames.map((label, k) => ({
        name: `f${k}`,
        label: { zh: label, en: '' },
        type: 'string',
        description: '',
        personal: false,
        sensitive: false,
        tradeSecret: false,
        dataItemCode: null,
      })),
      sharingType: pick(SHARING),
      sharingBasis: '',
      sharingConditions: '',
      sharingScope: 'all_agencies',
      sharingScopeNote: '',
      openAttribute: open,
      openConditions: open === 'open_conditional' ? '申请人须说明用途并签署数据使用协议。' : '',
      rightHolderConsent: false,
      screeningRef: null,
      distributions:
        open === 'not_open'
          ? []
          : [
              {
                key: 'csv',
                title: { zh: titleZh, en: titleEn },
                format: 'CSV',
                accessUrl: null,
                downloadRef: null,
                desensitized: false,
              },
            ],
      updateFrequency: freq,
      departments: { collecting: orgId, verifying: orgId, providing: orgId },
      grade: { tier, level: tier === 'general' ? 1 + Math.floor(random() * 4) : null },
      legalBasis: '《广东省公共数据管理办法》',
    } as unknown as Content
    entries.push({
      id: syntheticId(i),
      code: `GD-${regionCode}-${String(d).padStart(2, '0')}-${String(i).padStart(6, '0')}`,
      orgId,
      orgName: syntheticOrgName(r, d),
      level: r === 0 ? 'province' : random() < 0.8 ? 'city' : 'county',
      regionCode,
      version: 1,
      publishedAt: published.toISOString(),
      lastDataUpdateAt: new Date(
        published.getTime() + Math.floor(random() * 90 * 86_400_000),
      ).toISOString(),
      stale: false,
      notSharedFiled: false,
      content,
    })
  }
  return entries
}
