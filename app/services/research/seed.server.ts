// Demo data for research access (Art. 26): one pending request from the demo university to the
// first provider's enterprise vitality index, so the provider's inbox shows something on first
// start. Idempotent: the request's id is derived from a key, and its log entry has an event key.
import mongoose from 'mongoose'
import { Product } from '#models/product'
import { ResearchRequest } from '#models/research-request'
import { User } from '#models/user'
import { loadAuthUser } from '~/services/identity/auth.server'
import { seededRequestId, submitResearchRequest } from './requests.server'

const DAY = 86_400_000
const ymd = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10)

export async function seedResearch(): Promise<{ requests: number }> {
  const user = await User.findOne({ email: 'researcher@demo.gd.example' }, { _id: 1 }).lean()
  const product = await Product.findOne({ seedKey: 'provider1-vitality-index' }, { _id: 1 }).lean()
  const researcher = user ? await loadAuthUser(String(user._id), 'session') : undefined
  if (!researcher || !product) return { requests: 0 }
  const id = seededRequestId('demo:university-vitality-index')
  // Already seeded and logged: nothing to do (a re-run must not re-validate against a changed world).
  if (await ResearchRequest.exists({ _id: id, submittedSeq: mongoose.trusted({ $ne: null }) }))
    return { requests: 0 }
  const now = new Date()
  await submitResearchRequest(
    researcher,
    {
      subject: { kind: 'product', id: String(product._id) },
      useKind: 'research',
      purpose: '研究广东各地市营商环境与企业活力的关系，形成公开发表的学术论文和政策建议。',
      project: { name: '粤港澳大湾区营商环境评价与企业活力研究', number: 'GDNSF-2026-0142' },
      people: [
        { name: '何教授', role: '项目负责人' },
        { name: '王明', role: '博士研究生' },
      ],
      fields: ['city_code', 'city', 'quarter', 'vitality_index'],
      period: { start: ymd(now), end: ymd(new Date(now.getTime() + 365 * DAY)) },
      ethicsRef: 'YH-IRB-2026-031',
    },
    { id, now },
  )
  return { requests: 1 }
}
