// C11: the ledger as a Merkle tree (RFC 9162) with signed checkpoints, inclusion receipts and
// consistency proofs. Stored perfect-subtree hashes (`ledger_nodes`, keyed `level:index`) make a
// proof O(log n) reads by _id; the checkpoint job fills them idempotently before it signs.
//
// Nothing here relies on a conditional update or a transaction (ADR 002): nodes and checkpoints
// are inserts under unique _ids whose contents are determined by the log, so a retry or a second
// worker either inserts the same document or is refused.
import mongoose, { type mongo } from 'mongoose'
import { LedgerCheckpoint } from '#models/ledger-checkpoint'
import { LedgerEntry } from '#models/ledger-entry'
import { LedgerNode } from '#models/ledger-node'
import { connectDb, isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import type { Permission } from '~/utils/permissions'
import { CHECKPOINT_ORIGIN, checkpointBody, type CheckpointStatement } from './checkpoint-note'
import { GENESIS_HASH, entryHash, type LedgerEntry as Entry } from './ledger.server'
import {
  TreeBuilder,
  consistencyRanges,
  entryLeafHash,
  frontierNodes,
  inclusionRanges,
  nodeKey,
  nodesFor,
  rangeHash,
  verifyConsistency,
  verifyInclusion,
  type NodeLookup,
  type NodeRef,
  type TreeAlg,
} from '~/lib/merkle'
import { activeSigningKey, listPublicKeys, type PublicSigningKey } from './signing-keys.server'
import { readTail, trimTail } from './tail.server'

/** RFC 9162's hash. Fixed for the life of the log: every checkpoint and stored node uses it. */
export const TREE_ALG: TreeAlg = 'sha256'

/** Tree nodes written per insertMany while extending the tree. */
const FILL_BATCH = 2000

export interface CheckpointView {
  treeSize: number
  rootHash: string
  treeAlg: TreeAlg
  at: string
  origin: string
  keyId: string
  keyAlg: 'ed25519' | 'sm2'
  /** Base64. */
  signature: string
  /** The exact signed text (checkpointBody). */
  body: string
}

type CheckpointDoc = {
  _id: number
  origin: string
  rootHash: string
  treeAlg: TreeAlg
  at: Date
  keyId: string
  keyAlg: 'ed25519' | 'sm2'
  signature: string
  /** Unsigned: the right-edge subtree hashes at this size, to resume the tree from. */
  frontier?: string[] | null
  /** Unsigned: the chain hash of entry treeSize, which the next entry links to (the tail's anchor). */
  headHash?: string | null
}

function statementOf(doc: CheckpointDoc): CheckpointStatement {
  return {
    origin: doc.origin,
    treeSize: doc._id,
    rootHash: doc.rootHash,
    treeAlg: doc.treeAlg,
    at: doc.at.toISOString(),
    keyAlg: doc.keyAlg,
    keyId: doc.keyId,
  }
}

export function checkpointView(doc: CheckpointDoc): CheckpointView {
  const statement = statementOf(doc)
  return {
    treeSize: doc._id,
    rootHash: doc.rootHash,
    treeAlg: doc.treeAlg,
    at: statement.at,
    origin: doc.origin,
    keyId: doc.keyId,
    keyAlg: doc.keyAlg,
    signature: doc.signature,
    body: checkpointBody(statement),
  }
}

/** Raised when the log itself does not verify: the platform refuses to sign over it. */
export class LedgerIntegrityError extends Error {
  constructor(
    readonly seq: number,
    readonly reason: string,
  ) {
    super(`ledger entry ${seq}: ${reason}`)
  }
}

/**
 * Point reads by string _id, in parallel. MongoDB serves them from the _id index. FerretDB 1.24
 * (SQLite) pushes down only an equality on a string or ObjectId _id, and even that scans the table
 * inside SQLite (its query does not match the _id index expression), though about 10× faster than
 * the scan FerretDB itself does for an `$in`: see ADR 015.
 */
async function loadNodes(refs: NodeRef[]): Promise<Map<string, Buffer>> {
  const keys = [...new Set(refs.map(nodeKey))]
  const docs = await Promise.all(keys.map((key) => LedgerNode.findById(key).lean()))
  const found = new Map<string, Buffer>()
  for (const doc of docs) if (doc) found.set(doc._id, Buffer.from(doc.hash, 'hex'))
  return found
}

function lookupIn(nodes: Map<string, Buffer>): NodeLookup {
  return (ref) => {
    const hash = nodes.get(nodeKey(ref))
    if (!hash) throw new Error(`ledger tree node ${nodeKey(ref)} is not stored`)
    return hash
  }
}

/**
 * Writes nodes; ones already stored (a retry, another worker) are skipped, but must hold the same
 * hash — a different one means the stored tree was altered, and nothing more is signed over it.
 */
/** ledger_nodes as the driver sees it (string _ids). */
function nodeCollection(): mongo.Collection<{ _id: string; hash: string }> {
  return LedgerNode.collection as unknown as mongo.Collection<{ _id: string; hash: string }>
}

async function insertNodes(docs: { _id: string; hash: string }[]): Promise<number> {
  if (docs.length === 0) return 0
  try {
    // Straight to the driver: these are plain {_id, hash} pairs, and Mongoose's per-document
    // casting cost the checkpoint job more CPU than the insert itself.
    await nodeCollection().insertMany(docs, { ordered: false })
    return docs.length
  } catch (error) {
    type WriteError = { code?: number; err?: { code?: number } }
    const raw = (error as { writeErrors?: WriteError | WriteError[] }).writeErrors
    const writeErrors = raw === undefined || Array.isArray(raw) ? raw : [raw]
    if (!writeErrors || !writeErrors.every((e) => (e.code ?? e.err?.code) === 11000)) throw error
    const stored = await loadNodes(docs.map((d) => parseNodeKey(d._id)))
    for (const doc of docs) {
      const existing = stored.get(doc._id)
      if (!existing) throw new Error(`ledger tree node ${doc._id} neither inserted nor found`)
      if (existing.toString('hex') !== doc.hash) {
        throw new Error(`stored ledger tree node ${doc._id} differs from the log`)
      }
    }
    return docs.length - writeErrors.length
  }
}

function parseNodeKey(key: string): NodeRef {
  const [level, index] = key.split(':').map(Number)
  return { level: level!, index: index! }
}

/** Entries per pass of streamEntries: bounds memory; on FerretDB each pass reads the whole log. */
const STREAM_CHUNK = 100_000

/**
 * C11: entries `from`..`to` in seq order, in one pass per chunk. FerretDB 1.24 evaluates
 * filters and sorts on a numeric _id by reading every document, so the range is read once, unsorted
 * (it comes back in insertion order, which is seq order but for restored rows), and put in order
 * here; MongoDB serves the range from the _id index. A missing seq is an integrity error.
 */
export async function* streamEntries(from: number, to?: number): AsyncGenerator<Entry> {
  await connectDb()
  // Without `to`: everything from `from` to the head, in one pass.
  for (let start = from; to === undefined || start <= to; start += STREAM_CHUNK) {
    const end = to === undefined ? undefined : Math.min(to, start + STREAM_CHUNK - 1)
    const early = new Map<number, Entry>()
    let next = start
    const range = end === undefined ? { $gte: start } : { $gte: start, $lte: end }
    const cursor = LedgerEntry.find({ _id: mongoose.trusted(range) })
      .lean()
      .cursor({ batchSize: 2000 })
    for await (const entry of cursor) {
      early.set(entry._id, entry)
      for (let e = early.get(next); e; e = early.get(next)) {
        early.delete(next)
        next++
        yield e
      }
    }
    if (end === undefined) {
      // Entries past a hole: the hole is a missing entry, not the head.
      if (early.size > 0) throw new LedgerIntegrityError(next, 'missing')
      return
    }
    if (next <= end) throw new LedgerIntegrityError(next, 'missing')
  }
}

/** Nodes extendTree hands back at most, when asked to keep all (memory bound). */
const KEEP_LIMIT = 500_000

/**
 * Grows the stored tree from `fromSize` leaves (whose nodes are stored) to `toSize` (default: the
 * head), re-checking every new entry's hash and link on the way, and returns the size and root.
 */
export async function extendTree(
  fromSize: number,
  toSize?: number,
  options: {
    /** The frontier at fromSize when the caller has it (saves reading it from ledger_nodes). */
    frontier?: Buffer[]
    /** Hand back every new node too (up to KEEP_LIMIT; `kept` is then incomplete). */
    keepAll?: boolean
    /**
     * The entries after fromSize, already read (the tail, tail.server.ts), and the chain hash of
     * entry fromSize they continue; without it they are streamed from the database.
     */
    after?: { entries: Entry[]; fromHash: string }
  } = {},
): Promise<{
  size: number
  root: Buffer
  written: number
  frontier: Buffer[]
  kept: Map<string, Buffer>
  keptAll: boolean
  /** The chain hash of the last entry (GENESIS_HASH for an empty log). */
  headHash: string
}> {
  await connectDb()
  const frontierRefs = frontierNodes(fromSize)
  const start = options.frontier ?? frontierRefs.map(lookupIn(await loadNodes(frontierRefs)))
  const kept = new Map(frontierRefs.map((ref, i) => [nodeKey(ref), start[i]!]))
  let keptAll = options.keepAll === true
  const pending: { _id: string; hash: string }[] = []
  const builder = new TreeBuilder(TREE_ALG, { size: fromSize, frontier: start }, (ref, hash) => {
    const key = nodeKey(ref)
    pending.push({ _id: key, hash: hash.toString('hex') })
    if (keptAll) {
      kept.set(key, hash)
      if (kept.size > KEEP_LIMIT) keptAll = false
    }
  })
  let prevHash = options.after?.fromHash ?? GENESIS_HASH
  let written = 0
  // From the database, the entry at fromSize comes along only for its hash, the link the next one
  // must carry.
  const entries = options.after?.entries ?? streamEntries(Math.max(fromSize, 1), toSize)
  for await (const entry of entries) {
    if (entry._id === fromSize) {
      prevHash = entry.hash
      continue
    }
    if (entryHash(entry) !== entry.hash) throw new LedgerIntegrityError(entry._id, 'hash mismatch')
    if (entry.prevHash !== prevHash) {
      throw new LedgerIntegrityError(entry._id, `prevHash does not match entry ${entry._id - 1}`)
    }
    builder.push(entryLeafHash(TREE_ALG, entry.hash))
    prevHash = entry.hash
    if (pending.length >= FILL_BATCH) written += await insertNodes(pending.splice(0))
  }
  written += await insertNodes(pending.splice(0))
  if (toSize !== undefined && builder.size !== toSize) {
    throw new LedgerIntegrityError(builder.size + 1, 'missing')
  }
  return {
    size: builder.size,
    root: builder.root(),
    written,
    frontier: builder.frontier(),
    kept,
    keptAll,
    headHash: prevHash,
  }
}

/** A checkpoint's stored frontier, if it folds to its signed root (else the nodes are read). */
function trustedFrontier(doc: CheckpointDoc): Buffer[] | undefined {
  if (!doc.frontier || doc.frontier.length !== frontierNodes(doc._id).length) return undefined
  const frontier = doc.frontier.map((h) => Buffer.from(h, 'hex'))
  const root = new TreeBuilder(TREE_ALG, { size: doc._id, frontier }).root()
  return root.toString('hex') === doc.rootHash ? frontier : undefined
}

async function latestCheckpointDoc(): Promise<CheckpointDoc | null> {
  await connectDb()
  return LedgerCheckpoint.findOne({}).sort({ _id: -1 }).lean()
}

export async function latestCheckpoint(): Promise<CheckpointView | null> {
  const doc = await latestCheckpointDoc()
  return doc ? checkpointView(doc) : null
}

export interface PublishResult {
  checkpoint: CheckpointView | null
  /** false: the newest checkpoint already covered the head (or another worker published it). */
  published: boolean
  /** Tree nodes this call stored. */
  nodesWritten: number
}

/**
 * C11: publishes a signed checkpoint at the current head, unless one already covers it. Safe
 * to run from several workers at once: the checkpoint is an insert keyed by tree size, and the new
 * root is checked to extend the previous checkpoint's (consistency proof) before it is signed.
 */
export async function publishCheckpoint(
  options: {
    now?: () => Date
    /**
     * Read what was appended since the newest checkpoint from the tail in Redis when it continues
     * that checkpoint verifiably (tail.server.ts), else from the database. An empty tail means
     * nothing to do: the scheduled checkpoint, which reads the database, covers a lost tail.
     */
    fromTail?: boolean
    /**
     * The seq whose append asked for this checkpoint: a tail that does not reach it yet (the tail is
     * written just after the append) is passed over for the database, so the run covers it.
     */
    atLeast?: number
  } = {},
): Promise<PublishResult> {
  // First use creates the key, which appends an entry: before reading the head.
  const key = await activeSigningKey()
  const last = await latestCheckpointDoc()
  let after: { entries: Entry[]; fromHash: string } | undefined
  if (options.fromTail && last?.headHash) {
    let entries = await readTail(last._id, last.headHash)
    if (entries && last._id + entries.length < (options.atLeast ?? 0)) entries = null
    if (entries?.length === 0) {
      return { checkpoint: checkpointView(last), published: false, nodesWritten: 0 }
    }
    if (entries) after = { entries, fromHash: last.headHash }
  }
  // The previous checkpoint's signed root anchors the new one: its frontier (checked against that
  // root) seeds the tree, one pass reads what was appended since (up to the head), and the
  // consistency proof is checked from the nodes computed on the way.
  const { size, root, written, frontier, kept, keptAll, headHash } = await extendTree(
    last?._id ?? 0,
    undefined,
    { ...(last && { frontier: trustedFrontier(last) }), keepAll: true, ...(after && { after }) },
  )
  const head = { seq: size }
  if (head.seq === 0) return { checkpoint: null, published: false, nodesWritten: 0 }
  if (last && last._id >= head.seq) {
    return { checkpoint: checkpointView(last), published: false, nodesWritten: written }
  }
  if (last) {
    const ranges = consistencyRanges(last._id, head.seq)
    const proof = keptAll
      ? ranges.map((r) => rangeHash(TREE_ALG, r, lookupIn(kept)))
      : await consistencyHashes(last._id, head.seq)
    const ok = verifyConsistency(
      TREE_ALG,
      last._id,
      head.seq,
      proof,
      Buffer.from(last.rootHash, 'hex'),
      root,
    )
    if (!ok)
      throw new Error(`the stored tree at ${head.seq} does not extend checkpoint ${last._id}`)
  }
  const statement: CheckpointStatement = {
    origin: CHECKPOINT_ORIGIN,
    treeSize: head.seq,
    rootHash: root.toString('hex'),
    treeAlg: TREE_ALG,
    at: (options.now?.() ?? new Date()).toISOString(),
    keyAlg: key.alg,
    keyId: key.keyId,
  }
  const doc: CheckpointDoc = {
    _id: statement.treeSize,
    origin: statement.origin,
    rootHash: statement.rootHash,
    treeAlg: statement.treeAlg,
    at: new Date(statement.at),
    keyId: statement.keyId,
    keyAlg: statement.keyAlg,
    signature: key.sign(checkpointBody(statement)).toString('base64'),
    frontier: frontier.map((h) => h.toString('hex')),
    headHash,
  }
  try {
    await LedgerCheckpoint.create(doc)
    await trimTail(doc._id)
    return { checkpoint: checkpointView(doc), published: true, nodesWritten: written }
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    const winner = await LedgerCheckpoint.findById(doc._id).lean()
    if (!winner) throw error
    if (winner.rootHash !== doc.rootHash) {
      throw new Error(`checkpoint ${doc._id} was published with a different root`)
    }
    return { checkpoint: checkpointView(winner), published: false, nodesWritten: written }
  }
}

async function inclusionHashes(index: number, size: number): Promise<Buffer[]> {
  const ranges = inclusionRanges(index, size)
  const lookup = lookupIn(await loadNodes(nodesFor(ranges)))
  return ranges.map((r) => rangeHash(TREE_ALG, r, lookup))
}

async function consistencyHashes(m: number, n: number): Promise<Buffer[]> {
  const ranges = consistencyRanges(m, n)
  const lookup = lookupIn(await loadNodes(nodesFor(ranges)))
  return ranges.map((r) => rangeHash(TREE_ALG, r, lookup))
}

/** A stored entry exactly as hashed: canonicalize it without `hash` and H(…) gives `hash`. */
export type ReceiptEntry = Omit<Entry, 'at'> & { at: string }

export interface LedgerReceipt {
  seq: number
  /** The leaf index (seq − 1). */
  index: number
  entry: ReceiptEntry
  /** Hex H(0x00 || chain hash bytes). */
  leafHash: string
  checkpoint: CheckpointView
  /** Hex hashes, lowest level first (RFC 9162 §2.1.3.1). */
  inclusionProof: string[]
}

function receiptEntry(entry: Entry): ReceiptEntry {
  return { ...entry, at: entry.at.toISOString() }
}

async function findCheckpoint(treeSize: number): Promise<CheckpointDoc> {
  await connectDb()
  const doc = await LedgerCheckpoint.findById(treeSize).lean()
  if (!doc) {
    throw new DomainError(
      'checkpoint_not_found',
      'error.ledger.checkpointNotFound',
      404,
      undefined,
      {
        treeSize,
      },
    )
  }
  return doc
}

async function findEntry(seq: number): Promise<Entry> {
  await connectDb()
  const entry = await LedgerEntry.findById(seq).lean()
  if (!entry)
    throw new DomainError('entry_not_found', 'error.ledger.entryNotFound', 404, undefined, { seq })
  return entry
}

/**
 * C11: the receipt for entry `seq` — the entry, its index and an inclusion proof against a
 * signed checkpoint (the newest, or `treeSize`'s). When no checkpoint covers the entry yet, one is
 * published now, so a receipt is never held back until the next scheduled checkpoint.
 */
export async function ledgerReceipt(
  seq: number,
  options: { treeSize?: number } = {},
): Promise<LedgerReceipt> {
  return receiptOf(await findEntry(seq), options)
}

async function receiptOf(entry: Entry, options: { treeSize?: number }): Promise<LedgerReceipt> {
  const seq = entry._id
  let checkpoint: CheckpointDoc | null
  if (options.treeSize !== undefined) {
    checkpoint = await findCheckpoint(options.treeSize)
    if (checkpoint._id < seq) {
      throw new DomainError(
        'checkpoint_too_small',
        'error.ledger.checkpointTooSmall',
        400,
        undefined,
        {
          seq,
          treeSize: checkpoint._id,
        },
      )
    }
  } else {
    checkpoint = await latestCheckpointDoc()
    if (!checkpoint || checkpoint._id < seq) {
      const published = (await publishCheckpoint()).checkpoint
      checkpoint = published ? await findCheckpoint(published.treeSize) : null
    }
  }
  if (!checkpoint || checkpoint._id < seq) throw new Error(`no checkpoint covers entry ${seq}`)
  const proof = await inclusionHashes(seq - 1, checkpoint._id)
  const leaf = entryLeafHash(TREE_ALG, entry.hash)
  // A proof that does not verify means the stored tree was altered: never hand it out.
  if (
    !verifyInclusion(
      TREE_ALG,
      seq - 1,
      checkpoint._id,
      leaf,
      proof,
      Buffer.from(checkpoint.rootHash, 'hex'),
    )
  ) {
    throw new Error(`the stored tree does not prove entry ${seq} in checkpoint ${checkpoint._id}`)
  }
  return {
    seq,
    index: seq - 1,
    entry: receiptEntry(entry),
    leafHash: leaf.toString('hex'),
    checkpoint: checkpointView(checkpoint),
    inclusionProof: proof.map((h) => h.toString('hex')),
  }
}

export interface LedgerReader {
  id: string
  permissions: ReadonlySet<Permission>
  org?: { id: string }
}

/**
 * C11: who may hold an entry's receipt — regulators and the authority ('read:ledger:any'), and
 * the entry's own parties: its actor organisation or an organisation among its subjects
 * ('read:ledger:own-org'), or the person it names ('read:ledger:own-person').
 */
export function mayReadEntry(
  reader: LedgerReader,
  entry: Pick<Entry, 'actorOrgId' | 'subjects'>,
): boolean {
  if (reader.permissions.has('read:ledger:any')) return true
  const orgId = reader.org?.id
  if (orgId && reader.permissions.has('read:ledger:own-org')) {
    if (entry.actorOrgId === orgId || entry.subjects.includes(`org:${orgId}`)) return true
  }
  return (
    reader.permissions.has('read:ledger:own-person') && entry.subjects.includes(`user:${reader.id}`)
  )
}

/** ledgerReceipt for a caller, refused (403, as for an entry that does not exist) unless mayReadEntry. */
export async function ledgerReceiptFor(
  reader: LedgerReader,
  seq: number,
  options: { treeSize?: number } = {},
): Promise<LedgerReceipt> {
  if (reader.permissions.has('read:ledger:any')) return ledgerReceipt(seq, options)
  await connectDb()
  const entry = await LedgerEntry.findById(seq).lean()
  if (!entry || !mayReadEntry(reader, entry))
    throw new DomainError('forbidden', 'error.forbidden', 403)
  return receiptOf(entry, options)
}

export interface ConsistencyView {
  from: CheckpointView
  to: CheckpointView
  /** Hex hashes (RFC 9162 §2.1.4.1); empty when from = to. */
  proof: string[]
}

/** C11: the proof that checkpoint `to` extends checkpoint `from` (anyone may ask). */
export async function checkpointConsistency(from: number, to: number): Promise<ConsistencyView> {
  if (from > to) {
    throw new DomainError('bad_range', 'error.ledger.badRange', 400, {
      from: ['error.ledger.badRange'],
    })
  }
  const [a, b] = await Promise.all([findCheckpoint(from), findCheckpoint(to)])
  const proof = await consistencyHashes(a._id, b._id)
  return {
    from: checkpointView(a),
    to: checkpointView(b),
    proof: proof.map((h) => h.toString('hex')),
  }
}

/** Checkpoints newest first, paged by tree size; with every public key a verifier needs. */
export async function listCheckpoints(query: { beforeSize?: number; limit: number }): Promise<{
  checkpoints: CheckpointView[]
  nextBefore: number | null
  keys: PublicSigningKey[]
}> {
  await connectDb()
  const filter =
    query.beforeSize !== undefined ? { _id: mongoose.trusted({ $lt: query.beforeSize }) } : {}
  const docs = await LedgerCheckpoint.find(filter)
    .sort({ _id: -1 })
    .limit(query.limit + 1)
    .lean()
  const page = docs.slice(0, query.limit)
  return {
    checkpoints: page.map(checkpointView),
    nextBefore: docs.length > query.limit ? (page.at(-1)?._id ?? null) : null,
    keys: await listPublicKeys(),
  }
}

/** Every checkpoint, oldest first, in batches (export). */
export async function* allCheckpoints(batch = 1000): AsyncGenerator<CheckpointView> {
  await connectDb()
  let after = 0
  for (;;) {
    const docs = await LedgerCheckpoint.find({ _id: mongoose.trusted({ $gt: after }) })
      .sort({ _id: 1 })
      .limit(batch)
      .lean()
    for (const doc of docs) yield checkpointView(doc)
    if (docs.length < batch) return
    after = docs.at(-1)!._id
  }
}

/** Consistency proof hashes between two tree sizes whose nodes are stored (export). */
export async function consistencyProofHex(m: number, n: number): Promise<string[]> {
  return (await consistencyHashes(m, n)).map((h) => h.toString('hex'))
}
