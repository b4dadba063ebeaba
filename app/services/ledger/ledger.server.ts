// C11: append-only, hash-chained transaction log (append, verify, list). Nothing here updates or deletes.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import mongoose from 'mongoose'
import { z } from 'zod'
import { enqueue } from '#jobs/queues'
import { LEDGER_ALGS, LedgerEntry, type LedgerAlg, type LedgerSummary } from '#models/ledger-entry'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { addToTail } from './tail.server'
import { isLedgerAction, type LedgerAction, type TestLedgerAction } from './actions'

export type { LedgerEntry } from '#models/ledger-entry'

/** prevHash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64)

/** C11: a signed checkpoint is requested after every this many entries (and on a schedule). */
export const LEDGER_CHECKPOINT_EVERY = 1000

const MAX_APPEND_ATTEMPTS = 200
const IMMEDIATE_RETRIES = 3

const appendInputSchema = z.object({
  // A registered action (actions.ts), or a `test.*` name written by the log's own tests.
  action: z
    .string()
    .max(100)
    .regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/, 'must be a dotted verb such as org.created')
    .refine(
      (a) => isLedgerAction(a) || a.startsWith('test.'),
      'is not a registered ledger action (actions.ts)',
    )
    .transform((a) => a as LedgerAction | TestLedgerAction),
  actor: z
    .object({
      userId: z.string().min(1).max(100).optional(),
      orgId: z.string().min(1).max(100).optional(),
    })
    .strict()
    .optional(),
  subjects: z
    .array(
      z
        .string()
        .max(200)
        .regex(/^[a-z][a-z0-9_-]*:\S+$/, 'must be type:id'),
    )
    .max(50)
    .optional(),
  payload: z.unknown().optional(),
  // Set by steps that may be retried after a crash: the same key appends one entry, ever.
  eventKey: z
    .string()
    .regex(/^[A-Za-z0-9:._-]{1,200}$/)
    .optional(),
  summary: z
    .record(
      // Plain field names: no `$` or `.`, which MongoDB treats specially.
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
      z.union([z.string().max(500), z.number().finite(), z.boolean()]),
    )
    .refine((s) => Object.keys(s).length <= 20, 'at most 20 fields')
    .optional(),
})

export type AppendLedgerInput = Omit<z.input<typeof appendInputSchema>, 'action'> & {
  action: LedgerAction | TestLedgerAction
}

type LedgerEntryFields = Omit<LedgerEntry, 'hash'>

function hashHex(alg: LedgerAlg, text: string): string {
  if (!LEDGER_ALGS.includes(alg)) throw new Error(`unknown ledger hash algorithm: ${String(alg)}`)
  return createHash(alg).update(text, 'utf8').digest('hex')
}

function canonicalJson(value: unknown): string {
  // Absent payload hashes as JSON null; canonicalize returns undefined for bare undefined.
  return canonicalize(value ?? null) ?? 'null'
}

/** Hex digest of a payload's canonical JSON (RFC 8785): lets a holder of the payload prove it later. */
export function digestPayload(payload: unknown, alg: LedgerAlg): string {
  return hashHex(alg, canonicalJson(payload))
}

/**
 * The chain hash: H(RFC 8785 canonical JSON of every stored field but `hash`, `at` as ISO string),
 * H = the entry's own `alg`. Shared by append and verify so the rule lives in one place.
 */
export function entryHash(entry: LedgerEntryFields & { hash?: unknown }): string {
  return hashHex(entry.alg, entryPreimage(entry))
}

/** The exact text the chain hash is taken over (exports write it verbatim). */
export function entryPreimage(entry: LedgerEntryFields & { hash?: unknown }): string {
  const fields: Record<string, unknown> = { ...entry }
  delete fields.hash
  if (entry.at instanceof Date) fields.at = entry.at.toISOString()
  return canonicalJson(fields)
}

/** Head of the chain; seq 0 with the genesis hash when the ledger is empty. */
export async function ledgerHead(): Promise<{ seq: number; hash: string }> {
  await connectDb()
  const head = await LedgerEntry.findOne({}, { _id: 1, hash: 1 }).sort({ _id: -1 }).lean()
  return head ? { seq: head._id, hash: head.hash } : { seq: 0, hash: GENESIS_HASH }
}

// FerretDB 1.24 (the dev database) never pushes a sort down, so ledgerHead() reads the whole log.
// Within one process the entry this process just appended is taken as the head instead, for a
// short while: if another process has appended since, the insert at its seq + 1 hits the unique
// _id and the head is re-read, so a stale value costs a retry, never a fork. Anything that empties
// or restores the log under a running process must call forgetLedgerHead() (and clearTail()).
const HEAD_MEMORY_MS = 2_000
let lastAppended: { seq: number; hash: string; at: number } | undefined

function recentHead(): { seq: number; hash: string } | undefined {
  return lastAppended && Date.now() - lastAppended.at < HEAD_MEMORY_MS ? lastAppended : undefined
}

/** Drops the remembered head (after the log was emptied or restored behind this process). */
export function forgetLedgerHead(): void {
  lastAppended = undefined
}

/** ledger_entries as the driver sees it (numeric _ids). */
function entryCollection(): mongoose.mongo.Collection<LedgerEntry> {
  return LedgerEntry.collection as unknown as mongoose.mongo.Collection<LedgerEntry>
}

// One process never races itself: appends run one at a time here. Other processes are kept off
// the same seq by the unique _id alone.
let appendQueue: Promise<unknown> = Promise.resolve()

/**
 * Appends one entry after the current head. `options.alg` is for tests; callers use the
 * configured LEDGER_HASH.
 */
export function appendLedger(
  input: AppendLedgerInput,
  options: { alg?: LedgerAlg } = {},
): Promise<LedgerEntry> {
  let parsed: z.output<typeof appendInputSchema>
  let alg: LedgerAlg
  try {
    parsed = appendInputSchema.parse(input)
    alg = options.alg ?? getEnv().LEDGER_HASH
  } catch (error) {
    return Promise.reject(error)
  }
  const run = appendQueue.then(() => appendWithRetry(parsed, alg))
  appendQueue = run.catch(() => undefined)
  return run
}

async function appendWithRetry(
  input: z.output<typeof appendInputSchema>,
  alg: LedgerAlg,
): Promise<LedgerEntry> {
  await connectDb()
  const payloadDigest = digestPayload(input.payload, alg)
  const subjects = [...new Set(input.subjects ?? [])]
  const summary = input.summary && Object.keys(input.summary).length > 0 ? input.summary : undefined

  const recorded = () =>
    input.eventKey ? LedgerEntry.findOne({ eventKey: input.eventKey }).lean() : null
  const earlier = await recorded()
  if (earlier) return earlier

  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const head = attempt === 1 ? (recentHead() ?? (await ledgerHead())) : await ledgerHead()
    const fields: LedgerEntryFields = {
      _id: head.seq + 1,
      at: new Date(),
      alg,
      action: input.action,
      ...(input.actor?.userId !== undefined && { actorUserId: input.actor.userId }),
      ...(input.actor?.orgId !== undefined && { actorOrgId: input.actor.orgId }),
      subjects,
      payloadDigest,
      ...(summary && { summary: summary as LedgerSummary }),
      ...(input.eventKey && { eventKey: input.eventKey }),
      prevHash: head.hash,
    }
    const entry: LedgerEntry = { ...fields, hash: entryHash(fields) }
    try {
      // Straight to the driver: `entry` is built above from validated input, and the document
      // stored must be exactly the one hashed (Mongoose would only cast it to itself).
      await entryCollection().insertOne({ ...entry })
      lastAppended = { seq: entry._id, hash: entry.hash, at: Date.now() }
      // Not awaited: the append is done. The checkpoint request waits for the entry to be in the
      // tail, which the checkpoint then reads (tail.server.ts).
      const added = addToTail(entry)
      if (entry._id % LEDGER_CHECKPOINT_EVERY === 0)
        void added.then(() => requestCheckpoint(entry._id))
      return entry
    } catch (error) {
      lastAppended = undefined
      if (!isDuplicateKey(error)) throw error
      // The duplicate may be the event key (another attempt of the same step won), not the seq.
      const other = await recorded()
      if (other) return other
      // Another writer took this seq: re-read the head. Jitter spreads out writers that keep colliding.
      if (attempt > IMMEDIATE_RETRIES) {
        const ceiling = Math.min(100, 2 ** (attempt - IMMEDIATE_RETRIES))
        await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling))
      }
    }
  }
  throw new Error(`ledger append gave up after ${MAX_APPEND_ATTEMPTS} conflicting attempts`)
}

/**
 * Asks the checkpoint job for a checkpoint at (at least) `seq`, without waiting: the append has
 * happened whether or not Redis answers, and the 5-minute schedule covers a lost request.
 */
function requestCheckpoint(seq: number): void {
  enqueue(
    'ledger-checkpoint',
    { reason: 'entries', atSeq: seq },
    { jobId: `ledger-checkpoint-at-${seq}` },
  ).catch((error: unknown) =>
    console.warn(`[ledger] could not request a checkpoint at ${seq}: ${(error as Error).message}`),
  )
}

export type VerifyResult =
  | { ok: true; checked: number; headSeq: number; headHash: string }
  | { ok: false; checked: number; firstBroken: { seq: number; reason: string } }

/**
 * Walks the chain in seq order, recomputing every hash and checking linkage and continuity.
 * Removal of the newest entries leaves a valid shorter chain; only a head recorded elsewhere
 * (the CLI prints it) shows that.
 */
export async function verifyChain(
  options: { fromSeq?: number; batchSize?: number } = {},
): Promise<VerifyResult> {
  const fromSeq = z
    .number()
    .int()
    .min(1)
    .parse(options.fromSeq ?? 1)
  const batchSize = z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .parse(options.batchSize ?? 1000)
  await connectDb()

  let lastSeq = fromSeq - 1
  let lastHash = GENESIS_HASH
  if (lastSeq > 0) {
    const anchor = await LedgerEntry.findById(lastSeq, { hash: 1 }).lean()
    if (!anchor) return broken(0, fromSeq, `gap: expected seq ${lastSeq}`)
    lastHash = anchor.hash
  }

  let checked = 0
  for (;;) {
    const batch = await LedgerEntry.find({ _id: mongoose.trusted({ $gt: lastSeq }) })
      .sort({ _id: 1 })
      .limit(batchSize)
      .lean()
    for (const entry of batch) {
      const seq = entry._id
      if (seq !== lastSeq + 1) return broken(checked, seq, `gap: expected seq ${lastSeq + 1}`)
      if (!LEDGER_ALGS.includes(entry.alg)) {
        return broken(checked, seq, `unknown alg ${JSON.stringify(entry.alg)}`)
      }
      let recomputed: string
      try {
        recomputed = entryHash(entry)
      } catch (error) {
        return broken(checked, seq, `malformed entry: ${(error as Error).message}`)
      }
      if (recomputed !== entry.hash) return broken(checked, seq, 'hash mismatch')
      if (entry.prevHash !== lastHash) {
        return broken(
          checked,
          seq,
          seq === 1
            ? 'prevHash of entry 1 is not the genesis hash'
            : `prevHash does not match entry ${seq - 1}`,
        )
      }
      checked++
      lastSeq = seq
      lastHash = entry.hash
    }
    if (batch.length < batchSize) break
  }
  return { ok: true, checked, headSeq: lastSeq, headHash: lastHash }
}

function broken(checked: number, seq: number, reason: string): VerifyResult {
  return { ok: false, checked, firstBroken: { seq, reason } }
}

const listInputSchema = z
  .object({
    orgId: z.string().min(1).max(100).optional(),
    actorUserId: z.string().min(1).max(100).optional(),
    subject: z.string().min(1).max(200).optional(),
    action: z.string().min(1).max(100).optional(),
    /** `at` ≥ from and `at` < to. */
    from: z.date().optional(),
    to: z.date().optional(),
    beforeSeq: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).max(100),
  })
  .strict()

/**
 * Newest first, paged by `beforeSeq` (pass the previous page's `nextBeforeSeq`). On the FerretDB
 * dev server a filter on orgId/subject/action scans the collection; MongoDB uses the indexes.
 */
export async function listLedger(
  query: z.input<typeof listInputSchema>,
): Promise<{ entries: LedgerEntry[]; nextBeforeSeq: number | null }> {
  const { orgId, actorUserId, subject, action, from, to, beforeSeq, limit } =
    listInputSchema.parse(query)
  await connectDb()
  const filter = {
    ...(orgId !== undefined && { actorOrgId: orgId }),
    ...(actorUserId !== undefined && { actorUserId }),
    ...((from !== undefined || to !== undefined) && {
      at: mongoose.trusted({
        ...(from !== undefined && { $gte: from }),
        ...(to !== undefined && { $lt: to }),
      }),
    }),
    ...(subject !== undefined && { subjects: subject }),
    ...(action !== undefined && { action }),
    ...(beforeSeq !== undefined && { _id: mongoose.trusted({ $lt: beforeSeq }) }),
  }
  const rows = await LedgerEntry.find(filter)
    .sort({ _id: -1 })
    .limit(limit + 1)
    .lean()
  const entries = rows.slice(0, limit)
  const more = rows.length > limit
  return { entries, nextBeforeSeq: more ? (entries.at(-1)?._id ?? null) : null }
}
