// A data subject's say over a record about her (C10; Art. 42): finding it wrong, or her lawful
// rights (trade secrets, personal information, privacy) infringed, she objects and asks for a
// correction, a deletion or another measure. The request goes to the source department that holds
// the record, with a deadline in working days (the authority's default; the Measures say "in
// time"), a reminder before it and the authority told when it passes. The department decides with
// reasons — one decision, a claim under a unique key — and a granted correction or deletion makes a
// new version of the table (its `cause` names the request: the provenance step), from which every
// later copy, API answer and verification is made. The copies made before are listed to her and
// their holders are told. Every step is logged; she may escalate to a complaint (Art. 43).
import iconv from 'iconv-lite'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { EntryDataset, type EntryDatasetDoc } from '#models/entry-dataset'
import { ProductVersion } from '#models/product-version'
import { SubjectRequest, SubjectRequestStep, type SubjectRequestDoc } from '#models/subject-request'
import { SubjectSettings } from '#models/subject-settings'
import { enqueue } from '#jobs/queues'
import { addWorkingDays, workingDaysBetween } from '~/services/calendar/working-days.server'
import { orgNames } from '~/services/catalog/entries.server'
import { notifyOrg, notifyUser } from '~/services/catalog/notify.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { assertIdentityConfirmed } from '~/services/identity/subjects.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { fieldText } from '~/lib/csv-scanner'
import { delimiterOf } from '~/services/delivery/deliver.server'
import { sniffEncoding } from '~/services/delivery/spec.server'
import { completeDatasetStored, currentDataset } from '~/services/sharing/datasets.server'
import { coordinatingAuthority } from '~/services/sharing/requests.server'
import { contentStore } from '~/services/storage/store.server'
import { connectDb, insertOnce, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import {
  forgetSubjectIndexes,
  headerOf,
  recordsIn,
  scanTable,
  subjectColumn,
  subjectKey,
} from './holdings.server'
import { useHistoryOf } from './uses.server'
import type { RecordRequestDecision, RecordRequestInput } from './schemas'

/** The platform's default deadline in working days, until the authority sets its own. */
export const DEFAULT_RECORD_REQUEST_DAYS = 10
/** The department is reminded when this many working days are left. */
export const RECORD_REQUEST_REMIND_DAYS = 2

function requestNotFound() {
  return new DomainError('not_found', 'error.subject.requestNotFound', 404)
}

/** The deadline the authority set for answering a record request (Art. 42: "in time"). */
export async function recordRequestDays(): Promise<number> {
  await connectDb()
  const s = await SubjectSettings.findById('record-requests', { days: 1 }).lean()
  return s?.days ?? DEFAULT_RECORD_REQUEST_DAYS
}

/** The authority sets that deadline (1–60 working days); logged by the page's audit trail. */
export async function setRecordRequestDays(officer: AuthUser, days: number, now = new Date()) {
  assertMay(officer, 'handle:complaint:own-org')
  await connectDb()
  await SubjectSettings.updateOne(
    { _id: 'record-requests' },
    { $set: { days, updatedBy: officer.id, updatedAt: now } },
    { upsert: true },
  )
  return { days }
}

/**
 * Art. 42: the person objects to a record about her, or asks for a field's correction or the
 * record's deletion. The record must be hers (found by her key in the table she names, each row
 * checked by its own identifier); a correction names a field other than the identifier and a new
 * value. The request goes to the source department with the authority's deadline.
 */
export async function fileRecordRequest(
  user: AuthUser,
  input: RecordRequestInput,
  now = new Date(),
) {
  assertMay(user, 'request:record-change:own')
  const key = await assertIdentityConfirmed(user)
  const dataset = await EntryDataset.findById(input.datasetId, { entryId: 1, orgId: 1 }).lean()
  const found = dataset ? await recordsIn(input.datasetId, key) : null
  const record = found?.rows.find((r) => r.row === input.row)
  if (!dataset || !found || !record) throw requestNotFound()
  let field: string | null = null
  let proposed: string | null = null
  if (input.kind === 'correction') {
    if (!found.header.includes(input.field) || input.field === found.column)
      throw new DomainError('bad_field', 'error.subject.badField', 422, {
        field: ['error.subject.badField'],
      })
    const current = record.cells[found.header.indexOf(input.field)] ?? ''
    if (current === input.proposed)
      throw new DomainError('same_value', 'error.subject.sameValue', 422, {
        proposed: ['error.subject.sameValue'],
      })
    field = input.field
    proposed = input.proposed
  }
  const doc = await SubjectRequest.create({
    userId: user.id,
    subjectKey: key,
    kind: input.kind,
    entryId: dataset.entryId,
    orgId: dataset.orgId,
    datasetId: input.datasetId,
    row: input.row,
    field,
    proposed,
    reasons: input.reasons,
    status: 'pending',
    submittedAt: now,
    dueAt: await addWorkingDays(now, await recordRequestDays()),
  })
  await completeFiling(doc.toObject() as SubjectRequestDoc)
  return { requestId: String(doc._id), dueAt: doc.dueAt.toISOString() }
}

/** The steps after a request is stored: the log (keyed), the department's notice, then `filedSeq`. */
async function completeFiling(r: SubjectRequestDoc) {
  const requestId = String(r._id)
  const logged = await appendLedger({
    action: 'subject.record-request-filed',
    actor: { userId: r.userId },
    subjects: [`user:${r.userId}`, `org:${r.orgId}`, `catalog-entry:${r.entryId}`],
    payload: { requestId, kind: r.kind, datasetId: r.datasetId, row: r.row, field: r.field },
    summary: { kind: r.kind },
    eventKey: `subject.record-request-filed:${requestId}`,
  })
  await notifyOrg({
    key: `subject-request:${requestId}:filed`,
    orgId: r.orgId,
    kind: 'subject-request.filed',
    params: { subjectRequestId: requestId, dueAt: r.dueAt.toISOString() },
  })
  await SubjectRequest.updateOne(
    { _id: requestId, filedSeq: null },
    { $set: { filedSeq: logged._id } },
  )
}

/**
 * The decision as claimed, onto the request (from `pending` only), then the log (keyed), then the
 * change of the table queued: the same result however often it runs.
 */
async function applyDecision(
  request: SubjectRequestDoc,
  step: { by: string; at: Date; decision: string; note: string | null | undefined },
) {
  const requestId = String(request._id)
  await SubjectRequest.updateOne(
    { _id: requestId, status: 'pending' },
    { $set: { status: step.decision, note: step.note ?? '', answeredAt: step.at } },
  )
  await appendLedger({
    action: 'subject.record-request-decided',
    actor: { userId: step.by, orgId: request.orgId },
    subjects: [
      `user:${request.userId}`,
      `org:${request.orgId}`,
      `catalog-entry:${request.entryId}`,
    ],
    payload: { requestId, decision: step.decision, note: step.note ?? '' },
    summary: { kind: request.kind, decision: step.decision },
    eventKey: `subject.record-request-decided:${requestId}`,
  })
  await notifyUser({
    key: `subject-request:${requestId}:decided`,
    userId: request.userId,
    kind: `subject-request.${step.decision}`,
    params: { subjectRequestId: requestId },
  })
  if (step.decision === 'granted' && request.kind !== 'objection')
    await enqueue('subject-record-change', { requestId }, { jobId: `subject-record-${requestId}` })
}

/**
 * Art. 42: the source department decides a request about a record it holds, with reasons (at least
 * 10 characters, granted or refused: for a granted objection, the measure it took). One decision
 * per request, whoever answers first.
 */
export async function decideRecordRequest(
  officer: AuthUser,
  input: RecordRequestDecision,
  now = new Date(),
) {
  assertMay(officer, 'decide:record-change:own-org')
  await connectDb()
  const request = await SubjectRequest.findById(input.requestId).lean()
  if (!request || request.orgId !== officer.org?.id) throw requestNotFound()
  let won = true
  try {
    await SubjectRequestStep.create({
      _id: `${input.requestId}:decide`,
      by: officer.id,
      at: now,
      decision: input.decision,
      note: input.note,
    })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    won = false
  }
  // The decision as claimed (this one, or the one that came first) is applied either way: one whose
  // projection a crash lost is completed by the next answer.
  const step = (await SubjectRequestStep.findById(`${input.requestId}:decide`).lean())!
  await applyDecision(request as SubjectRequestDoc, step)
  if (!won) throw new DomainError('already_answered', 'error.subject.requestAnswered', 409)
  return { requestId: input.requestId, decision: input.decision }
}

/** One CSV/TSV line of cells, quoted where the cell needs it (the table's own data, kept as is). */
function tableLine(cells: readonly string[], delimiter: ',' | '\t'): string {
  return cells
    .map((c) => (c.includes(delimiter) || /["\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
    .join(delimiter)
}

interface Splice {
  at: number
  length: number
  /** The bytes put in the row's place; empty (and the line's end dropped) for a deletion. */
  bytes: Buffer
}

async function readRange(key: string, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of contentStore().read(key, { start, end })) parts.push(part as Buffer)
  return Buffer.concat(parts)
}

/** The table with some rows replaced or removed, streamed range by range (bounded memory). */
async function* spliced(key: string, size: number, splices: Splice[]): AsyncIterable<Uint8Array> {
  let from = 0
  for (const s of [...splices].sort((a, b) => a.at - b.at)) {
    if (s.at > from) yield* contentStore().read(key, { start: from, end: s.at - 1 })
    let next = s.at + s.length
    if (s.bytes.length) yield s.bytes
    else if (next < size) {
      const end = await readRange(key, next, Math.min(next + 1, size - 1))
      next += end[0] === 0x0d && end[1] === 0x0a ? 2 : end[0] === 0x0a || end[0] === 0x0d ? 1 : 0
    }
    from = next
  }
  if (from < size) yield* contentStore().read(key, { start: from, end: size - 1 })
}

/**
 * The table at `key` without the rows whose subject (in `column`) is one of `keys` (subject key →
 * the deletion request), content-addressed; null when it holds none of them. One streaming pass.
 */
async function withoutSubjects(
  stored: { key: string; size: number },
  fileName: string,
  column: string,
  keys: ReadonlyMap<string, string>,
): Promise<{ stored: { key: string; sha256: string; size: number }; requests: string[] } | null> {
  const splices: Splice[] = []
  const applied = new Set<string>()
  let col = -1
  await scanTable(
    stored.key,
    delimiterOf(fileName) ?? ',',
    (header) => {
      col = header.indexOf(column)
    },
    (rec, decode, at, length) => {
      if (col < 0 || col >= rec.count) return
      const requestId = keys.get(subjectKey(fieldText(rec, col, decode)))
      if (!requestId) return
      splices.push({ at, length, bytes: Buffer.alloc(0) })
      applied.add(requestId)
    },
  )
  if (splices.length === 0) return null
  const kept = await contentStore().put(spliced(stored.key, stored.size, splices))
  return { stored: { key: kept.key, sha256: kept.sha256, size: kept.size }, requests: [...applied] }
}

/** The granted deletions on these entries: subject key → request id. */
async function grantedDeletions(entryIds: readonly string[]): Promise<Map<string, string>> {
  if (entryIds.length === 0) return new Map()
  await connectDb()
  const deletions = await SubjectRequest.find(
    { entryId: mongoose.trusted({ $in: [...entryIds] }), kind: 'deletion', status: 'granted' },
    { subjectKey: 1 },
  ).lean()
  return new Map(deletions.map((d) => [d.subjectKey, String(d._id)]))
}

/**
 * Art. 42: a record deleted at its subject's request stays deleted. A table the department stores
 * later for the entry (a new upload with the record back in it) is stored without the rows of
 * every subject whose deletion was granted: the returned table is the upload itself when it holds
 * none of them, else a copy without those rows, its `cause` naming the requests. Costs nothing for
 * an entry without granted deletions; otherwise one pass over the table.
 */
export async function withoutDeletedRecords(
  entryId: string,
  fileName: string,
  stored: { key: string; sha256: string; size: number },
): Promise<{ stored: { key: string; sha256: string; size: number }; cause: string | null }> {
  const keys = await grantedDeletions([entryId])
  if (keys.size === 0) return { stored, cause: null }
  const entry = await CatalogEntry.findById(entryId, { 'published.fields': 1 }).lean()
  const column = subjectColumn(entry?.published?.fields ?? [])
  const kept = column ? await withoutSubjects(stored, fileName, column, keys) : null
  if (!kept) return { stored, cause: null }
  return { stored: kept.stored, cause: `subject-request:${kept.requests.sort().join(',')}` }
}

/**
 * Art. 42: a deletion reaches every later delivery of a product drawn from the entry too — a
 * licence's copy of a version's table is made from the table without the rows of every subject
 * whose deletion was granted on one of the version's input entries. The table itself (the
 * provider's, with its digest in the provenance) is not changed. Null: nothing to leave out.
 */
export async function versionTableWithoutDeletions(
  version: {
    provenance: { used: readonly { kind: string; ref: string }[] }
    dataSchema: { fields: readonly { name: string }[] }
  },
  table: { storageKey: string; fileName: string },
): Promise<string | null> {
  const entries = version.provenance.used.filter((u) => u.kind === 'catalog-entry')
  const keys = await grantedDeletions(entries.map((u) => u.ref))
  if (keys.size === 0) return null
  const header = await headerOf(table.storageKey, delimiterOf(table.fileName) ?? ',')
  const column =
    subjectColumn(version.dataSchema.fields) ?? (header.includes('gmsfhm') ? 'gmsfhm' : null)
  if (!column) return null
  const size = (await contentStore().stat(table.storageKey))?.size ?? 0
  const kept = await withoutSubjects({ key: table.storageKey, size }, table.fileName, column, keys)
  return kept?.stored.key ?? null
}

/**
 * The `subject-record-change` job (Art. 42): a granted correction or deletion becomes a new version
 * of the entry's current table — her rows with the field corrected, or without her rows — stored,
 * logged with its cause and delivered again to every grant in force (the later copies, API answers
 * and verifications come from it). Idempotent: the new table is content-addressed, so a retry after
 * a crash makes the same version (or finds her rows already changed) and completes the rest.
 */
export async function applyRecordChange(requestId: string, now = new Date()) {
  await connectDb()
  const request = isObjectId(requestId) ? await SubjectRequest.findById(requestId).lean() : null
  if (!request || request.status !== 'granted' || request.kind === 'objection')
    return { requestId, skipped: 'not_granted' as const }
  if (request.appliedAt) return { requestId, skipped: 'applied' as const }
  const step = await SubjectRequestStep.findById(`${requestId}:decide`).lean()
  const current = await currentDataset(request.entryId)
  if (!current || !step) return { requestId, skipped: 'no_data' as const }
  // The copies made before, from tables holding her record (told to her and to their holders).
  // (A grant's copy of the entry's table; a licence's copy of an open file of the entry or of a
  // product version drawn from it.)
  const derived = new Set(
    (await ProductVersion.find({ 'provenance.used.ref': request.entryId }, { _id: 1 }).lean()).map(
      (v) => String(v._id),
    ),
  )
  const prior = (await useHistoryOf(request.subjectKey, { limit: Infinity })).items.filter(
    (u) =>
      new Date(u.at) <= now &&
      ((u.kind === 'sharing-delivery' && u.datasetId?.startsWith(`${request.entryId}:`)) ||
        ((u.kind === 'licence-delivery' || u.kind === 'research-licence') &&
          (u.datasetId?.startsWith(`odf:${request.entryId}:`) ||
            derived.has(/^pv:([0-9a-f]{24}):/.exec(u.datasetId ?? '')?.[1] ?? '')))),
  )
  const found = await recordsIn(current._id, request.subjectKey)
  let result: EntryDatasetDoc = current
  if (found && found.rows.length > 0) {
    const head = await readRange(current.storageKey, 0, Math.min(current.sizeBytes, 4096) - 1)
    const gb = sniffEncoding(head) !== 'utf-8'
    const encode = (s: string) => (gb ? iconv.encode(s, 'gb18030') : Buffer.from(s, 'utf8'))
    const col = request.field ? found.header.indexOf(request.field) : -1
    const splices: Splice[] = found.rows.map((r) => ({
      at: r.at,
      length: r.length,
      bytes:
        request.kind === 'deletion'
          ? Buffer.alloc(0)
          : encode(
              tableLine(
                r.cells.map((c, i) => (i === col ? (request.proposed ?? '') : c)),
                found.delimiter,
              ),
            ),
    }))
    const stored = await contentStore().put(spliced(current.storageKey, current.sizeBytes, splices))
    const _id = `${request.entryId}:${stored.sha256}`
    const { doc } = await insertOnce(
      EntryDataset,
      {
        _id,
        entryId: request.entryId,
        orgId: request.orgId,
        fileName: current.fileName,
        storageKey: stored.key,
        sha256: stored.sha256,
        sizeBytes: stored.size,
        header: current.header,
        uploadedBy: step.by,
        uploadedAt: now > current.uploadedAt ? now : new Date(current.uploadedAt.getTime() + 1),
        cause: `subject-request:${requestId}`,
      },
      { _id },
    )
    result = doc.toObject() as EntryDatasetDoc
    // Her view shows the new version at once: its subject index now, not when the job comes.
    await recordsIn(result._id, request.subjectKey)
    forgetSubjectIndexes()
    await completeDatasetStored(result)
  }
  // (Copies made from the new version — a retry after a crash may see them — are not prior.)
  const priorCopies = prior
    .filter((u) => u.datasetId !== result._id)
    .map((u) => ({ orgId: u.orgId, ref: u.ref, at: new Date(u.at) }))
  await appendLedger({
    action: 'subject.record-changed',
    actor: { userId: step.by, orgId: request.orgId },
    subjects: [
      `user:${request.userId}`,
      `org:${request.orgId}`,
      `catalog-entry:${request.entryId}`,
    ],
    payload: {
      requestId,
      kind: request.kind,
      field: request.field,
      from: current._id,
      to: result._id,
      priorCopies: priorCopies.map((c) => c.ref),
    },
    summary: { kind: request.kind, priorCopies: priorCopies.length },
    eventKey: `subject.record-changed:${requestId}`,
  })
  for (const c of priorCopies)
    await notifyOrg({
      key: `subject-request:${requestId}:prior:${c.ref}`,
      orgId: c.orgId,
      kind: `subject-request.prior-copy-${request.kind}`,
      params: { entryId: request.entryId },
    })
  await notifyUser({
    key: `subject-request:${requestId}:applied`,
    userId: request.userId,
    kind: `subject-request.applied-${request.kind}`,
    params: { subjectRequestId: requestId },
  })
  await SubjectRequest.updateOne(
    { _id: requestId, appliedAt: null },
    { $set: { resultDatasetId: result._id, appliedAt: now, priorCopies } },
  )
  return { requestId, datasetId: result._id, priorCopies: priorCopies.length }
}

/**
 * The record-request clock (Art. 42 "in time"), in the hourly sharing sweep: the department is
 * reminded when 2 working days are left and told, with its authority, once the deadline passed; a
 * filing, decision or change a crash cut short is completed. Every notice is keyed.
 */
export async function runRecordRequestSweep(now = new Date()) {
  await connectDb()
  let reminded = 0
  let overdue = 0
  let repaired = 0
  for (const r of await SubjectRequest.find({ status: 'pending' }).lean()) {
    const requestId = String(r._id)
    // A filing whose log or notice a crash lost is finished first.
    if (r.filedSeq == null) {
      await completeFiling(r as SubjectRequestDoc)
      repaired++
    }
    const step = await SubjectRequestStep.findById(`${requestId}:decide`).lean()
    if (step) {
      await applyDecision(r as SubjectRequestDoc, step)
      repaired++
      continue
    }
    const params = { subjectRequestId: requestId, dueAt: r.dueAt.toISOString() }
    if (r.dueAt <= now) {
      await notifyOrg({
        key: `subject-request:${requestId}:overdue`,
        orgId: r.orgId,
        kind: 'subject-request.overdue',
        params,
      })
      // The authority at the department's level hears of it (the person may complain to it).
      await notifyOrg({
        key: `subject-request:${requestId}:escalated`,
        orgId: await coordinatingAuthority(r.orgId),
        kind: 'subject-request.escalated',
        params: { dueAt: params.dueAt, orgId: r.orgId },
      })
      overdue++
    } else if ((await workingDaysBetween(now, r.dueAt)) <= RECORD_REQUEST_REMIND_DAYS) {
      await notifyOrg({
        key: `subject-request:${requestId}:reminder`,
        orgId: r.orgId,
        kind: 'subject-request.reminder',
        params,
      })
      reminded++
    }
  }
  const unapplied = await SubjectRequest.find(
    { status: 'granted', appliedAt: null, kind: mongoose.trusted({ $ne: 'objection' }) },
    { _id: 1 },
  ).lean()
  for (const r of unapplied) {
    const requestId = String(r._id)
    await enqueue('subject-record-change', { requestId }, { jobId: `subject-record-${requestId}` })
    repaired++
  }
  return { reminded, overdue, repaired }
}

export interface RecordRequestView {
  id: string
  kind: SubjectRequestDoc['kind']
  entryId: string
  title: { zh: string; en: string }
  orgId: string
  org: { zh: string; en: string }
  row: number
  field: string | null
  fieldLabel: { zh: string; en: string } | null
  proposed: string | null
  reasons: string
  status: SubjectRequestDoc['status']
  note: string | null
  submittedAt: string
  dueAt: string
  overdue: boolean
  appliedAt: string | null
  priorCopies: { org: { zh: string; en: string }; at: string | null }[]
}

async function views(list: SubjectRequestDoc[], now: Date): Promise<RecordRequestView[]> {
  const entries = await CatalogEntry.find(
    { _id: mongoose.trusted({ $in: [...new Set(list.map((r) => r.entryId))] }) },
    { published: 1 },
  ).lean()
  const names = await orgNames(list.flatMap((r) => [r.orgId, ...r.priorCopies.map((c) => c.orgId)]))
  const titles = new Map(entries.map((e) => [String(e._id), e.published?.title]))
  const fieldsOf = new Map(entries.map((e) => [String(e._id), e.published?.fields ?? []]))
  const labelOf = (entryId: string, name: string) => {
    const f = fieldsOf.get(entryId)?.find((x) => x.name === name)
    return { zh: f?.label.zh ?? name, en: f?.label.en ?? name }
  }
  const name = (id: string) => names[id] ?? { zh: id, en: id }
  return list.map((r) => ({
    id: String(r._id),
    kind: r.kind,
    entryId: r.entryId,
    title: {
      zh: titles.get(r.entryId)?.zh ?? r.entryId,
      en: titles.get(r.entryId)?.en ?? r.entryId,
    },
    orgId: r.orgId,
    org: name(r.orgId),
    row: r.row,
    field: r.field ?? null,
    fieldLabel: r.field ? labelOf(r.entryId, r.field) : null,
    proposed: r.proposed ?? null,
    reasons: r.reasons,
    status: r.status,
    note: r.note ?? null,
    submittedAt: r.submittedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    overdue: r.status === 'pending' && r.dueAt < now,
    appliedAt: r.appliedAt?.toISOString() ?? null,
    priorCopies: r.priorCopies.map((c) => ({
      org: name(c.orgId),
      at: c.at?.toISOString() ?? null,
    })),
  }))
}

/** The person's own requests, newest first. */
export async function myRecordRequests(user: AuthUser, now = new Date()) {
  assertMay(user, 'request:record-change:own')
  await connectDb()
  const list = await SubjectRequest.find({ userId: user.id })
    .sort({ submittedAt: -1 })
    .limit(50)
    .lean()
  return views(list as SubjectRequestDoc[], now)
}

/**
 * The requests about records a department holds, open ones first, each with the record as the
 * department's table holds it now (its own data) — never the person's other records.
 */
export async function departmentRecordRequests(officer: AuthUser, now = new Date()) {
  assertMay(officer, 'decide:record-change:own-org')
  await connectDb()
  const list = (await SubjectRequest.find({ orgId: officer.org?.id ?? '' })
    .sort({ submittedAt: -1 })
    .limit(200)
    .lean()) as SubjectRequestDoc[]
  const out = []
  for (const [i, v] of (await views(list, now)).entries()) {
    const r = list[i]!
    let record: { name: string; label: { zh: string; en: string }; value: string }[] = []
    if (r.status === 'pending') {
      const current = await currentDataset(r.entryId)
      const found = current ? await recordsIn(current._id, r.subjectKey) : null
      const row = found?.rows[0]
      const fields = (await CatalogEntry.findById(r.entryId, { published: 1 }).lean())?.published
        ?.fields
      const label = (name: string) => {
        const f = fields?.find((x) => x.name === name)
        return { zh: f?.label.zh ?? name, en: f?.label.en ?? name }
      }
      if (found && row)
        record = found.header.map((name, k) => ({
          name,
          label: label(name),
          value: row.cells[k] ?? '',
        }))
    }
    out.push({ ...v, record })
  }
  const open = (s: string) => (s === 'pending' ? 0 : 1)
  return out.sort((a, b) => open(a.status) - open(b.status))
}

/**
 * The record a request would be about, as the person sees it on the request form: hers only (by
 * her key, each row checked by its identifier), with the fields she may ask to correct.
 */
export async function recordForRequest(user: AuthUser, datasetId: string, row: number) {
  assertMay(user, 'request:record-change:own')
  const key = await assertIdentityConfirmed(user)
  if (!/^[0-9a-f]{24}:[0-9a-f]{64}$/.test(datasetId) || !Number.isInteger(row))
    throw requestNotFound()
  const dataset = await EntryDataset.findById(datasetId, { entryId: 1, orgId: 1 }).lean()
  const found = dataset ? await recordsIn(datasetId, key) : null
  const record = found?.rows.find((r) => r.row === row)
  if (!dataset || !found || !record) throw requestNotFound()
  const entry = await CatalogEntry.findById(dataset.entryId, { published: 1 }).lean()
  const org = (await orgNames([dataset.orgId]))[dataset.orgId]
  const fields = entry?.published?.fields ?? []
  return {
    datasetId,
    row,
    title: {
      zh: entry?.published?.title.zh ?? dataset.entryId,
      en: entry?.published?.title.en ?? dataset.entryId,
    },
    org: org ?? { zh: dataset.orgId, en: dataset.orgId },
    fields: found.header.map((name, i) => {
      const f = fields.find((x) => x.name === name)
      return {
        name,
        label: { zh: f?.label.zh ?? name, en: f?.label.en ?? name },
        value: record.cells[i] ?? '',
        correctable: name !== found.column,
      }
    }),
  }
}
