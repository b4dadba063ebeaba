// Demo data for sharing between agencies (C4; Art. 22–24), so the agencies' and the authority's
// pages show a living Chapter 4 on first start: a request waiting for its reply, one overdue and
// escalated to the authority, one agreed with fewer fields than asked, one refused with a citation,
// one granted at once, one by file and one across levels (a city agency asks a provincial one). Idempotent: ids derive from keys, a request already logged is skipped,
// and every step after it is keyed (ADR 003).
import { createHash } from 'node:crypto'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { SharingRequest } from '#models/sharing-request'
import { User } from '#models/user'
import { chinaDate } from '~/services/calendar/working-days.server'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import type { SharingType } from '~/vocab/catalog'
import type { SharingMode } from '~/vocab/sharing'
import { SharingGrant } from '#models/sharing-grant'
import { currentDataset, storeEntryDatasetBytes } from './datasets.server'
import { deliverSharingGrant, grantRows, issueGrantApiKey } from './delivery.server'
import { recordOfflineHandover } from './handovers.server'
import { VerificationSetting } from '#models/verification-setting'
import {
  buildVerificationIndex,
  drainVerificationLog,
  setVerification,
  verifyRecord,
} from '~/services/verification/verify.server'
import { SubjectUse } from '#models/subject-use'
import { SubjectComplaint } from '#models/subject-complaint'
import { fileComplaint } from '~/services/subjects/complaints.server'
import { fileRecordRequest } from '~/services/subjects/record-requests.server'
import { holdingsOf } from '~/services/subjects/holdings.server'
import { SubjectRequest } from '#models/subject-request'
import { SubjectAuthorization } from '#models/subject-authorization'
import { makeResidentId } from '~/services/identity/codes'
import { EmergencyCollection } from '#models/emergency-collection'
import {
  closeEmergencyCollection,
  declareEmergencyCollection,
  endEmergencyCollection,
} from '~/services/emergency/collections.server'
import { Organization } from '#models/organization'
import {
  authorizableEntries,
  authorizedRecord,
  authorizeOrganisation,
} from '~/services/subjects/authorizations.server'
import {
  runVerificationBatch,
  submitVerificationBatchBytes,
} from '~/services/verification/batches.server'
import { VerificationBatch } from '#models/verification-batch'
import { EntryDataset } from '#models/entry-dataset'
import { decryptField } from '~/services/identity/crypto.server'
import { dataKeys } from '~/services/identity/keys.server'
import { buildSubjectIndex } from '~/services/subjects/holdings.server'
import { runSharingReplySweep } from './clocks.server'
import { replyToSharingRequest, reviewSharingGrant, submitSharingRequest } from './requests.server'
import { needsGrantReview } from '~/services/security/confidentiality.server'
import type { SharingDecisionInput } from './schemas'

const DAY = 86_400_000
const HOUR = 3_600_000

function seededId(key: string): mongoose.Types.ObjectId {
  return new mongoose.Types.ObjectId(
    createHash('sha256').update(`sharing-request:${key}`).digest('hex').slice(0, 24),
  )
}

async function agency(email: string): Promise<AuthUser | undefined> {
  const user = await User.findOne({ email }, { _id: 1 }).lean()
  return user ? loadAuthUser(String(user._id), 'session') : undefined
}

interface DemoRequest {
  key: string
  from: string
  to: string
  sharingType: SharingType
  daysAgo: number
  scenario: string
  usingUnit: string
  duty: string
  /** How many of the entry's fields are asked for. */
  fields: number
  mode?: SharingMode
  reply?: (fields: string[]) => SharingDecisionInput
  /** Art. 23 ¶4: the source department records a hand-over under the offline grant. */
  handover?: boolean
}

const DEMO: DemoRequest[] = [
  {
    key: 'psb-asks-amr-pending',
    from: 'psb@demo.gd.example',
    to: 'amr@demo.gd.example',
    sharingType: 'conditional',
    daysAgo: 1,
    scenario: '对个体工商户经营场所开展治安检查前的信息核对',
    usingUnit: '广东省公安厅治安管理局',
    duty: '《中华人民共和国治安管理处罚法》规定的治安管理职责',
    fields: 3,
  },
  {
    key: 'nr-asks-psb-overdue',
    from: 'nr@demo.gd.example',
    to: 'psb@demo.gd.example',
    sharingType: 'conditional',
    daysAgo: 14,
    scenario: '不动产登记中核验申请人身份信息',
    usingUnit: '广东省不动产登记中心',
    duty: '《不动产登记暂行条例》第十六条：登记机构查验申请人身份',
    fields: 2,
  },
  {
    key: 'amr-asks-psb-agreed',
    from: 'amr@demo.gd.example',
    to: 'psb@demo.gd.example',
    sharingType: 'conditional',
    daysAgo: 9,
    scenario: '企业登记中核验法定代表人身份',
    usingUnit: '广东省市场监督管理局登记注册局',
    duty: '《中华人民共和国市场主体登记管理条例》第十七条：登记机关核验身份',
    fields: 4,
    reply: (fields) => ({
      outcome: 'granted',
      fields: fields.slice(0, 2),
      mode: 'api',
      end: chinaDate(new Date(Date.now() + 365 * DAY)),
      note: '按最小授权只提供身份号码和姓名的核验所需项。',
    }),
  },
  {
    key: 'nr-asks-psb-file',
    from: 'nr@demo.gd.example',
    to: 'psb@demo.gd.example',
    sharingType: 'conditional',
    daysAgo: 4,
    scenario: '不动产登记簿与户籍地址的年度比对',
    usingUnit: '广东省不动产登记中心',
    duty: '《不动产登记暂行条例》第十八条：登记机构核实申请材料',
    fields: 4,
    mode: 'file',
    reply: (fields) => ({
      outcome: 'granted',
      fields: [fields[0]!, fields[3]!],
      mode: 'file',
      end: chinaDate(new Date(Date.now() + 180 * DAY)),
      note: '仅提供比对所需的身份号码和出生日期。',
    }),
  },
  {
    key: 'psb-asks-nr-offline',
    from: 'psb@demo.gd.example',
    to: 'nr@demo.gd.example',
    sharingType: 'conditional',
    daysAgo: 8,
    scenario: '命案现场周边不动产权属核查（涉密，线下交接）',
    usingUnit: '广东省公安厅刑事侦查局',
    duty: '《中华人民共和国刑事诉讼法》第一百三十六条：侦查机关调取证据',
    fields: 2,
    mode: 'offline',
    reply: (fields) => ({
      outcome: 'granted',
      fields,
      mode: 'offline',
      end: chinaDate(new Date(Date.now() + 60 * DAY)),
      note: '涉密数据，以加密介质线下交接。',
    }),
    handover: true,
  },
  {
    key: 'amr-asks-nr-expired',
    from: 'amr@demo.gd.example',
    to: 'nr@demo.gd.example',
    sharingType: 'conditional',
    daysAgo: 40,
    scenario: '年度企业用地抽查（已结束）',
    usingUnit: '广东省市场监督管理局信用监督管理处',
    duty: '《企业信息公示暂行条例》第十四条：抽查企业公示信息',
    fields: 2,
    mode: 'file',
    reply: (fields) => ({
      outcome: 'granted',
      fields,
      mode: 'file',
      end: chinaDate(new Date(Date.now() - 5 * DAY)),
      note: '抽查期间有效。',
    }),
  },
  {
    key: 'nr-asks-amr-refused',
    from: 'nr@demo.gd.example',
    to: 'amr@demo.gd.example',
    sharingType: 'conditional',
    daysAgo: 6,
    scenario: '土地出让意向企业的经营者个人信息核查',
    usingUnit: '广东省自然资源厅土地利用管理处',
    duty: '国有土地使用权出让管理',
    fields: 3,
    reply: () => ({
      outcome: 'refused',
      instrument: '《中华人民共和国个人信息保护法》',
      article: '第六条',
      note: '经营者个人信息超出土地出让管理的必要范围；可申请核验。',
    }),
  },
  {
    key: 'gzhealth-asks-psb-cross-level',
    from: 'gzhealth@demo.gd.example',
    to: 'psb@demo.gd.example',
    sharingType: 'conditional',
    daysAgo: 2,
    scenario: '新生儿出生医学证明签发前核验父母身份',
    usingUnit: '广州市妇幼保健院',
    duty: '《中华人民共和国母婴保健法》第二十三条：出具出生医学证明',
    fields: 2,
  },
  {
    key: 'nr-asks-amr-unconditional',
    from: 'nr@demo.gd.example',
    to: 'amr@demo.gd.example',
    sharingType: 'unconditional',
    daysAgo: 3,
    scenario: '用地审批中查询企业登记基本信息',
    usingUnit: '广东省自然资源厅用地审批处',
    duty: '《中华人民共和国土地管理法》规定的建设用地审批职责',
    fields: 3,
  },
]

const GRANT_REVIEW_NOTE =
  '经保密审查：所申请数据项用于申请单位法定职责，不涉及国家秘密；按最小必要原则提供。'

export async function seedSharing(): Promise<{ requests: number }> {
  let created = 0
  for (const demo of DEMO) {
    const id = seededId(`demo:${demo.key}`)
    if (await SharingRequest.exists({ _id: id, submittedSeq: mongoose.trusted({ $ne: null }) }))
      continue
    const [from, to] = [await agency(demo.from), await agency(demo.to)]
    if (!from?.org || !to?.org) continue
    const entry = await CatalogEntry.findOne(
      { orgId: to.org.id, listed: true, 'published.sharingType': demo.sharingType },
      { published: 1 },
    )
      .sort({ code: 1 })
      .lean()
    if (!entry?.published) continue
    const fields = entry.published.fields.map((f) => f.name).slice(0, demo.fields)
    const at = new Date(Date.now() - demo.daysAgo * DAY)
    const { requestId } = await submitSharingRequest(
      from,
      {
        entryId: String(entry._id),
        scenario: demo.scenario,
        usingUnit: demo.usingUnit,
        duty: demo.duty,
        fields,
        mode: demo.mode ?? 'api',
        periodEnd: chinaDate(new Date(Date.now() + 365 * DAY)),
      },
      { id, now: at },
    )
    const replyAt = new Date(at.getTime() + 2 * DAY)
    const reply = demo.reply?.(fields)
    // Art. 46: important data is agreed to after the source department's confidentiality review.
    if (reply?.outcome === 'granted' && needsGrantReview(entry.published.grade))
      await reviewSharingGrant(
        to,
        requestId,
        { outcome: 'passed', note: GRANT_REVIEW_NOTE },
        {
          now: new Date(replyAt.getTime() - HOUR),
        },
      )
    if (reply) await replyToSharingRequest(to, requestId, reply, { now: replyAt })
    if (demo.handover)
      await recordOfflineHandover(to, requestId, {
        fields,
        rows: 1_284,
        contentSha256: createHash('sha256').update(`demo:${demo.key}`).digest('hex'),
        medium: '加密移动硬盘（编号 GD-NR-2026-07）',
        handedOverAt: chinaDate(new Date(at.getTime() + 3 * DAY)),
        handedOverBy: '周工程师（自然资源厅信息中心）',
        receivedBy: '黄警官（刑事侦查局）',
      })
    created++
  }
  // The overdue one is escalated to the authority, as the hourly sweep would have done.
  if (created) await runSharingReplySweep()
  await seedSharedData()
  return { requests: created }
}

/** A made-up residents table for the demo (every catalogued field of psb's residents entry). */
export function demoResidentsCsv(rows: number): string {
  const lines = ['gmsfhm,xm,xb,csrq,mz,hjdz']
  for (let i = 0; i < rows; i++) {
    const id = `44010${String(19500101 + (i % 40) * 10000 + (i % 12) * 100 + (i % 28))}${String(i % 1000).padStart(3, '0')}X`
    const born = `${1950 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
    lines.push(`${id},示例${i},${1 + (i % 2)},${born},01,广州市示例区示例路${i}号`)
  }
  return lines.join('\n') + '\n'
}

/**
 * Art. 24: psb stores its residents table (made up) so the demo's online grants of it are delivered
 * — amr's API grant and nr's file grant each get their own fingerprinted copy.
 */
async function seedSharedData() {
  const psb = await agency('psb@demo.gd.example')
  if (!psb?.org) return
  const entry = await CatalogEntry.findOne(
    { orgId: psb.org.id, listed: true, 'published.sharingType': 'conditional' },
    { _id: 1 },
  )
    .sort({ code: 1 })
    .lean()
  if (!entry) return
  const entryId = String(entry._id)
  // The demo's data subjects are residents too (C10: their records go out with the grants' copies).
  const subjects = await demoSubjects()
  if (!(await currentDataset(entryId)))
    await storeEntryDatasetBytes(
      psb,
      entryId,
      'residents-demo.csv',
      demoResidentsCsv(2000) +
        subjects
          .map((p, i) => {
            const born = `${p.id.slice(6, 10)}-${p.id.slice(10, 12)}-${p.id.slice(12, 14)}`
            return `${p.id},${p.name},${2 - (Number(p.id[16]) % 2)},${born},01,广州市天河区示例路${100 + i}号\n`
          })
          .join(''),
    )
  const grants = await SharingGrant.find(
    { catalogEntryId: entryId, kind: 'sharing', revokedAt: null },
    { _id: 1 },
  ).lean()
  for (const g of grants) await deliverSharingGrant(String(g._id))
  // C5 (Art. 23 ¶3): the entry offers verification by resident ID, comparing name and birth date.
  if (!(await VerificationSetting.exists({ _id: entryId }))) {
    await setVerification(psb, entryId, {
      keyFields: ['gmsfhm'],
      checkFields: ['xm', 'csrq'],
      enabled: true,
    })
    await buildVerificationIndex(entryId)
  }
  await seedSubjectRecords(psb)
  // C10: amr verified each demo subject's record once, and its program read both rows through
  // its API grant (uses in their histories; the verifications logged by the minute's drain).
  const amrStaff = await agency('amr@demo.gd.example')
  if (amrStaff && !(await SubjectUse.exists({ kind: 'verification' }))) {
    for (const p of subjects)
      await verifyRecord(amrStaff, { entryId, record: { gmsfhm: p.id, xm: p.name } })
    await drainVerificationLog()
  }
  const apiGrant = await SharingGrant.findOne(
    {
      catalogEntryId: entryId,
      granteeOrgId: amrStaff?.org?.id ?? '',
      mode: 'api',
      revokedAt: null,
    },
    { _id: 1 },
  ).lean()
  if (amrStaff && apiGrant && !(await SubjectUse.exists({ kind: 'sharing-api-read' }))) {
    const { key } = await issueGrantApiKey(amrStaff, String(apiGrant._id))
    await grantRows({
      authorization: `Bearer ${key}`,
      grantId: String(apiGrant._id),
      offset: 2000,
      limit: subjects.length,
    })
  }
  // amr checked a file of twelve records in one go: its flags are on its batch page.
  const amr = await agency('amr@demo.gd.example')
  if (amr && !(await VerificationBatch.exists({ userId: amr.id }))) {
    const rows = demoResidentsCsv(12).trim().split('\n').slice(1)
    const candidates = rows.map((line, i) => {
      const [id, name, , born] = line.split(',')
      if (i % 4 === 3) return `44010119000101${String(i).padStart(4, '0')},${name},`
      return `${id},${i % 5 === 1 ? '王小明' : name},${born}`
    })
    const batch = await submitVerificationBatchBytes(
      amr,
      entryId,
      '待核验人员名单.csv',
      ['gmsfhm,xm,csrq', ...candidates].join('\r\n'),
    )
    await runVerificationBatch(batch.id)
  }
}

/** The demo's data subjects: resident ID and name. */
async function demoSubjects() {
  const users = await User.find(
    { roles: 'data_subject', residentIdEnc: mongoose.trusted({ $exists: true }) },
    { residentIdEnc: 1, displayName: 1, email: 1 },
  )
    .sort({ email: 1 })
    .lean()
  return users.map((u) => ({
    id: decryptField(u.residentIdEnc!, dataKeys().field),
    name: u.displayName,
    email: u.email,
  }))
}

/**
 * C10 (Art. 39, 42): psb's household-transfer and ID-card tables hold records about the demo's data
 * subjects among made-up ones, so each finds where her data is held; every stored table is indexed
 * by subject (the worker does this after an upload; the seed has no worker).
 */
async function seedSubjectRecords(psb: AuthUser) {
  const ids = (await demoSubjects()).map((p) => p.id)
  const tables: [string, string, (id: string, i: number) => string][] = [
    [
      '户籍迁移登记信息',
      'gmsfhm,qyrq,qcd,qrd,qyyy',
      (id, i) => `${id},20${10 + (i % 15)}-0${1 + (i % 9)}-15,440${100 + i},440106,0${1 + (i % 4)}`,
    ],
    [
      '居民身份证签发信息',
      'gmsfhm,qfjg,yxqqsrq,yxqjzrq',
      (id, i) =>
        `${id},广州市公安局第${1 + (i % 9)}分局,2016-0${1 + (i % 9)}-01,2036-0${1 + (i % 9)}-01`,
    ],
  ]
  for (const [title, header, line] of tables) {
    const entry = await CatalogEntry.findOne(
      { orgId: psb.org!.id, 'published.title.zh': title },
      { _id: 1 },
    ).lean()
    if (!entry || (await currentDataset(String(entry._id)))) continue
    const others = demoResidentsCsv(40)
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]!)
    const rows = [...others.slice(0, 20), ...ids, ...others.slice(20)].map(line)
    await storeEntryDatasetBytes(
      psb,
      String(entry._id),
      `${title}.csv`,
      [header, ...rows].join('\n') + '\n',
    )
  }
  for (const d of await EntryDataset.find({}, { _id: 1 }).lean()) await buildSubjectIndex(d._id)
  // Art. 42: each has asked psb to correct a record (awaiting its decision).
  const asks: [string, string, string, string, string][] = [
    [
      'zhangwei@demo.gd.example',
      '户籍迁移登记信息',
      'qcd',
      '440111',
      '迁出地登记为其他区，实际从白云区迁出。',
    ],
    [
      'lina@demo.gd.example',
      '居民身份证签发信息',
      'qfjg',
      '广州市公安局天河区分局',
      '签发机关应为天河区分局，记录有误。',
    ],
  ]
  for (const [email, title, field, proposed, reasons] of asks) {
    const person = await agency(email)
    const key = (await User.findById(person?.id, { residentIdIndex: 1 }).lean())?.residentIdIndex
    if (!person || !key || (await SubjectRequest.exists({ userId: person.id }))) continue
    const held = (await holdingsOf(key)).find((h) => h.title.zh === title)
    if (held)
      await fileRecordRequest(person, {
        kind: 'correction',
        datasetId: held.datasetId,
        row: held.records[0]!.row,
        field,
        proposed,
        reasons,
      })
  }
  // Art. 41: each has authorized a company to read two fields of a record (lina's read once).
  const grants: [string, string, string, string[], string][] = [
    [
      'lina@demo.gd.example',
      'buyer@demo.gd.example',
      '居民身份证签发信息',
      ['qfjg', 'yxqjzrq'],
      '办理出境旅游签证时核验身份证有效期',
    ],
    [
      'zhangwei@demo.gd.example',
      'provider@demo.gd.example',
      '户籍迁移登记信息',
      ['qyrq', 'qrd'],
      '办理人才引进落户补贴时核对迁入信息',
    ],
  ]
  for (const [email, companyEmail, title, fields, purpose] of grants) {
    const person = await agency(email)
    const company = await agency(companyEmail)
    if (!person || !company?.org || (await SubjectAuthorization.exists({ userId: person.id })))
      continue
    const uscc = (await Organization.findById(company.org.id, { uscc: 1 }).lean())?.uscc
    const entry = (await authorizableEntries(person)).find((e) => e.title.zh === title)
    if (!uscc || !entry) continue
    const end = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10)
    const { authorizationId } = await authorizeOrganisation(person, {
      uscc,
      entryId: entry.entryId,
      fields,
      purpose,
      end,
    })
    if (email.startsWith('lina')) await authorizedRecord(company, authorizationId)
  }
  await seedEmergencyCollection(psb)
  // Art. 43: lina has complained about psb to the provincial authority (awaiting acceptance).
  const lina = await agency('lina@demo.gd.example')
  if (lina && !(await SubjectComplaint.exists({ userId: lina.id })))
    await fileComplaint(lina, {
      respondentOrgId: psb.org!.id,
      facts: '我的居民身份证签发信息中的签发机关记录有误，已两次向公安厅书面反映，逾期未获答复。',
      remedy: '请督促公安厅更正签发机关记录，并书面答复。',
    })
}

/**
 * C10 (Art. 40): psb collected shelter registrations after a typhoon into an entry of its own that
 * nothing else uses; the emergency has ended and what was collected is sealed, with its signed
 * report (the worker's job, run here: the seed has no worker).
 */
async function seedEmergencyCollection(psb: AuthUser) {
  if (await EmergencyCollection.exists({ orgId: psb.org!.id })) return
  const entries = await CatalogEntry.find(
    { orgId: psb.org!.id, published: mongoose.trusted({ $ne: null }) },
    { _id: 1, code: 1, published: 1 },
  )
    .sort({ code: 1 })
    .lean()
  let entry: (typeof entries)[number] | undefined
  for (const e of entries)
    if (
      !(await SharingGrant.exists({ catalogEntryId: String(e._id) })) &&
      !(await currentDataset(String(e._id)))
    ) {
      entry = e
      break
    }
  if (!entry) return
  const entryId = String(entry._id)
  const { collectionId } = await declareEmergencyCollection(
    psb,
    {
      event: '台风“海葵”过境期间的临时安置人员登记',
      instrument: '《中华人民共和国突发事件应对法》',
      article: '第五十五条',
      entryIds: [entryId],
      endsOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
    },
    new Date(Date.now() - 3 * 86_400_000),
  )
  const fields = (entry.published?.fields ?? []).map((f) => f.name)
  // Resident IDs with valid check digits: the scanner finds them, so the table is sealed as personal.
  const ids = Array.from({ length: 30 }, (_, i) =>
    makeResidentId(`4401061970${String(1 + (i % 12)).padStart(2, '0')}01${String(100 + i)}`),
  )
  const rows = ids.map((id, i) => fields.map((f, k) => (k === 0 ? id : `${f}-${i}`)).join(','))
  await storeEntryDatasetBytes(
    psb,
    entryId,
    '临时安置登记.csv',
    [fields.join(','), ...rows].join('\n') + '\n',
    new Date(Date.now() - 2 * 86_400_000),
  )
  await endEmergencyCollection(psb, collectionId)
  await closeEmergencyCollection(collectionId)
}
