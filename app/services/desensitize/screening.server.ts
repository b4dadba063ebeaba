// The screening gate (C9; Art. 32, 41, 46): nothing is opened, listed or delivered until a
// scan of its file passed. The scan job and the API call these functions; the products and
// catalog capabilities call `screeningStatus` / `requireScreeningPassed`.
import mongoose from 'mongoose'
import { createHash, randomUUID } from 'node:crypto'
import { ScanLink, ScanReport } from '#models/scan-report'
import { enqueue } from '#jobs/queues'
import { appendLedger, listLedger } from '~/services/ledger/ledger.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { connectDb, insertOnce } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import type { BlobSource } from '~/services/storage/source.server'
import { contentStore } from '~/services/storage/store.server'
import { recordSecurityEvent } from '~/services/security/events.server'
import { scanFile, schemaHashOf, type ScanOptions, type ScanResult } from './scanner.server'
import type { DeclaredSchema, DeclaredSchemaInput } from './schemas'
import { minKByGrade } from './settings.server'
import { isObjectId } from '~/utils/schemas'

export type ScreeningStatus = 'pending' | 'passed' | 'failed'

export const SUBJECT_REF =
  /^(product-version|distribution|catalog-entry|product):[A-Za-z0-9_-]{1,100}$/

/**
 * A file reference → the stored blob it names. A reference is a content-store key
 * (`sha256/ab/cd/<hash>`): anything else — a path, `..`, an absolute name — is refused (400), and
 * a key with nothing under it is a 404. The blob is read decrypted; no path is ever built from it.
 */
export async function openStoredFile(fileRef: string): Promise<BlobSource> {
  if (fileRef.length === 0 || fileRef.includes('\0')) {
    throw new DomainError('bad_file_ref', 'error.scan.badFileRef', 400)
  }
  let key: string
  try {
    key = contentStore().fileRef(fileRef)
  } catch {
    throw new DomainError('file_outside_storage', 'error.scan.outsideStorage', 400)
  }
  return contentStore().source(key)
}

export interface ScanJobInput {
  fileRef: string
  subjectRef: string
  schema?: DeclaredSchema
  profile?: string
  fileName?: string
  /** Set by `requestScan`: the pending link this scan resolves. */
  requestId?: string
  requestedBy?: { orgId?: string; userId?: string }
}

export interface ScanJobOutcome {
  reportId: string
  status: 'passed' | 'failed'
  fileHash: string
  /** false: the same file, schema and profile had been scanned before (a retry or a re-request). */
  created: boolean
  ledgerSeq: number
}

/**
 * Art. 32/46: scans a stored file for a subject, keeps one report per (file, schema, profile),
 * links the subject to it and writes `scan.passed` / `scan.failed` to the ledger with the file's
 * hash. The minimum k in force is part of the report's key (see `schemaHashOf`), so a file
 * scanned again after the authority raised k is judged again. Idempotent: a retry after a crash at any step leaves one report, one link, one entry.
 */
export async function runScan(
  input: ScanJobInput,
  options: Pick<ScanOptions, 'limits' | 'kByGrade'> = {},
): Promise<ScanJobOutcome> {
  if (!SUBJECT_REF.test(input.subjectRef))
    throw new DomainError('bad_subject', 'error.scan.badSubject', 400)
  const profile = input.profile ?? 'raw'
  const file = await openStoredFile(input.fileRef)
  // Art. 32: the authority's minimum k per grade, as set now (callers may pass their own table).
  const kByGrade = options.kByGrade ?? (await minKByGrade())
  const result = await scanFile(file, {
    ...options,
    kByGrade,
    ...(input.schema ? { schema: input.schema } : {}),
    fileName: input.fileName ?? input.fileRef,
  })
  const fileHash =
    result.fileHash ?? `unreadable:${createHash('sha256').update(input.fileRef).digest('hex')}`
  await connectDb()

  const { id: reportId, created } = await insertReport(result, fileHash, profile, input)
  const status = (await ScanReport.findById(reportId, { status: 1 }).lean())!.status
  const linkId = `${input.subjectRef}|${reportId}`
  await ScanLink.updateOne(
    { _id: linkId },
    {
      $set: {
        subjectRef: input.subjectRef,
        reportId,
        status,
        fileHash,
        at: new Date(),
        ...(input.requestedBy?.orgId ? { orgId: input.requestedBy.orgId } : {}),
      },
    },
    { upsert: true },
  )
  if (input.requestId) {
    // The request this scan answers is no longer pending, whatever the clocks say.
    await ScanLink.updateOne(
      { _id: `${input.subjectRef}|request:${input.requestId}` },
      { $set: { status, reportId, fileHash } },
    )
  }
  const ledgerSeq = await ledgerOnce(linkId, reportId, status, fileHash, profile, input, result)
  // Art. 45 ¶2: a file that failed screening (personal information on its way out) is an event.
  if (status === 'failed')
    await recordSecurityEvent({
      kind: 'scan-failed',
      subject: input.subjectRef,
      orgId: input.requestedBy?.orgId ?? null,
      userId: input.requestedBy?.userId ?? null,
      detail: `${result.blockingFindings} blocking findings${result.failure ? `; ${result.failure.code}` : ''}`,
    })
  return { reportId, status, fileHash, created, ledgerSeq }
}

async function insertReport(
  result: ScanResult,
  fileHash: string,
  profile: string,
  input: ScanJobInput,
) {
  // One report per (file, schema, profile): a second scan of the same input reads the first back.
  const { doc, won } = await insertOnce(
    ScanReport,
    {
      fileHash,
      schemaHash: result.schemaHash,
      profile,
      status: result.status,
      format: result.format ?? undefined,
      encoding: result.encoding ?? undefined,
      bytes: result.bytes,
      blockingFindings: result.blockingFindings,
      failureCode: result.failure?.code,
      result,
      orgId: input.requestedBy?.orgId,
      requestedBy: input.requestedBy?.userId,
      fileRef: input.fileRef,
      createdAt: new Date(),
    },
    { fileHash, schemaHash: result.schemaHash, profile },
  )
  return { id: String(doc._id), created: won }
}

/** One ledger entry per (subject, report): found again through the link or the ledger itself. */
async function ledgerOnce(
  linkId: string,
  reportId: string,
  status: 'passed' | 'failed',
  fileHash: string,
  profile: string,
  input: ScanJobInput,
  result: ScanResult,
): Promise<number> {
  const link = await ScanLink.findById(linkId, { ledgerSeq: 1 }).lean()
  if (link?.ledgerSeq !== undefined && link.ledgerSeq !== null) return link.ledgerSeq
  const reportSubject = `scan-report:${reportId}`
  const previous = await listLedger({ subject: reportSubject, limit: 100 })
  const found = previous.entries.find((e) => e.subjects.includes(input.subjectRef))
  const seq =
    found?._id ??
    (
      await appendLedger({
        action: `scan.${status}`,
        actor: {
          ...(input.requestedBy?.userId ? { userId: input.requestedBy.userId } : {}),
          ...(input.requestedBy?.orgId ? { orgId: input.requestedBy.orgId } : {}),
        },
        subjects: [input.subjectRef, reportSubject, `file:${fileHash}`],
        payload: {
          fileHash,
          schemaHash: result.schemaHash,
          profile,
          status,
          blockingFindings: result.blockingFindings,
          failure: result.failure,
        },
        summary: {
          fileHash,
          status,
          blockingFindings: result.blockingFindings,
          ...(result.failure ? { failure: result.failure.code } : {}),
          ...(result.kAnonymity[0] ? { smallestClass: result.kAnonymity[0].smallestClass } : {}),
        },
      })
    )._id
  await ScanLink.updateOne({ _id: linkId }, { $set: { ledgerSeq: seq } })
  return seq
}

/**
 * Art. 32: a subject's screening status — its newest scan link. No link, or a requested scan
 * not yet finished, is `pending`.
 */
export async function screeningStatus(subjectRef: string): Promise<ScreeningStatus> {
  await connectDb()
  const latest = await ScanLink.findOne({ subjectRef }, { status: 1 }).sort({ at: -1 }).lean()
  return latest?.status ?? 'pending'
}

/**
 * The newest scan reports of a subject the caller's organisation owns (the product version page
 * links them, so a provider reaches a failed report and its desensitization form).
 */
export async function subjectReports(
  user: AuthUser,
  subjectRef: string,
  limit = 5,
): Promise<{ reportId: string; status: ScreeningStatus; at: string }[]> {
  if (!SUBJECT_REF.test(subjectRef) || !user.org) return []
  await connectDb()
  const links = await ScanLink.find(
    { subjectRef, reportId: mongoose.trusted({ $exists: true }) },
    { reportId: 1, status: 1, at: 1, orgId: 1 },
  )
    .sort({ at: -1 })
    .limit(limit * 4)
    .lean()
  const seen = new Set<string>()
  const out: { reportId: string; status: ScreeningStatus; at: string }[] = []
  for (const link of links) {
    if (!link.reportId || seen.has(link.reportId) || out.length >= limit) continue
    seen.add(link.reportId)
    out.push({ reportId: link.reportId, status: link.status, at: link.at.toISOString() })
  }
  return out
}

/** `screeningStatus` for many subjects in one query (listings, the CKAN API). */
export async function screeningStatuses(
  subjectRefs: readonly string[],
): Promise<Map<string, ScreeningStatus>> {
  const out = new Map<string, ScreeningStatus>(subjectRefs.map((s) => [s, 'pending']))
  if (subjectRefs.length === 0) return out
  await connectDb()
  const links = await ScanLink.find(
    { subjectRef: mongoose.trusted({ $in: [...new Set(subjectRefs)] }) },
    { subjectRef: 1, status: 1, at: 1 },
  )
    .sort({ at: -1 })
    .lean()
  const seen = new Set<string>()
  for (const link of links) {
    if (seen.has(link.subjectRef)) continue
    seen.add(link.subjectRef)
    out.set(link.subjectRef, link.status)
  }
  return out
}

/**
 * Art. 32: the gate. Publishing, listing and delivering call this first; anything but a passed
 * scan is refused (409) with the status in the message.
 */
export async function requireScreeningPassed(subjectRef: string): Promise<void> {
  const status = await screeningStatus(subjectRef)
  if (status !== 'passed') {
    throw new DomainError('screening_not_passed', 'error.scan.notPassed', 409, undefined, {
      status,
    })
  }
}

/**
 * Asks for a scan: records the subject as pending (so the gate holds until the job finishes)
 * and enqueues the job. Every request is a new job (the stored file may have changed under the
 * same reference); two jobs over the same bytes still make one report.
 */
export async function requestScan(
  input: Omit<ScanJobInput, 'schema'> & { schema?: DeclaredSchemaInput },
): Promise<{ jobId: string }> {
  if (!SUBJECT_REF.test(input.subjectRef))
    throw new DomainError('bad_subject', 'error.scan.badSubject', 400)
  await openStoredFile(input.fileRef)
  await connectDb()
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        input.subjectRef,
        input.fileRef,
        schemaHashOf(input.schema as DeclaredSchema | undefined),
        input.profile ?? 'raw',
      ]),
    )
    .digest('hex')
    .slice(0, 32)
  await ScanLink.updateOne(
    { _id: `${input.subjectRef}|request:${key}` },
    {
      $set: {
        subjectRef: input.subjectRef,
        status: 'pending',
        at: new Date(),
        ...(input.requestedBy?.orgId ? { orgId: input.requestedBy.orgId } : {}),
      },
    },
    { upsert: true },
  )
  const job = await enqueue(
    'scan',
    { ...input, requestId: key },
    { jobId: `scan-${key}-${randomUUID().slice(0, 8)}` },
  )
  return { jobId: job.id! }
}

export interface ScanReportView {
  id: string
  status: 'passed' | 'failed'
  fileHash: string
  schemaHash: string
  profile: string
  createdAt: string
  subjects: string[]
  result: ScanResult
}

/**
 * A report for a caller: the authority reads every report; others only those their own
 * organisation requested or linked. Anything else is a 404 (existence is not disclosed).
 */
export async function getScanReportFor(user: AuthUser, id: string): Promise<ScanReportView> {
  const notFound = new DomainError('scan_not_found', 'error.scan.notFound', 404)
  if (!mongoose.isValidObjectId(id) || !isObjectId(id)) throw notFound
  await connectDb()
  const report = await ScanReport.findById(id).lean()
  if (!report) throw notFound
  const links = await ScanLink.find({ reportId: id }, { subjectRef: 1, orgId: 1 }).lean()
  const orgId = user.org?.id
  const isAuthority = user.org?.type === 'authority'
  const mine =
    orgId !== undefined && (report.orgId === orgId || links.some((l) => l.orgId === orgId))
  if (!isAuthority && !mine) throw notFound
  return {
    id,
    status: report.status,
    fileHash: report.fileHash,
    schemaHash: report.schemaHash,
    profile: report.profile,
    createdAt: report.createdAt.toISOString(),
    subjects: [...new Set(links.map((l) => l.subjectRef))],
    result: report.result as ScanResult,
  }
}
