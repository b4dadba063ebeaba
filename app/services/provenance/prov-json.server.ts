// Art. 38: a version's provenance as W3C PROV-JSON (https://www.w3.org/submissions/prov-json/),
// built from the walked graph. Entities: product versions, catalog entries, and the licences and
// grants that made each use lawful; activities: what produced each version; agents: the
// organisations (owners and source departments) and the users who acted for them.
import type { ProvenanceGraph } from './walk.server'

type Json = Record<string, unknown>

export const PROV_NAMESPACE = 'https://gdpde.example/ns/prov#'

function localizedLabel(l: { zh: string; en: string }) {
  return [...(l.zh ? [{ $: l.zh, lang: 'zh' }] : []), ...(l.en ? [{ $: l.en, lang: 'en' }] : [])]
}

const id = {
  version: (v: string) => `gdpde:product-version/${v}`,
  entry: (e: string) => `gdpde:catalog-entry/${e}`,
  activity: (v: string) => `gdpde:activity/${v}`,
  org: (o: string) => `gdpde:org/${o}`,
  user: (u: string) => `gdpde:user/${u}`,
  licence: (l: string) => `gdpde:licence/${l}`,
  grant: (g: string) => `gdpde:sharing-grant/${g}`,
}

function entityIdOf(key: string): string {
  const [kind, ref] = key.split(':') as [string, string]
  if (kind === 'product-version') return id.version(ref)
  if (kind === 'catalog-entry') return id.entry(ref)
  return id.org(ref)
}

export function toProvJson(graph: ProvenanceGraph, origin: string): Json {
  const entity: Json = {}
  const activity: Json = {}
  const agent: Json = {}
  const used: Json = {}
  const wasGeneratedBy: Json = {}
  const wasDerivedFrom: Json = {}
  const wasAssociatedWith: Json = {}
  const wasAttributedTo: Json = {}
  const actedOnBehalfOf: Json = {}
  let n = 0
  const blank = (prefix: string) => `_:${prefix}${++n}`

  for (const a of graph.agents) {
    agent[id.org(a.orgId)] = {
      'prov:type': { $: 'prov:Organization', type: 'prov:QUALIFIED_NAME' },
      'prov:label': localizedLabel(a.name),
      'gdpde:orgType': a.type,
    }
  }
  for (const c of graph.catalogEntries) {
    entity[id.entry(c.id)] = {
      'prov:type': { $: 'gdpde:CatalogEntry', type: 'prov:QUALIFIED_NAME' },
      'prov:label': localizedLabel(c.title),
      'gdpde:code': c.code,
      'gdpde:publishedVersion': c.version,
      'gdpde:openAttribute': c.openAttribute,
      'gdpde:grade': c.gradeTier,
      'gdpde:sourceDepartment': { $: id.org(c.orgId), type: 'prov:QUALIFIED_NAME' },
      'prov:location': `${origin}/catalog/${c.id}`,
    }
    if (c.orgId)
      wasAttributedTo[blank('att')] = {
        'prov:entity': id.entry(c.id),
        'prov:agent': id.org(c.orgId),
      }
  }
  for (const v of graph.versions) {
    const eid = id.version(v.id)
    const aid = id.activity(v.id)
    entity[eid] = {
      'prov:type': {
        $: v.productKind === 'model' ? 'gdpde:ModelVersion' : 'gdpde:ProductVersion',
        type: 'prov:QUALIFIED_NAME',
      },
      'prov:label': localizedLabel({
        zh: `${v.productTitle.zh} v${v.number}`,
        en: `${v.productTitle.en} v${v.number}`,
      }),
      'gdpde:product': `${origin}/market/${v.productId}`,
      'gdpde:versionNumber': v.number,
      'gdpde:state': v.state,
      ...(v.generatedDigest ? { 'gdpde:sha256': v.generatedDigest } : {}),
      'gdpde:distributions': v.distributions
        .filter((d) => d.sha256)
        .map((d) => `${d.key} ${d.format} sha256:${d.sha256} ${d.sizeBytes ?? 0}B`),
      'prov:location': `${origin}/market/${v.productId}/v/${v.number}`,
    }
    activity[aid] = {
      'prov:type': { $: `gdpde:${v.activity.kind}`, type: 'prov:QUALIFIED_NAME' },
      'prov:label': localizedLabel(v.activity.label),
      'prov:startTime': v.activity.startedAt,
      ...(v.activity.endedAt ? { 'prov:endTime': v.activity.endedAt } : {}),
      ...(v.activity.description ? { 'gdpde:description': v.activity.description } : {}),
      'gdpde:parameters': v.activity.parameters,
      ...(v.activity.jobId ? { 'gdpde:jobId': v.activity.jobId } : {}),
      ...(v.activity.runId ? { 'gdpde:runId': v.activity.runId } : {}),
    }
    wasGeneratedBy[blank('gen')] = {
      'prov:entity': eid,
      'prov:activity': aid,
      ...(v.activity.endedAt ? { 'prov:time': v.activity.endedAt } : {}),
    }
    wasAssociatedWith[blank('assoc')] = {
      'prov:activity': aid,
      'prov:agent': id.org(v.agent.orgId),
    }
    wasAttributedTo[blank('att')] = { 'prov:entity': eid, 'prov:agent': id.org(v.ownerOrgId) }
    if (v.agent.userId) {
      agent[id.user(v.agent.userId)] ??= {
        'prov:type': { $: 'prov:Person', type: 'prov:QUALIFIED_NAME' },
      }
      wasAssociatedWith[blank('assoc')] = {
        'prov:activity': aid,
        'prov:agent': id.user(v.agent.userId),
      }
      actedOnBehalfOf[blank('del')] = {
        'prov:delegate': id.user(v.agent.userId),
        'prov:responsible': id.org(v.agent.orgId),
        'prov:activity': aid,
      }
    }
  }
  for (const e of graph.edges) {
    if (e.relation !== 'used') continue
    const [, versionId] = e.from.split(':') as [string, string]
    const aid = id.activity(versionId)
    const input = entityIdOf(e.to)
    used[blank('use')] = {
      'prov:activity': aid,
      'prov:entity': input,
      'prov:role': { $: `gdpde:${e.role}`, type: 'prov:QUALIFIED_NAME' },
      ...(e.inputVersion !== null ? { 'gdpde:inputVersion': e.inputVersion } : {}),
      ...(e.digest
        ? { [`gdpde:${e.digestOf === 'metadata' ? 'metadataSha256' : 'sha256'}`]: e.digest }
        : {}),
      ...(e.basis ? { 'gdpde:rightBasis': e.basis } : {}),
    }
    wasDerivedFrom[blank('der')] = {
      'prov:generatedEntity': id.version(versionId),
      'prov:usedEntity': input,
      'prov:activity': aid,
    }
    if (e.basisRef && (e.basis === 'licence' || e.basis === 'grant')) {
      const rid = e.basis === 'licence' ? id.licence(e.basisRef) : id.grant(e.basisRef)
      entity[rid] ??= {
        'prov:type': {
          $: e.basis === 'licence' ? 'gdpde:Licence' : 'gdpde:SharingGrant',
          type: 'prov:QUALIFIED_NAME',
        },
      }
      used[blank('use')] = {
        'prov:activity': aid,
        'prov:entity': rid,
        'prov:role': { $: 'gdpde:authorization', type: 'prov:QUALIFIED_NAME' },
      }
    }
  }

  const doc: Json = {
    prefix: {
      gdpde: PROV_NAMESPACE,
      xsd: 'http://www.w3.org/2001/XMLSchema#',
      prov: 'http://www.w3.org/ns/prov#',
    },
    entity,
    activity,
    agent,
    used,
    wasGeneratedBy,
    wasDerivedFrom,
    wasAssociatedWith,
    wasAttributedTo,
  }
  if (Object.keys(actedOnBehalfOf).length) doc.actedOnBehalfOf = actedOnBehalfOf
  return doc
}
