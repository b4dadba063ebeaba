// Every use of a data subject's record (C10; Art. 39, 42): who used it, when, for what and on what
// basis. A use is recorded once per event, compactly — a grant's copy of a table names the table
// (every row), an API read names its rows of the table, a verification names the 16-byte keys it
// found — never one row per record (ADR 031). Each process holds the uses in memory, by table and
// by key: loaded once from `subject_uses`, then followed through a Redis stream every process
// appends to (one round trip per query reads what others recorded since). A subject's history is
// her rows in every table (the subject indexes) and these two maps: look-ups, no collection scan.
import { Organization } from '#models/organization'
import { SubjectUse, type SubjectUseDoc } from '#models/subject-use'
import { connectDb, insertOnce } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { getRedis } from '~/utils/redis.server'
import { subjectRows } from './holdings.server'

/** Bytes of a subject key a use keeps (collisions are out of reach at 128 bits). */
const USE_KEY_BYTES = 16

export interface SubjectUseInput {
  /** The event's key: a retried step records its use once. */
  id: string
  kind: SubjectUseDoc['kind']
  at: Date
  orgId: string
  purpose: string
  basis: string
  ref: string
  /** Rows `[rowFrom, rowTo)` of a stored table, or all its rows when both are null. */
  datasetId?: string | null
  rowFrom?: number | null
  rowTo?: number | null
  /** Subject keys (hex, as `subjectKey` gives them). */
  keys?: readonly string[]
}

interface Use {
  id: string
  kind: SubjectUseDoc['kind']
  at: Date
  orgId: string
  purpose: string
  basis: string
  ref: string
  datasetId: string | null
  rowFrom: number | null
  rowTo: number | null
}

function useStream(): string {
  return `${getEnv().QUEUE_PREFIX}:subject-uses`
}

/** The uses this process knows, by table and by key. */
class UseIndex {
  private readonly seen = new Set<string>()
  readonly byDataset = new Map<string, Use[]>()
  readonly byKey = new Map<string, Use[]>()

  add(use: Use, keys: Buffer | null) {
    if (this.seen.has(use.id)) return
    this.seen.add(use.id)
    if (use.datasetId) {
      const list = this.byDataset.get(use.datasetId) ?? []
      list.push(use)
      this.byDataset.set(use.datasetId, list)
    }
    for (let i = 0; keys && i + USE_KEY_BYTES <= keys.length; i += USE_KEY_BYTES) {
      const k = keys.toString('hex', i, i + USE_KEY_BYTES)
      const list = this.byKey.get(k) ?? []
      list.push(use)
      this.byKey.set(k, list)
    }
  }

  /** The uses of row `row` of table `datasetId`. */
  forRow(datasetId: string, row: number): Use[] {
    return (this.byDataset.get(datasetId) ?? []).filter(
      (u) => u.rowFrom === null || (row >= u.rowFrom && row < (u.rowTo ?? Infinity)),
    )
  }

  forKey(key: string): Use[] {
    return this.byKey.get(key.slice(0, USE_KEY_BYTES * 2)) ?? []
  }
}

let loaded: { uses: UseIndex; lastId: string; readAt: number } | null = null
/** How often a process reads the stream's tail: another process's use shows within this. */
const TAIL_EVERY_MS = 250

function packKeys(keys: readonly string[] | undefined): Buffer | null {
  if (!keys?.length) return null
  return Buffer.concat(keys.map((k) => Buffer.from(k.slice(0, USE_KEY_BYTES * 2), 'hex')))
}

/**
 * Records a use (idempotent by its id), then announces it on the stream so every process's maps
 * take it in. A crash between the two leaves the use stored but unannounced until the step is
 * retried (it records the same id again and announces it) or the process restarts.
 */
export async function recordSubjectUse(input: SubjectUseInput): Promise<void> {
  const keys = packKeys(input.keys)
  if (!input.datasetId && !keys) return
  await connectDb()
  const doc = {
    _id: input.id,
    kind: input.kind,
    at: input.at,
    orgId: input.orgId,
    purpose: input.purpose.slice(0, 500),
    basis: input.basis.slice(0, 500),
    ref: input.ref,
    datasetId: input.datasetId ?? null,
    rowFrom: input.rowFrom ?? null,
    rowTo: input.rowTo ?? null,
    keys,
  }
  await insertOnce(SubjectUse, doc, { _id: input.id })
  // This process knows at once; the others through the stream.
  loaded?.uses.add(fromDoc(doc as SubjectUseDoc & { _id: string }), keys)
  await getRedis().xadd(
    useStream(),
    'MAXLEN',
    '~',
    '1000000',
    '*',
    'use',
    JSON.stringify({ ...doc, keys: keys?.toString('base64') ?? null }),
  )
}

function fromDoc(d: SubjectUseDoc & { _id: string }): Use {
  return {
    id: d._id,
    kind: d.kind,
    at: d.at,
    orgId: d.orgId,
    purpose: d.purpose ?? '',
    basis: d.basis ?? '',
    ref: d.ref,
    datasetId: d.datasetId ?? null,
    rowFrom: d.rowFrom ?? null,
    rowTo: d.rowTo ?? null,
  }
}

/** A stored binary as a Buffer (a lean read gives BSON's Binary). */
function bytesOf(value: unknown): Buffer | null {
  if (!value) return null
  if (Buffer.isBuffer(value)) return value
  const inner = (value as { buffer?: Uint8Array }).buffer
  return inner ? Buffer.from(inner) : null
}

/** The maps, brought up to date: loaded once, then the stream's tail since the last read. */
async function useIndex(): Promise<UseIndex> {
  const redis = getRedis()
  if (!loaded) {
    // Where the stream is first, then the collection: a use recorded in between is in both and
    // taken once (by its id).
    const last = (await redis.xrevrange(useStream(), '+', '-', 'COUNT', 1)) as [string, string[]][]
    const uses = new UseIndex()
    await connectDb()
    for (const d of await SubjectUse.find({}).lean())
      uses.add(fromDoc(d as SubjectUseDoc & { _id: string }), bytesOf(d.keys))
    loaded = { uses, lastId: last[0]?.[0] ?? '0-0', readAt: 0 }
  }
  if (Date.now() - loaded.readAt < TAIL_EVERY_MS) return loaded.uses
  loaded.readAt = Date.now()
  for (;;) {
    const rows = (await redis.xrange(useStream(), `(${loaded.lastId}`, '+', 'COUNT', 5000)) as [
      string,
      string[],
    ][]
    for (const [id, fields] of rows) {
      loaded.lastId = id
      const d = JSON.parse(fields[1] ?? '{}') as SubjectUseDoc & {
        _id: string
        keys: string | null
      }
      loaded.uses.add(
        fromDoc({ ...d, at: new Date(d.at), keys: null } as never),
        d.keys ? Buffer.from(d.keys, 'base64') : null,
      )
    }
    if (rows.length < 5000) return loaded.uses
  }
}

/** Forgets the maps (tests). */
export function forgetSubjectUses() {
  loaded = null
}

let names: { at: number; byId: Map<string, { zh: string; en: string }> } | null = null

/** Organisations' names, read again after a minute or when one is missing. */
async function orgNames(ids: string[]) {
  if (!names || Date.now() - names.at > 60_000 || ids.some((id) => !names!.byId.has(id))) {
    await connectDb()
    const orgs = await Organization.find({}, { name: 1 }).lean()
    names = { at: Date.now(), byId: new Map(orgs.map((o) => [String(o._id), o.name])) }
  }
  return names.byId
}

export interface UseView {
  id: string
  kind: SubjectUseDoc['kind']
  at: string
  orgId: string
  org: { zh: string; en: string }
  purpose: string
  basis: string
  ref: string
  /** The stored table the use read from, when it read one (`<entry>:<sha256>`). */
  datasetId: string | null
}

/**
 * Art. 39 and Art. 42: every use of the subject's records — a grant's copy of a table holding her
 * row, an API read that returned it, a verification that found it — newest first, with who, when,
 * the purpose and the basis: how many in all, and the newest `limit`.
 */
export async function useHistoryOf(
  key: string,
  options: { limit?: number } = {},
): Promise<{ total: number; items: UseView[] }> {
  if (!/^[0-9a-f]{64}$/.test(key)) return { total: 0, items: [] }
  const uses = await useIndex()
  const found = new Map<string, Use>()
  for (const u of uses.forKey(key)) found.set(u.id, u)
  for (const t of await subjectRows(key, 'all'))
    for (const r of t.rows) for (const u of uses.forRow(t.index._id, r.row)) found.set(u.id, u)
  const all = [...found.values()].sort((a, b) => b.at.getTime() - a.at.getTime())
  if (all.length === 0) return { total: 0, items: [] }
  const list = all.slice(0, options.limit ?? 100)
  const names = await orgNames(list.map((u) => u.orgId))
  const items = list.map((u) => ({
    id: u.id,
    kind: u.kind,
    at: u.at.toISOString(),
    orgId: u.orgId,
    org: {
      zh: names.get(u.orgId)?.zh ?? u.orgId,
      en: names.get(u.orgId)?.en ?? u.orgId,
    },
    purpose: u.purpose,
    basis: u.basis,
    ref: u.ref,
    datasetId: u.datasetId,
  }))
  return { total: all.length, items }
}
