// The provider's way out of a failed scan (C9; Art. 32): from the report, choose a method
// per column, apply the profile as the `desensitize-apply` job (output + provenance + ledger),
// and the output — which replaces the raw file in the product version — is scanned again.
import { randomUUID } from 'node:crypto'
import type { BlobSource } from '~/services/storage/source.server'
import mongoose from 'mongoose'
import { DesensitizeResult } from '#models/desensitize-result'
import { ScanReport } from '#models/scan-report'
import { enqueue, getQueue } from '#jobs/queues'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import {
  desensitizableFile,
  type DesensitizableFile,
} from '~/services/products/desensitized.server'
import { connectDb } from '~/utils/db.server'
import { DomainError, isDomainError } from '~/utils/errors'
import type { DetectorId } from './detectors'
import { minKForGrade } from './kanon'
import { resolveLimits, ScanInputError } from './limits'
import { profileHash } from './methods.server'
import { DEFAULT_METHOD, profileFromForm, type DesensitizeForm, type MethodSpec } from './schemas'
import {
  getScanReportFor,
  openStoredFile,
  screeningStatus,
  type ScreeningStatus,
} from './screening.server'
import { gradeKey, minKByGrade } from './settings.server'
import { readTable } from './table.server'

/** Header names are read from files up to this size; larger ones offer the flagged columns only. */
const HEADER_READ_MAX_BYTES = 64 * 1024 * 1024
const MAX_FORM_COLUMNS = 300

class HeaderRead extends ScanInputError {
  constructor(readonly header: string[]) {
    super('unreadable', 'header read')
  }
}

/** The header row of one sheet (the first, or `sheet`), or null when it cannot be read cheaply. */
async function readHeader(
  fileRef: string,
  sheet: string | undefined,
  fileName?: string,
): Promise<string[] | null> {
  let file: BlobSource
  try {
    file = await openStoredFile(fileRef)
  } catch (error) {
    if (isDomainError(error)) return null
    throw error
  }
  if (file.size > HEADER_READ_MAX_BYTES) return null
  let active = false
  try {
    await readTable(
      file,
      {
        onSheet: (name, index) => {
          active = sheet === undefined ? index === 0 : name === sheet
        },
        onRow: (cells) => {
          if (active) throw new HeaderRead(cells.map((c) => c.trim()))
        },
      },
      resolveLimits(),
      { fileName },
    )
  } catch (error) {
    if (error instanceof HeaderRead) return error.header
    if (error instanceof ScanInputError) return null
    throw error
  }
  return null
}

export interface OfferColumn {
  index: number
  name: string
  findings: { detector: DetectorId; verdict: 'block' | 'review' }[]
  spec: MethodSpec
}

export interface DesensitizeOffer {
  targets: { subject: string; productId: string; number: number; fileName: string | null }[]
  sheet: string | null
  columns: OfferColumn[]
  /** false: only the flagged columns are listed (the header could not be read cheaply). */
  allColumns: boolean
  minK: number
  grade: string
}

async function targetsOf(
  user: AuthUser,
  subjects: string[],
  fileHash: string,
): Promise<DesensitizableFile[]> {
  const out: DesensitizableFile[] = []
  for (const subject of subjects) {
    if (!subject.startsWith('product-version:')) continue
    try {
      out.push(await desensitizableFile(user, subject.slice('product-version:'.length), fileHash))
    } catch (error) {
      if (!isDomainError(error)) throw error
    }
  }
  return out
}

/**
 * What the report page offers: for a failed, readable scan of a file in one of the caller's own
 * unpublished product versions, every column with its findings and a suggested method. Null
 * when there is nothing the caller may desensitize.
 */
export async function desensitizeOffer(
  user: AuthUser,
  reportId: string,
): Promise<DesensitizeOffer | null> {
  const report = await getScanReportFor(user, reportId)
  if (report.status !== 'failed' || (report.result.failure && !report.result.sheets.length))
    return null
  const targets = await targetsOf(user, report.subjects, report.fileHash)
  if (targets.length === 0) return null
  const sheets = report.result.sheets
  const flaggedSheet = sheets.find((s) => s.columns.some((c) => c.findings.length)) ?? sheets[0]
  const sheetName = report.result.format === 'xlsx' && flaggedSheet ? flaggedSheet.name : null
  const flagged = new Map((flaggedSheet?.columns ?? []).map((c) => [c.name, c]))
  const header = await readHeader(
    targets[0]!.fileRef,
    sheetName ?? undefined,
    targets[0]!.fileName ?? undefined,
  )
  const names = header ?? [...flagged.keys()]
  const columns = names.slice(0, MAX_FORM_COLUMNS).map((name, index): OfferColumn => {
    const c = flagged.get(name)
    const findings = (c?.findings ?? []).map((f) => ({ detector: f.detector, verdict: f.verdict }))
    const top = findings.find((f) => f.verdict === 'block')
    return { index, name, findings, spec: top ? DEFAULT_METHOD[top.detector] : { method: 'keep' } }
  })
  const grade = gradeKey(targets[0]!.grade) ?? 'default'
  return {
    targets: targets.map((t) => ({
      subject: `product-version:${t.versionId}`,
      productId: t.productId,
      number: t.number,
      fileName: t.fileName,
    })),
    sheet: sheetName,
    columns,
    allColumns: header !== null,
    minK: minKForGrade(grade, await minKByGrade()),
    grade,
  }
}

/**
 * Art. 32: the provider asks for its file to be desensitized with the profile it chose. The
 * caller's own unpublished version must hold the scanned bytes; the job does the rest (output,
 * provenance, ledger, the output replacing the file, the rescan). Returns the job id to follow.
 */
export async function requestDesensitization(
  user: AuthUser,
  reportId: string,
  form: DesensitizeForm,
): Promise<{ jobId: string }> {
  const report = await getScanReportFor(user, reportId)
  if (report.status !== 'failed')
    throw new DomainError('scan_not_failed', 'error.scan.notFailed', 409)
  const target = await desensitizableFile(
    user,
    form.subject.slice('product-version:'.length),
    report.fileHash,
  )
  const grade = gradeKey(target.grade) ?? 'default'
  const minK = minKForGrade(grade, await minKByGrade())
  const built = profileFromForm(form, minK)
  if ('fieldErrors' in built)
    throw new DomainError('invalid_input', 'error.badRequest', 400, built.fieldErrors)
  const { profile, quasiIdentifiers } = built
  const pHash = profileHash(profile)
  const requestedBy = { userId: user.id, ...(user.org?.id ? { orgId: user.org.id } : {}) }
  const job = await enqueue(
    'desensitize-apply',
    {
      fileRef: target.fileRef,
      profile,
      subjectRef: form.subject,
      schema: {
        grade,
        ...(quasiIdentifiers.length
          ? { quasiIdentifiers, ...(profile.sheet ? { sheet: profile.sheet } : {}) }
          : {}),
      },
      requestedBy,
    },
    { jobId: `desensitize-${reportId}-${pHash.slice(0, 16)}-${randomUUID().slice(0, 8)}` },
  )
  await appendLedger({
    action: 'desensitize.requested',
    actor: requestedBy,
    subjects: [form.subject, `scan-report:${reportId}`, `file:${report.fileHash}`],
    payload: { profile, quasiIdentifiers, grade, minK },
    summary: {
      profile: profile.name,
      profileHash: pHash,
      columns: Object.keys(profile.columns).length,
      removeBelowK: Boolean(profile.removeRecords?.belowK),
    },
  })
  return { jobId: job.id! }
}

export type JobProgress = {
  state: 'waiting' | 'active' | 'completed' | 'failed' | 'unknown'
  reason: string | null
}

export interface DesensitizeRun {
  resultId: string
  profile: string
  createdAt: string
  rowsIn: number
  rowsOut: number
  outputHash: string
  subject: string
  /** The output's scan report, once the scan ran. */
  scan: { reportId: string; status: 'passed' | 'failed' } | null
  screening: ScreeningStatus
}

/** The progress of one apply job (by the id the request returned) and every run on this report's bytes. */
export async function desensitizeProgress(
  user: AuthUser,
  reportId: string,
  jobId?: string,
): Promise<{ job: JobProgress | null; runs: DesensitizeRun[] }> {
  const report = await getScanReportFor(user, reportId)
  let job: JobProgress | null = null
  if (jobId && jobId.startsWith(`desensitize-${reportId}-`) && /^[\w-]{1,120}$/.test(jobId)) {
    const found = await getQueue('desensitize-apply').getJob(jobId)
    if (!found) job = { state: 'unknown', reason: null }
    else {
      const state = await found.getState()
      job = {
        state:
          state === 'completed' || state === 'failed' || state === 'active' ? state : 'waiting',
        reason: state === 'failed' ? (found.failedReason ?? null) : null,
      }
    }
  }
  await connectDb()
  const orgId = user.org?.id
  const isAuthority = user.org?.type === 'authority'
  const results = await DesensitizeResult.find({ inputHash: report.fileHash })
    .sort({ createdAt: -1 })
    .limit(20)
    .lean()
  const mine = results.filter((r) => isAuthority || (orgId !== undefined && r.orgId === orgId))
  const scans = mine.length
    ? await ScanReport.find(
        { fileHash: mongoose.trusted({ $in: mine.map((r) => r.outputHash) }) },
        { fileHash: 1, status: 1, createdAt: 1 },
      )
        .sort({ createdAt: -1 })
        .lean()
    : []
  const runs: DesensitizeRun[] = []
  for (const r of mine) {
    const scan = scans.find((s) => s.fileHash === r.outputHash)
    runs.push({
      resultId: r._id,
      profile: r.profileName,
      createdAt: r.createdAt.toISOString(),
      rowsIn: r.rowsIn,
      rowsOut: r.rowsOut,
      outputHash: r.outputHash,
      subject: r.subjectRef,
      scan: scan ? { reportId: String(scan._id), status: scan.status } : null,
      screening: await screeningStatus(r.subjectRef),
    })
  }
  return { job, runs }
}
