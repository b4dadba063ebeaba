// C7 versions: a provider drafts a version (its inputs and the transformation: the
// provenance), uploads its files into the content store, and submits it; the listing rules then
// take it to the market (publication.server.ts). The right to every input is checked when the
// draft is made (early refusal), again at submission (when the bases are frozen into the
// provenance) and once more at publication.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { listingEventId } from '#models/listing-event'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { requestScan } from '~/services/desensitize/screening.server'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import type { InputRef } from '~/services/licences/rights.server'
import { MAX_LINEAGE } from '~/services/provenance/walk.server'
import { contentStore, type StoredObject } from '~/services/storage/store.server'
import { isDuplicateKey } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { loadOwnProduct, requireOrg } from './products.server'
import { advanceVersion, projectProduct, projectVersion, recordOnce } from './publication.server'
import {
  art35RequireRightsToInputs,
  art38RequireInputs,
  assertGradeListable,
  reviewRequired,
} from './rules.server'
import type { VersionDraftInput } from './schemas'
import { FILE_TYPES } from '~/vocab/products'
import { isObjectId } from '~/utils/schemas'

const versionNotFound = () => new DomainError('not_found', 'error.market.versionNotFound', 404)

export async function loadOwnVersion(user: AuthUser, productId: string, number: number) {
  const product = await loadOwnProduct(user, productId)
  if (!Number.isSafeInteger(number) || number < 1) throw versionNotFound()
  const version = await ProductVersion.findOne({ productId, number }).lean()
  if (!version) throw versionNotFound()
  return { product, version }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** The digest of a catalog entry's published description (the bytes live with the source department). */
export function catalogMetadataDigest(entry: {
  code: string
  publishedVersion: number
  published?: unknown
}): string {
  return sha256Hex(
    canonicalize({
      code: entry.code,
      version: entry.publishedVersion,
      content: entry.published ?? null,
    }) ?? 'null',
  )
}

/** The digest of a version's output: its distributions' hashes and endpoints, in key order. */
export function generatedDigestOf(
  distributions: readonly {
    key: string
    sha256?: string | null
    endpoint?: string | null
    sizeBytes?: number | null
  }[],
): string {
  const list = [...distributions]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((d) => ({
      key: d.key,
      sha256: d.sha256 ?? null,
      endpoint: d.endpoint ?? null,
      size: d.sizeBytes ?? null,
    }))
  return sha256Hex(canonicalize(list) ?? '[]')
}

/** Digests of the inputs as they are now: product versions' output digests, catalog entries' metadata. */
async function inputDigests(
  inputs: readonly InputRef[],
): Promise<Map<string, { digest: string | null; digestOf: 'content' | 'metadata' }>> {
  const entryIds = inputs.filter((i) => i.kind === 'catalog-entry').map((i) => i.id)
  const versionIds = inputs.filter((i) => i.kind === 'product-version').map((i) => i.id)
  const [entries, versions] = await Promise.all([
    entryIds.length
      ? CatalogEntry.find(
          { _id: mongoose.trusted({ $in: entryIds }) },
          { code: 1, publishedVersion: 1, published: 1 },
        ).lean()
      : [],
    versionIds.length
      ? ProductVersion.find(
          { _id: mongoose.trusted({ $in: versionIds }) },
          { provenance: 1 },
        ).lean()
      : [],
  ])
  const out = new Map<string, { digest: string | null; digestOf: 'content' | 'metadata' }>()
  for (const e of entries)
    out.set(`catalog-entry:${e._id}`, { digest: catalogMetadataDigest(e), digestOf: 'metadata' })
  for (const v of versions)
    out.set(`product-version:${v._id}`, {
      digest: v.provenance.generatedDigest ?? null,
      digestOf: 'content',
    })
  return out
}

/**
 * Art. 38: every product version a new version derives from (its inputs and their lineages),
 * so the provenance walk can read the whole graph at once. Incomplete when an input has no
 * complete lineage, or the graph is too large to keep on one document.
 */
async function lineageOf(inputVersionIds: string[]): Promise<{ ids: string[]; complete: boolean }> {
  if (inputVersionIds.length === 0) return { ids: [], complete: true }
  const upstream = await ProductVersion.find(
    { _id: mongoose.trusted({ $in: inputVersionIds }) },
    { lineage: 1, lineageComplete: 1 },
  ).lean()
  const ids = new Set(inputVersionIds)
  let complete = upstream.length === new Set(inputVersionIds).size
  for (const u of upstream) {
    if (!u.lineageComplete) complete = false
    for (const id of u.lineage) ids.add(id)
  }
  if (!complete || ids.size > MAX_LINEAGE) return { ids: [], complete: false }
  return { ids: [...ids], complete: true }
}

export interface NewVersionOptions {
  activityKind?: 'upload' | 'model_run' | 'seed'
  runId?: string
  jobId?: string
  /** The model version a run used (recorded as an input with role `model`). */
  modelVersion?: {
    id: string
    productId: string
    number: number
    basis: 'own' | 'licence'
    basisRef: string | null
  }
  state?: 'draft' | 'private'
  now?: Date
}

/**
 * Art. 35, 37, 38: a draft version of the caller's product, with its provenance. Refused naming
 * the first input the caller holds no right to. The version number is claimed by a unique insert.
 */
export async function createDraftVersion(
  user: AuthUser,
  productId: string,
  input: VersionDraftInput,
  options: NewVersionOptions = {},
): Promise<{ id: string; number: number }> {
  const org = requireOrg(user)
  const product = await loadOwnProduct(user, productId)
  if (product.visibility === 'private' && options.activityKind !== 'model_run')
    throw new DomainError('private_product', 'error.market.privateProduct', 409)
  assertGradeListable(product.grade.tier)
  art38RequireInputs(input.inputs)
  const now = options.now ?? new Date()
  const rights = await art35RequireRightsToInputs(
    org.id,
    input.inputs,
    now,
    options.activityKind === 'model_run' ? 'run' : 'list',
  )
  const used = rights.map((r) => ({
    kind: r.input.kind,
    ref: r.input.id,
    productId: r.facts.productId,
    version: r.facts.version,
    role: 'input' as 'input' | 'model',
    digest: null,
    digestOf: null,
    basis: r.basis,
    basisRef: r.basisRef,
  }))
  if (options.modelVersion) {
    used.unshift({
      kind: 'product-version',
      ref: options.modelVersion.id,
      productId: options.modelVersion.productId,
      version: options.modelVersion.number,
      role: 'model',
      digest: null,
      digestOf: null,
      basis: options.modelVersion.basis,
      basisRef: options.modelVersion.basisRef,
    })
  }
  const lineage = await lineageOf(
    used.filter((u) => u.kind === 'product-version').map((u) => u.ref),
  )
  const distributions = input.apiEndpoint
    ? [
        {
          key: 'api',
          kind: 'api',
          title: { zh: '接口', en: 'API' },
          format: 'API',
          endpoint: input.apiEndpoint,
          addedAt: now,
        },
      ]
    : []
  const provenance = {
    activity: {
      kind: options.activityKind ?? 'upload',
      label: input.activity.label,
      description: input.activity.description,
      parameters: input.activity.parameters,
      jobId: options.jobId ?? null,
      runId: options.runId ?? null,
      startedAt: now,
      endedAt: null,
    },
    agent: { orgId: org.id, userId: user.id },
    used,
    generatedDigest: null,
  }
  for (let attempt = 0; attempt < 10; attempt++) {
    const last = await ProductVersion.findOne({ productId }, { number: 1 })
      .sort({ number: -1 })
      .lean()
    const number = (last?.number ?? 0) + 1
    try {
      const doc = await ProductVersion.create({
        productId,
        ownerOrgId: org.id,
        number,
        note: input.note,
        distributions,
        dataSchema: { fields: input.schema },
        provenance,
        lineage: lineage.ids,
        lineageComplete: lineage.complete,
        state: options.state ?? 'draft',
        ...(options.runId ? { runId: options.runId } : {}),
        createdBy: user.id,
        createdAt: now,
      })
      const id = String(doc._id)
      await appendLedger({
        action: 'product.version.drafted',
        actor: { userId: user.id, orgId: org.id },
        subjects: [
          `product:${productId}`,
          `product-version:${id}`,
          ...input.inputs.map((i) => `${i.kind}:${i.id}`),
        ].slice(0, 50),
        payload: { number, provenance },
        summary: { number, inputs: input.inputs.length },
      })
      await Product.updateOne(
        { _id: product._id },
        { $set: { versionCount: number, updatedAt: now } },
      )
      return { id, number }
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      if (options.runId && (await ProductVersion.exists({ runId: options.runId }))) {
        const existing = (await ProductVersion.findOne(
          { runId: options.runId },
          { number: 1 },
        ).lean())!
        return { id: String(existing._id), number: existing.number }
      }
    }
  }
  throw new DomainError('busy', 'error.market.tryAgain', 409)
}

export interface IncomingFile {
  fileName: string
  extension: string
  mediaType: string
  stored: StoredObject
}

function distributionKey(fileName: string, taken: Set<string>): string {
  const dot = fileName.lastIndexOf('.')
  const base =
    (dot > 0 ? fileName.slice(0, dot) : fileName)
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'file'
  const ext = dot > 0 ? fileName.slice(dot + 1).toLowerCase() : 'bin'
  let key = `${base}.${ext}`
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}.${ext}`
  return key
}

/** Adds a stored file to a draft (the upload route stored it; this makes it part of the version). */
export const MAX_FILES_PER_VERSION = 20

/** A draft takes at most MAX_FILES_PER_VERSION files: checked before an upload is read, and again when it is attached. */
export function assertCanAddFile(version: { distributions: unknown[] }): void {
  if (version.distributions.length >= MAX_FILES_PER_VERSION)
    throw new DomainError('too_many_files', 'error.market.tooManyFiles', 400)
}

export async function addFileToDraft(
  user: AuthUser,
  productId: string,
  number: number,
  file: IncomingFile,
): Promise<{ key: string }> {
  const { version } = await loadOwnVersion(user, productId, number)
  if (version.state !== 'draft') throw new DomainError('not_draft', 'error.market.notDraft', 409)
  assertCanAddFile(version)
  const type = FILE_TYPES[file.extension]
  if (!type) throw new DomainError('unsupported_file_type', 'error.market.fileType', 415)
  const key = distributionKey(file.fileName, new Set(version.distributions.map((d) => d.key)))
  const distribution = {
    key,
    kind: 'file',
    title: { zh: file.fileName, en: file.fileName },
    format: type.format,
    fileName: file.fileName,
    mediaType: file.mediaType,
    sha256: file.stored.sha256,
    sizeBytes: file.stored.size,
    storageKey: file.stored.key,
    endpoint: null,
    scanRequested: false,
    addedAt: new Date(),
  }
  const result = await ProductVersion.updateOne(
    { _id: version._id, state: 'draft', 'distributions.key': mongoose.trusted({ $ne: key }) },
    { $push: { distributions: distribution } },
  )
  if (result.modifiedCount === 0) throw new DomainError('not_draft', 'error.market.notDraft', 409)
  await appendLedger({
    action: 'product.version.file_added',
    actor: { userId: user.id, orgId: user.org!.id },
    subjects: [
      `product:${productId}`,
      `product-version:${version._id}`,
      `file:${file.stored.sha256}`,
    ],
    payload: { key, fileName: file.fileName, sha256: file.stored.sha256, size: file.stored.size },
    summary: { key, sha256: file.stored.sha256, size: file.stored.size },
  })
  return { key }
}

export async function removeFileFromDraft(
  user: AuthUser,
  productId: string,
  number: number,
  key: string,
): Promise<void> {
  const { version } = await loadOwnVersion(user, productId, number)
  if (version.state !== 'draft') throw new DomainError('not_draft', 'error.market.notDraft', 409)
  const result = await ProductVersion.updateOne(
    { _id: version._id, state: 'draft' },
    { $pull: { distributions: { key } } },
  )
  if (result.modifiedCount === 0)
    throw new DomainError('not_found', 'error.market.fileNotFound', 404)
  await appendLedger({
    action: 'product.version.file_removed',
    actor: { userId: user.id, orgId: user.org!.id },
    subjects: [`product:${productId}`, `product-version:${version._id}`],
    payload: { key },
    summary: { key },
  })
}

/**
 * Submits a draft for listing. Art. 35/37: the rights to every input are checked again now and
 * their bases (open / own / licence / grant) frozen into the provenance with the inputs' digests
 * and the output digest. Important grade goes to the authority's review; every file that can be
 * scanned goes to the desensitization scanner (Art. 32).
 */
export async function submitVersion(
  user: AuthUser,
  productId: string,
  number: number,
  now = new Date(),
) {
  const org = requireOrg(user)
  const { product, version } = await loadOwnVersion(user, productId, number)
  if (version.state !== 'draft') throw new DomainError('not_draft', 'error.market.notDraft', 409)
  if (version.distributions.length === 0)
    throw new DomainError('no_distributions', 'error.market.noFiles', 400)
  assertGradeListable(product.grade.tier)
  if (product.visibility !== 'market')
    throw new DomainError('private_product', 'error.market.privateProduct', 409)
  const versionId = String(version._id)
  const dataInputs = version.provenance.used
    .filter((u) => u.role === 'input')
    .map((u) => ({ kind: u.kind, id: u.ref }))
  const rights = await art35RequireRightsToInputs(org.id, dataInputs, now, 'list')
  const digests = await inputDigests(
    version.provenance.used.map((u) => ({ kind: u.kind, id: u.ref })),
  )
  const byRef = new Map(rights.map((r) => [`${r.input.kind}:${r.input.id}`, r]))
  const used = version.provenance.used.map((u) => {
    const right = byRef.get(`${u.kind}:${u.ref}`)
    const d = digests.get(`${u.kind}:${u.ref}`)
    return {
      kind: u.kind,
      ref: u.ref,
      productId: right?.facts.productId ?? u.productId ?? null,
      version: right?.facts.version ?? u.version ?? null,
      role: u.role,
      digest: d?.digest ?? null,
      digestOf: d?.digestOf ?? null,
      basis: right?.basis ?? u.basis ?? null,
      basisRef: right ? right.basisRef : (u.basisRef ?? null),
    }
  })
  const generatedDigest = generatedDigestOf(version.distributions)
  await ProductVersion.updateOne(
    { _id: versionId, state: 'draft' },
    {
      $set: {
        'provenance.used': used,
        'provenance.generatedDigest': generatedDigest,
        'provenance.activity.endedAt': now,
      },
    },
  )
  const needsReview = reviewRequired(product.grade.tier)
  const { created } = await recordOnce(
    {
      _id: listingEventId(versionId, 'submitted'),
      versionId,
      productId,
      step: 'submitted',
      outcome: needsReview ? 'review_required' : 'no_review',
      actorUserId: user.id,
      actorOrgId: org.id,
      at: now,
    },
    {
      action: 'product.version.submitted',
      actor: { userId: user.id, orgId: org.id },
      subjects: [
        `product:${productId}`,
        `product-version:${versionId}`,
        ...used.map((u) => `${u.kind}:${u.ref}`),
      ].slice(0, 50),
      payload: { number, used, generatedDigest, grade: product.grade.tier },
      summary: { number, digest: generatedDigest, review: needsReview },
    },
  )
  if (!created) throw new DomainError('not_draft', 'error.market.notDraft', 409)
  await ProductVersion.updateOne(
    { _id: versionId },
    { $set: { state: 'submitted', submittedAt: now } },
  )
  await requestScans(user, versionId)
  await projectVersion(versionId)
  await projectProduct(productId)
  const outcome = await advanceVersion(versionId, now)
  return { id: versionId, review: needsReview, outcome }
}

/** Art. 32: every scannable file of a submitted version goes to the desensitization scanner once. */
export async function requestScans(
  user: AuthUser | { id?: string; org?: { id: string } },
  versionId: string,
): Promise<number> {
  const version = await ProductVersion.findById(versionId, { distributions: 1 }).lean()
  if (!version) return 0
  let requested = 0
  const marked = new Set<string>()
  for (const d of version.distributions) {
    if (d.kind !== 'file' || d.scanRequested || !d.storageKey) continue
    const ext = (d.fileName ?? '').split('.').pop()?.toLowerCase() ?? ''
    if (!FILE_TYPES[ext]?.scannable) continue
    try {
      await requestScan({
        fileRef: contentStore().fileRef(d.storageKey),
        subjectRef: `product-version:${versionId}`,
        fileName: d.fileName ?? undefined,
        requestedBy: {
          ...(user.org?.id ? { orgId: user.org.id } : {}),
          ...(user.id ? { userId: user.id } : {}),
        },
      })
      marked.add(d.key)
      requested++
    } catch (error) {
      // The listing sweep asks again; until then screening stays pending (the gate holds).
      console.error('[market] scan request failed:', error instanceof Error ? error.message : error)
    }
  }
  if (marked.size) {
    // The whole array (the dev database has no positional `$` update); a submitted version's files no longer change.
    const distributions = version.distributions.map((d) => ({
      ...d,
      scanRequested: d.scanRequested || marked.has(d.key),
    }))
    await ProductVersion.updateOne({ _id: versionId }, { $set: { distributions } })
  }
  return requested
}

export type VersionLean = NonNullable<Awaited<ReturnType<typeof loadOwnVersion>>>['version']

export function versionView(v: VersionLean) {
  return {
    id: String(v._id),
    productId: v.productId,
    ownerOrgId: v.ownerOrgId,
    number: v.number,
    note: { zh: v.note.zh, en: v.note.en },
    state: v.state,
    screening: {
      status: v.screening.status,
      source: v.screening.source ?? null,
      at: v.screening.at?.toISOString() ?? null,
      note: v.screening.note ?? '',
    },
    review: {
      status: v.review.status,
      reasons: [...v.review.reasons],
      at: v.review.at?.toISOString() ?? null,
    },
    blockedReason: v.blockedReason ?? null,
    distributions: v.distributions.map((d) => ({
      key: d.key,
      kind: d.kind,
      title: { zh: d.title.zh, en: d.title.en },
      format: d.format,
      fileName: d.fileName ?? null,
      sha256: d.sha256 ?? null,
      sizeBytes: d.sizeBytes ?? null,
      endpoint: d.endpoint ?? null,
    })),
    schema: v.dataSchema.fields.map((f) => ({
      name: f.name,
      label: { zh: f.label.zh, en: f.label.en },
      type: f.type,
      personal: f.personal,
      sensitive: f.sensitive,
      fixed: f.fixed ?? false,
      toleranceAbsolute: f.toleranceAbsolute ?? null,
    })),
    inputs: v.provenance.used.map((u) => ({
      kind: u.kind,
      ref: u.ref,
      productId: u.productId ?? null,
      version: u.version ?? null,
      role: u.role,
      basis: u.basis ?? null,
      basisRef: u.basisRef ?? null,
      digest: u.digest ?? null,
    })),
    activity: {
      kind: v.provenance.activity.kind,
      label: { zh: v.provenance.activity.label.zh, en: v.provenance.activity.label.en },
      description: v.provenance.activity.description,
      parameters: v.provenance.activity.parameters,
      startedAt: v.provenance.activity.startedAt.toISOString(),
      endedAt: v.provenance.activity.endedAt?.toISOString() ?? null,
    },
    generatedDigest: v.provenance.generatedDigest ?? null,
    createdAt: v.createdAt.toISOString(),
    submittedAt: v.submittedAt?.toISOString() ?? null,
    publishedAt: v.publishedAt?.toISOString() ?? null,
  }
}

export type VersionView = ReturnType<typeof versionView>

/** A product's versions, newest first: every one for its owner and the authority, published ones for others. */
export async function listVersions(productId: string, includeUnpublished: boolean, limit = 50) {
  const filter: Record<string, unknown> = { productId }
  if (!includeUnpublished) filter.state = 'published'
  const rows = await ProductVersion.find(filter).sort({ number: -1 }).limit(limit).lean()
  return rows.map(versionView)
}

/** A version the viewer may see (published, or the viewer owns the product / is the authority), else 404. */
export async function loadVisibleVersion(
  productId: string,
  number: number,
  includeUnpublished: boolean,
) {
  if (!isObjectId(productId) || !Number.isSafeInteger(number) || number < 1) throw versionNotFound()
  const version = await ProductVersion.findOne({ productId, number }).lean()
  if (!version || (!includeUnpublished && version.state !== 'published')) throw versionNotFound()
  return version
}
