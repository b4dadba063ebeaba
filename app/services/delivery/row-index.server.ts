// A sparse index of a stored table's rows, so that an API page deep in a licence's copy is read
// from near its rows instead of from the file's start (issue 14: `offset` up to 10,000,000 made
// every call scan the whole copy). Stored objects are immutable (content-addressed), so an index
// built once for a key stays right; it is kept in memory (a few hundred bytes per megabyte of
// table), rebuilt after a restart by one pass over the file on the first deep read.
import { contentStore } from '~/services/storage/store.server'
import { CsvScanner, type CsvRecord } from '~/lib/csv-scanner'

/** Bytes between two points, whatever size the store reads in. */
const POINT_EVERY = 256 * 1024

/** Rows before which a read simply scans from the start (cheaper than building an index). */
export const INDEX_FROM_ROW = 5_000

export interface RowIndex {
  /** Data rows in the table (blank lines and the header not counted). */
  rows: number
  /** Pairs: rows seen before a point, and the byte offset of that point (a record boundary). */
  points: { rowsBefore: number; byte: number }[]
}

const MAX_INDEXES = 256
const indexes = new Map<string, Promise<RowIndex>>()

function isBlank(rec: CsvRecord): boolean {
  return rec.count === 1 && rec.starts[0] === rec.ends[0]
}

async function build(storageKey: string, delimiter: number): Promise<RowIndex> {
  const scanner = new CsvScanner({ delimiter })
  const points: RowIndex['points'] = []
  let records = 0
  let byte = 0
  const count = (rec: CsvRecord) => {
    if (!isBlank(rec)) records++
  }
  for await (const chunk of contentStore().read(storageKey) as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length; at += POINT_EVERY) {
      byte += scanner.push(chunk.subarray(at, at + POINT_EVERY), count).length
      // Record 0 is the header: a point is a place a reader can start with `rowsBefore` rows behind it.
      if (records > 0) points.push({ rowsBefore: records - 1, byte })
    }
  }
  scanner.end(count)
  return { rows: Math.max(0, records - 1), points }
}

/** The index of a stored table (built once per key and process; the oldest dropped past 256). */
export function rowIndex(storageKey: string, delimiter: number): Promise<RowIndex> {
  let index = indexes.get(storageKey)
  if (!index) {
    index = build(storageKey, delimiter)
    index.catch(() => indexes.delete(storageKey))
    indexes.set(storageKey, index)
    if (indexes.size > MAX_INDEXES) indexes.delete(indexes.keys().next().value!)
  }
  return index
}

/** Where to start reading for data row `offset`: the last point at or before it. */
export function startFor(index: RowIndex, offset: number): { rowsBefore: number; byte: number } {
  let lo = 0
  let hi = index.points.length - 1
  let best = { rowsBefore: 0, byte: -1 }
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const p = index.points[mid]!
    if (p.rowsBefore <= offset) {
      best = p
      lo = mid + 1
    } else hi = mid - 1
  }
  return best
}
