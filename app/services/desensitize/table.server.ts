// One entry point for every tabular input: the format is read from the file's first bytes
// (a ZIP signature means XLSX), not trusted from its name.
import { createHash } from 'node:crypto'
import { asSource, readHead, type BlobSource } from '~/services/storage/source.server'
import { readCsv } from './csv.server'
import type { TextEncoding } from './encoding.server'
import { ScanInputError, type ScanLimits } from './limits'
import { readXlsx } from './xlsx.server'

export type TableFormat = 'csv' | 'tsv' | 'xlsx'

export interface TableSink {
  /** A new sheet starts; its first row is the header. CSV/TSV files have one sheet. */
  onSheet(name: string, index: number): void
  /** One row; `rowNumber` is 1-based and counts the header (XLSX: the sheet's own row number). */
  onRow(cells: string[], rowNumber: number): void
  /** Called between read chunks: a writer waits here for its output to drain. */
  afterChunk?(): Promise<void> | void
}

export interface ReadSummary {
  format: TableFormat
  encoding?: TextEncoding
  bytes: number
  sha256: string
  sheets: number
}

/** A table to read: a path on disk, or a stored blob (decrypted as it is read). */
export type TableInput = string | BlobSource

/** Opens a table input; a missing or unreadable file is a ScanInputError. */
export async function openInput(input: TableInput): Promise<BlobSource> {
  try {
    return await asSource(input)
  } catch (error) {
    throw new ScanInputError(
      'unreadable',
      `cannot open the file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
}

/** SHA-256 of a file, streamed. */
export async function hashFile(input: TableInput): Promise<{ sha256: string; bytes: number }> {
  const source = await openInput(input)
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of source.open() as AsyncIterable<Buffer>) {
    hash.update(chunk)
    bytes += chunk.length
  }
  return { sha256: hash.digest('hex'), bytes }
}

async function sniffFormat(source: BlobSource): Promise<'zip' | 'text'> {
  if (source.size === 0) throw new ScanInputError('empty', 'the file is empty')
  let head: Buffer
  try {
    head = await readHead(source, 4)
  } catch (error) {
    throw new ScanInputError(
      'unreadable',
      `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
  return head.length === 4 && head.readUInt32LE(0) === 0x04034b50 ? 'zip' : 'text'
}

export async function readTable(
  input: TableInput,
  sink: TableSink,
  limits: ScanLimits,
  options: { fileName?: string } = {},
): Promise<ReadSummary> {
  const source = await openInput(input)
  const kind = await sniffFormat(source)
  if (kind === 'zip') return readXlsx(source, sink, limits)
  const tsv = /\.(tsv|tab)$/i.test(options.fileName ?? source.name)
  return readCsv(source, sink, limits, { tsv })
}
