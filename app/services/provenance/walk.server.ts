// Art. 38 (a traceable trading environment): walk a product version's provenance back to the
// source catalog entries and their source departments. The walk is breadth-first in code — one
// `$in` query per level of product versions, then one each for products, catalog entries and
// organisations — because the dev database has no graph-lookup stage (ADR 002). Depth 10 × width 100
// costs 13 round trips.
import mongoose from 'mongoose'
import { CatalogEntry } from '#models/catalog-entry'
import { Organization } from '#models/organization'
import { Product } from '#models/product'
import { ProductVersion } from '#models/product-version'
import { isObjectId } from '~/utils/schemas'

export const DEFAULT_MAX_DEPTH = 64
export const DEFAULT_MAX_NODES = 5000

type Localized = { zh: string; en: string }

export interface VersionNode {
  key: string
  id: string
  productId: string
  number: number
  productTitle: Localized
  productKind: string
  ownerOrgId: string
  state: string
  visibility: string
  publishedAt: string | null
  generatedDigest: string | null
  distributions: { key: string; format: string; sha256: string | null; sizeBytes: number | null }[]
  activity: {
    kind: string
    label: Localized
    description: string
    parameters: string
    jobId: string | null
    runId: string | null
    startedAt: string
    endedAt: string | null
  }
  agent: { orgId: string; userId: string | null }
  /** Breadth-first distance from the nearest root. */
  depth: number
}

export interface CatalogNode {
  key: string
  id: string
  code: string
  title: Localized
  version: number
  openAttribute: string
  gradeTier: string
  orgId: string
  departments: { collecting: string; verifying: string; providing: string }
  /** False when the entry is gone or no longer listed (the record still names it). */
  found: boolean
}

export interface AgentNode {
  key: string
  orgId: string
  name: Localized
  type: string
}

export interface ProvEdge {
  /** The derived entity (a product version). */
  from: string
  /** What it used (a product version or catalog entry), or the department a catalog entry came from. */
  to: string
  relation: 'used' | 'source'
  role: string
  basis: string | null
  basisRef: string | null
  /** Version of the input used (catalog published version or product version number). */
  inputVersion: number | null
  digest: string | null
  digestOf: string | null
}

export interface ProvenanceGraph {
  roots: string[]
  versions: VersionNode[]
  catalogEntries: CatalogNode[]
  agents: AgentNode[]
  edges: ProvEdge[]
  stats: { queries: number; depth: number; ms: number; truncated: boolean }
}

const VERSION_PROJECTION = {
  productId: 1,
  ownerOrgId: 1,
  number: 1,
  state: 1,
  publishedAt: 1,
  provenance: 1,
  distributions: 1,
  lineage: 1,
  lineageComplete: 1,
}

function fetchVersions(ids: string[]) {
  return ProductVersion.find({ _id: mongoose.trusted({ $in: ids }) }, VERSION_PROJECTION).lean()
}

/** A product version's lineage may hold at most this many ancestors (larger graphs walk level by level). */
export const MAX_LINEAGE = 5000

/**
 * Art. 38: the provenance graph of `rootVersionIds` — every product version they derive from,
 * transitively, the catalog entries at the bottom and the departments those came from. Stops at
 * `maxDepth` levels or `maxNodes` versions (then `stats.truncated`). Shared inputs are read once.
 *
 * Breadth-first in memory; the database is asked only for versions not yet read. A root with a
 * complete lineage (models/product-version.ts) has all its ancestors fetched in one `$in`, so a
 * graph costs the same few queries however deep it is — on the dev database every `$in` is a
 * collection scan, so that matters; without lineages the walk costs one `$in` per level.
 */
export async function walkProvenance(
  rootVersionIds: readonly string[],
  options: { maxDepth?: number; maxNodes?: number; useLineage?: boolean } = {},
): Promise<ProvenanceGraph> {
  const started = performance.now()
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES
  const useLineage = options.useLineage ?? true
  let queries = 0
  let truncated = false

  type VersionDoc = Awaited<ReturnType<typeof fetchVersions>>[number]
  const loaded = new Map<string, VersionDoc>()
  const fetchInto = async (ids: string[]) => {
    const missing = ids.filter((id) => !loaded.has(id) && isObjectId(id))
    if (missing.length === 0) return
    queries++
    for (const doc of await fetchVersions(missing)) loaded.set(String(doc._id), doc)
  }

  const versions = new Map<string, VersionNode>()
  const edges: ProvEdge[] = []
  const catalogRefs = new Set<string>()
  const seen = new Set<string>(rootVersionIds.filter(isObjectId))
  let frontier = [...seen]
  let depth = 0
  let deepest = 0

  // The roots first (point lookups by `_id` are cheap everywhere), then their whole lineage at once.
  if (frontier.length <= 10) {
    const docs = await Promise.all(
      frontier.map((id) => ProductVersion.findById(id, VERSION_PROJECTION).lean()),
    )
    queries += frontier.length
    for (const doc of docs) if (doc) loaded.set(String(doc._id), doc)
  }
  if (useLineage) {
    const roots = frontier.map((id) => loaded.get(id))
    if (roots.length > 0 && roots.every((r) => r?.lineageComplete)) {
      const ancestors = [...new Set(roots.flatMap((r) => r!.lineage))]
      if (ancestors.length <= maxNodes) await fetchInto(ancestors)
    }
  }

  while (frontier.length > 0) {
    if (depth > maxDepth || versions.size >= maxNodes) {
      truncated = true
      break
    }
    const batch = frontier.slice(0, Math.max(0, maxNodes - versions.size))
    if (batch.length < frontier.length) truncated = true
    await fetchInto(batch)
    const next: string[] = []
    for (const id of batch) {
      const doc = loaded.get(id)
      if (!doc) continue
      const p = doc.provenance
      versions.set(id, {
        key: `product-version:${id}`,
        id,
        productId: doc.productId,
        number: doc.number,
        productTitle: { zh: '', en: '' },
        productKind: '',
        ownerOrgId: doc.ownerOrgId,
        state: doc.state,
        visibility: 'market',
        publishedAt: doc.publishedAt ? doc.publishedAt.toISOString() : null,
        generatedDigest: p.generatedDigest ?? null,
        distributions: doc.distributions.map((d) => ({
          key: d.key,
          format: d.format,
          sha256: d.sha256 ?? null,
          sizeBytes: d.sizeBytes ?? null,
        })),
        activity: {
          kind: p.activity.kind,
          label: { zh: p.activity.label.zh, en: p.activity.label.en },
          description: p.activity.description,
          parameters: p.activity.parameters,
          jobId: p.activity.jobId ?? null,
          runId: p.activity.runId ?? null,
          startedAt: p.activity.startedAt.toISOString(),
          endedAt: p.activity.endedAt ? p.activity.endedAt.toISOString() : null,
        },
        agent: { orgId: p.agent.orgId, userId: p.agent.userId ?? null },
        depth,
      })
      deepest = Math.max(deepest, depth)
      for (const u of p.used) {
        const to = `${u.kind}:${u.ref}`
        edges.push({
          from: `product-version:${id}`,
          to,
          relation: 'used',
          role: u.role,
          basis: u.basis ?? null,
          basisRef: u.basisRef ?? null,
          inputVersion: u.version ?? null,
          digest: u.digest ?? null,
          digestOf: u.digestOf ?? null,
        })
        if (u.kind === 'catalog-entry') catalogRefs.add(u.ref)
        else if (!seen.has(u.ref) && isObjectId(u.ref)) {
          seen.add(u.ref)
          next.push(u.ref)
        }
      }
    }
    frontier = next
    depth++
  }

  const productIds = [...new Set([...versions.values()].map((v) => v.productId))].filter(isObjectId)
  const entryIds = [...catalogRefs].filter(isObjectId)
  const [products, entries] = await Promise.all([
    productIds.length
      ? Product.find(
          { _id: mongoose.trusted({ $in: productIds }) },
          { title: 1, kind: 1, visibility: 1 },
        ).lean()
      : [],
    entryIds.length
      ? CatalogEntry.find(
          { _id: mongoose.trusted({ $in: entryIds }) },
          { code: 1, orgId: 1, listed: 1, publishedVersion: 1, published: 1 },
        ).lean()
      : [],
  ])
  queries += (productIds.length ? 1 : 0) + (entryIds.length ? 1 : 0)
  const productById = new Map(products.map((p) => [String(p._id), p]))
  for (const v of versions.values()) {
    const p = productById.get(v.productId)
    if (p) {
      v.productTitle = { zh: p.title.zh, en: p.title.en }
      v.productKind = p.kind
      v.visibility = p.visibility
    }
  }

  const catalogEntries: CatalogNode[] = []
  const entryById = new Map(entries.map((e) => [String(e._id), e]))
  for (const ref of catalogRefs) {
    const e = entryById.get(ref)
    const published = e?.published
    const departments = published?.departments ?? {
      collecting: e?.orgId ?? '',
      verifying: e?.orgId ?? '',
      providing: e?.orgId ?? '',
    }
    catalogEntries.push({
      key: `catalog-entry:${ref}`,
      id: ref,
      code: e?.code ?? '',
      title: published ? { zh: published.title.zh, en: published.title.en } : { zh: '', en: '' },
      version: e?.publishedVersion ?? 0,
      openAttribute: published?.openAttribute ?? 'not_open',
      gradeTier: published?.grade.tier ?? 'general',
      orgId: e?.orgId ?? '',
      departments: {
        collecting: departments.collecting,
        verifying: departments.verifying,
        providing: departments.providing,
      },
      found: Boolean(e && published),
    })
  }

  // The source department of each entry (Art. 14: the one legal source) is the entry's owner.
  for (const c of catalogEntries) {
    if (!c.orgId) continue
    edges.push({
      from: c.key,
      to: `org:${c.orgId}`,
      relation: 'source',
      role: 'source_department',
      basis: null,
      basisRef: null,
      inputVersion: null,
      digest: null,
      digestOf: null,
    })
  }

  const orgIds = [
    ...new Set([
      ...catalogEntries.flatMap((c) => [
        c.orgId,
        c.departments.collecting,
        c.departments.verifying,
        c.departments.providing,
      ]),
      ...[...versions.values()].map((v) => v.ownerOrgId),
    ]),
  ].filter(isObjectId)
  const orgs = orgIds.length
    ? await Organization.find(
        { _id: mongoose.trusted({ $in: orgIds }) },
        { name: 1, type: 1 },
      ).lean()
    : []
  if (orgIds.length) queries++
  const agents: AgentNode[] = orgs.map((o) => ({
    key: `org:${o._id}`,
    orgId: String(o._id),
    name: { zh: o.name.zh, en: o.name.en },
    type: o.type,
  }))

  return {
    roots: rootVersionIds.filter((id) => versions.has(id)),
    versions: [...versions.values()],
    catalogEntries,
    agents,
    edges,
    stats: { queries, depth: deepest, ms: Math.round(performance.now() - started), truncated },
  }
}
