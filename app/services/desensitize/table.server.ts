// One entry point for every tabular input: the format is read from the file's first bytes
// (a ZIP signature means XLSX), not trusted from its name.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
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

/** SHA-256 of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1024 * 1024,
  }) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    bytes += chunk.length
  }
  return { sha256: hash.digest('hex'), bytes }
}

async function sniffFormat(path: string): Promise<'zip' | 'text'> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw new ScanInputError(
      'unreadable',
      `cannot open the file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
  try {
    const head = Buffer.alloc(4)
    const { bytesRead } = await handle.read(head, 0, 4, 0)
    if (bytesRead === 0) throw new ScanInputError('empty', 'the file is empty')
    return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50 ? 'zip' : 'text'
  } finally {
    await handle.close()
  }
}

export async function readTable(
  path: string,
  sink: TableSink,
  limits: ScanLimits,
  options: { fileName?: string } = {},
): Promise<ReadSummary> {
  const kind = await sniffFormat(path)
  if (kind === 'zip') return readXlsx(path, sink, limits)
  const tsv = /\.(tsv|tab)$/i.test(options.fileName ?? path)
  return readCsv(path, sink, limits, { tsv })
}
