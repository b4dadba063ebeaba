// The demo catalog: 32 entries of the three seeded agencies (public security, market regulation,
// natural resources) in every state a user meets — approved (some with two versions), submitted,
// awaiting the important-grade confirmation, returned, draft — plus the sample working-day
// calendar, source claims (Art. 14), an overdue Art. 11 obligation, stale data (Art. 16) and
// quality issues (Art. 17). Everything goes through the services, so the ledger tells the story.
// Idempotent: entries have fixed codes; a rerun resumes an entry's flow where it stopped.
import { CatalogEntry } from '#models/catalog-entry'
import { Organization } from '#models/organization'
import { User } from '#models/user'
import { seedSampleCalendar } from '~/services/calendar/working-days.server'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { isDomainError } from '~/utils/errors'
import { markLegalBasisChanged, runDeadlineSweep } from './deadlines.server'
import { createDraft, loadEntry, updateDraft } from './entries.server'
import { runFreshnessSweep } from './freshness.server'
import { raiseQualityIssue, resolveQualityIssue, listQualityIssues } from './quality.server'
import { decideEntry, submitEntry } from './review.server'
import {
  needsOpeningReview,
  openingReviewOf,
  reviewEntryOpening,
} from '~/services/security/confidentiality.server'
import type { ContentInput } from './schemas'

type FieldSpec = [
  name: string,
  zh: string,
  en: string,
  type: ContentInput['fields'][number]['type'],
  flags?: 'p' | 's' | 't',
  item?: string,
]

function fields(specs: FieldSpec[]): ContentInput['fields'] {
  return specs.map(([name, zh, en, type, flags, item]) => ({
    name,
    label: { zh, en },
    type,
    description: '',
    personal: flags === 'p' || flags === 's',
    sensitive: flags === 's' || flags === 't',
    tradeSecret: flags === 't',
    ...(item ? { dataItemCode: item } : {}),
  }))
}

type Target = 'draft' | 'submitted' | 'confirm_grade' | 'returned' | 'approved'

interface SeedEntry {
  org: 'psb' | 'amr' | 'nr'
  serial: string
  target: Target
  content: ContentInput
  /** A second approved version (shows the diff view). */
  v2?: Partial<ContentInput>
  /** Days ago the data was last updated (Art. 16 demo of stale data). */
  lastUpdateDaysAgo?: number
  /** Art. 11: the legal basis changed this many days ago, for this reason. */
  basisChanged?: { daysAgo: number; reason: string }
}

const base = {
  sharingBasis: '',
  sharingConditions: '',
  sharingScopeNote: '',
  openConditions: '',
  rightHolderConsent: false,
  distributions: [] as ContentInput['distributions'],
  tags: [] as string[],
}

function entry(
  org: SeedEntry['org'],
  serial: string,
  target: Target,
  c: Omit<Partial<ContentInput>, 'title' | 'description'> & {
    zh: string
    en: string
    dzh: string
    den: string
    category: ContentInput['category']
    fields: ContentInput['fields']
    sharingType: ContentInput['sharingType']
    openAttribute: ContentInput['openAttribute']
    updateFrequency: ContentInput['updateFrequency']
    grade: ContentInput['grade']
    legalBasis: string
  },
  extra: Partial<SeedEntry> = {},
): SeedEntry {
  const { zh, en, dzh, den, ...rest } = c
  return {
    org,
    serial,
    target,
    content: {
      ...base,
      dataForm: 'structured',
      sharingScope: 'all_agencies',
      ...rest,
      title: { zh, en },
      description: { zh: dzh, en: den },
    } as ContentInput,
    ...extra,
  }
}

const g = (level: number) => ({ tier: 'general' as const, level })
const IMPORTANT = { tier: 'important' as const, level: null }
const CORE = { tier: 'core' as const, level: null }

const csv = (key: string, zh: string, en: string, desensitized = false) => ({
  key,
  title: { zh, en },
  format: 'CSV',
  desensitized,
})

export const SEED_ENTRIES: SeedEntry[] = [
  // --- 广东省公安厅 Public Security ---
  entry('psb', '0001', 'approved', {
    zh: '常住人口基本信息',
    en: 'Registered permanent residents — basic information',
    dzh: '全省户籍常住人口的身份、性别、出生日期、民族和户籍地址等基本信息。',
    den: 'Identity, sex, date of birth, ethnicity and registered address of permanent residents in the province.',
    category: 'population',
    tags: ['户籍', '人口', '基础数据库'],
    fields: fields([
      ['gmsfhm', '公民身份号码', 'Citizen ID number', 'code', 's', 'DI-P-0001'],
      ['xm', '姓名', 'Name', 'string', 'p', 'DI-P-0002'],
      ['xb', '性别', 'Sex', 'code'],
      ['csrq', '出生日期', 'Date of birth', 'date', 'p'],
      ['mz', '民族', 'Ethnicity', 'code'],
      ['hjdz', '户籍地址', 'Registered address', 'string', 'p'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《中华人民共和国居民身份证法》《中华人民共和国户口登记条例》',
    sharingConditions:
      '仅限因履行法定职责需要、经核定应用场景的部门使用；按最小授权原则以核验方式为主。',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: IMPORTANT,
    legalBasis: '《中华人民共和国户口登记条例》第三条',
  }),
  entry('psb', '0002', 'approved', {
    zh: '户籍迁移登记信息',
    en: 'Household registration transfers',
    dzh: '户口迁入、迁出登记记录。',
    den: 'Records of household registration moves in and out.',
    category: 'population',
    tags: ['户籍', '迁移'],
    fields: fields([
      ['gmsfhm', '公民身份号码', 'Citizen ID number', 'code', 's'],
      ['qyrq', '迁移日期', 'Transfer date', 'date'],
      ['qcd', '迁出地', 'Moved from', 'code'],
      ['qrd', '迁入地', 'Moved to', 'code'],
      ['qyyy', '迁移原因', 'Reason', 'code'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《中华人民共和国户口登记条例》',
    sharingConditions: '用于社保、教育入学等业务的身份核验，不得留存明细。',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: g(4),
    legalBasis: '《中华人民共和国户口登记条例》第十条',
  }),
  entry('psb', '0003', 'approved', {
    zh: '居民身份证签发信息',
    en: 'Resident ID card issuance',
    dzh: '居民身份证申领、签发、有效期信息。',
    den: 'Applications, issuance and validity of resident ID cards.',
    category: 'e_licence',
    tags: ['身份证', '电子证照'],
    fields: fields([
      ['gmsfhm', '公民身份号码', 'Citizen ID number', 'code', 's'],
      ['qfjg', '签发机关', 'Issuing authority', 'string'],
      ['yxqqsrq', '有效期起始日期', 'Valid from', 'date'],
      ['yxqjzrq', '有效期截止日期', 'Valid until', 'date'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《中华人民共和国居民身份证法》第十三条',
    sharingConditions: '仅提供有效性核验结果。',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: g(4),
    legalBasis: '《中华人民共和国居民身份证法》',
  }),
  entry('psb', '0004', 'submitted', {
    zh: '流动人口居住登记信息',
    en: 'Temporary residence registration',
    dzh: '流动人口居住登记及居住证办理信息。',
    den: 'Temporary residence registrations and residence permits.',
    category: 'population',
    tags: ['居住证', '流动人口'],
    fields: fields([
      ['gmsfhm', '公民身份号码', 'Citizen ID number', 'code', 's'],
      ['jzdz', '居住地址', 'Residential address', 'string', 'p'],
      ['djrq', '登记日期', 'Registration date', 'date'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《居住证暂行条例》',
    sharingConditions: '用于积分入学、公共服务资格核验。',
    openAttribute: 'not_open',
    updateFrequency: 'weekly',
    grade: g(3),
    legalBasis: '《居住证暂行条例》第六条',
  }),
  entry('psb', '0005', 'approved', {
    zh: '机动车登记信息',
    en: 'Motor vehicle registration',
    dzh: '机动车注册、转移、抵押登记信息。',
    den: 'Registration, transfer and mortgage of motor vehicles.',
    category: 'transport',
    tags: ['机动车', '交通'],
    fields: fields([
      ['hphm', '号牌号码', 'Plate number', 'string'],
      ['clsbdh', '车辆识别代号', 'VIN', 'string'],
      ['syr', '所有人', 'Owner', 'string', 'p'],
      ['zcrq', '注册日期', 'Registered on', 'date'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《中华人民共和国道路交通安全法》第八条',
    sharingConditions: '用于税务、保险监管等法定职责。',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: g(3),
    legalBasis: '《机动车登记规定》',
  }),
  entry('psb', '0006', 'approved', {
    zh: '机动车驾驶证信息',
    en: 'Driving licences',
    dzh: '驾驶证准驾车型、状态与记分。',
    den: 'Licence classes, status and penalty points.',
    category: 'e_licence',
    tags: ['驾驶证', '电子证照'],
    fields: fields([
      ['gmsfhm', '公民身份号码', 'Citizen ID number', 'code', 's'],
      ['zjcx', '准驾车型', 'Licence class', 'code'],
      ['zt', '状态', 'Status', 'code'],
      ['ljjf', '累积记分', 'Points', 'integer'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《机动车驾驶证申领和使用规定》',
    sharingConditions: '仅限网约车、道路运输从业资格核验。',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: g(3),
    legalBasis: '《中华人民共和国道路交通安全法》第十九条',
  }),
  entry(
    'psb',
    '0007',
    'approved',
    {
      zh: '道路交通事故统计',
      en: 'Road traffic accident statistics',
      dzh: '按地市、月份汇总的道路交通事故起数和伤亡人数。',
      den: 'Monthly road traffic accidents and casualties by city.',
      category: 'public_safety',
      tags: ['交通', '统计'],
      distributions: [csv('monthly-csv', '月度统计表', 'Monthly statistics')],
      fields: fields([
        ['ds', '地市', 'City', 'code'],
        ['tjyf', '统计月份', 'Month', 'string'],
        ['sgqs', '事故起数', 'Accidents', 'integer'],
        ['swrs', '死亡人数', 'Deaths', 'integer'],
        ['ssrs', '受伤人数', 'Injuries', 'integer'],
      ]),
      sharingType: 'unconditional',
      openAttribute: 'open_unconditional',
      updateFrequency: 'monthly',
      grade: g(1),
      legalBasis: '《中华人民共和国道路交通安全法》',
    },
    { lastUpdateDaysAgo: 75 },
  ),
  entry('psb', '0008', 'approved', {
    zh: '出入境证件办理统计',
    en: 'Exit-entry document statistics',
    dzh: '护照、往来港澳通行证签发量季度统计。',
    den: 'Quarterly numbers of passports and Hong Kong/Macao permits issued.',
    category: 'public_safety',
    tags: ['出入境', '统计', '港澳'],
    distributions: [csv('quarterly-csv', '季度统计', 'Quarterly statistics')],
    fields: fields([
      ['jd', '季度', 'Quarter', 'string'],
      ['zjlx', '证件类型', 'Document type', 'code'],
      ['qfl', '签发量', 'Issued', 'integer'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_unconditional',
    updateFrequency: 'quarterly',
    grade: g(1),
    legalBasis: '《中华人民共和国出境入境管理法》',
  }),
  entry('psb', '0009', 'approved', {
    zh: '公共安全视频监控点位信息',
    en: 'Public security video surveillance sites',
    dzh: '公共安全视频图像信息系统点位分布及接入信息。',
    den: 'Locations and connections of public security video systems.',
    category: 'public_safety',
    tags: ['视频监控'],
    dataForm: 'geospatial',
    fields: fields([
      ['dwbh', '点位编号', 'Site ID', 'string'],
      ['jd', '经度', 'Longitude', 'decimal'],
      ['wd', '纬度', 'Latitude', 'decimal'],
      ['jrfs', '接入方式', 'Connection', 'code'],
    ]),
    sharingType: 'not_shared',
    sharingBasis: '《中华人民共和国反恐怖主义法》第二十七条；《公共安全视频图像信息系统管理条例》',
    openAttribute: 'not_open',
    updateFrequency: 'monthly',
    grade: IMPORTANT,
    legalBasis: '《公共安全视频图像信息系统管理条例》',
  }),
  entry('psb', '0010', 'approved', {
    zh: '无犯罪记录证明开具信息',
    en: 'No-criminal-record certificates issued',
    dzh: '无犯罪记录证明的申请与开具结果。',
    den: 'Applications for and results of no-criminal-record certificates.',
    category: 'credit',
    tags: ['证明', '政务服务'],
    fields: fields([
      ['gmsfhm', '公民身份号码', 'Citizen ID number', 'code', 's'],
      ['kjrq', '开具日期', 'Issued on', 'date'],
      ['jg', '结果', 'Result', 'code', 's'],
    ]),
    sharingType: 'not_shared',
    sharingBasis:
      '《中华人民共和国刑事诉讼法》第二百八十六条；《公安机关办理犯罪记录查询工作规定》',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: g(4),
    legalBasis: '《公安机关办理犯罪记录查询工作规定》',
  }),
  entry('psb', '0011', 'approved', {
    zh: '派出所办公地址及时间',
    en: 'Police station addresses and opening hours',
    dzh: '全省派出所名称、地址、电话和办公时间。',
    den: 'Names, addresses, phone numbers and hours of police stations.',
    category: 'public_safety',
    tags: ['便民', '地址'],
    distributions: [csv('stations-csv', '派出所名录', 'Police stations')],
    fields: fields([
      ['pcsmc', '派出所名称', 'Station', 'string'],
      ['dz', '地址', 'Address', 'string'],
      ['dh', '电话', 'Phone', 'string'],
      ['bgsj', '办公时间', 'Hours', 'string'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_unconditional',
    updateFrequency: 'monthly',
    grade: g(1),
    legalBasis: '《政府信息公开条例》',
  }),
  // --- 广东省市场监督管理局 Market Regulation ---
  entry(
    'amr',
    '0001',
    'approved',
    {
      zh: '企业登记基本信息',
      en: 'Enterprise registration — basic information',
      dzh: '全省企业的统一社会信用代码、名称、类型、法定代表人、注册资本、成立日期和住所。',
      den: 'Credit code, name, type, legal representative, capital, founding date and domicile of every enterprise.',
      category: 'legal_entity',
      tags: ['企业', '商事登记', '基础数据库'],
      distributions: [
        csv(
          'basic-masked',
          '企业基本信息（法定代表人脱敏）',
          'Enterprise basics (legal representative masked)',
          true,
        ),
      ],
      fields: fields([
        [
          'tyshxydm',
          '统一社会信用代码',
          'Unified social credit code',
          'code',
          undefined,
          'DI-E-0001',
        ],
        ['qymc', '企业名称', 'Enterprise name', 'string', undefined, 'DI-E-0002'],
        ['qylx', '企业类型', 'Type', 'code'],
        ['fddbr', '法定代表人', 'Legal representative', 'string', 'p'],
        ['zczb', '注册资本（万元）', 'Registered capital (10k CNY)', 'decimal'],
        ['clrq', '成立日期', 'Founded', 'date'],
        ['zs', '住所', 'Domicile', 'string'],
      ]),
      sharingType: 'unconditional',
      openAttribute: 'open_unconditional',
      updateFrequency: 'daily',
      grade: g(1),
      legalBasis: '《中华人民共和国市场主体登记管理条例》；《企业信息公示暂行条例》',
    },
    {
      v2: {
        tags: ['企业', '商事登记', '基础数据库', '信用'],
        description: {
          zh: '全省企业的统一社会信用代码、名称、类型、法定代表人、注册资本、成立日期、住所和登记状态。',
          en: 'Credit code, name, type, legal representative, capital, founding date, domicile and status of every enterprise.',
        },
      },
    },
  ),
  entry('amr', '0002', 'approved', {
    zh: '企业年度报告信息',
    en: 'Enterprise annual reports',
    dzh: '企业年度报告中依法公示的经营与资产状况。',
    den: 'Operations and assets that enterprises publish in their annual reports.',
    category: 'legal_entity',
    tags: ['年报', '企业'],
    fields: fields([
      ['tyshxydm', '统一社会信用代码', 'Unified social credit code', 'code'],
      ['nd', '年度', 'Year', 'integer'],
      ['cyrs', '从业人数', 'Employees', 'integer'],
      ['zcze', '资产总额', 'Total assets', 'decimal', 't'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_conditional',
    openConditions: '资产总额等企业选择不公示的项目须经企业同意；申请人需注册并签署数据使用协议。',
    rightHolderConsent: true,
    updateFrequency: 'yearly',
    grade: g(2),
    legalBasis: '《企业信息公示暂行条例》第八条',
  }),
  entry('amr', '0003', 'approved', {
    zh: '个体工商户登记信息',
    en: 'Individual business registration',
    dzh: '个体工商户名称、经营者、经营场所和经营范围。',
    den: 'Name, operator, premises and scope of individual businesses.',
    category: 'legal_entity',
    tags: ['个体工商户'],
    fields: fields([
      ['tyshxydm', '统一社会信用代码', 'Unified social credit code', 'code'],
      ['jyzxm', '经营者姓名', 'Operator', 'string', 'p'],
      ['jycs', '经营场所', 'Premises', 'string'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《促进个体工商户发展条例》',
    sharingConditions: '经营者个人信息仅向履行监管职责的部门提供。',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: g(3),
    legalBasis: '《中华人民共和国市场主体登记管理条例》',
  }),
  entry('amr', '0004', 'approved', {
    zh: '市场监管行政处罚信息',
    en: 'Market regulation administrative penalties',
    dzh: '依法公示的行政处罚决定书信息。',
    den: 'Administrative penalty decisions published under the law.',
    category: 'credit',
    tags: ['行政处罚', '信用'],
    distributions: [csv('penalties-csv', '行政处罚公示', 'Published penalties')],
    fields: fields([
      ['cfjdswh', '处罚决定书文号', 'Decision number', 'string'],
      ['dsrmc', '当事人名称', 'Party', 'string'],
      ['wfxw', '违法行为', 'Violation', 'string'],
      ['cfnr', '处罚内容', 'Penalty', 'string'],
      ['cfrq', '处罚日期', 'Date', 'date'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_unconditional',
    updateFrequency: 'weekly',
    grade: g(1),
    legalBasis: '《市场监督管理行政处罚信息公示规定》',
  }),
  entry(
    'amr',
    '0005',
    'approved',
    {
      zh: '经营异常名录信息',
      en: 'Abnormal operations list',
      dzh: '列入、移出经营异常名录的企业及原因。',
      den: 'Enterprises put on or taken off the abnormal operations list, with reasons.',
      category: 'credit',
      tags: ['经营异常', '信用'],
      distributions: [csv('abnormal-csv', '经营异常名录', 'Abnormal operations list')],
      fields: fields([
        ['tyshxydm', '统一社会信用代码', 'Unified social credit code', 'code'],
        ['lryy', '列入原因', 'Reason', 'string'],
        ['lrrq', '列入日期', 'Listed on', 'date'],
      ]),
      sharingType: 'unconditional',
      openAttribute: 'open_unconditional',
      updateFrequency: 'daily',
      grade: g(1),
      legalBasis: '《企业经营异常名录管理暂行办法》',
    },
    {
      basisChanged: { daysAgo: 30, reason: '《企业经营异常名录管理暂行办法》修订，列入情形调整。' },
    },
  ),
  entry('amr', '0006', 'approved', {
    zh: '食品生产许可证信息',
    en: 'Food production licences',
    dzh: '食品生产许可证编号、持证主体、品种明细和有效期。',
    den: 'Licence numbers, holders, product categories and validity of food production licences.',
    category: 'e_licence',
    tags: ['许可证', '食品安全', '电子证照'],
    distributions: [csv('licences-csv', '许可证清单', 'Licence list')],
    fields: fields([
      ['xkzbh', '许可证编号', 'Licence number', 'string'],
      ['tyshxydm', '统一社会信用代码', 'Unified social credit code', 'code'],
      ['spzl', '食品类别', 'Food category', 'code'],
      ['yxq', '有效期至', 'Valid until', 'date'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_unconditional',
    updateFrequency: 'weekly',
    grade: g(1),
    legalBasis: '《食品生产许可管理办法》',
  }),
  entry('amr', '0007', 'returned', {
    zh: '特种设备登记信息',
    en: 'Special equipment registration',
    dzh: '电梯、锅炉、压力容器等特种设备使用登记信息。',
    den: 'Use registrations of lifts, boilers, pressure vessels and other special equipment.',
    category: 'public_safety',
    tags: ['特种设备', '电梯'],
    fields: fields([
      ['sbdm', '设备代码', 'Equipment code', 'string'],
      ['sbzl', '设备种类', 'Type', 'code'],
      ['sydw', '使用单位', 'User', 'string'],
      ['xcjyrq', '下次检验日期', 'Next inspection', 'date'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《中华人民共和国特种设备安全法》',
    sharingConditions: '用于应急管理、住建部门的安全监管。',
    openAttribute: 'not_open',
    updateFrequency: 'monthly',
    grade: g(2),
    legalBasis: '《中华人民共和国特种设备安全法》第三十三条',
  }),
  entry('amr', '0008', 'approved', {
    zh: '产品质量监督抽查结果',
    en: 'Product quality spot-check results',
    dzh: '省级产品质量监督抽查的产品、企业和结论。',
    den: 'Products, producers and findings of provincial quality spot checks.',
    category: 'economy',
    tags: ['产品质量', '抽查'],
    distributions: [csv('spot-checks', '抽查结果', 'Spot-check results')],
    fields: fields([
      ['cpmc', '产品名称', 'Product', 'string'],
      ['scqy', '生产企业', 'Producer', 'string'],
      ['jl', '抽查结论', 'Finding', 'code'],
      ['ccpc', '抽查批次', 'Batch', 'string'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_unconditional',
    updateFrequency: 'quarterly',
    grade: g(1),
    legalBasis: '《产品质量监督抽查管理暂行办法》',
  }),
  entry('amr', '0009', 'approved', {
    zh: '强制检定计量器具信息',
    en: 'Mandatory verification of measuring instruments',
    dzh: '强制检定计量器具的登记与检定结果。',
    den: 'Registered measuring instruments under mandatory verification and their results.',
    category: 'economy',
    tags: ['计量'],
    fields: fields([
      ['qjbh', '器具编号', 'Instrument ID', 'string'],
      ['qjlb', '器具类别', 'Category', 'code'],
      ['jdjg', '检定结果', 'Result', 'code'],
      ['jdrq', '检定日期', 'Verified on', 'date'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'not_open',
    updateFrequency: 'monthly',
    grade: g(2),
    legalBasis: '《中华人民共和国计量法》第九条',
  }),
  entry('amr', '0010', 'submitted', {
    zh: '企业股东及出资信息',
    en: 'Shareholders and capital contributions',
    dzh: '企业股东、认缴和实缴出资信息。',
    den: 'Shareholders and subscribed and paid-in capital of enterprises.',
    category: 'legal_entity',
    tags: ['股东', '出资'],
    fields: fields([
      ['tyshxydm', '统一社会信用代码', 'Unified social credit code', 'code'],
      ['gdmc', '股东名称', 'Shareholder', 'string', 'p'],
      ['rjcze', '认缴出资额', 'Subscribed capital', 'decimal'],
      ['sjcze', '实缴出资额', 'Paid-in capital', 'decimal', 't'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《中华人民共和国公司法》；《企业信息公示暂行条例》',
    sharingConditions: '自然人股东信息仅向金融监管、税务部门提供。',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: g(3),
    legalBasis: '《中华人民共和国公司法》第三十二条',
  }),
  entry('amr', '0011', 'approved', {
    zh: '消费投诉举报统计',
    en: 'Consumer complaint statistics',
    dzh: '12315 平台受理的消费投诉按行业、地市统计。',
    den: 'Consumer complaints received on the 12315 platform by sector and city.',
    category: 'economy',
    tags: ['消费', '投诉', '统计'],
    distributions: [csv('complaints-csv', '投诉统计', 'Complaint statistics')],
    fields: fields([
      ['tjyf', '统计月份', 'Month', 'string'],
      ['hy', '行业', 'Sector', 'code'],
      ['ds', '地市', 'City', 'code'],
      ['tsl', '投诉量', 'Complaints', 'integer'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_unconditional',
    updateFrequency: 'monthly',
    grade: g(1),
    legalBasis: '《市场监督管理投诉举报处理暂行办法》',
  }),
  // --- 广东省自然资源厅 Natural Resources ---
  entry(
    'nr',
    '0001',
    'approved',
    {
      zh: '国土空间规划用途分区',
      en: 'Territorial spatial planning zones',
      dzh: '省级国土空间总体规划确定的用途分区矢量数据。',
      den: 'Land-use zoning polygons of the provincial territorial spatial master plan.',
      category: 'natural_resources',
      tags: ['国土空间规划', '地理信息'],
      dataForm: 'geospatial',
      distributions: [
        {
          key: 'zones-geojson',
          title: { zh: '用途分区（GeoJSON）', en: 'Zones (GeoJSON)' },
          format: 'GeoJSON',
          desensitized: false,
        },
      ],
      fields: fields([
        ['fqbm', '分区编码', 'Zone code', 'code'],
        ['fqmc', '分区名称', 'Zone name', 'string'],
        ['mj', '面积（公顷）', 'Area (ha)', 'decimal'],
        ['geom', '几何', 'Geometry', 'geometry'],
      ]),
      sharingType: 'unconditional',
      openAttribute: 'open_unconditional',
      updateFrequency: 'yearly',
      grade: g(1),
      legalBasis: '《中华人民共和国土地管理法》第十八条',
    },
    { basisChanged: { daysAgo: 2, reason: '省级国土空间总体规划获批调整，用途分区依据变化。' } },
  ),
  entry('nr', '0002', 'approved', {
    zh: '土地利用现状调查数据',
    en: 'Land use survey',
    dzh: '第三次全国国土调查广东成果的地类图斑数据。',
    den: 'Land-class parcels from the Third National Land Survey, Guangdong results.',
    category: 'natural_resources',
    tags: ['三调', '土地利用'],
    dataForm: 'geospatial',
    fields: fields([
      ['tbbh', '图斑编号', 'Parcel ID', 'string'],
      ['dlbm', '地类编码', 'Land class', 'code'],
      ['tbmj', '图斑面积', 'Area', 'decimal'],
      ['geom', '几何', 'Geometry', 'geometry'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_conditional',
    openConditions: '比例尺不大于 1:10000；申请人签署使用协议并说明用途。',
    updateFrequency: 'yearly',
    grade: g(2),
    legalBasis: '《土地调查条例》',
  }),
  entry('nr', '0003', 'confirm_grade', {
    zh: '不动产登记信息',
    en: 'Real estate registration',
    dzh: '不动产权利人、权利类型、坐落和面积。',
    den: 'Right holders, right types, locations and areas of real estate.',
    category: 'natural_resources',
    tags: ['不动产', '产权'],
    fields: fields([
      ['bdcdyh', '不动产单元号', 'Real estate unit number', 'code', undefined, 'DI-N-0001'],
      ['qlr', '权利人', 'Right holder', 'string', 'p'],
      ['qlrzjh', '权利人证件号', 'Holder ID number', 'code', 's'],
      ['zl', '坐落', 'Location', 'string'],
      ['mj', '面积', 'Area', 'decimal'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《不动产登记暂行条例》第二十七条',
    sharingConditions: '仅向法院、检察院、纪检监察等依法查询的机关和权利人本人提供。',
    openAttribute: 'not_open',
    updateFrequency: 'daily',
    grade: IMPORTANT,
    legalBasis: '《不动产登记暂行条例》',
  }),
  entry('nr', '0004', 'approved', {
    zh: '建设用地供应信息',
    en: 'Construction land supply',
    dzh: '国有建设用地出让、划拨结果。',
    den: 'Results of state-owned construction land grants and allocations.',
    category: 'natural_resources',
    tags: ['土地供应', '出让'],
    distributions: [csv('supply-csv', '供地结果', 'Land supply results')],
    fields: fields([
      ['dkbh', '地块编号', 'Plot ID', 'string', undefined, 'DI-N-0002'],
      ['yt', '用途', 'Use', 'code'],
      ['mj', '面积', 'Area', 'decimal'],
      ['cjjg', '成交价格（万元）', 'Price (10k CNY)', 'decimal'],
      ['srdw', '受让单位', 'Grantee', 'string'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_unconditional',
    updateFrequency: 'monthly',
    grade: g(1),
    legalBasis: '《招标拍卖挂牌出让国有建设用地使用权规定》',
  }),
  entry('nr', '0005', 'approved', {
    zh: '矿业权登记信息',
    en: 'Mining rights registration',
    dzh: '探矿权、采矿权的登记和变更。',
    den: 'Registration and changes of exploration and mining rights.',
    category: 'natural_resources',
    tags: ['矿产'],
    distributions: [csv('mining-csv', '矿业权清单', 'Mining rights')],
    fields: fields([
      ['xkzh', '许可证号', 'Licence number', 'string'],
      ['kqmc', '矿区名称', 'Mine', 'string'],
      ['kz', '矿种', 'Mineral', 'code'],
      ['yxq', '有效期', 'Valid until', 'date'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_unconditional',
    updateFrequency: 'monthly',
    grade: g(1),
    legalBasis: '《矿产资源开采登记管理办法》',
  }),
  entry('nr', '0006', 'approved', {
    zh: '地质灾害隐患点信息',
    en: 'Geological hazard sites',
    dzh: '滑坡、崩塌、泥石流等地质灾害隐患点位置与威胁对象。',
    den: 'Locations and threatened assets of landslide, collapse and debris-flow sites.',
    category: 'environment',
    tags: ['地质灾害', '应急'],
    dataForm: 'geospatial',
    fields: fields([
      ['yhdbh', '隐患点编号', 'Site ID', 'string'],
      ['zhlx', '灾害类型', 'Hazard type', 'code'],
      ['wxrs', '威胁人数', 'People at risk', 'integer'],
      ['geom', '位置', 'Location', 'geometry'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_conditional',
    openConditions: '用于防灾减灾、科研的申请人经审核后开放。',
    updateFrequency: 'monthly',
    grade: g(2),
    legalBasis: '《地质灾害防治条例》',
  }),
  entry('nr', '0007', 'approved', {
    zh: '涉密基础测绘成果',
    en: 'Classified basic surveying and mapping results',
    dzh: '1:2000 及更大比例尺涉密地形图和控制点成果。',
    den: 'Classified topographic maps at 1:2000 and larger and control-point results.',
    category: 'natural_resources',
    tags: ['测绘'],
    dataForm: 'file',
    fields: fields([
      ['tfh', '图幅号', 'Sheet', 'string'],
      ['blc', '比例尺', 'Scale', 'string'],
      ['mj', '密级', 'Classification', 'code'],
    ]),
    sharingType: 'not_shared',
    sharingBasis: '《中华人民共和国测绘法》第三十四条；《测绘地理信息管理工作国家秘密范围的规定》',
    openAttribute: 'not_open',
    updateFrequency: 'irregular',
    grade: CORE,
    legalBasis: '《中华人民共和国测绘成果管理条例》',
  }),
  entry('nr', '0008', 'approved', {
    zh: '永久基本农田保护红线',
    en: 'Permanent basic farmland protection lines',
    dzh: '永久基本农田划定成果。',
    den: 'Designated permanent basic farmland.',
    category: 'agriculture',
    tags: ['耕地保护', '三区三线'],
    dataForm: 'geospatial',
    fields: fields([
      ['jbntbh', '基本农田编号', 'Farmland ID', 'string'],
      ['mj', '面积', 'Area', 'decimal'],
      ['geom', '几何', 'Geometry', 'geometry'],
    ]),
    sharingType: 'unconditional',
    openAttribute: 'open_conditional',
    openConditions: '按行政区汇总开放；图斑级数据经申请审核后开放。',
    updateFrequency: 'yearly',
    grade: g(2),
    legalBasis: '《基本农田保护条例》',
  }),
  entry('nr', '0009', 'draft', {
    zh: '海域使用权登记信息',
    en: 'Sea area use rights',
    dzh: '海域使用权人、用海类型和面积。',
    den: 'Holders, use types and areas of sea area use rights.',
    category: 'natural_resources',
    tags: ['海域'],
    fields: fields([
      ['hyzsh', '海域证书号', 'Certificate', 'string'],
      ['syqr', '使用权人', 'Holder', 'string', 'p'],
      ['yhlx', '用海类型', 'Use type', 'code'],
      ['mj', '面积', 'Area', 'decimal'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《中华人民共和国海域使用管理法》',
    openAttribute: 'not_open',
    updateFrequency: 'monthly',
    grade: g(3),
    legalBasis: '《中华人民共和国海域使用管理法》第十九条',
  }),
  entry('nr', '0010', 'approved', {
    zh: '卫星遥感影像成果',
    en: 'Satellite remote sensing imagery',
    dzh: '全省季度覆盖的 2 米分辨率卫星正射影像。',
    den: 'Quarterly 2 m orthorectified satellite imagery of the province.',
    category: 'natural_resources',
    tags: ['遥感', '影像'],
    dataForm: 'file',
    fields: fields([
      ['yxbh', '影像编号', 'Scene ID', 'string'],
      ['cxsj', '成像时间', 'Acquired', 'datetime'],
      ['fbl', '分辨率', 'Resolution', 'decimal'],
    ]),
    sharingType: 'conditional',
    sharingBasis: '《卫星遥感影像数据管理办法》',
    sharingConditions: '用于自然资源监管、规划编制的部门申请后共享。',
    openAttribute: 'open_conditional',
    openConditions: '降分辨率至 16 米后向社会开放。',
    updateFrequency: 'quarterly',
    grade: g(2),
    legalBasis: '《中华人民共和国测绘法》',
  }),
]

const SECRECY_NOTE = '经本单位保密审查，拟开放内容不涉及国家秘密、工作秘密、商业秘密和个人隐私。'

const RETURN_REASON = '共享条件未写明使用部门范围，请补充具体可共享的部门和用途。'

async function authUser(email: string): Promise<AuthUser> {
  const user = await User.findOne({ email }).lean()
  const auth = user ? await loadAuthUser(String(user._id), 'session') : undefined
  if (!auth) throw new Error(`seed user ${email} is missing`)
  return auth
}

function codeFor(orgUscc: string, serial: string) {
  return `GD-440000-${orgUscc.slice(8, 16)}-${serial}`
}

/** Moves one entry forward until it reaches its target state; each step is an idempotent service call. */
async function advance(entryId: string, target: Target, agency: AuthUser, authority: AuthUser) {
  for (let step = 0; step < 6; step++) {
    const e = await loadEntry(entryId)
    if (target === 'draft') return
    if (e.status === 'draft' || (e.status === 'returned' && target !== 'returned')) {
      // Art. 46: data to be opened passes the agency's confidentiality review first.
      if (needsOpeningReview(e.content) && !(await openingReviewOf(entryId, e.content)))
        await reviewEntryOpening(agency, entryId, { outcome: 'passed', note: SECRECY_NOTE })
      await submitEntry({ user: agency, entryId })
      continue
    }
    if (e.status === 'returned' || e.status === 'approved') return
    // submitted
    if (target === 'submitted') return
    if (target === 'confirm_grade' && e.pendingStep === 'confirm_grade') return
    if (target === 'returned') {
      await decideEntry({
        reviewer: authority,
        entryId,
        decision: 'returned',
        reasons: [RETURN_REASON],
      })
      continue
    }
    await decideEntry({ reviewer: authority, entryId, decision: 'approved', reasons: [] })
  }
}

export async function seedCatalog(): Promise<{ entries: number; created: number }> {
  await seedSampleCalendar()
  const authority = await authUser('authority@demo.gd.example')
  const agencies = {
    psb: await authUser('psb@demo.gd.example'),
    amr: await authUser('amr@demo.gd.example'),
    nr: await authUser('nr@demo.gd.example'),
  }
  const usccs = new Map<string, string>()
  for (const key of Object.keys(agencies) as (keyof typeof agencies)[]) {
    const org = await Organization.findById(agencies[key].org!.id, { uscc: 1 }).lean()
    usccs.set(key, org!.uscc)
  }
  const now = Date.now()
  const DAY = 86_400_000
  let created = 0
  // The three agencies' entries are seeded side by side (independent chains; halves the start-up).
  const seedOne = async (spec: SeedEntry) => {
    const agency = agencies[spec.org]
    const code = codeFor(usccs.get(spec.org)!, spec.serial)
    let existing = await CatalogEntry.findOne({ code }, { _id: 1 }).lean()
    if (!existing) {
      try {
        await createDraft({ user: agency, content: spec.content, code })
        created++
      } catch (error) {
        if (!isDomainError(error)) throw error
        throw new Error(`seed entry ${code}: ${error.messageKey}`)
      }
      existing = await CatalogEntry.findOne({ code }, { _id: 1 }).lean()
    }
    const entryId = String(existing!._id)
    await advance(entryId, spec.target, agency, authority)
    const e = await loadEntry(entryId)
    if (spec.v2 && e.publishedVersion === 1 && e.status === 'approved') {
      await updateDraft({ user: agency, entryId, content: { ...spec.content, ...spec.v2 } })
      await advance(entryId, 'approved', agency, authority)
    }
    // Demo only: the data of this entry was last updated long ago, so the freshness job flags it.
    if (spec.lastUpdateDaysAgo && e.lastDataUpdateAt && now - e.lastDataUpdateAt.getTime() < DAY) {
      await CatalogEntry.updateOne(
        { _id: e._id },
        { $set: { lastDataUpdateAt: new Date(now - spec.lastUpdateDaysAgo * DAY) } },
      )
    }
    if (spec.basisChanged && e.publishedVersion >= 1 && !e.deadline) {
      try {
        await markLegalBasisChanged({
          user: agency,
          entryId,
          reason: spec.basisChanged.reason,
          now: new Date(now - spec.basisChanged.daysAgo * DAY),
        })
      } catch (error) {
        if (!isDomainError(error) || error.code !== 'already_marked') throw error
      }
    }
  }
  await Promise.all(
    (['psb', 'amr', 'nr'] as const).map(async (org) => {
      for (const spec of SEED_ENTRIES.filter((e) => e.org === org)) await seedOne(spec)
    }),
  )
  await seedQualityIssues(agencies.amr)
  await runFreshnessSweep()
  await runDeadlineSweep()
  return { entries: SEED_ENTRIES.length, created }
}

async function seedQualityIssues(amr: AuthUser) {
  const buyer = await authUser('buyer@demo.gd.example')
  const code = `GD-440000-${(await Organization.findById(amr.org!.id, { uscc: 1 }).lean())!.uscc.slice(8, 16)}-0001`
  const target = await CatalogEntry.findOne({ code }, { _id: 1 }).lean()
  if (!target) return
  const entryId = String(target._id)
  const existing = await listQualityIssues({ entryId }, { limit: 5 })
  if (existing.items.length > 0) return
  const first = await raiseQualityIssue({
    user: buyer,
    entryId,
    kind: 'incorrect',
    fieldName: 'zs',
    description: '部分企业住所仍为变更前地址，与营业执照不一致。',
  })
  await raiseQualityIssue({
    user: buyer,
    entryId,
    kind: 'missing',
    fieldName: 'zczb',
    description: '个别外资企业注册资本为空。',
  })
  await resolveQualityIssue({
    user: amr,
    issueId: first.id,
    outcome: 'corrected',
    note: '已与登记系统重新同步住所字段，差异记录 126 条已更正。',
  })
}
