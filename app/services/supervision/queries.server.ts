// Regulator console (issue 8): read-only views of the transaction log. Every query a regulator
// runs here is itself written to the log first (recordRegulatorQuery), so supervision is supervised.
import { createReadStream } from 'node:fs'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline, Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import mongoose from 'mongoose'
import { Organization } from '#models/organization'
import { Product } from '#models/product'
import type { AuthUser } from '~/services/identity/auth.server'
import { regulatorHome } from '~/services/identity/home.server'
import { ledgerReceipt } from '~/services/ledger/checkpoints.server'
import { exportLedger } from '~/services/ledger/export.server'
import { appendLedger, listLedger } from '~/services/ledger/ledger.server'
import { csvCell } from '~/utils/csv.server'
import { filterParams, type LogFilters } from './schemas'
import { OBJECT_ID, isObjectId } from '~/utils/schemas'

// Dates in the filters are calendar days in China Standard Time (UTC+8, no daylight saving).
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`)
const nextDayStart = (day: string) => new Date(dayStart(day).getTime() + 24 * 3600 * 1000)

/** The console filters as listLedger input (`to` is inclusive: entries before the next day). */
export function ledgerFilter(f: LogFilters) {
  return {
    ...(f.org !== undefined && { orgId: f.org }),
    ...(f.actor !== undefined && { actorUserId: f.actor }),
    ...(f.action !== undefined && { action: f.action }),
    ...(f.subject !== undefined && { subject: f.subject }),
    ...(f.from !== undefined && { from: dayStart(f.from) }),
    ...(f.to !== undefined && { to: nextDayStart(f.to) }),
    ...(f.before !== undefined && { beforeSeq: f.before }),
  }
}

export type RegulatorView = 'log' | 'entry' | 'csv' | 'export' | 'product'

/** Issue 8: every regulator query is itself logged — who asked, which view, with which filters. */
export async function recordRegulatorQuery(
  user: Pick<AuthUser, 'id' | 'org'>,
  view: RegulatorView,
  filters: LogFilters | { seq: number } = {},
) {
  const summary: Record<string, string | number> = { view }
  if ('seq' in filters) summary.seq = filters.seq
  else {
    Object.assign(summary, filterParams(filters))
    if (filters.before !== undefined) summary.before = filters.before
  }
  return appendLedger({
    action: 'regulator.query',
    actor: { userId: user.id, ...(user.org ? { orgId: user.org.id } : {}) },
    summary,
  })
}

/** One page of the filtered log (logged as a query). */
export async function regulatorLog(user: AuthUser, filters: LogFilters) {
  await recordRegulatorQuery(user, 'log', filters)
  return regulatorHome(ledgerFilter(filters))
}

/** Where a subject has a page of its own (catalog entries and products); null otherwise. */
export function subjectHref(subject: string): string | null {
  const [type, id = ''] = subject.split(/:(.*)/s)
  if (!OBJECT_ID.test(id)) return null
  if (type === 'catalog-entry') return `/catalog/${id}`
  if (type === 'product') return `/market/${id}`
  return null
}

/** One entry with its inclusion proof against a signed checkpoint and links to what it touched. */
export async function regulatorEntry(user: AuthUser, seq: number) {
  await recordRegulatorQuery(user, 'entry', { seq })
  const receipt = await ledgerReceipt(seq)
  return {
    receipt,
    subjects: receipt.entry.subjects.map((s) => ({ subject: s, href: subjectHref(s) })),
  }
}

export const CSV_HEADER = [
  'seq',
  'at',
  'action',
  'actorOrgId',
  'actorUserId',
  'subjects',
  'summary',
  'payloadDigest',
  'prevHash',
  'hash',
] as const

const CSV_PAGE = 100

/**
 * The filtered log as CSV, newest first, read page by page while the client downloads it.
 * UTF-8 with a byte-order mark so that Excel shows Chinese text correctly.
 */
export async function regulatorCsv(
  user: AuthUser,
  filters: LogFilters,
): Promise<ReadableStream<Uint8Array>> {
  await recordRegulatorQuery(user, 'csv', filters)
  const base = ledgerFilter({ ...filters, before: undefined })
  const encoder = new TextEncoder()
  let beforeSeq: number | null | undefined = filters.before
  let started = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true
        controller.enqueue(encoder.encode('\uFEFF' + CSV_HEADER.join(',') + '\r\n'))
        return
      }
      if (beforeSeq === null) return controller.close()
      const page = await listLedger({
        ...base,
        ...(beforeSeq !== undefined && { beforeSeq }),
        limit: CSV_PAGE,
      })
      const lines = page.entries.map(
        (e) =>
          [
            String(e._id),
            e.at.toISOString(),
            e.action,
            e.actorOrgId ?? '',
            e.actorUserId ?? '',
            e.subjects.join(' '),
            e.summary ? JSON.stringify(e.summary) : '',
            e.payloadDigest,
            e.prevHash,
            e.hash,
          ]
            .map(csvCell)
            .join(',') + '\r\n',
      )
      if (lines.length) controller.enqueue(encoder.encode(lines.join('')))
      beforeSeq = page.nextBeforeSeq
      if (beforeSeq === null) controller.close()
    },
  })
}

/** A POSIX ustar header for a flat file (name < 100 bytes). */
function tarHeader(name: string, size: number, mtime: Date): Buffer {
  const header = Buffer.alloc(512)
  const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, '0') + '\0'
  header.write(name, 0, 100, 'utf8')
  header.write(octal(0o644, 8), 100, 'ascii')
  header.write(octal(0, 8), 108, 'ascii')
  header.write(octal(0, 8), 116, 'ascii')
  header.write(octal(size, 12), 124, 'ascii')
  header.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii')
  header.write('        ', 148, 'ascii')
  header.write('0', 156, 'ascii')
  header.write('ustar\u000000', 257, 'ascii')
  let sum = 0
  for (const byte of header) sum += byte
  header.write(octal(sum, 7) + ' ', 148, 'ascii')
  return header
}

/** The files of `dir` as a tar archive, read file by file (never the whole archive in memory). */
async function* tarOfDir(dir: string, mtime: Date): AsyncGenerator<Buffer> {
  for (const name of (await readdir(dir)).sort()) {
    const file = path.join(dir, name)
    const { size } = await stat(file)
    yield tarHeader(name, size, mtime)
    for await (const chunk of createReadStream(file)) yield chunk as Buffer
    yield Buffer.alloc((512 - (size % 512)) % 512)
  }
  yield Buffer.alloc(1024)
}

/**
 * C11 / issue 8: the signed export (exportLedger) as one .tar.gz, to unpack and check with
 * `npm run ledger:verify -- --export DIR`. Written to a temporary directory, then streamed and
 * gzipped as the client reads it (issue 14: never the whole log in memory); the directory is
 * removed when the stream ends, fails or is cancelled.
 */
export async function regulatorExportBundle(user: AuthUser) {
  await recordRegulatorQuery(user, 'export')
  const dir = await mkdtemp(path.join(tmpdir(), 'ledger-export-'))
  let result
  try {
    result = await exportLedger(dir)
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  async function* archive() {
    try {
      yield* tarOfDir(dir, new Date())
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  const gzipped = createGzip()
  // A read error destroys both streams (the client sees the download fail); nothing else to do.
  pipeline(Readable.from(archive()), gzipped, () => undefined)
  return {
    entries: result.entries,
    fileName: `ledger-export-${result.manifest.checkpoint.treeSize}.tar.gz`,
    body: Readable.toWeb(gzipped) as ReadableStream<Uint8Array>,
  }
}

export const REGULATOR_PRODUCT_PAGE = 50

/**
 * Issue 15 / C12: the products a regulator can follow — every product, listed or private, newest
 * first, narrowed by words of its title (either language) or its id, a page at a time with the total.
 */
export async function regulatorProducts(query: { q?: string; after?: string }) {
  const q = query.q?.trim() ?? ''
  const words = q.toLowerCase().split(/\s+/).filter(Boolean)
  const rows = await Product.find(
    {},
    { title: 1, kind: 1, ownerOrgId: 1, visibility: 1, createdAt: 1 },
  )
    .sort({ _id: -1 })
    .lean()
  const matching = rows.filter((p) => {
    const id = String(p._id)
    if (isObjectId(q)) return id === q
    const text = `${p.title.zh} ${p.title.en}`.toLowerCase()
    return words.every((w) => text.includes(w))
  })
  const start = query.after ? matching.findIndex((p) => String(p._id) === query.after) + 1 : 0
  const page = matching.slice(start, start + REGULATOR_PRODUCT_PAGE)
  const ownerIds = [...new Set(page.map((p) => p.ownerOrgId))].filter((id) => isObjectId(id))
  const orgs = new Map(
    (await Organization.find({ _id: mongoose.trusted({ $in: ownerIds }) }, { name: 1 }).lean()).map(
      (o) => [String(o._id), o.name],
    ),
  )
  return {
    q,
    total: matching.length,
    nextAfter: start + REGULATOR_PRODUCT_PAGE < matching.length ? String(page.at(-1)!._id) : null,
    products: page.map((p) => ({
      id: String(p._id),
      title: p.title,
      kind: p.kind,
      visibility: p.visibility,
      owner: orgs.get(p.ownerOrgId) ?? { zh: p.ownerOrgId, en: p.ownerOrgId },
    })),
  }
}
