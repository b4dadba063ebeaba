// C3 source registry (Art. 14): each data item has one and only one legal source
// department. A claim is an insert under the item's code; a second department's claim is refused
// with a message naming the current owner; only the authority transfers an item.
import mongoose from 'mongoose'
import { DataItem } from '#models/data-item'
import { Organization } from '#models/organization'
import { SourceClaim } from '#models/source-claim'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'

async function ownerName(orgId: string) {
  const org = mongoose.isValidObjectId(orgId)
    ? await Organization.findById(orgId, { name: 1 }).lean()
    : null
  return { ownerZh: org?.name.zh ?? orgId, ownerEn: org?.name.en ?? orgId }
}

/**
 * Art. 14: the user's agency claims to be the legal source of a data item. Claiming an item the
 * agency already owns is a no-op; an item owned by another department is refused, naming it.
 */
export async function claimDataItem(input: {
  user: AuthUser
  code: string
  name?: { zh: string; en: string }
  entryId?: string
  field?: string
}): Promise<{ code: string; created: boolean }> {
  const orgId = input.user.org?.type === 'agency' ? input.user.org.id : undefined
  if (!orgId) throw new DomainError('forbidden', 'error.forbidden', 403)
  await claim(DataItem, { _id: input.code, name: input.name ?? { zh: input.code, en: input.code } })
  try {
    await SourceClaim.create({
      _id: input.code,
      orgId,
      claimedBy: input.user.id,
      entryId: input.entryId ?? null,
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    const existing = await SourceClaim.findById(input.code).lean()
    if (existing?.orgId === orgId) return { code: input.code, created: false }
    const owner = await ownerName(existing?.orgId ?? '')
    const field = input.field ?? 'code'
    throw new DomainError(
      'source_taken',
      'error.catalog.sourceTaken',
      409,
      { [field]: ['error.catalog.sourceTakenShort'] },
      { code: input.code, ...owner },
    )
  }
  await appendLedger({
    action: 'source.claimed',
    actor: { userId: input.user.id, orgId },
    subjects: [
      `data-item:${input.code}`,
      `org:${orgId}`,
      ...(input.entryId ? [`catalog-entry:${input.entryId}`] : []),
    ],
    payload: { code: input.code, orgId, entryId: input.entryId ?? null },
    summary: { code: input.code },
  })
  return { code: input.code, created: true }
}

/** Art. 14 on submission: every field that names a data-item code makes the entry's agency its source. */
export async function claimItemsOfEntry(
  user: AuthUser,
  entryId: string,
  fields: {
    name: string
    label: { zh: string; en?: string | null }
    dataItemCode?: string | null
  }[],
) {
  for (const f of fields) {
    if (!f.dataItemCode) continue
    await claimDataItem({
      user,
      code: f.dataItemCode,
      name: { zh: f.label.zh, en: f.label.en ?? '' },
      entryId,
      field: 'f_item',
    })
  }
}

/** The current legal source of a data item, or null when unclaimed. */
export async function sourceOf(code: string) {
  const claim = await SourceClaim.findById(code).lean()
  if (!claim) return null
  const owner = await ownerName(claim.orgId)
  return {
    code,
    orgId: claim.orgId,
    name: { zh: owner.ownerZh, en: owner.ownerEn },
    claimedAt: claim.claimedAt.toISOString(),
  }
}

/** Art. 14: ownership moves only through the authority, with a recorded reason. */
export async function transferDataItem(input: {
  user: AuthUser
  code: string
  toOrgId: string
  reason: string
}) {
  if (input.user.org?.type !== 'authority')
    throw new DomainError('forbidden', 'error.forbidden', 403)
  const claim = await SourceClaim.findById(input.code).lean()
  if (!claim)
    throw new DomainError('not_found', 'error.catalog.itemUnclaimed', 404, {
      code: ['error.catalog.itemUnclaimed'],
    })
  const target = mongoose.isValidObjectId(input.toOrgId)
    ? await Organization.findOne({ _id: input.toOrgId, type: 'agency', status: 'approved' }).lean()
    : null
  if (!target)
    throw new DomainError('unknown_department', 'error.catalog.unknownDepartment', 400, {
      toOrgId: ['error.catalog.unknownDepartment'],
    })
  if (claim.orgId === input.toOrgId)
    throw new DomainError('same_owner', 'error.catalog.sameOwner', 409, {
      toOrgId: ['error.catalog.sameOwner'],
    })
  const at = new Date()
  // Guarded by the previous owner, so two concurrent transfers cannot both apply to the same owner.
  const result = await SourceClaim.updateOne(
    { _id: input.code, orgId: claim.orgId },
    {
      $set: { orgId: input.toOrgId },
      $push: {
        transfers: {
          fromOrgId: claim.orgId,
          toOrgId: input.toOrgId,
          byUserId: input.user.id,
          reason: input.reason,
          at,
        },
      },
    },
  )
  if (result.modifiedCount === 0)
    throw new DomainError('conflict', 'error.catalog.concurrentChange', 409)
  await appendLedger({
    action: 'source.transferred',
    actor: { userId: input.user.id, orgId: input.user.org.id },
    subjects: [`data-item:${input.code}`, `org:${claim.orgId}`, `org:${input.toOrgId}`],
    payload: { code: input.code, from: claim.orgId, to: input.toOrgId, reason: input.reason },
    summary: { code: input.code },
  })
  return { code: input.code, fromOrgId: claim.orgId, toOrgId: input.toOrgId }
}

/** Art. 14 collection list (採集清單) of an agency: the data items it is the legal source of, by code. */
export async function listCollection(orgId: string, query: { after?: string; limit: number }) {
  const rows = await SourceClaim.find({
    orgId,
    ...(query.after ? { _id: mongoose.trusted({ $gt: query.after }) } : {}),
  })
    .sort({ _id: 1 })
    .limit(query.limit + 1)
    .lean()
  const page = rows.slice(0, query.limit)
  const items = await DataItem.find({
    _id: mongoose.trusted({ $in: page.map((r) => r._id) }),
  }).lean()
  const names = new Map(items.map((i) => [i._id, { zh: i.name.zh, en: i.name.en ?? '' }]))
  return {
    items: page.map((r) => ({
      code: r._id,
      name: names.get(r._id) ?? { zh: r._id, en: r._id },
      claimedAt: r.claimedAt.toISOString(),
      entryId: r.entryId ?? null,
      transfers: (r.transfers ?? []).map((t) => ({
        fromOrgId: t.fromOrgId,
        toOrgId: t.toOrgId,
        reason: t.reason,
        at: t.at.toISOString(),
      })),
    })),
    nextAfter: rows.length > query.limit ? page.at(-1)!._id : null,
  }
}

/** The whole registry for the authority, by code. */
export async function listRegistry(query: { after?: string; limit: number }) {
  const rows = await SourceClaim.find(
    query.after ? { _id: mongoose.trusted({ $gt: query.after }) } : {},
  )
    .sort({ _id: 1 })
    .limit(query.limit + 1)
    .lean()
  const page = rows.slice(0, query.limit)
  const items = await DataItem.find({
    _id: mongoose.trusted({ $in: page.map((r) => r._id) }),
  }).lean()
  const names = new Map(items.map((i) => [i._id, { zh: i.name.zh, en: i.name.en ?? '' }]))
  const orgs = await Organization.find(
    { _id: mongoose.trusted({ $in: [...new Set(page.map((r) => r.orgId))] }) },
    { name: 1 },
  ).lean()
  const orgName = new Map(orgs.map((o) => [String(o._id), { zh: o.name.zh, en: o.name.en }]))
  return {
    items: page.map((r) => ({
      code: r._id,
      name: names.get(r._id) ?? { zh: r._id, en: r._id },
      orgId: r.orgId,
      orgName: orgName.get(r.orgId) ?? { zh: r.orgId, en: r.orgId },
      claimedAt: r.claimedAt.toISOString(),
      transfers: (r.transfers ?? []).length,
    })),
    nextAfter: rows.length > query.limit ? page.at(-1)!._id : null,
  }
}
