// A data subject's authorizations of third parties (C10; Art. 41): she lets a named organisation
// (found by its USCC) use named fields of an entry's data about her, for a purpose, until a day, and
// revokes it whenever she likes. The organisation reads through an API that checks the
// authorization — and its revocation, a claim under a unique key — at every call, so a call that
// starts after she revoked is refused. Both sides see the authorizations; every read is in her
// use history; granting and revoking are logged.
import { randomUUID } from 'node:crypto'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Organization } from '#models/organization'
import { User } from '#models/user'
import {
  SubjectAuthorization,
  SubjectAuthorizationRevocation,
  type SubjectAuthorizationDoc,
} from '#models/subject-authorization'
import { orgNames } from '~/services/catalog/entries.server'
import { notifyOrg } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { assertIdentityConfirmed } from '~/services/identity/subjects.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { currentDataset } from '~/services/sharing/datasets.server'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import { holdingsOf, recordsIn } from './holdings.server'
import { recordSubjectUse } from './uses.server'
import type { AuthorizationInput } from './schemas'

/** The longest period a person may authorize at once (she may authorize again). */
const MAX_DAYS = 5 * 366

function authorizationNotFound() {
  return new DomainError('not_found', 'error.subject.authorizationNotFound', 404)
}

/**
 * Art. 41: the person authorizes an approved organisation to use named fields of an entry that
 * holds a record about her, for a purpose, from now until the end of the day she names.
 */
export async function authorizeOrganisation(
  user: AuthUser,
  input: AuthorizationInput,
  now = new Date(),
) {
  assertMay(user, 'authorize:subject-data:own')
  const key = await assertIdentityConfirmed(user)
  const org = await Organization.findOne({ uscc: input.uscc }, { status: 1, name: 1 }).lean()
  if (org?.status !== 'approved')
    throw new DomainError('unknown_org', 'error.subject.unknownOrg', 422, {
      uscc: ['error.subject.unknownOrg'],
    })
  const held = (await holdingsOf(key)).find(
    (h) => h.source === 'entry-dataset' && h.entryId === input.entryId,
  )
  if (!held) throw authorizationNotFound()
  const names = new Set(held.records[0]?.fields.map((f) => f.name) ?? [])
  if (input.fields.some((f) => !names.has(f)))
    throw new DomainError('bad_fields', 'error.subject.badFields', 422, {
      fields: ['error.subject.badFields'],
    })
  // The end of the named day in Guangdong (UTC+8).
  const end = new Date(`${input.end}T23:59:59.999+08:00`)
  if (!(end > now) || end.getTime() - now.getTime() > MAX_DAYS * 86_400_000)
    throw new DomainError('bad_end', 'error.subject.badEnd', 422, { end: ['error.subject.badEnd'] })
  const orgId = String(org._id)
  const doc = await SubjectAuthorization.create({
    userId: user.id,
    subjectKey: key,
    orgId,
    entryId: input.entryId,
    fields: [...new Set(input.fields)],
    purpose: input.purpose,
    start: now,
    end,
    createdAt: now,
  })
  await completeAuthorization(doc.toObject() as SubjectAuthorizationDoc & { _id: unknown })
  const authorizationId = String(doc._id)
  return { authorizationId, end: end.toISOString() }
}

/**
 * Art. 41: the steps after an authorization is stored — its log entry and the organisation's
 * notice (both keyed), `loggedSeq` last. Run at once, by the first call under it, or by the sweep.
 */
async function completeAuthorization(doc: SubjectAuthorizationDoc & { _id: unknown }) {
  const authorizationId = String(doc._id)
  const entry = await appendLedger({
    action: 'subject.authorization-granted',
    actor: { userId: doc.userId },
    subjects: [`user:${doc.userId}`, `org:${doc.orgId}`, `catalog-entry:${doc.entryId}`],
    payload: {
      authorizationId,
      fields: doc.fields,
      purpose: doc.purpose,
      end: doc.end.toISOString(),
    },
    summary: { fields: doc.fields.length },
    eventKey: `subject.authorization-granted:${authorizationId}`,
  })
  await notifyOrg({
    key: `subject-authorization:${authorizationId}:granted`,
    orgId: doc.orgId,
    kind: 'subject-authorization.granted',
    params: { authorizationId },
  })
  await SubjectAuthorization.updateOne(
    { _id: authorizationId, loggedSeq: null },
    { $set: { loggedSeq: entry._id } },
  )
}

/** Authorizations a crash left unlogged for a minute: logged and notified (the hourly sweep). */
export async function runAuthorizationSweep(now = new Date()) {
  await connectDb()
  const stuck = await SubjectAuthorization.find({
    loggedSeq: null,
    createdAt: mongoose.trusted({ $lt: new Date(now.getTime() - 60_000) }),
  }).lean()
  for (const a of stuck)
    await completeAuthorization(a as SubjectAuthorizationDoc & { _id: unknown })
  return { completed: stuck.length }
}

/**
 * Art. 41: the person revokes an authorization at any time: a claim (the first revocation stands),
 * then the projection and the log. It holds from the next call on.
 */
export async function revokeAuthorization(
  user: AuthUser,
  authorizationId: string,
  now = new Date(),
) {
  assertMay(user, 'authorize:subject-data:own')
  await connectDb()
  const auth = isObjectId(authorizationId)
    ? await SubjectAuthorization.findById(authorizationId).lean()
    : null
  if (!auth || auth.userId !== user.id) throw authorizationNotFound()
  try {
    await SubjectAuthorizationRevocation.create({ _id: authorizationId, by: user.id, at: now })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
  const claim = (await SubjectAuthorizationRevocation.findById(authorizationId).lean())!
  await SubjectAuthorization.updateOne(
    { _id: authorizationId, revokedAt: null },
    { $set: { revokedAt: claim.at } },
  )
  await appendLedger({
    action: 'subject.authorization-revoked',
    actor: { userId: user.id },
    subjects: [`user:${user.id}`, `org:${auth.orgId}`, `catalog-entry:${auth.entryId}`],
    payload: { authorizationId },
    eventKey: `subject.authorization-revoked:${authorizationId}`,
  })
  await notifyOrg({
    key: `subject-authorization:${authorizationId}:revoked`,
    orgId: auth.orgId,
    kind: 'subject-authorization.revoked',
    params: { authorizationId },
  })
  return { authorizationId, revokedAt: claim.at.toISOString() }
}

/**
 * Art. 41: one call of the authorized organisation's API — its own authorization, not revoked (the
 * claim is read at this call), within its period; the authorized fields of the person's record in
 * the entry's current data, and nothing else. Every call is a use in her history.
 */
export async function authorizedRecord(
  caller: AuthUser,
  authorizationId: string,
  now = new Date(),
) {
  assertMay(caller, 'use:subject-authorization:own-org')
  await connectDb()
  const auth = isObjectId(authorizationId)
    ? await SubjectAuthorization.findById(authorizationId).lean()
    : null
  if (!auth || auth.orgId !== caller.org?.id) throw authorizationNotFound()
  if (await SubjectAuthorizationRevocation.exists({ _id: authorizationId }))
    throw new DomainError('revoked', 'error.subject.authorizationRevoked', 403)
  if (now < auth.start || now >= auth.end)
    throw new DomainError('expired', 'error.subject.authorizationEnded', 403)
  // Logged before any use under it (a crash may have cut the granting short).
  if (auth.loggedSeq == null) await completeAuthorization(auth)
  const current = await currentDataset(auth.entryId)
  const found = current ? await recordsIn(current._id, auth.subjectKey) : null
  const records = (found?.rows ?? []).map((r) =>
    Object.fromEntries(auth.fields.map((f) => [f, r.cells[found!.header.indexOf(f)] ?? ''])),
  )
  if (records.length)
    await recordSubjectUse({
      id: `authorized-read:${authorizationId}:${randomUUID()}`,
      kind: 'authorized-read',
      at: now,
      orgId: auth.orgId,
      purpose: auth.purpose,
      basis: `个人授权 / authorization ${authorizationId} (Art. 41)`,
      ref: `subject-authorization:${authorizationId}`,
      keys: [auth.subjectKey],
    })
  return { authorizationId, entryId: auth.entryId, fields: auth.fields, records }
}

export interface AuthorizationView {
  id: string
  entryId: string
  title: { zh: string; en: string }
  org: { zh: string; en: string }
  fields: string[]
  purpose: string
  start: string
  end: string
  revokedAt: string | null
  state: 'active' | 'revoked' | 'ended'
}

async function views(list: SubjectAuthorizationDoc[], now: Date): Promise<AuthorizationView[]> {
  const entries = await CatalogEntry.find(
    { _id: mongoose.trusted({ $in: [...new Set(list.map((a) => a.entryId))] }) },
    { published: 1 },
  ).lean()
  const names = await orgNames(list.map((a) => a.orgId))
  const titles = new Map(entries.map((e) => [String(e._id), e.published?.title]))
  return list.map((a) => ({
    id: String(a._id),
    entryId: a.entryId,
    title: {
      zh: titles.get(a.entryId)?.zh ?? a.entryId,
      en: titles.get(a.entryId)?.en ?? a.entryId,
    },
    org: names[a.orgId] ?? { zh: a.orgId, en: a.orgId },
    fields: a.fields,
    purpose: a.purpose,
    start: a.start.toISOString(),
    end: a.end.toISOString(),
    revokedAt: a.revokedAt?.toISOString() ?? null,
    state: a.revokedAt ? 'revoked' : a.end <= now ? 'ended' : 'active',
  }))
}

/** The person's authorizations, newest first. */
export async function myAuthorizations(user: AuthUser, now = new Date()) {
  assertMay(user, 'authorize:subject-data:own')
  await connectDb()
  const list = await SubjectAuthorization.find({ userId: user.id })
    .sort({ createdAt: -1 })
    .limit(100)
    .lean()
  return views(list as SubjectAuthorizationDoc[], now)
}

/** The authorizations people gave an organisation (each person by name; the id is the handle). */
export async function orgAuthorizations(caller: AuthUser, now = new Date()) {
  assertMay(caller, 'use:subject-authorization:own-org')
  await connectDb()
  const list = (await SubjectAuthorization.find({ orgId: caller.org?.id ?? '' })
    .sort({ createdAt: -1 })
    .limit(200)
    .lean()) as SubjectAuthorizationDoc[]
  const people = await User.find(
    { _id: mongoose.trusted({ $in: [...new Set(list.map((a) => a.userId))] }) },
    { displayName: 1 },
  ).lean()
  const byId = new Map(people.map((p) => [String(p._id), p.displayName]))
  return (await views(list, now)).map((v, i) => ({
    ...v,
    person: byId.get(list[i]!.userId) ?? '',
  }))
}

/** What the authorization form offers: the entries holding her record, and their fields. */
export async function authorizableEntries(user: AuthUser) {
  assertMay(user, 'authorize:subject-data:own')
  const key = await assertIdentityConfirmed(user)
  const held = (await holdingsOf(key)).filter((h) => h.source === 'entry-dataset')
  return held.map((h) => ({
    entryId: h.entryId!,
    title: h.title,
    org: h.orgName,
    fields: (h.records[0]?.fields ?? []).map((f) => ({ name: f.name, label: f.label })),
  }))
}
