// The demo marketplace (C7 "Demo world"): the authority's products and model (Art. 36) built
// on seeded catalog entries, and two providers' derived products with multi-step provenance back
// to them — a living shelf on first start. Everything goes through the services (so the rules run
// and the ledger tells the story), except the sharing grants and licences that the sharing and
// orders capabilities will issue (issue 6): those are seeded directly, each with its ledger entry.
// Idempotent: products carry a `seedKey`, grants and licences a `demo:` sourceRef, and a rerun
// resumes each product's versions where they stopped.
import { CatalogEntry } from '#models/catalog-entry'
import { Licence, licenceEventId, LicenceEvent } from '#models/licence'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { SharingGrant } from '#models/sharing-grant'
import { User } from '#models/user'
import { DEMO_ORGS } from '~/services/demo/seed.server'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { contentStore } from '~/services/storage/store.server'
import { isDuplicateKey } from '~/utils/db.server'
import { reviewVersion, setScreeningByHand } from './listing.server'
import { createProduct } from './products.server'
import type { ProductInput } from './schemas'
import { addFileToDraft, createDraftVersion, submitVersion } from './versions.server'
import { seedModelRun } from './model-runs.server'

const DAY = 86_400_000

async function authUser(email: string): Promise<AuthUser> {
  const user = await User.findOne({ email }).lean()
  const auth = user ? await loadAuthUser(String(user._id), 'session') : undefined
  if (!auth) throw new Error(`seed user ${email} is missing`)
  return auth
}

async function entryId(agency: 'amr' | 'nr' | 'psb', serial: string): Promise<string> {
  const org = DEMO_ORGS.find((o) => o.key === agency)!
  const entry = await CatalogEntry.findOne(
    { code: `GD-440000-${org.uscc.slice(8, 16)}-${serial}` },
    { _id: 1, orgId: 1 },
  ).lean()
  if (!entry)
    throw new Error(
      `seed catalog entry ${agency}-${serial} is missing (seedCatalog must run first)`,
    )
  return String(entry._id)
}

// --- deterministic demo files -------------------------------------------------------------

/** A small deterministic generator (mulberry32), so the demo files hash the same on every run. */
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

const CITIES: [string, string][] = [
  ['440100', '广州市'],
  ['440200', '韶关市'],
  ['440300', '深圳市'],
  ['440400', '珠海市'],
  ['440500', '汕头市'],
  ['440600', '佛山市'],
  ['440700', '江门市'],
  ['440800', '湛江市'],
  ['440900', '茂名市'],
  ['441200', '肇庆市'],
  ['441300', '惠州市'],
  ['441400', '梅州市'],
  ['441500', '汕尾市'],
  ['441600', '河源市'],
  ['441700', '阳江市'],
  ['441800', '清远市'],
  ['441900', '东莞市'],
  ['442000', '中山市'],
  ['445100', '潮州市'],
  ['445200', '揭阳市'],
  ['445300', '云浮市'],
]
const INDUSTRIES: [string, string][] = [
  ['C', '制造业'],
  ['F', '批发和零售业'],
  ['I', '信息传输、软件和信息技术服务业'],
  ['L', '租赁和商务服务业'],
  ['M', '科学研究和技术服务业'],
]
const COUNTIES: [string, string][] = [
  ['440103', '广州市荔湾区'],
  ['440104', '广州市越秀区'],
  ['440106', '广州市天河区'],
  ['440111', '广州市白云区'],
  ['440112', '广州市黄埔区'],
  ['440113', '广州市番禺区'],
  ['440114', '广州市花都区'],
  ['440115', '广州市南沙区'],
  ['440117', '广州市从化区'],
  ['440118', '广州市增城区'],
  ['440303', '深圳市罗湖区'],
  ['440304', '深圳市福田区'],
  ['440305', '深圳市南山区'],
  ['440306', '深圳市宝安区'],
  ['440307', '深圳市龙岗区'],
  ['440604', '佛山市禅城区'],
  ['440605', '佛山市南海区'],
  ['440606', '佛山市顺德区'],
]
const LAND_CLASSES: [string, string][] = [
  ['01', '耕地'],
  ['03', '林地'],
  ['05', '商业服务业用地'],
  ['06', '工矿用地'],
  ['07', '住宅用地'],
  ['10', '交通运输用地'],
  ['11', '水域及水利设施用地'],
]

function enterpriseStatsCsv(year: number): string {
  const r = rng(year)
  const lines = [
    'city_code,city,industry_code,industry,enterprises,new_registrations,registered_capital_10k_cny',
  ]
  for (const [code, city] of CITIES) {
    for (const [ic, industry] of INDUSTRIES) {
      const n = Math.round(2000 + r() * 60000)
      lines.push(
        `${code},${city},${ic},${industry},${n},${Math.round(n * (0.06 + r() * 0.08))},${Math.round(n * (80 + r() * 400))}`,
      )
    }
  }
  return lines.join('\r\n') + '\r\n'
}

export function landUseParcelsCsv(): string {
  const r = rng(2023)
  const lines = ['county_code,county,land_class,land_class_name,area_ha']
  for (const [code, county] of COUNTIES)
    for (const [lc, name] of LAND_CLASSES)
      lines.push(`${code},${county},${lc},${name},${(50 + r() * 9000).toFixed(2)}`)
  return lines.join('\r\n') + '\r\n'
}

function vitalityCsv(quarters: string[], seed: number): string {
  const r = rng(seed)
  const lines = ['city_code,city,quarter,vitality_index,new_firms,penalties,abnormal_listed']
  for (const [code, city] of CITIES)
    for (const q of quarters)
      lines.push(
        `${code},${city},${q},${(60 + r() * 40).toFixed(1)},${Math.round(500 + r() * 9000)},${Math.round(r() * 400)},${Math.round(r() * 900)}`,
      )
  return lines.join('\r\n') + '\r\n'
}

function siteSelectionCsv(): string {
  const r = rng(77)
  const lines = ['county_code,county,commercial_land_ha,land_supply_ha,vitality_index,site_score']
  for (const [code, county] of COUNTIES)
    lines.push(
      `${code},${county},${(100 + r() * 3000).toFixed(1)},${(5 + r() * 200).toFixed(1)},${(60 + r() * 40).toFixed(1)},${(50 + r() * 50).toFixed(0)}`,
    )
  return lines.join('\r\n') + '\r\n'
}

function creditRiskCsv(): string {
  const r = rng(9)
  const lines = ['industry_code,industry,risk_level,enterprises,share']
  for (const [ic, industry] of INDUSTRIES)
    for (const level of ['低', '中', '高'])
      lines.push(
        `${ic},${industry},${level},${Math.round(100 + r() * 5000)},${(r() * 0.5).toFixed(3)}`,
      )
  return lines.join('\r\n') + '\r\n'
}

const MODEL_DOC = `# 土地利用结构分析模型 / Land-use structure model

输入：区县地类面积表（county_code, land_class, area_ha）。
输出：每个区县的地类面积合计、各地类占比和主导地类。
参数：{"unit": "ha" | "mu"}（默认公顷；1 公顷 = 15 亩）。

Input: a table of land-class areas per county (county_code, land_class, area_ha).
Output: per county the total area, each class's share and the dominant class.
Parameters: {"unit": "ha" | "mu"} (hectares by default; 1 ha = 15 mu).
`

// --- products ----------------------------------------------------------------------------

const template = (
  derivation: boolean,
  mode: 'file_download' | 'model_run' = 'file_download',
  days = 365,
): ProductInput['licenceTemplate'] => ({
  purpose: { zh: '企业经营分析与决策支持', en: 'Business analysis and decision support' },
  scenario: { zh: '被许可方内部分析与报告', en: "The licensee's internal analysis and reports" },
  permittedFields: [],
  deliveryMode: mode,
  durationDays: days,
  derivationAllowed: derivation,
  redistribution: false,
  researchOnly: false,
  commercialUse: true,
  usageReport: 'quarterly',
})

interface SeedVersion {
  inputs: () => Promise<{ kind: 'catalog-entry' | 'product-version'; id: string }[]>
  file: { name: string; content: () => string }
  activity: { zh: string; en: string; description: string; parameters?: Record<string, unknown> }
  note: { zh: string; en: string }
  /** Leave it waiting for the authority's review (the demo queue). */
  leavePending?: boolean
}

interface SeedProduct {
  key: string
  owner: 'authority' | 'provider1' | 'provider2'
  input: ProductInput
  versions: SeedVersion[]
}

async function latestVersionId(seedKey: string): Promise<string> {
  const product = await Product.findOne({ seedKey }, { _id: 1 }).lean()
  const version = product
    ? await ProductVersion.findOne({ productId: String(product._id), state: 'published' })
        .sort({ number: -1 })
        .lean()
    : null
  if (!version) throw new Error(`seed product ${seedKey} has no published version yet`)
  return String(version._id)
}

async function ensureGrant(
  key: string,
  input: {
    entryId: string
    grantee: AuthUser
    kind: 'sharing' | 'conditional_open'
    scenario: string
  },
) {
  const entry = await CatalogEntry.findById(input.entryId, { orgId: 1 }).lean()
  const now = Date.now()
  try {
    const grant = await SharingGrant.create({
      catalogEntryId: input.entryId,
      grantorOrgId: entry!.orgId,
      granteeOrgId: input.grantee.org!.id,
      kind: input.kind,
      scenario: input.scenario,
      mode: 'online',
      start: new Date(now - 30 * DAY),
      end: new Date(now + 730 * DAY),
      approvedAt: new Date(now - 30 * DAY),
      approvedBy: 'demo-seed',
      sourceRef: `demo:${key}`,
    })
    await appendLedger({
      action: 'sharing-grant.approved',
      actor: { orgId: entry!.orgId },
      subjects: [
        `sharing-grant:${grant._id}`,
        `catalog-entry:${input.entryId}`,
        `org:${input.grantee.org!.id}`,
      ],
      payload: { kind: input.kind, scenario: input.scenario },
      summary: { kind: input.kind, source: 'seed' },
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
}

async function ensureLicence(
  key: string,
  input: {
    seedKey: string
    holder: AuthUser
    derivation: boolean
    mode?: 'file_download' | 'model_run' | 'api'
  },
) {
  const product = await Product.findOne({ seedKey: input.seedKey }).lean()
  if (!product) throw new Error(`seed product ${input.seedKey} is missing`)
  const now = Date.now()
  try {
    const licence = await Licence.create({
      licenseeOrgId: input.holder.org!.id,
      licensorOrgId: product.ownerOrgId,
      productId: String(product._id),
      versionId: null,
      purpose: input.derivation ? '加工形成衍生数据产品' : '内部经营分析',
      scenario: input.derivation ? '衍生产品研发与上架' : '内部报表',
      permittedFields: [],
      deliveryMode: input.mode ?? 'file_download',
      start: new Date(now - 20 * DAY),
      end: new Date(now + 345 * DAY),
      derivationAllowed: input.derivation,
      redistribution: false,
      researchOnly: false,
      commercialUse: true,
      usageReport: 'quarterly',
      source: 'order',
      sourceRef: `demo:${key}`,
      pricePlanKey: product.pricePlans[0]?.key ?? null,
      status: 'active',
    })
    await LicenceEvent.create({
      _id: licenceEventId(String(licence._id), 'issued'),
      licenceId: String(licence._id),
      kind: 'issued',
      reason: 'demo seed',
    })
    await appendLedger({
      action: 'licence.issued',
      actor: { orgId: product.ownerOrgId },
      subjects: [`licence:${licence._id}`, `product:${product._id}`, `org:${input.holder.org!.id}`],
      payload: { derivationAllowed: input.derivation, deliveryMode: input.mode ?? 'file_download' },
      summary: { derivation: input.derivation, source: 'seed' },
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
}

/** Creates (or resumes) a seeded product and brings each of its versions to the market. */
async function ensureProduct(
  spec: SeedProduct,
  owners: Record<SeedProduct['owner'], AuthUser>,
  authority: AuthUser,
): Promise<boolean> {
  const owner = owners[spec.owner]
  let product = await Product.findOne({ seedKey: spec.key }).lean()
  let created = false
  if (!product) {
    try {
      await createProduct(owner, spec.input, { seedKey: spec.key })
      created = true
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
    product = await Product.findOne({ seedKey: spec.key }).lean()
  }
  const productId = String(product!._id)
  for (const [i, v] of spec.versions.entries()) {
    const number = i + 1
    let version = await ProductVersion.findOne({ productId, number }).lean()
    if (!version) {
      const inputs = await v.inputs()
      await createDraftVersion(owner, productId, {
        note: v.note,
        inputs,
        activity: {
          label: { zh: v.activity.zh, en: v.activity.en },
          description: v.activity.description,
          parameters: JSON.stringify(v.activity.parameters ?? {}),
        },
        schema: [],
      })
      version = await ProductVersion.findOne({ productId, number }).lean()
    }
    if (version!.state === 'draft') {
      if (version!.distributions.length === 0) {
        const stored = await contentStore().putBytes(v.file.content())
        const extension = v.file.name.split('.').pop()!.toLowerCase()
        await addFileToDraft(owner, productId, number, {
          fileName: v.file.name,
          extension,
          mediaType: extension === 'md' ? 'text/markdown' : 'text/csv',
          stored,
        })
      }
      await submitVersion(owner, productId, number)
      version = await ProductVersion.findOne({ productId, number }).lean()
    }
    const versionId = String(version!._id)
    if (version!.state === 'submitted' && version!.screening.status === 'pending') {
      await setScreeningByHand({
        authority,
        versionId,
        status: 'passed',
        note: '演示数据：统计汇总表，经人工核验不含个人信息。',
      })
      version = await ProductVersion.findById(versionId).lean()
    }
    if (version!.state === 'submitted' && version!.review.status === 'pending' && !v.leavePending) {
      await reviewVersion({ reviewer: authority, versionId, decision: 'approved', reasons: [] })
    }
  }
  return created
}

function products(ids: Record<string, string>): SeedProduct[] {
  const entry = (k: string) => ({ kind: 'catalog-entry' as const, id: ids[k]! })
  const upstream = async (seedKey: string) => ({
    kind: 'product-version' as const,
    id: await latestVersionId(seedKey),
  })
  return [
    {
      key: 'authority-enterprise-stats',
      owner: 'authority',
      input: {
        kind: 'dataset',
        title: {
          zh: '广东省企业登记统计数据集',
          en: 'Guangdong enterprise registration statistics',
        },
        description: {
          zh: '按地市、行业汇总的企业存量、新登记数量和注册资本，来源于市场监管部门的企业登记基本信息与企业年度报告，按季度更新。',
          en: 'Enterprises, new registrations and registered capital by city and industry, compiled from enterprise registration and annual-report data of market regulation; quarterly.',
        },
        category: 'legal_entity',
        grade: { tier: 'general', level: 1 },
        tags: ['企业', '统计', '商事登记'],
        sample: enterpriseStatsCsv(2024).split('\r\n').slice(0, 6).join('\n'),
        pricePlans: [
          {
            kind: 'one_off',
            title: { zh: '年度数据包', en: 'Annual package' },
            amountFen: 200_000,
            callsQuota: null,
            seats: null,
          },
          {
            kind: 'subscription_monthly',
            title: { zh: '按月订阅', en: 'Monthly subscription' },
            amountFen: 30_000,
            callsQuota: null,
            seats: null,
          },
        ],
        licenceTemplate: template(true),
        model: null,
      },
      versions: [
        {
          inputs: async () => [entry('amrBasics'), entry('amrAnnual')],
          file: { name: 'enterprise-stats-2024.csv', content: () => enterpriseStatsCsv(2024) },
          activity: {
            zh: '按地市与行业汇总',
            en: 'Aggregate by city and industry',
            description: '企业登记基本信息与年报按地市、国民经济行业门类汇总；剔除个体工商户。',
            parameters: { groupBy: ['city', 'industry'], period: '2024' },
          },
          note: { zh: '2024 年度数据', en: '2024 data' },
        },
      ],
    },
    {
      key: 'authority-land-use-parcels',
      owner: 'authority',
      input: {
        kind: 'dataset',
        title: {
          zh: '广东省区县土地利用地类面积汇总',
          en: 'Land-use class areas by county, Guangdong',
        },
        description: {
          zh: '基于第三次国土调查成果，按区县、地类汇总的图斑面积（公顷）。',
          en: 'Parcel areas (ha) by county and land class from the Third National Land Survey.',
        },
        category: 'natural_resources',
        grade: { tier: 'general', level: 2 },
        tags: ['土地利用', '三调', '统计'],
        sample: landUseParcelsCsv().split('\r\n').slice(0, 6).join('\n'),
        pricePlans: [
          {
            kind: 'one_off',
            title: { zh: '数据包', en: 'Package' },
            amountFen: 50_000,
            callsQuota: null,
            seats: null,
          },
        ],
        licenceTemplate: template(true),
        model: null,
      },
      versions: [
        {
          inputs: async () => [entry('nrLandUse')],
          file: { name: 'land-use-by-county.csv', content: landUseParcelsCsv },
          activity: {
            zh: '图斑按区县与地类汇总',
            en: 'Sum parcels by county and class',
            description: '三调图斑面积按区县、地类一级类汇总，比例尺不大于 1:10000。',
            parameters: { groupBy: ['county', 'land_class'] },
          },
          note: { zh: '三调成果汇总', en: 'Third survey summary' },
        },
      ],
    },
    {
      key: 'authority-land-use-model',
      owner: 'authority',
      input: {
        kind: 'model',
        title: { zh: '土地利用结构分析模型', en: 'Land-use structure model' },
        description: {
          zh: '计算区县地类结构：面积合计、各地类占比和主导地类，可在已获许可的地类面积数据上运行，结果为新的衍生数据版本并附溯源。',
          en: 'Computes the land-use structure of each county — total area, class shares, dominant class. Run it on land-class data you hold a licence for; the result is a new derived version with provenance.',
        },
        category: 'natural_resources',
        grade: { tier: 'general', level: 1 },
        tags: ['模型', '土地利用', '国土空间规划'],
        sample: MODEL_DOC,
        pricePlans: [
          {
            kind: 'per_call',
            title: { zh: '按次运行', en: 'Per run' },
            amountFen: 5_000,
            callsQuota: 100,
            seats: null,
          },
        ],
        licenceTemplate: template(false, 'model_run'),
        model: {
          inputs: [
            {
              name: 'land_class_areas',
              description: {
                zh: '区县地类面积表：county_code, land_class, area_ha',
                en: 'Land-class areas by county: county_code, land_class, area_ha',
              },
              fields: ['county_code', 'land_class', 'area_ha'],
            },
          ],
          outputs: [
            {
              name: 'land_use_structure',
              description: {
                zh: '区县地类结构：面积合计、各类占比、主导地类',
                en: 'Structure per county: total, shares, dominant class',
              },
              fields: ['county_code', 'total', 'dominant_class'],
            },
          ],
          documentation: { zh: MODEL_DOC, en: MODEL_DOC },
          runner: 'land-use-structure',
        },
      },
      versions: [
        {
          inputs: async () => [entry('nrLandUse'), entry('nrZones')],
          file: { name: 'land-use-structure-model.md', content: () => MODEL_DOC },
          activity: {
            zh: '模型标定',
            en: 'Model calibration',
            description: '以三调地类与国土空间规划用途分区对照标定地类代码表。',
            parameters: { landClasses: LAND_CLASSES.map(([c]) => c) },
          },
          note: { zh: '首个版本', en: 'First release' },
        },
      ],
    },
    {
      key: 'provider1-vitality-index',
      owner: 'provider1',
      input: {
        kind: 'dataset',
        title: {
          zh: '广东地市企业活力指数（季度）',
          en: 'Enterprise vitality index of Guangdong cities (quarterly)',
        },
        description: {
          zh: '综合新登记企业、行政处罚与经营异常名录的地市企业活力指数，衍生自主管部门企业登记统计数据集与公开的监管信息。',
          en: 'A city-level enterprise vitality index combining new registrations, penalties and the abnormal-operations list; derived from the authority’s registration statistics and open regulatory data.',
        },
        category: 'economy',
        grade: { tier: 'general', level: 1 },
        tags: ['企业', '指数', '营商环境'],
        sample: vitalityCsv(['2024Q1'], 1).split('\r\n').slice(0, 6).join('\n'),
        pricePlans: [
          {
            kind: 'subscription_monthly',
            title: { zh: '按月订阅', en: 'Monthly subscription' },
            amountFen: 88_000,
            callsQuota: null,
            seats: 50,
          },
          {
            kind: 'per_call',
            title: { zh: 'API 按次', en: 'API per call' },
            amountFen: 50,
            callsQuota: 10_000,
            seats: null,
          },
        ],
        licenceTemplate: template(true),
        model: null,
      },
      versions: [
        {
          inputs: async () => [
            await upstream('authority-enterprise-stats'),
            entry('amrPenalties'),
            entry('amrAbnormal'),
          ],
          file: {
            name: 'vitality-index-2024h1.csv',
            content: () => vitalityCsv(['2024Q1', '2024Q2'], 1),
          },
          activity: {
            zh: '指数计算',
            en: 'Index computation',
            description: '新登记率、处罚率、异常率标准化后加权（0.5/0.25/0.25）。',
            parameters: { weights: { newFirms: 0.5, penalties: 0.25, abnormal: 0.25 } },
          },
          note: { zh: '2024 上半年', en: '2024 H1' },
        },
        {
          inputs: async () => [
            await upstream('authority-enterprise-stats'),
            entry('amrPenalties'),
            entry('amrAbnormal'),
          ],
          file: {
            name: 'vitality-index-2024.csv',
            content: () => vitalityCsv(['2024Q1', '2024Q2', '2024Q3', '2024Q4'], 2),
          },
          activity: {
            zh: '指数计算（全年）',
            en: 'Index computation (full year)',
            description: '同 v1 方法，补充第三、四季度。',
            parameters: { weights: { newFirms: 0.5, penalties: 0.25, abnormal: 0.25 } },
          },
          note: { zh: '2024 全年', en: '2024 full year' },
        },
      ],
    },
    {
      key: 'provider2-site-selection',
      owner: 'provider2',
      input: {
        kind: 'dataset',
        title: {
          zh: '珠三角商业选址评估数据',
          en: 'Pearl River Delta commercial site-selection scores',
        },
        description: {
          zh: '结合区县商业服务业用地、建设用地供应和企业活力指数的商业选址评分，多级溯源至自然资源与市场监管目录。',
          en: 'Commercial site scores per county from commercial land, land supply and the enterprise vitality index; traceable through several steps to natural-resources and market-regulation catalog entries.',
        },
        category: 'urban_rural',
        grade: { tier: 'general', level: 2 },
        tags: ['选址', '商业', '土地'],
        sample: siteSelectionCsv().split('\r\n').slice(0, 6).join('\n'),
        pricePlans: [
          {
            kind: 'one_off',
            title: { zh: '评估数据包', en: 'Score package' },
            amountFen: 1_280_000,
            callsQuota: null,
            seats: null,
          },
        ],
        licenceTemplate: template(false),
        model: null,
      },
      versions: [
        {
          inputs: async () => [
            await upstream('provider1-vitality-index'),
            await upstream('authority-land-use-parcels'),
            entry('nrSupply'),
          ],
          file: { name: 'site-selection-2024.csv', content: siteSelectionCsv },
          activity: {
            zh: '多源评分',
            en: 'Multi-source scoring',
            description: '商业服务业用地面积、近三年供地面积与企业活力指数归一化后加权。',
            parameters: { weights: { commercialLand: 0.4, supply: 0.2, vitality: 0.4 } },
          },
          note: { zh: '2024 年度评估', en: '2024 assessment' },
        },
      ],
    },
    {
      key: 'provider2-credit-risk',
      owner: 'provider2',
      input: {
        kind: 'report',
        title: { zh: '重点行业企业信用风险画像', en: 'Credit-risk profile of key industries' },
        description: {
          zh: '按行业门类统计的企业信用风险等级分布（重要数据，须经主管部门审核后上架）。',
          en: 'Enterprise credit-risk levels by industry (important data: listed only after the authority’s review).',
        },
        category: 'credit',
        grade: { tier: 'important', level: null },
        tags: ['信用', '风险', '行业'],
        sample: creditRiskCsv().split('\r\n').slice(0, 5).join('\n'),
        pricePlans: [
          {
            kind: 'one_off',
            title: { zh: '报告数据', en: 'Report data' },
            amountFen: 3_600_000,
            callsQuota: null,
            seats: 10,
          },
        ],
        licenceTemplate: template(false),
        model: null,
      },
      versions: [
        {
          inputs: async () => [entry('amrPenalties'), entry('amrAbnormal')],
          file: { name: 'credit-risk-2024.csv', content: creditRiskCsv },
          activity: {
            zh: '风险分级',
            en: 'Risk grading',
            description: '按处罚与异常记录对企业分级并按行业汇总。',
            parameters: { levels: ['低', '中', '高'] },
          },
          note: { zh: '首版，待审核', en: 'First version, awaiting review' },
          leavePending: true,
        },
      ],
    },
  ]
}

/** The demo marketplace; needs the demo orgs, users and catalog (run after seedCatalog). */
export async function seedProducts(): Promise<{ created: number }> {
  const authority = await authUser('authority@demo.gd.example')
  const owners = {
    authority,
    provider1: await authUser('provider@demo.gd.example'),
    provider2: await authUser('provider2@demo.gd.example'),
  }
  const buyer = await authUser('buyer@demo.gd.example')
  const ids: Record<string, string> = {
    amrBasics: await entryId('amr', '0001'),
    amrAnnual: await entryId('amr', '0002'),
    amrPenalties: await entryId('amr', '0004'),
    amrAbnormal: await entryId('amr', '0005'),
    nrZones: await entryId('nr', '0001'),
    nrLandUse: await entryId('nr', '0002'),
    nrSupply: await entryId('nr', '0004'),
  }
  // Art. 24 / 33: the source departments granted the authority their conditionally open data.
  await ensureGrant('amr-annual-to-authority', {
    entryId: ids.amrAnnual!,
    grantee: authority,
    kind: 'sharing',
    scenario: '编制企业登记统计数据产品（第三十六条）',
  })
  await ensureGrant('nr-land-use-to-authority', {
    entryId: ids.nrLandUse!,
    grantee: authority,
    kind: 'sharing',
    scenario: '编制土地利用统计产品与分析模型（第三十六条）',
  })

  let created = 0
  const specs = products(ids)
  const licences: Record<string, () => Promise<void>> = {
    'provider1-vitality-index': () =>
      ensureLicence('provider1-enterprise-stats', {
        seedKey: 'authority-enterprise-stats',
        holder: owners.provider1,
        derivation: true,
      }),
    'provider2-site-selection': async () => {
      await ensureLicence('provider2-vitality-index', {
        seedKey: 'provider1-vitality-index',
        holder: owners.provider2,
        derivation: true,
      })
      await ensureLicence('provider2-land-use-parcels', {
        seedKey: 'authority-land-use-parcels',
        holder: owners.provider2,
        derivation: true,
      })
    },
  }
  for (const spec of specs) {
    await licences[spec.key]?.()
    if (await ensureProduct(spec, owners, authority)) created++
  }
  // The buyer licensed the land-use model and the county data it runs on (issue 6 will sell these).
  await ensureLicence('buyer-land-use-model', {
    seedKey: 'authority-land-use-model',
    holder: buyer,
    derivation: false,
    mode: 'model_run',
  })
  await ensureLicence('buyer-land-use-parcels', {
    seedKey: 'authority-land-use-parcels',
    holder: buyer,
    derivation: true,
  })
  await ensureLicence('buyer-vitality-no-derivation', {
    seedKey: 'provider1-vitality-index',
    holder: buyer,
    derivation: false,
  })
  // Read through the data API: its rows come from the buyer's own fingerprinted copy (Art. 38).
  await ensureLicence('buyer-vitality-api', {
    seedKey: 'provider1-vitality-index',
    holder: buyer,
    derivation: false,
    mode: 'api',
  })
  await seedModelRun(buyer)
  return { created }
}
