// The scan (C9; Art. 32, 41, 46): streams a CSV/TSV/XLSX file once, runs every detector on
// every cell, measures k-anonymity over the declared quasi-identifiers, and decides per column
// and for the file. The job, the CLI and the benchmark all call `scanFile`.
import { createHash, randomBytes } from 'node:crypto'
import canonicalize from 'canonicalize'
import {
  CHECKSUM_DETECTORS,
  DETECTORS,
  DETECTOR_INDEX,
  detectCell,
  headerCues,
  type Cues,
  type DetectorId,
} from './detectors'
import {
  CLASS_KEY_SEPARATOR,
  kAnonymity,
  makeLabeler,
  minKForGrade,
  type KAnonymityResult,
} from './kanon'
import { resolveLimits, ScanInputError, type InputErrorCode, type ScanLimits } from './limits'
import type { DeclaredSchema } from './schemas'
import {
  hashFile,
  readTable,
  type ReadSummary,
  type TableFormat,
  type TableInput,
} from './table.server'
import type { TextEncoding } from './encoding.server'

/** A column finding at or above this confidence blocks the file. */
export const BLOCK_CONFIDENCE = 0.5

export type Verdict = 'block' | 'review' | 'ok'
export type FindingReason =
  | 'personal_detected'
  | 'undeclared_personal'
  | 'declared_personal'
  | 'legal_entity'
  | 'weak_evidence'

export interface Finding {
  detector: DetectorId
  count: number
  /** Share of the column's non-empty cells. */
  share: number
  /** Row numbers (1-based, header = 1) of the first hits. */
  samples: number[]
  confidence: number
  verdict: Exclude<Verdict, 'ok'>
  reason: FindingReason
  suggestedMethod: string
}

export interface ColumnResult {
  index: number
  name: string
  declaredPersonal: boolean | null
  nonEmpty: number
  verdict: Verdict
  findings: Finding[]
}

export interface SheetResult {
  name: string
  /** Data rows (the header not counted). */
  rows: number
  columnCount: number
  /** Columns with a finding or a declaration; the others were clean. */
  columns: ColumnResult[]
}

export interface ScanResult {
  status: 'passed' | 'failed'
  format: TableFormat | null
  encoding: TextEncoding | null
  bytes: number
  fileHash: string | null
  schemaHash: string
  sheets: SheetResult[]
  kAnonymity: KAnonymityResult[]
  /** Why the file could not be read to the end (then it fails whatever else was found). */
  failure: { code: InputErrorCode; message: string } | null
  schemaIssues: string[]
  blockingFindings: number
  durationMs: number
}

export interface ScanOptions {
  schema?: DeclaredSchema
  limits?: Partial<ScanLimits>
  /** The name the file was uploaded under (a `.tsv` name means tab-separated). */
  fileName?: string
  /** Minimum k per grade, as the authority set it. */
  kByGrade?: Readonly<Record<string, number>>
  /** Called for every hit (the benchmark scores detectors with it). */
  onHit?: (hit: {
    sheet: number
    row: number
    column: number
    detector: DetectorId
    score: number
  }) => void
}

const SUGGESTED_METHOD: Record<DetectorId, string> = {
  resident_id: 'pseudonymize (HMAC) or mask keepHead 6 keepTail 4',
  uscc: 'keep (public registration data) or pseudonymize for sole proprietors (92…)',
  mobile: 'mask keepHead 3 keepTail 4',
  landline: 'mask keepHead 4 keepTail 2',
  bank_card: 'mask keepHead 6 keepTail 4',
  email: 'pseudonymize (HMAC) or mask keepHead 1',
  ipv4: 'generalize to /24 or suppress',
  ipv6: 'suppress',
  passport: 'pseudonymize (HMAC)',
  hk_macao_permit: 'pseudonymize (HMAC)',
  licence_plate: 'mask keepHead 2',
  person_name: 'pseudonymize (HMAC) or mask keepHead 1',
  address: 'generalize to district',
  birth_date: 'generalize to year (or age band)',
  free_text: 'suppress the column, or redact it before release',
}

const DETECTOR_COUNT = DETECTORS.length
const CACHE_MAX_VALUE = 32
const CACHE_MAX_ENTRIES = 512
const CACHE_PROBATION = 1024
const NOISY: ReadonlySet<DetectorId> = new Set([
  'resident_id',
  'landline',
  'ipv4',
  'passport',
  'hk_macao_permit',
  'person_name',
])

class ColumnStats {
  nonEmpty = 0
  readonly counts = new Int32Array(DETECTOR_COUNT)
  /** Checksum failures of identifier-shaped values (score-0 emits). */
  readonly candidates = new Int32Array(DETECTOR_COUNT)
  readonly scores = new Float64Array(DETECTOR_COUNT)
  readonly samples: (number[] | undefined)[] = []
  /**
   * Detection results of short values already seen in this column (flat [detector, score, …]).
   * Low-cardinality columns (statuses, districts, product names) are classified once per value;
   * the cache switches itself off in a column where values rarely repeat.
   */
  cache: Map<string, number[]> | null = new Map()
  lookups = 0
  cacheHits = 0
  constructor(
    readonly name: string,
    readonly cues: Cues,
    readonly declaredPersonal: boolean | null,
  ) {}
}

/**
 * Column confidence from per-hit scores, the share of cells hit, how many hits there are and,
 * for checksum identifiers, how many same-shaped values failed the checksum: when most fail,
 * the few that pass are chance (random digits pass Luhn 1 time in 10).
 */
export function columnConfidence(
  detector: DetectorId,
  count: number,
  nonEmpty: number,
  scoreSum: number,
  candidates = 0,
): number {
  const avg = scoreSum / count
  const share = count / Math.max(1, nonEmpty)
  let c = avg
  if (candidates + count >= 20 && count / (candidates + count) < 0.5) c *= 0.3
  else if (share >= 0.5) c += 0.3 * share
  else if (count < 3 && NOISY.has(detector) && !CHECKSUM_DETECTORS.includes(detector)) c *= 0.7
  else if (count < 3 && detector === 'resident_id' && avg < 0.9) c *= 0.7 // 15-digit legacy numbers carry no check digit
  return Math.round(Math.min(1, c) * 100) / 100
}

/** Art. 32/41: decides one column from what was detected and what the provider declared. */
export function columnVerdict(stats: ColumnStats): { verdict: Verdict; findings: Finding[] } {
  const findings: Finding[] = []
  for (let d = 0; d < DETECTOR_COUNT; d++) {
    const count = stats.counts[d]!
    if (count === 0) continue
    const detector = DETECTORS[d]!
    const confidence = columnConfidence(
      detector,
      count,
      stats.nonEmpty,
      stats.scores[d]!,
      stats.candidates[d]!,
    )
    let verdict: Finding['verdict'] = confidence >= BLOCK_CONFIDENCE ? 'block' : 'review'
    let reason: FindingReason =
      verdict === 'review'
        ? 'weak_evidence'
        : stats.declaredPersonal === false
          ? 'undeclared_personal'
          : stats.declaredPersonal === true
            ? 'declared_personal'
            : 'personal_detected'
    // Legal-entity codes are public registration data: reported, never blocking on their own.
    if (detector === 'uscc') {
      verdict = 'review'
      reason = 'legal_entity'
    }
    findings.push({
      detector,
      count,
      share: Math.round((count / Math.max(1, stats.nonEmpty)) * 1000) / 1000,
      samples: stats.samples[d] ?? [],
      confidence,
      verdict,
      reason,
      suggestedMethod: SUGGESTED_METHOD[detector],
    })
  }
  findings.sort((a, b) => b.confidence - a.confidence)
  const verdict: Verdict = findings.some((f) => f.verdict === 'block')
    ? 'block'
    : findings.length
      ? 'review'
      : 'ok'
  return { verdict, findings }
}

/**
 * SHA-256 of the declared schema's canonical JSON; when the schema declares quasi-identifiers
 * the minimum k they were judged against is hashed with it, so a report made under one k is not
 * reused after the authority changed it.
 */
export function schemaHashOf(schema: DeclaredSchema | undefined, minK?: number): string {
  const subject = minK === undefined ? (schema ?? null) : { schema: schema ?? null, minK }
  return createHash('sha256')
    .update(canonicalize(subject) ?? 'null')
    .digest('hex')
}

interface SheetState {
  name: string
  index: number
  columns: ColumnStats[]
  rows: number
  qiColumns: number[] | null
  qiNames: string[]
  classes: Map<string, number>
  overflow?: string
}

/** Art. 32, 41, 46: scans one file and returns the report. Never throws for bad input. */
export async function scanFile(input: TableInput, options: ScanOptions = {}): Promise<ScanResult> {
  const started = Date.now()
  const limits = resolveLimits(options.limits)
  const schema = options.schema
  const declared = new Map((schema?.columns ?? []).map((c) => [c.name, c]))
  const qiWanted = [
    ...new Set([
      ...(schema?.quasiIdentifiers ?? []),
      ...(schema?.columns ?? []).filter((c) => c.quasiIdentifier).map((c) => c.name),
    ]),
  ]
  const sheets: SheetState[] = []
  let sheet: SheetState | undefined
  let header = true
  let currentRow = 0
  let currentColumn: ColumnStats | undefined
  let currentColumnIndex = 0
  const onHit = options.onHit

  const emit = (detector: DetectorId, score: number) => {
    const col = currentColumn!
    const d = DETECTOR_INDEX[detector]
    if (score === 0) {
      col.candidates[d]!++
      return
    }
    col.counts[d]!++
    col.scores[d]! += score
    const samples = (col.samples[d] ??= [])
    if (samples.length < limits.samplesPerFinding) samples.push(currentRow)
    onHit?.({ sheet: sheet!.index, row: currentRow, column: currentColumnIndex, detector, score })
  }

  let recorded: number[] = []
  const record = (detector: DetectorId, score: number) => {
    recorded.push(DETECTOR_INDEX[detector], score)
    emit(detector, score)
  }

  const startHeader = (cells: string[]) => {
    const s = sheet!
    s.columns = cells.map((raw, i) => {
      const name = raw.trim() || `column ${i + 1}`
      const decl = declared.get(name)
      let cues = headerCues(name)
      if (decl?.category) cues |= 1 << DETECTOR_INDEX[decl.category]
      return new ColumnStats(name, cues, decl?.personal ?? null)
    })
    const applies = qiWanted.length > 0 && (schema?.sheet === undefined || schema.sheet === s.name)
    if (applies) {
      const idx = qiWanted.map((q) => s.columns.findIndex((c) => c.name === q))
      if (idx.every((i) => i >= 0)) {
        s.qiColumns = idx
        s.qiNames = qiWanted
      }
    }
  }

  const onRow = (cells: string[], rowNumber: number) => {
    const s = sheet!
    if (header) {
      header = false
      startHeader(cells)
      return
    }
    s.rows++
    currentRow = rowNumber
    const cols = s.columns
    for (let i = 0; i < cells.length; i++) {
      const value = cells[i]!
      if (value.length === 0) continue
      let col = cols[i]
      if (!col) {
        col = new ColumnStats(`column ${i + 1}`, 0, null)
        cols[i] = col
      }
      col.nonEmpty++
      currentColumn = col
      currentColumnIndex = i
      const cache = col.cache
      if (cache === null || value.length > CACHE_MAX_VALUE) {
        detectCell(value, col.cues, emit)
        continue
      }
      col.lookups++
      const known = cache.get(value)
      if (known !== undefined) {
        col.cacheHits++
        for (let k = 0; k < known.length; k += 2) emit(DETECTORS[known[k]!]!, known[k + 1]!)
        continue
      }
      recorded = []
      detectCell(value, col.cues, record)
      if (cache.size < CACHE_MAX_ENTRIES) cache.set(value, recorded)
      if (col.lookups === CACHE_PROBATION && col.cacheHits < CACHE_PROBATION / 2) col.cache = null
    }
    if (s.qiColumns && s.overflow === undefined) {
      let key = cells[s.qiColumns[0]!] ?? ''
      for (let q = 1; q < s.qiColumns.length; q++)
        key += CLASS_KEY_SEPARATOR + (cells[s.qiColumns[q]!] ?? '')
      const prev = s.classes.get(key)
      if (prev !== undefined) s.classes.set(key, prev + 1)
      else if (s.classes.size < limits.maxEquivalenceClasses) s.classes.set(key, 1)
      else {
        s.overflow = `more than ${limits.maxEquivalenceClasses} distinct quasi-identifier combinations: generalize them further`
        s.classes.clear()
      }
    }
  }

  let summary: ReadSummary | undefined
  let failure: ScanResult['failure'] = null
  try {
    summary = await readTable(
      input,
      {
        onSheet: (name, index) => {
          sheet = {
            name,
            index,
            columns: [],
            rows: 0,
            qiColumns: null,
            qiNames: [],
            classes: new Map(),
          }
          sheets.push(sheet)
          header = true
        },
        onRow,
      },
      limits,
      { fileName: options.fileName },
    )
  } catch (error) {
    if (!(error instanceof ScanInputError)) throw error
    failure = { code: error.code, message: error.message }
  }
  // A file that could not be read to the end is still identified by its hash in the report.
  const identity =
    summary ??
    (failure && failure.code !== 'unreadable' ? await hashFile(input).catch(() => null) : null)

  const labeler = makeLabeler(randomBytes(16))
  const minK = minKForGrade(schema?.grade, options.kByGrade)
  const kResults: KAnonymityResult[] = []
  const sheetResults: SheetResult[] = []
  let blocking = 0
  for (const s of sheets) {
    const columns: ColumnResult[] = []
    s.columns.forEach((col, index) => {
      const { verdict, findings } = columnVerdict(col)
      if (verdict === 'block') blocking += findings.filter((f) => f.verdict === 'block').length
      if (findings.length || col.declaredPersonal !== null) {
        columns.push({
          index,
          name: col.name,
          declaredPersonal: col.declaredPersonal,
          nonEmpty: col.nonEmpty,
          verdict,
          findings,
        })
      }
    })
    sheetResults.push({ name: s.name, rows: s.rows, columnCount: s.columns.length, columns })
    if (s.qiColumns) {
      kResults.push(
        kAnonymity({
          sheet: s.name,
          quasiIdentifiers: s.qiNames,
          classes: s.classes,
          minK,
          labeler,
          ...(s.overflow !== undefined ? { overflow: s.overflow } : {}),
        }),
      )
    }
  }

  const schemaIssues: string[] = []
  const seen = new Set(sheets.flatMap((s) => s.columns.map((c) => c.name)))
  for (const name of declared.keys())
    if (!seen.has(name)) schemaIssues.push(`declared column "${name}" is not in the file`)
  if (qiWanted.length > 0 && kResults.length === 0 && !failure) {
    schemaIssues.push(`quasi-identifiers ${qiWanted.join(', ')} are not all columns of one sheet`)
  }

  const kFailed = kResults.some((k) => !k.passed)
  const qiMissing = qiWanted.length > 0 && kResults.length === 0
  const status = failure || blocking > 0 || kFailed || qiMissing ? 'failed' : 'passed'
  return {
    status,
    format: summary?.format ?? null,
    encoding: summary?.encoding ?? null,
    bytes: identity?.bytes ?? 0,
    fileHash: identity?.sha256 ?? null,
    schemaHash: schemaHashOf(schema, qiWanted.length > 0 ? minK : undefined),
    sheets: sheetResults,
    kAnonymity: kResults,
    failure,
    schemaIssues,
    blockingFindings: blocking,
    durationMs: Date.now() - started,
  }
}
