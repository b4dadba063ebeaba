// Verification without disclosure (C5; Art. 23 ¶3): for data not shared (or whose sharing
// conditions are not met) an agency may still verify a record it holds against the source
// department's — the answer is, per field, match / mismatch / not found, never a stored value. The
// source department enables it on an entry and chooses the key fields; the index holds only keyed
// digests (index.server.ts). Each agency's calls on an entry are limited per minute and per day,
// every call is logged as a keyed digest of the query (never the query), and a requester whose
// calls look like enumeration (mostly not found, or walking through consecutive IDs) is throttled
// and reported to the coordinating authority as a security event.
import { recordSecurityEvent } from '~/services/security/events.server'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { VerificationSetting, type VerificationSettingDoc } from '#models/verification-setting'
import { enqueue } from '#jobs/queues'
import { notifyOrg } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { dataKeys } from '~/services/identity/keys.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { currentDataset } from '~/services/sharing/datasets.server'
import { subjectColumn, subjectKey } from '~/services/subjects/holdings.server'
import { recordSubjectUse } from '~/services/subjects/uses.server'
import { delimiterOf } from '~/services/delivery/deliver.server'
import { coordinatingAuthority } from '~/services/sharing/requests.server'
import { contentStore } from '~/services/storage/store.server'
import { connectDb } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { getRedis } from '~/utils/redis.server'
import { isObjectId } from '~/utils/schemas'
import {
  answerCandidate,
  buildIndexFromTable,
  keyedDigest,
  loadIndex,
  type FieldAnswer,
  type IndexSpec,
} from './index.server'
import type { VerificationSettingInput } from './schemas'

export type { FieldAnswer }

export interface VerificationAnswer {
  entryId: string
  found: boolean
  fields: Record<string, FieldAnswer>
}

function notOffered() {
  return new DomainError('not_offered', 'error.verification.notOffered', 404)
}

// ---------------------------------------------------------------------------------------------
// The source department's setting

/**
 * Art. 23 ¶3: the source department offers verification on its entry — the key fields that find a
 * record (at least one) and the fields compared once found, all catalogued, none both. Building the
 * index is queued; the entry answers once it is built.
 */
export async function setVerification(
  user: AuthUser,
  entryId: string,
  input: VerificationSettingInput,
  now: Date = new Date(),
) {
  assertMay(user, 'decide:sharing-request:own-org')
  if (!isObjectId(entryId)) throw notOffered()
  await connectDb()
  const entry = await CatalogEntry.findById(entryId, { orgId: 1, published: 1 }).lean()
  if (!entry?.published) throw notOffered()
  if (entry.orgId !== user.org?.id)
    throw new DomainError('forbidden', 'error.sharing.notSource', 403)
  const catalogued = new Set(entry.published.fields.map((f) => f.name))
  const keyFields = [...new Set(input.keyFields)]
  const checkFields = [...new Set(input.checkFields)].filter((f) => !keyFields.includes(f))
  const unknown = [...keyFields, ...checkFields].filter((f) => !catalogued.has(f))
  if (keyFields.length === 0 || unknown.length > 0)
    throw new DomainError('bad_fields', 'error.verification.badFields', 422, {
      keyFields: ['error.verification.badFields'],
    })
  await VerificationSetting.updateOne(
    { _id: entryId },
    {
      $set: {
        orgId: entry.orgId,
        keyFields,
        checkFields,
        enabled: input.enabled,
        updatedAt: now,
        updatedBy: user.id,
      },
    },
    { upsert: true },
  )
  forgetSetting(entryId)
  const logged = await appendLedger({
    action: 'verification.configured',
    actor: { userId: user.id, orgId: entry.orgId },
    subjects: [`catalog-entry:${entryId}`, `org:${entry.orgId}`],
    payload: { keyFields, checkFields, enabled: input.enabled },
    summary: {
      keyFields: keyFields.join(','),
      checkFields: checkFields.join(','),
      enabled: input.enabled,
    },
  })
  if (input.enabled) await enqueueIndexBuild(entryId)
  return { entryId, keyFields, checkFields, enabled: input.enabled, ledgerSeq: logged._id }
}

export async function enqueueIndexBuild(entryId: string) {
  await enqueue('verification-index', { entryId })
}

/** The field types the normalisation reads (the entry's catalogued types). */
async function fieldTypes(entryId: string): Promise<Record<string, string>> {
  return (await entryFields(entryId)).types
}

/** The entry's field types, and the field naming the data subject a row is about (C10). */
async function entryFields(entryId: string) {
  const entry = await CatalogEntry.findById(entryId, { 'published.fields': 1 }).lean()
  const fields = entry?.published?.fields ?? []
  return {
    types: Object.fromEntries(fields.map((f) => [f.name, f.type])) as Record<string, string>,
    subjectField: subjectColumn(fields),
  }
}

/**
 * The `verification-index` job: builds the entry's index from its current stored data, unless the
 * index in force was built from the same data with the same fields. The file goes to the content
 * store under its hash (a rerun writes the same bytes); the setting then names it (one update).
 */
export async function buildVerificationIndex(entryId: string, now: Date = new Date()) {
  await connectDb()
  const setting = await VerificationSetting.findById(entryId).lean()
  if (!setting?.enabled) return { entryId, skipped: 'not_enabled' as const }
  const dataset = await currentDataset(entryId)
  if (!dataset) return { entryId, skipped: 'no_data' as const }
  const same = (a: readonly string[], b: readonly string[]) => a.join('\0') === b.join('\0')
  if (
    setting.index?.datasetSha256 === dataset.sha256 &&
    same(setting.index.keyFields, setting.keyFields) &&
    same(setting.index.fields, setting.checkFields)
  )
    return { entryId, skipped: 'up_to_date' as const }
  const spec: IndexSpec = {
    entryId,
    keyFields: setting.keyFields,
    checkFields: setting.checkFields,
    types: await fieldTypes(entryId),
  }
  const built = await buildIndexFromTable(
    dataKeys().verification,
    spec,
    dataset.storageKey,
    delimiterOf(dataset.fileName) ?? ',',
  )
  const stored = await contentStore().putBytes(built.bytes)
  // Logged before it is used: a crash after the log leaves the old index in force, and the rerun
  // writes the same bytes and finds the same entry (event key) before naming the file.
  await appendLedger({
    action: 'verification.index-built',
    actor: { orgId: setting.orgId },
    subjects: [`catalog-entry:${entryId}`, `org:${setting.orgId}`],
    payload: { datasetSha256: dataset.sha256, indexSha256: stored.sha256, records: built.records },
    summary: { records: built.records, datasetSha256: dataset.sha256 },
    eventKey: `verification.index-built:${entryId}:${stored.sha256}`,
  })
  await VerificationSetting.updateOne(
    { _id: entryId },
    {
      $set: {
        index: {
          storageKey: stored.key,
          datasetSha256: dataset.sha256,
          records: built.records,
          builtAt: now,
          keyFields: setting.keyFields,
          fields: setting.checkFields,
        },
      },
    },
  )
  forgetSetting(entryId)
  return { entryId, records: built.records, bytes: stored.size }
}

// ---------------------------------------------------------------------------------------------
// Verifying

interface CachedSetting {
  at: number
  setting: VerificationSettingDoc | null
  types: Record<string, string>
  subjectField: string | null
}
/** Settings read in the last few seconds: a change (or a rebuilt index) applies within this. */
const SETTING_TTL_MS = 10_000
const settings = new Map<string, CachedSetting>()

function forgetSetting(entryId: string) {
  settings.delete(entryId)
}

async function settingOf(entryId: string): Promise<CachedSetting> {
  const now = Date.now()
  const have = settings.get(entryId)
  if (have && now - have.at < SETTING_TTL_MS) return have
  await connectDb()
  const setting = (await VerificationSetting.findById(entryId).lean()) ?? null
  const fields = setting ? await entryFields(entryId) : { types: {}, subjectField: null }
  const fresh = { at: now, setting, ...fields }
  settings.set(entryId, fresh)
  return fresh
}

/** What a page shows of an entry's verification (no index internals). */
export async function verificationOffer(entryId: string) {
  if (!isObjectId(entryId)) return null
  const { setting } = await settingOf(entryId)
  if (!setting?.enabled) return null
  return {
    entryId,
    keyFields: setting.keyFields,
    checkFields: setting.checkFields,
    ready: Boolean(setting.index),
    records: setting.index?.records ?? 0,
  }
}

/**
 * Art. 23 ¶3: who may verify what — an agency's staff (the permission), on an entry that offers
 * verification and whose index is built, with candidates that name every key field and only fields
 * the entry offers. Returns what the answer is computed from. Single calls and batches both start
 * here.
 */
export async function openOffer(
  user: AuthUser,
  entryId: string,
  records: readonly Readonly<Record<string, string>>[],
) {
  assertMay(user, 'verify:record:own-org')
  const org = user.org
  if (!org || org.type !== 'agency')
    throw new DomainError('not_agency', 'error.verification.notAgency', 403)
  if (!isObjectId(entryId)) throw notOffered()
  const { setting, types, subjectField } = await settingOf(entryId)
  if (!setting?.enabled) throw notOffered()
  const allowed = new Set([...setting.keyFields, ...setting.checkFields])
  for (const record of records) {
    const unknown = Object.keys(record).filter((f) => !allowed.has(f))
    const missing = setting.keyFields.filter((f) => !(record[f] ?? '').trim())
    if (unknown.length || missing.length)
      throw new DomainError(
        'bad_candidate',
        'error.verification.badCandidate',
        400,
        Object.fromEntries(
          [...unknown, ...missing].map((f) => [f, ['error.verification.badCandidate']]),
        ),
        { keyFields: setting.keyFields.join(', '), checkFields: setting.checkFields.join(', ') },
      )
  }
  const built = setting.index
  if (!built) throw new DomainError('not_ready', 'error.verification.notReady', 409)
  const index = await loadIndex(entryId, built.storageKey, built.fields)
  return { org, setting: { ...setting, index: built }, types, index, subjectField }
}

/** A keyed digest of the query, for the log: links repeated queries, reveals none. */
export function queryDigest(entryId: string, record: Record<string, string>): string {
  const canonical = Object.keys(record)
    .sort()
    .map((k) => `${k}=${record[k]}`)
    .join('\0')
  return keyedDigest(dataKeys().verification, `q\0${entryId}\0${canonical}`)
    .toString('hex')
    .slice(0, 32)
}

/** The digits of the key values, as a number for the "consecutive IDs" signal (or null). */
function numericKey(values: string[]): number | null {
  const digits = values.join('').replace(/\D/g, '').slice(-12)
  return digits.length >= 6 ? Number(digits) : null
}

/** Art. 23 ¶3 and Art. 45: an hour's calls of one agency on one entry that look like enumeration. */
export const ENUMERATION = { minCalls: 50, notFoundShare: 0.7, sequentialShare: 0.5, gap: 100 }

export function looksLikeEnumeration(stats: {
  calls: number
  notFound: number
  sequential: number
}) {
  return (
    stats.calls >= ENUMERATION.minCalls &&
    (stats.notFound / stats.calls >= ENUMERATION.notFoundShare ||
      stats.sequential / stats.calls >= ENUMERATION.sequentialShare)
  )
}

function keys(orgId: string, entryId: string, now: Date) {
  const p = `${getEnv().QUEUE_PREFIX}:verify`
  const minute = Math.floor(now.getTime() / 60_000)
  const hour = Math.floor(minute / 60)
  const day = Math.floor(hour / 24)
  return {
    minute: `${p}:m:${orgId}:${entryId}:${minute}`,
    day: `${p}:d:${orgId}:${entryId}:${day}`,
    stats: `${p}:h:${orgId}:${entryId}:${hour}`,
    last: `${p}:last:${orgId}:${entryId}`,
    throttle: `${p}:throttle:${orgId}:${entryId}`,
  }
}

/** The stream every call is logged to, drained into the ledger by `drainVerificationLog`. */
export function verificationLogStream(): string {
  return `${getEnv().QUEUE_PREFIX}:verify:log`
}

/**
 * Art. 23 ¶3: verifies one candidate record against the entry's data. The candidate names every
 * key field and any check fields; the answer is per field match / mismatch / not found (all
 * not found when no record has the key) — never a stored value. Refused: an entry not offering
 * verification (404), an index not built yet (409), over the agency's limit on the entry (429),
 * a requester throttled for enumeration (429).
 */
export async function verifyRecord(
  user: AuthUser,
  input: { entryId: string; record: Record<string, string> },
  now: Date = new Date(),
): Promise<VerificationAnswer> {
  const { entryId, record } = input
  const { org, setting, types, index, subjectField } = await openOffer(user, entryId, [record])

  // The answer, from digests only.
  const { found, fields, keyValues } = answerCandidate(
    dataKeys().verification,
    index,
    { entryId, keyFields: setting.index.keyFields, types },
    record,
  )

  // Limits, the enumeration signals and the log: one round trip.
  const env = getEnv()
  const k = keys(org.id, entryId, now)
  const numeric = numericKey(keyValues)
  const results = await getRedis()
    // A pipeline, not MULTI: each counter is atomic by itself, and one round trip is the point.
    .pipeline()
    .exists(k.throttle)
    .incr(k.minute)
    .expire(k.minute, 120)
    .incr(k.day)
    .expire(k.day, 2 * 86_400)
    .getset(k.last, numeric === null ? '' : String(numeric))
    .expire(k.last, 3600)
    .hincrby(k.stats, 'calls', 1)
    .hincrby(k.stats, 'notFound', found ? 0 : 1)
    .hget(k.stats, 'sequential')
    .expire(k.stats, 7200)
    .xadd(
      verificationLogStream(),
      'MAXLEN',
      '~',
      '2000000',
      '*',
      'org',
      org.id,
      'user',
      user.id,
      'entry',
      entryId,
      'n',
      '1',
      'q',
      queryDigest(entryId, record),
      'found',
      found ? '1' : '0',
      'at',
      now.toISOString(),
      // C10: whose record a found verification touched (the subject's key, for her history).
      'sk',
      found && subjectField && record[subjectField] ? subjectKey(record[subjectField]) : '',
    )
    .exec()
  const value = (i: number) => results?.[i]?.[1]
  if (Number(value(0)) === 1) {
    await recordSecurityEvent({
      kind: 'verification-enumeration',
      subject: `${org.id} entry ${entryId}`,
      orgId: org.id,
      userId: user.id,
      detail: 'throttled',
    })
    throw new DomainError('throttled', 'error.verification.throttled', 429)
  }
  if (Number(value(1)) > env.VERIFY_PER_MINUTE || Number(value(3)) > env.VERIFY_PER_DAY) {
    // Art. 45 ¶2: a rate-limit trip is a security event.
    await recordSecurityEvent({
      kind: 'rate-limited',
      subject: `${org.id} verify ${entryId}`,
      orgId: org.id,
      userId: user.id,
      detail: `${value(1)}/min, ${value(3)}/day`,
    })
    throw new DomainError('rate_limited', 'error.verification.rateLimited', 429, undefined, {
      perMinute: env.VERIFY_PER_MINUTE,
      perDay: env.VERIFY_PER_DAY,
    })
  }
  const previous = Number(value(5) || NaN)
  const sequential = numeric !== null && Math.abs(numeric - previous) <= ENUMERATION.gap
  const calls = Number(value(7))
  const notFound = Number(value(8))
  let seq = Number(value(9) ?? 0)
  if (sequential) seq = await getRedis().hincrby(k.stats, 'sequential', 1)
  if (looksLikeEnumeration({ calls, notFound, sequential: seq }))
    await raiseEnumerationAlert(
      org.id,
      entryId,
      setting.orgId,
      { calls, notFound, sequential: seq },
      now,
    )
  return { entryId, found, fields }
}

/** Art. 23 ¶3: the most candidates one batch may hold. */
export const BATCH_MAX = 200_000

/**
 * Art. 23 ¶3, batch mode: a batch counts against the agency's daily limit on the entry as a whole,
 * refused whole (and nothing counted) when it would pass it, or while the agency is throttled.
 * `giveBack` returns the count (a batch that turned out to be a repeat).
 */
export async function reserveBatchQuota(orgId: string, entryId: string, n: number, now: Date) {
  const env = getEnv()
  const k = keys(orgId, entryId, now)
  const redis = getRedis()
  const counted = await redis
    .multi()
    .exists(k.throttle)
    .incrby(k.day, n)
    .expire(k.day, 2 * 86_400)
    .exec()
  const throttled = Number(counted?.[0]?.[1]) === 1
  if (throttled || Number(counted?.[1]?.[1]) > env.VERIFY_PER_DAY) {
    await redis.decrby(k.day, n)
    if (throttled) throw new DomainError('throttled', 'error.verification.throttled', 429)
    throw new DomainError('rate_limited', 'error.verification.rateLimited', 429, undefined, {
      perMinute: env.VERIFY_PER_MINUTE,
      perDay: env.VERIFY_PER_DAY,
    })
  }
  return { giveBack: () => redis.decrby(k.day, n) }
}

/**
 * Art. 45 (security events): tell the coordinating authority (logged and notified once per
 * requester, entry and hour, by key) and throttle the requester on the entry for an hour.
 */
async function raiseEnumerationAlert(
  orgId: string,
  entryId: string,
  sourceOrgId: string,
  stats: { calls: number; notFound: number; sequential: number },
  now: Date,
) {
  const k = keys(orgId, entryId, now)
  const hour = Math.floor(now.getTime() / 3_600_000)
  const authorityOrgId = await coordinatingAuthority(sourceOrgId)
  await appendLedger({
    action: 'verification.enumeration-suspected',
    subjects: [`catalog-entry:${entryId}`, `org:${orgId}`, `org:${sourceOrgId}`],
    payload: { ...stats, hour },
    summary: { requesterOrgId: orgId, ...stats },
    eventKey: `verification.enumeration-suspected:${orgId}:${entryId}:${hour}`,
  })
  await notifyOrg({
    key: `verification:${orgId}:${entryId}:${hour}:enumeration`,
    orgId: authorityOrgId,
    kind: 'security.verification_enumeration',
    params: { entryId, requesterOrgId: orgId, calls: stats.calls, notFound: stats.notFound },
  })
  await recordSecurityEvent({
    kind: 'verification-enumeration',
    subject: `${orgId} entry ${entryId}`,
    orgId,
    detail: `${stats.calls} calls, ${stats.notFound} not found, ${stats.sequential} sequential`,
    at: now,
  })
  // The throttle last: a crash before it leaves the next call to raise the (keyed) alert again.
  await getRedis().set(k.throttle, '1', 'EX', 3600, 'NX')
}

/**
 * The log of verifications: drains the call stream into the ledger, one entry per agency and
 * entry and drain — the count, how many were found, and the keyed digests of the queries (a batch
 * file logs its own chunks: batches.server.ts). Idempotent: each entry carries the stream ids it
 * covers as its event key, and the stream entries are deleted only after their ledger entry exists.
 */
export async function drainVerificationLog(
  max = 10_000,
): Promise<{ calls: number; entries: number }> {
  const redis = getRedis()
  const rows = (await redis.xrange(verificationLogStream(), '-', '+', 'COUNT', max)) as [
    string,
    string[],
  ][]
  if (rows.length === 0) return { calls: 0, entries: 0 }
  const groups = new Map<
    string,
    {
      org: string
      entry: string
      ids: string[]
      q: string[]
      sk: string[]
      at: string
      calls: number
      found: number
    }
  >()
  for (const [id, flat] of rows) {
    const f: Record<string, string> = {}
    for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!
    const g = groups.get(`${f.org}:${f.entry}`) ?? {
      org: f.org!,
      entry: f.entry!,
      ids: [],
      q: [],
      sk: [],
      at: '',
      calls: 0,
      found: 0,
    }
    g.ids.push(id)
    if (f.sk) g.sk.push(f.sk)
    if (f.at && f.at > g.at) g.at = f.at
    g.q.push(f.q ?? '')
    g.calls += Number(f.n ?? 1)
    g.found += Number(f.found ?? 0)
    groups.set(`${f.org}:${f.entry}`, g)
  }
  for (const g of groups.values()) {
    await appendLedger({
      action: 'verification.calls-logged',
      actor: { orgId: g.org },
      subjects: [`catalog-entry:${g.entry}`, `org:${g.org}`],
      payload: { queries: g.q, from: g.ids[0], to: g.ids[g.ids.length - 1] },
      summary: { calls: g.calls, found: g.found, notFound: g.calls - g.found },
      eventKey: `verification.calls-logged:${g.org}:${g.entry}:${g.ids[0]}:${g.ids[g.ids.length - 1]}`,
    })
    await recordSubjectUse({
      ...verificationUseTerms(g.org, g.entry),
      id: `verification:${g.org}:${g.entry}:${g.ids[0]}:${g.ids[g.ids.length - 1]}`,
      at: g.at ? new Date(g.at) : new Date(),
      keys: g.sk,
    })
    await redis.xdel(verificationLogStream(), ...g.ids)
  }
  return {
    calls: [...groups.values()].reduce((n, g) => n + g.calls, 0),
    entries: groups.size,
  }
}

/** C10: a verification that found a person's record is a use of it, on Art. 23 ¶3. */
export function verificationUseTerms(orgId: string, entryId: string) {
  return {
    kind: 'verification' as const,
    orgId,
    purpose: '核实、比对（第二十三条第三款）',
    basis: '《广东省公共数据管理办法》第二十三条第三款',
    ref: `catalog-entry:${entryId}`,
  }
}

// ---------------------------------------------------------------------------------------------
// Pages

type Labels = { name: string; label: { zh: string; en: string } }[]

/** Entries offering verification, with their fields' labels (the verification page's choice). */
export async function verificationOffers() {
  await connectDb()
  const settingsOn = await VerificationSetting.find({ enabled: true }).limit(500).lean()
  const entries = await CatalogEntry.find(
    { _id: mongoose.trusted({ $in: settingsOn.map((s) => s._id) }) },
    { published: 1, orgId: 1 },
  ).lean()
  const byId = new Map(entries.map((e) => [String(e._id), e]))
  return settingsOn.flatMap((s) => {
    const e = byId.get(s._id)
    if (!e?.published) return []
    const label = (name: string) => {
      const f = e.published?.fields.find((x) => x.name === name)
      return { name, label: { zh: f?.label.zh ?? name, en: f?.label.en ?? name } }
    }
    return [
      {
        entryId: s._id,
        orgId: e.orgId,
        title: { zh: e.published.title.zh, en: e.published.title.en },
        keyFields: s.keyFields.map(label) as Labels,
        checkFields: s.checkFields.map(label) as Labels,
        ready: Boolean(s.index),
      },
    ]
  })
}

/** The source department's verification page for its entry: the fields and the index's state. */
export async function verificationSettingsPage(user: AuthUser, entryId: string) {
  assertMay(user, 'decide:sharing-request:own-org')
  if (!isObjectId(entryId)) throw notOffered()
  await connectDb()
  const entry = await CatalogEntry.findById(entryId, { orgId: 1, published: 1 }).lean()
  if (!entry?.published) throw notOffered()
  if (entry.orgId !== user.org?.id)
    throw new DomainError('forbidden', 'error.sharing.notSource', 403)
  const setting = await VerificationSetting.findById(entryId).lean()
  return {
    entry: {
      id: entryId,
      title: { zh: entry.published.title.zh, en: entry.published.title.en },
      fields: entry.published.fields.map((f) => ({
        name: f.name,
        label: { zh: f.label.zh, en: f.label.en },
      })),
    },
    setting: setting
      ? {
          keyFields: setting.keyFields,
          checkFields: setting.checkFields,
          enabled: setting.enabled,
          records: setting.index?.records ?? null,
          builtAt: setting.index?.builtAt.toISOString() ?? null,
        }
      : null,
  }
}
