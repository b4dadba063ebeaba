// Demo data for sharing between agencies (C4; Art. 22–24), so the agencies' and the authority's
// pages show a living Chapter 4 on first start: a request waiting for its reply, one overdue and
// escalated to the authority, one agreed with fewer fields than asked, one refused with a citation,
// and one granted at once. Idempotent: ids derive from keys, a request already logged is skipped,
// and every step after it is keyed (ADR 003).
import { createHash } from 'node:crypto'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { SharingRequest } from '#models/sharing-request'
import { User } from '#models/user'
import { chinaDate } from '~/services/calendar/working-days.server'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import type { SharingType } from '~/vocab/catalog'
import { runSharingReplySweep } from './clocks.server'
import { replyToSharingRequest, submitSharingRequest } from './requests.server'
import type { SharingDecisionInput } from './schemas'

const DAY = 86_400_000

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
  reply?: (fields: string[]) => SharingDecisionInput
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
        mode: 'api',
        periodEnd: chinaDate(new Date(Date.now() + 365 * DAY)),
      },
      { id, now: at },
    )
    if (demo.reply)
      await replyToSharingRequest(to, requestId, demo.reply(fields), {
        now: new Date(at.getTime() + 2 * DAY),
      })
    created++
  }
  // The overdue one is escalated to the authority, as the hourly sweep would have done.
  if (created) await runSharingReplySweep()
  return { requests: created }
}
