// Bounds every scan and every profile run keeps, whatever the input: a hostile or broken file ends
// in a failed report naming the bound, never in an unbounded allocation or a crashed worker.
export interface ScanLimits {
  /** Characters in one CSV record (a 1 GB single line stops here). */
  maxRecordChars: number
  /** Cells in one row, CSV or XLSX. */
  maxColumns: number
  /** XLSX: entries in the ZIP central directory. */
  maxZipEntries: number
  /** XLSX: declared uncompressed bytes summed over the entries we read. */
  maxDecompressedBytes: number
  /** XLSX: uncompressed/compressed ratio above which a large entry is a zip bomb. */
  maxCompressionRatio: number
  /** XLSX: characters held in the shared-string table (it must sit in memory). */
  maxSharedStringChars: number
  /** XLSX: entries in the shared-string table (millions of empty strings cost memory but no characters). */
  maxSharedStrings: number
  /** k-anonymity: distinct quasi-identifier combinations tracked. */
  maxEquivalenceClasses: number
  /** Row numbers kept per column and detector as samples. */
  samplesPerFinding: number
}

export const DEFAULT_LIMITS: ScanLimits = {
  maxRecordChars: 4 * 1024 * 1024,
  maxColumns: 4096,
  maxZipEntries: 10_000,
  maxDecompressedBytes: 4 * 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxSharedStringChars: 64 * 1024 * 1024,
  maxSharedStrings: 2_000_000,
  maxEquivalenceClasses: 1_000_000,
  samplesPerFinding: 5,
}

export function resolveLimits(overrides: Partial<ScanLimits> = {}): ScanLimits {
  return { ...DEFAULT_LIMITS, ...overrides }
}

export type InputErrorCode =
  | 'unreadable'
  | 'empty'
  | 'unsupported_encoding'
  | 'invalid_encoding'
  | 'mixed_encoding'
  | 'record_too_long'
  | 'too_many_columns'
  | 'unterminated_quote'
  | 'xlsx_truncated'
  | 'xlsx_corrupt'
  | 'zip_bomb'
  | 'too_many_entries'
  | 'shared_strings_too_large'

/** The input cannot be scanned; the scan ends as failed with this code and message. */
export class ScanInputError extends Error {
  constructor(
    readonly code: InputErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'ScanInputError'
  }
}
