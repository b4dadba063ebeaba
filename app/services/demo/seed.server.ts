// The demo world a new user clicks through: the authority, three agencies, two
// providers, a buyer, a university, a regulator and two data subjects. Every
// creation is a ledger entry. Running it twice changes nothing (unique keys).
import { Organization, type OrgType } from '#models/organization'
import { User, type Role } from '#models/user'
import { makeResidentId, makeUscc, orgCodeCheckChar } from '~/services/identity/codes'
import { blindIndex, encryptField, hashPassword } from '~/services/identity/crypto.server'
import { dataKeys } from '~/services/identity/keys.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { isDuplicateKey } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { seedCatalog } from '~/services/catalog/seed.server'
import { seedOpenData } from '~/services/open-data/seed.server'
import { seedProducts } from '~/services/products/seed.server'
import { seedOrders } from '~/services/orders/seed.server'
import { seedResearch } from '~/services/research/seed.server'
import { seedSharing } from '~/services/sharing/seed.server'

export const DEMO_PASSWORD = 'demo-password-2026'

/** A checksum-valid credit code: category, region, 8-char body (+ GB 11714 and GB 32100 checks). */
function demoUscc(category: string, region: string, body8: string) {
  return makeUscc(category + region + body8 + orgCodeCheckChar(body8))
}

interface DemoOrg {
  key: string
  type: OrgType
  zh: string
  en: string
  uscc: string
  level?: 'province' | 'city' | 'county'
  regionCode?: string
}

export const DEMO_ORGS: DemoOrg[] = [
  {
    key: 'authority',
    type: 'authority',
    zh: '广东省政务服务数据管理局',
    en: 'Guangdong Government Service and Data Administration',
    uscc: demoUscc('11', '440000', '00693001'),
  },
  {
    key: 'psb',
    type: 'agency',
    zh: '广东省公安厅',
    en: 'Guangdong Provincial Public Security Department',
    uscc: demoUscc('11', '440000', '00693002'),
  },
  {
    key: 'amr',
    type: 'agency',
    zh: '广东省市场监督管理局',
    en: 'Guangdong Administration for Market Regulation',
    uscc: demoUscc('11', '440000', '00693003'),
  },
  {
    key: 'nr',
    type: 'agency',
    zh: '广东省自然资源厅',
    en: 'Department of Natural Resources of Guangdong Province',
    uscc: demoUscc('11', '440000', '00693004'),
  },
  {
    key: 'provider1',
    type: 'provider',
    zh: '广州数智科技有限公司',
    en: 'Guangzhou Shuzhi Technology Co., Ltd.',
    uscc: demoUscc('91', '440101', 'MA5D0A01'),
    level: 'city',
    regionCode: '440100',
  },
  {
    key: 'provider2',
    type: 'provider',
    zh: '深圳粤数信息服务有限公司',
    en: 'Shenzhen Yueshu Information Services Co., Ltd.',
    uscc: demoUscc('91', '440300', 'MA5D0B02'),
    level: 'city',
    regionCode: '440300',
  },
  {
    key: 'buyer',
    type: 'buyer',
    zh: '佛山智造金融服务有限公司',
    en: 'Foshan Smart Manufacturing Finance Services Co., Ltd.',
    uscc: demoUscc('91', '440600', 'MA5D0C03'),
    level: 'city',
    regionCode: '440600',
  },
  {
    key: 'university',
    type: 'research',
    zh: '粤海大学数据科学研究院',
    en: 'Yuehai University Institute of Data Science',
    uscc: demoUscc('12', '440000', '45550001'),
  },
  // A city's data authority and one of its agencies: sharing with the province crosses levels
  // (Art. 25: filed with the city's authority and the provincial one).
  {
    key: 'gz-authority',
    type: 'authority',
    zh: '广州市政务服务和数据管理局',
    en: 'Guangzhou Government Service and Data Administration',
    uscc: demoUscc('11', '440100', '00693101'),
    level: 'city',
    regionCode: '440100',
  },
  {
    key: 'gz-health',
    type: 'agency',
    zh: '广州市卫生健康委员会',
    en: 'Guangzhou Municipal Health Commission',
    uscc: demoUscc('11', '440100', '00693102'),
    level: 'city',
    regionCode: '440100',
  },
  {
    key: 'regulator',
    type: 'regulator',
    zh: '广东省互联网信息办公室',
    en: 'Cyberspace Administration of Guangdong',
    uscc: demoUscc('11', '440000', '00693005'),
  },
]

interface DemoUser {
  email: string
  displayName: string
  role: Role
  orgKey?: string
  residentIdPrefix?: string
}

export const DEMO_USERS: DemoUser[] = [
  {
    email: 'authority@demo.gd.example',
    displayName: '陈主任',
    role: 'authority_admin',
    orgKey: 'authority',
  },
  { email: 'psb@demo.gd.example', displayName: '黄警官', role: 'agency_staff', orgKey: 'psb' },
  { email: 'amr@demo.gd.example', displayName: '林科长', role: 'agency_staff', orgKey: 'amr' },
  { email: 'nr@demo.gd.example', displayName: '周工程师', role: 'agency_staff', orgKey: 'nr' },
  {
    email: 'provider@demo.gd.example',
    displayName: '刘经理',
    role: 'provider_staff',
    orgKey: 'provider1',
  },
  {
    email: 'provider2@demo.gd.example',
    displayName: '吴经理',
    role: 'provider_staff',
    orgKey: 'provider2',
  },
  { email: 'buyer@demo.gd.example', displayName: '郑总监', role: 'buyer_staff', orgKey: 'buyer' },
  {
    email: 'researcher@demo.gd.example',
    displayName: '何教授',
    role: 'researcher',
    orgKey: 'university',
  },
  {
    email: 'regulator@demo.gd.example',
    displayName: '梁督查',
    role: 'regulator',
    orgKey: 'regulator',
  },
  {
    email: 'gz-authority@demo.gd.example',
    displayName: '邓处长',
    role: 'authority_admin',
    orgKey: 'gz-authority',
  },
  {
    email: 'gzhealth@demo.gd.example',
    displayName: '罗医生',
    role: 'agency_staff',
    orgKey: 'gz-health',
  },
  {
    email: 'zhangwei@demo.gd.example',
    displayName: '张伟',
    role: 'data_subject',
    residentIdPrefix: '44010619900307231',
  },
  {
    email: 'lina@demo.gd.example',
    displayName: '李娜',
    role: 'data_subject',
    residentIdPrefix: '44030419851122402',
  },
]

async function ensureOrg(org: DemoOrg) {
  let created = true
  const doc = await Organization.create({
    type: org.type,
    name: { zh: org.zh, en: org.en },
    uscc: org.uscc,
    level: org.level ?? 'province',
    regionCode: org.regionCode ?? '440000',
    status: 'approved',
  }).catch(async (error: unknown) => {
    if (!isDuplicateKey(error)) throw error
    created = false
    return (await Organization.findOne({ uscc: org.uscc }))!
  })
  // Logged under an event key, so a seed interrupted between the two steps logs once on re-run.
  await appendLedger({
    action: 'org.created',
    subjects: [`org:${doc._id}`],
    payload: { type: org.type, uscc: org.uscc, name: { zh: org.zh, en: org.en } },
    summary: { type: org.type, source: 'seed' },
    eventKey: `org.created:${doc._id}`,
  })
  return { id: String(doc._id), created }
}

async function ensureUser(user: DemoUser, orgId: string | undefined, passwordHash: string) {
  const keys = dataKeys()
  const residentId = user.residentIdPrefix ? makeResidentId(user.residentIdPrefix) : undefined
  let created = true
  const doc = await User.create({
    email: user.email,
    displayName: user.displayName,
    passwordHash,
    orgId,
    roles: [user.role],
    ...(residentId
      ? {
          residentIdEnc: encryptField(residentId, keys.field),
          residentIdIndex: blindIndex(residentId, keys.index),
          // The demo's subjects are taken as checked at the desk already.
          identityConfirmedAt: new Date(),
          identityMethod: 'desk-code',
        }
      : {}),
  }).catch(async (error: unknown) => {
    if (!isDuplicateKey(error)) throw error
    created = false
    return (await User.findOne({ email: user.email }))!
  })
  await appendLedger({
    action: 'user.created',
    actor: orgId ? { orgId } : undefined,
    subjects: [`user:${doc._id}`, ...(orgId ? [`org:${orgId}`] : [])],
    payload: { email: user.email, role: user.role },
    summary: { role: user.role, source: 'seed' },
    eventKey: `user.created:${doc._id}`,
  })
  return created
}

/** The demo world's logins share a published password: never in production. */
export function assertDemoSeedAllowed(nodeEnv = getEnv().NODE_ENV): void {
  if (nodeEnv === 'production') {
    throw new DomainError('demo_in_production', 'error.demoInProduction', 409)
  }
}

export async function seedDemoWorld() {
  assertDemoSeedAllowed()
  const orgIds = new Map<string, string>()
  let created = 0
  for (const org of DEMO_ORGS) {
    const result = await ensureOrg(org)
    orgIds.set(org.key, result.id)
    if (result.created) created++
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  for (const user of DEMO_USERS) {
    if (await ensureUser(user, user.orgKey ? orgIds.get(user.orgKey) : undefined, passwordHash)) {
      created++
    }
  }
  // C2/C3: the demo catalog, calendar and source registry (idempotent).
  await seedCatalog()
  // C6: sample files of open distributions, the yearly open catalog and public comments (idempotent).
  await seedOpenData()
  // C7: the authority's products and model, two providers' derived products (needs the catalog; idempotent).
  await seedProducts()
  // C8 (Art. 26): one pending research request, so the provider's inbox shows something (idempotent).
  await seedResearch()
  // C8 (Art. 38): one bank-transfer order awaiting the authority's confirmation (idempotent).
  await seedOrders()
  // C4 (Art. 22–24): sharing requests pending, overdue and escalated, agreed, refused, granted at once.
  await seedSharing()
  return { created, logins: DEMO_USERS.map((u) => ({ email: u.email, role: u.role })) }
}

export async function isDatabaseEmpty(): Promise<boolean> {
  return (await Organization.estimatedDocumentCount()) === 0
}
