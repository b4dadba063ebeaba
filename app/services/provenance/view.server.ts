// Art. 38: what a viewer sees of a version's provenance. Anyone may trace a listed product (a
// trading platform discloses where its products come from); a catalog entry that is not open to
// the public (Art. 32) shows to the public only as "a catalog entry not open to the public" with
// its source department, and licence / grant ids only to signed-in market participants
// (`read:market:any`), who see every detail.
import type { AuthUser } from '~/services/identity/auth.server'
import {
  clipText,
  layoutGraph,
  wrapText,
  type GraphEdgeInput,
  type GraphNodeInput,
  type NodeKind,
} from './layout'
import type { ProvenanceGraph } from './walk.server'
import type { Translate as T } from '~/i18n/config'

export function provenanceAudience(viewer: AuthUser | undefined): 'full' | 'public' {
  return viewer?.permissions.has('read:market:any') ? 'full' : 'public'
}

/** The graph as `audience` may see it. */
export function redactGraph(graph: ProvenanceGraph, audience: 'full' | 'public'): ProvenanceGraph {
  if (audience === 'full') return graph
  const hidden = new Set(
    graph.catalogEntries.filter((c) => c.openAttribute === 'not_open').map((c) => c.key),
  )
  return {
    ...graph,
    catalogEntries: graph.catalogEntries.map((c) =>
      hidden.has(c.key) ? { ...c, code: '', title: { zh: '', en: '' }, hidden: true } : c,
    ),
    edges: graph.edges.map((e) => ({ ...e, basisRef: null })),
  }
}

/** What fits a box: bold titles and smaller sub-lines, in half-width units. */
const TITLE_UNITS = 29
const LINE_UNITS = 34

const pick = (l: { zh: string; en: string }, lang: string) =>
  lang === 'en' ? l.en || l.zh : l.zh || l.en

function formatDate(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'Asia/Shanghai',
  }).format(new Date(iso))
}

/** Nodes and edges of the picture, in the viewer's language, laid out in columns. */
export function provenancePicture(
  graph: ProvenanceGraph,
  t: T,
  lang: string,
  audience: 'full' | 'public' = 'full',
) {
  const orgName = new Map(graph.agents.map((a) => [a.orgId, pick(a.name, lang)]))
  const roots = new Set(graph.roots)
  const modelVersions = new Set(graph.edges.filter((e) => e.role === 'model').map((e) => e.to))
  const nodes: GraphNodeInput[] = []
  for (const v of graph.versions) {
    const kind: NodeKind = roots.has(v.id)
      ? 'root'
      : modelVersions.has(v.key) || v.productKind === 'model'
        ? 'model'
        : v.visibility === 'private'
          ? 'private'
          : 'version'
    const title = `${pick(v.productTitle, lang)} v${v.number}`
    const owner = orgName.get(v.ownerOrgId) ?? ''
    const activity = `${pick(v.activity.label, lang)} · ${formatDate(v.activity.endedAt ?? v.activity.startedAt, lang)}`
    nodes.push({
      key: v.key,
      kind,
      title,
      titleLines: wrapText(title, TITLE_UNITS, 2),
      lines: [clipText(owner, LINE_UNITS), clipText(activity, LINE_UNITS)],
      href: v.visibility === 'private' ? undefined : `/market/${v.productId}/v/${v.number}`,
      tooltip: `${title}\n${owner}\n${pick(v.activity.label, lang)}${v.generatedDigest ? `\nsha256 ${v.generatedDigest}` : ''}`,
    })
  }
  for (const c of graph.catalogEntries) {
    const hidden = 'hidden' in c && (c as { hidden?: boolean }).hidden
    const title = hidden ? t('market.provenance.hiddenEntry') : pick(c.title, lang)
    const attribute = t(`catalog.openAttribute.${c.openAttribute}`)
    nodes.push({
      key: c.key,
      kind: 'catalog',
      title,
      titleLines: wrapText(title, TITLE_UNITS, 2),
      lines: [
        hidden ? '' : clipText(`${c.code} · v${c.version}`, LINE_UNITS),
        clipText(attribute, LINE_UNITS),
      ],
      // Staff open the catalog page; the public the open-data portal (open and conditionally open entries).
      href: hidden
        ? undefined
        : audience === 'full'
          ? `/catalog/${c.id}`
          : c.openAttribute === 'not_open'
            ? undefined
            : `/open/entries/${c.id}`,
      tooltip: hidden
        ? title
        : `${title}\n${c.code}\n${attribute} · ${t(`market.grade.${c.gradeTier}`)}`,
    })
  }
  const departments = new Set(graph.edges.filter((e) => e.relation === 'source').map((e) => e.to))
  for (const a of graph.agents) {
    if (!departments.has(a.key)) continue
    const name = pick(a.name, lang)
    nodes.push({
      key: a.key,
      kind: 'department',
      title: name,
      titleLines: wrapText(name, TITLE_UNITS, 2),
      lines: [t('market.provenance.sourceDepartment')],
      tooltip: name,
    })
  }
  const edges: GraphEdgeInput[] = graph.edges.map((e) => ({
    from: e.from,
    to: e.to,
    label:
      e.relation === 'source'
        ? undefined
        : e.role === 'model'
          ? t('market.provenance.edgeModel')
          : e.basis
            ? t(`market.basis.${e.basis}`)
            : undefined,
  }))
  return layoutGraph(nodes, edges)
}

/** The table beside the picture: each version with its activity and what it used. */
export function provenanceRows(graph: ProvenanceGraph, lang: string) {
  const orgName = new Map(graph.agents.map((a) => [a.orgId, pick(a.name, lang)]))
  const label = new Map<string, string>([
    ...graph.versions.map((v) => [v.key, `${pick(v.productTitle, lang)} v${v.number}`] as const),
    ...graph.catalogEntries.map(
      (c) => [c.key, c.code ? `${pick(c.title, lang)} (${c.code})` : ''] as const,
    ),
  ])
  return graph.versions
    .slice()
    .sort((a, b) => a.depth - b.depth)
    .map((v) => ({
      key: v.key,
      title: label.get(v.key)!,
      productId: v.productId,
      number: v.number,
      owner: orgName.get(v.ownerOrgId) ?? '',
      activity: pick(v.activity.label, lang),
      description: v.activity.description,
      parameters: v.activity.parameters,
      at: v.activity.endedAt ?? v.activity.startedAt,
      digest: v.generatedDigest,
      depth: v.depth,
      used: graph.edges
        .filter((e) => e.from === v.key && e.relation === 'used')
        .map((e) => ({
          key: e.to,
          label: label.get(e.to) ?? '',
          role: e.role,
          basis: e.basis,
          basisRef: e.basisRef,
          digest: e.digest,
          digestOf: e.digestOf,
          version: e.inputVersion,
        })),
    }))
}
