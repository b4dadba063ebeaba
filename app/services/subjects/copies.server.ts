// A data subject's copy of what is held about them (C10; Art. 42: the right to read and copy): asked
// from the portal, made by the `subject-copy` job — every record found (ADR 031) and every use of
// them, as CSV (one line a field, then one a use; UTF-8 with BOM for spreadsheets) and JSON — and
// downloadable by the subject alone.
import { Readable } from 'node:stream'
import { SubjectCopy, type SubjectCopyDoc } from '#models/subject-copy'
import { User } from '#models/user'
import { enqueue } from '#jobs/queues'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { contentStore } from '~/services/storage/store.server'
import { csvCell } from '~/utils/csv.server'
import { connectDb, insertOnce } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { assertMay } from '~/utils/permissions'
import { isObjectId } from '~/utils/schemas'
import { assertIdentityConfirmed } from '~/services/identity/subjects.server'
import { holdingsOf } from './holdings.server'
import { useHistoryOf } from './uses.server'

export const COPY_FORMATS = ['csv', 'json'] as const
export type CopyFormat = (typeof COPY_FORMATS)[number]

function copyNotFound() {
  return new DomainError('not_found', 'error.subject.copyNotFound', 404)
}

export interface CopyView {
  id: string
  status: SubjectCopyDoc['status']
  records: number | null
  requestedAt: string
  doneAt: string | null
}

function view(c: SubjectCopyDoc): CopyView {
  return {
    id: String(c._id),
    status: c.status,
    records: c.records ?? null,
    requestedAt: c.requestedAt.toISOString(),
    doneAt: c.doneAt?.toISOString() ?? null,
  }
}

/**
 * Art. 42: the subject asks for a copy of what is held about them. One per hour (a unique claim:
 * asking again within the hour returns the copy already asked); the job makes it.
 */
export async function requestSubjectCopy(user: AuthUser, now: Date = new Date()) {
  await assertIdentityConfirmed(user)
  const hour = now.toISOString().slice(0, 13)
  const { doc, won } = await insertOnce(
    SubjectCopy,
    { userId: user.id, hour, status: 'queued', requestedAt: now },
    { userId: user.id, hour },
  )
  const id = String(doc._id)
  // Queued whenever it is not made yet: a repeat re-queues a copy whose queueing a crash lost
  // (the job id keeps it to one job).
  if (doc.status === 'queued')
    await enqueue('subject-copy', { copyId: id }, { jobId: `subject-copy-${id}` })
  return { ...view(doc.toObject() as SubjectCopyDoc), repeated: !won }
}

/**
 * The `subject-copy` job: the subject's records, as CSV and JSON, into the content store, then the
 * copy names them (one update) and the log records it. Idempotent: a done copy is left as it is;
 * a rerun writes the same bytes (content-addressed) and finds its log entry by key.
 */
export async function makeSubjectCopy(copyId: string, now: Date = new Date()) {
  await connectDb()
  const copy = isObjectId(copyId) ? await SubjectCopy.findById(copyId).lean() : null
  if (!copy) return { copyId, skipped: 'not_found' as const }
  if (copy.status !== 'queued') return { copyId, skipped: copy.status }
  const user = await User.findById(copy.userId, { residentIdIndex: 1 }).lean()
  const holdings = user?.residentIdIndex ? await holdingsOf(user.residentIdIndex) : []
  const uses = user?.residentIdIndex
    ? (await useHistoryOf(user.residentIdIndex, { limit: Infinity })).items
    : []
  const lines = [['entry', 'source_department', 'row', 'field', 'label', 'value']]
  for (const h of holdings)
    for (const r of h.records)
      for (const f of r.fields)
        lines.push([h.title.zh, h.orgName.zh, String(r.row), f.name, f.label.zh, f.value])
  // Then, after a blank line, every use of them.
  lines.push([], ['used_at', 'kind', 'organisation', 'purpose', 'basis', 'ref'])
  for (const u of uses) lines.push([u.at, u.kind, u.org.zh, u.purpose, u.basis, u.ref])
  const csv = contentStore().putBytes(
    `\uFEFF${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`,
  )
  const json = contentStore().putBytes(
    JSON.stringify(
      {
        article: 'Art. 42, Guangdong Provincial Public Data Management Measures',
        requestedAt: copy.requestedAt.toISOString(),
        holdings: holdings.map((h) => ({
          entryId: h.entryId,
          title: h.title,
          sourceDepartment: h.orgName,
          dataStoredAt: h.storedAt,
          records: h.records.map((r) => ({
            row: r.row,
            fields: Object.fromEntries(r.fields.map((f) => [f.name, f.value])),
          })),
        })),
        uses,
      },
      null,
      2,
    ),
  )
  const [csvFile, jsonFile] = await Promise.all([csv, json])
  const records = holdings.reduce((n, h) => n + h.records.length, 0)
  await appendLedger({
    action: 'subject.copy-made',
    actor: { userId: copy.userId },
    subjects: [`user:${copy.userId}`],
    payload: { csv: csvFile.sha256, json: jsonFile.sha256, records },
    summary: { records, entries: holdings.length },
    eventKey: `subject.copy-made:${copyId}`,
  })
  await SubjectCopy.updateOne(
    { _id: copyId },
    {
      $set: {
        status: 'done',
        records,
        csvKey: csvFile.key,
        jsonKey: jsonFile.key,
        doneAt: now,
      },
    },
  )
  return { copyId, records }
}

/** The subject's copies, newest first. */
export async function subjectCopies(user: AuthUser): Promise<CopyView[]> {
  assertMay(user, 'read:subject-data:own')
  await connectDb()
  const copies = await SubjectCopy.find({ userId: user.id })
    .sort({ requestedAt: -1 })
    .limit(10)
    .lean()
  return copies.map(view)
}

/** One of the subject's own copies, opened for download (another's is a 404). */
export async function openSubjectCopy(user: AuthUser, copyId: string, format: string) {
  assertMay(user, 'read:subject-data:own')
  if (!isObjectId(copyId) || !(COPY_FORMATS as readonly string[]).includes(format))
    throw copyNotFound()
  await connectDb()
  const copy = await SubjectCopy.findById(copyId).lean()
  if (!copy || copy.userId !== user.id) throw copyNotFound()
  const key = format === 'csv' ? copy.csvKey : copy.jsonKey
  if (!key) throw new DomainError('not_ready', 'error.subject.copyNotReady', 409)
  return {
    body: Readable.toWeb(contentStore().read(key)) as ReadableStream<Uint8Array>,
    size: (await contentStore().stat(key))?.size ?? null,
    mediaType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
    fileName: `my-data-${copy.requestedAt.toISOString().slice(0, 10)}.${format}`,
  }
}
