import { Organization, type OrgType } from '#models/organization'

export async function listOrganizations(query: {
  status?: 'pending' | 'approved' | 'rejected'
  type?: OrgType
  limit: number
}) {
  const orgs = await Organization.find({
    ...(query.status ? { status: query.status } : {}),
    ...(query.type ? { type: query.type } : {}),
  })
    .sort({ _id: 1 })
    .limit(query.limit)
    .lean()
  return orgs.map((o) => ({
    id: String(o._id),
    type: o.type,
    name: { zh: o.name.zh, en: o.name.en },
    uscc: o.uscc,
    status: o.status,
    level: o.level ?? 'province',
    regionCode: o.regionCode ?? '',
    createdAt: o.createdAt.toISOString(),
  }))
}
