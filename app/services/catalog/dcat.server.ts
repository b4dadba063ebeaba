// C2/C6: each catalog entry and the whole catalog as DCAT-3 JSON-LD (dcat:Dataset /
// Distribution / DataService), the Art. 10 fields as extension properties, titles and descriptions
// tagged zh and en, so CKAN's DCAT harvester and uData can read the catalog. ADR 014.
//
// The JSON-LD context: DCAT, DCMI Terms, FOAF, vCard, SKOS and Hydra terms,
// plus the Art. 10 extension properties of the Measures in our own namespace. Published byte for
// byte at /contexts/gdpde-dcat.jsonld (public/; a test keeps the two equal) and embedded inline in
// every export, so a harvester never needs to fetch a remote context (the official DCAT-AP
// context does not load offline).
import { DomainError } from '~/utils/errors'
import { getEntryForIndex, listEntriesForIndex, type CatalogIndexRecord } from './entries.server'
import { isHttpUrl, isObjectId } from '~/utils/schemas'

/** The Art. 10 vocabulary. Fixed, so exported RDF means the same on every deployment (ADR 014). */
export const GDPDE_NS = 'https://gdpde.example/ns/art10#'
export const CONTEXT_PATH = '/contexts/gdpde-dcat.jsonld'

export const GDPDE_DCAT_CONTEXT = {
  '@context': {
    '@version': 1.1,
    dcat: 'http://www.w3.org/ns/dcat#',
    dct: 'http://purl.org/dc/terms/',
    foaf: 'http://xmlns.com/foaf/0.1/',
    vcard: 'http://www.w3.org/2006/vcard/ns#',
    skos: 'http://www.w3.org/2004/02/skos/core#',
    rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    hydra: 'http://www.w3.org/ns/hydra/core#',
    gdpde: GDPDE_NS,
    'dct:issued': { '@type': 'xsd:dateTime' },
    'dct:modified': { '@type': 'xsd:dateTime' },
    'dcat:byteSize': { '@type': 'xsd:nonNegativeInteger' },
    'dcat:landingPage': { '@type': '@id' },
    'dcat:accessURL': { '@type': '@id' },
    'dcat:downloadURL': { '@type': '@id' },
    'dcat:endpointURL': { '@type': '@id' },
    'dcat:endpointDescription': { '@type': '@id' },
    'dcat:servesDataset': { '@type': '@id' },
    'foaf:homepage': { '@type': '@id' },
    'hydra:first': { '@type': '@id' },
    'hydra:next': { '@type': '@id' },
    'hydra:totalItems': { '@type': 'xsd:nonNegativeInteger' },
    'gdpde:catalogCode': { '@id': 'gdpde:catalogCode' },
    'gdpde:dataForm': { '@id': 'gdpde:dataForm' },
    'gdpde:category': { '@id': 'gdpde:category' },
    'gdpde:sharingType': { '@id': 'gdpde:sharingType' },
    'gdpde:sharingBasis': { '@id': 'gdpde:sharingBasis' },
    'gdpde:sharingConditions': { '@id': 'gdpde:sharingConditions' },
    'gdpde:sharingScope': { '@id': 'gdpde:sharingScope' },
    'gdpde:sharingScopeNote': { '@id': 'gdpde:sharingScopeNote' },
    'gdpde:openAttribute': { '@id': 'gdpde:openAttribute' },
    'gdpde:openConditions': { '@id': 'gdpde:openConditions' },
    'gdpde:updateFrequency': { '@id': 'gdpde:updateFrequency' },
    'gdpde:collectingDepartment': { '@id': 'gdpde:collectingDepartment', '@type': '@id' },
    'gdpde:verifyingDepartment': { '@id': 'gdpde:verifyingDepartment', '@type': '@id' },
    'gdpde:providingDepartment': { '@id': 'gdpde:providingDepartment', '@type': '@id' },
    'gdpde:securityGrade': { '@id': 'gdpde:securityGrade' },
    'gdpde:gradeLevel': { '@id': 'gdpde:gradeLevel', '@type': 'xsd:integer' },
    'gdpde:legalBasis': { '@id': 'gdpde:legalBasis' },
    'gdpde:administrativeLevel': { '@id': 'gdpde:administrativeLevel' },
    'gdpde:regionCode': { '@id': 'gdpde:regionCode' },
    'gdpde:notSharedFiled': { '@id': 'gdpde:notSharedFiled', '@type': 'xsd:boolean' },
    'gdpde:field': { '@id': 'gdpde:field', '@container': '@list' },
    'gdpde:fieldName': { '@id': 'gdpde:fieldName' },
    'gdpde:fieldType': { '@id': 'gdpde:fieldType' },
    'gdpde:personal': { '@id': 'gdpde:personal', '@type': 'xsd:boolean' },
    'gdpde:sensitive': { '@id': 'gdpde:sensitive', '@type': 'xsd:boolean' },
    'gdpde:tradeSecret': { '@id': 'gdpde:tradeSecret', '@type': 'xsd:boolean' },
    'gdpde:dataItemCode': { '@id': 'gdpde:dataItemCode' },
    'gdpde:desensitized': { '@id': 'gdpde:desensitized', '@type': 'xsd:boolean' },
  },
} as const

// ------------------------------------------------------------------------- mapping

const EU = 'http://publications.europa.eu/resource/authority'

/** Art. 10 update frequency → EU frequency vocabulary (DCAT-AP's dct:accrualPeriodicity). */
const FREQUENCY: Record<string, string> = {
  realtime: 'UPDATE_CONT',
  daily: 'DAILY',
  weekly: 'WEEKLY',
  monthly: 'MONTHLY',
  quarterly: 'QUARTERLY',
  yearly: 'ANNUAL',
  irregular: 'IRREG',
}

/** Catalog category → EU data theme. */
const THEME: Record<string, string> = {
  population: 'SOCI',
  legal_entity: 'ECON',
  natural_resources: 'ENVI',
  e_licence: 'GOVE',
  economy: 'ECON',
  social_security: 'SOCI',
  health: 'HEAL',
  education: 'EDUC',
  transport: 'TRAN',
  environment: 'ENVI',
  public_safety: 'JUST',
  credit: 'ECON',
  urban_rural: 'REGI',
  agriculture: 'AGRI',
  other: 'GOVE',
}

/** Labels of the EU data themes we use (skos:Concept needs a skos:prefLabel). */
const THEME_LABEL: Record<string, { zh: string; en: string }> = {
  SOCI: { zh: '人口与社会', en: 'Population and society' },
  ECON: { zh: '经济与金融', en: 'Economy and finance' },
  ENVI: { zh: '环境', en: 'Environment' },
  GOVE: { zh: '政府与公共部门', en: 'Government and public sector' },
  HEAL: { zh: '卫生健康', en: 'Health' },
  EDUC: { zh: '教育、文化与体育', en: 'Education, culture and sport' },
  TRAN: { zh: '交通', en: 'Transport' },
  JUST: { zh: '司法与公共安全', en: 'Justice, legal system and public safety' },
  REGI: { zh: '区域与城市', en: 'Regions and cities' },
  AGRI: { zh: '农业、渔业、林业与食品', en: 'Agriculture, fisheries, forestry and food' },
}

/** Art. 32 open attribute → EU access-right vocabulary. */
const ACCESS_RIGHTS: Record<string, string> = {
  open_unconditional: 'PUBLIC',
  open_conditional: 'RESTRICTED',
  not_open: 'NON_PUBLIC',
}

/** Distribution format → EU file type (the ones our agencies publish); others are left out. */
const FILE_TYPE: Record<string, string> = {
  CSV: 'CSV',
  JSON: 'JSON',
  GEOJSON: 'GEOJSON',
  XLSX: 'XLSX',
  XLS: 'XLS',
  XML: 'XML',
  PDF: 'PDF',
  ZIP: 'ZIP',
  SHP: 'SHP',
  TXT: 'TXT',
}

type Json = Record<string, unknown>

function langs(value: { zh: string; en: string }): Json[] {
  const out: Json[] = []
  if (value.zh.trim()) out.push({ '@value': value.zh, '@language': 'zh' })
  if (value.en.trim()) out.push({ '@value': value.en, '@language': 'en' })
  return out
}

function themeNode(code: string): Json {
  return {
    '@id': `${EU}/data-theme/${code}`,
    '@type': 'skos:Concept',
    'skos:prefLabel': langs(THEME_LABEL[code]!),
  }
}

/** Links our export uses; `origin` is the site's own origin (APP_ORIGIN or the request's). */
export function dcatLinks(origin: string) {
  return {
    dataset: (id: string) => `${origin}/id/catalog-entry/${id}`,
    distribution: (id: string, key: string) =>
      `${origin}/id/catalog-entry/${id}/distribution/${encodeURIComponent(key)}`,
    service: (id: string) => `${origin}/id/catalog-entry/${id}/service`,
    org: (id: string) => `${origin}/id/org/${id}`,
    region: (code: string) => `${origin}/id/region/${code}`,
    landing: (id: string) => `${origin}/open/entries/${id}`,
    download: (id: string, key: string) =>
      `${origin}/open/entries/${id}/download/${encodeURIComponent(key)}`,
    entryExport: (id: string) => `${origin}/api/v1/catalog/${id}/dcat`,
    catalog: `${origin}/api/v1/catalog.jsonld`,
    portal: `${origin}/open`,
    ckan: `${origin}/api/3/action/`,
    openapi: `${origin}/api/v1/openapi.json`,
    context: `${origin}${CONTEXT_PATH}`,
  }
}

function isOpen(record: CatalogIndexRecord): boolean {
  return record.content.openAttribute !== 'not_open'
}

/** One catalog entry as a dcat:Dataset node (with its distributions and, for APIs, a data service). */
export function datasetNode(
  record: CatalogIndexRecord,
  origin: string,
): { dataset: Json; services: Json[] } {
  const c = record.content
  const link = dcatLinks(origin)
  const id = record.id
  const datasetIri = link.dataset(id)
  const services: Json[] = []
  const distributions = c.distributions.map((d) => {
    const format = FILE_TYPE[d.format.trim().toUpperCase()]
    const download = d.downloadRef || isOpen(record) ? link.download(id, d.key) : null
    const access = (isHttpUrl(d.accessUrl) ? d.accessUrl : null) ?? download ?? link.landing(id)
    const node: Json = {
      '@id': link.distribution(id, d.key),
      '@type': 'dcat:Distribution',
      'dct:title': langs(d.title),
      'dcat:accessURL': access,
      ...(download && isOpen(record) ? { 'dcat:downloadURL': download } : {}),
      ...(format
        ? { 'dct:format': { '@id': `${EU}/file-type/${format}`, '@type': 'dct:MediaTypeOrExtent' } }
        : {}),
      'gdpde:desensitized': d.desensitized,
    }
    if (c.dataForm === 'api' && isHttpUrl(d.accessUrl)) {
      const service: Json = {
        '@id': `${link.service(id)}/${encodeURIComponent(d.key)}`,
        '@type': 'dcat:DataService',
        'dct:title': langs(d.title),
        'dcat:endpointURL': d.accessUrl,
        'dcat:servesDataset': datasetIri,
      }
      services.push(service)
      node['dcat:accessService'] = { '@id': service['@id'] }
    }
    return node
  })
  const dataset: Json = {
    '@id': datasetIri,
    '@type': 'dcat:Dataset',
    'dct:identifier': record.code,
    'dct:title': langs(c.title),
    'dct:description': langs({ zh: c.description.zh || c.title.zh, en: c.description.en }),
    ...(c.tags.length
      ? { 'dcat:keyword': c.tags.map((t) => ({ '@value': t, '@language': 'zh' })) }
      : {}),
    'dct:publisher': {
      '@id': link.org(record.orgId),
      '@type': 'foaf:Agent',
      'foaf:name': langs(record.orgName),
    },
    'dct:modified': record.publishedAt,
    'dcat:version': String(record.version),
    'dct:accrualPeriodicity': {
      '@id': `${EU}/frequency/${FREQUENCY[c.updateFrequency] ?? 'UNKNOWN'}`,
      '@type': 'dct:Frequency',
    },
    'dcat:theme': themeNode(THEME[c.category] ?? 'GOVE'),
    'dct:spatial': {
      '@id': link.region(record.regionCode),
      '@type': 'dct:Location',
      'gdpde:regionCode': record.regionCode,
    },
    'dct:accessRights': {
      '@id': `${EU}/access-right/${ACCESS_RIGHTS[c.openAttribute] ?? 'NON_PUBLIC'}`,
      '@type': 'dct:RightsStatement',
    },
    'dct:language': [
      { '@id': `${EU}/language/ZHO`, '@type': 'dct:LinguisticSystem' },
      ...(c.title.en ? [{ '@id': `${EU}/language/ENG`, '@type': 'dct:LinguisticSystem' }] : []),
    ],
    ...(isOpen(record)
      ? { 'dcat:landingPage': { '@id': link.landing(id), '@type': 'foaf:Document' } }
      : {}),
    ...(distributions.length ? { 'dcat:distribution': distributions } : {}),
    // Art. 10 fields (extension properties).
    'gdpde:catalogCode': record.code,
    'gdpde:dataForm': c.dataForm,
    'gdpde:category': c.category,
    'gdpde:sharingType': c.sharingType,
    ...(c.sharingBasis
      ? { 'gdpde:sharingBasis': { '@value': c.sharingBasis, '@language': 'zh' } }
      : {}),
    ...(c.sharingConditions
      ? { 'gdpde:sharingConditions': { '@value': c.sharingConditions, '@language': 'zh' } }
      : {}),
    'gdpde:sharingScope': c.sharingScope,
    ...(c.sharingScopeNote
      ? { 'gdpde:sharingScopeNote': { '@value': c.sharingScopeNote, '@language': 'zh' } }
      : {}),
    'gdpde:openAttribute': c.openAttribute,
    ...(c.openConditions
      ? { 'gdpde:openConditions': { '@value': c.openConditions, '@language': 'zh' } }
      : {}),
    'gdpde:updateFrequency': c.updateFrequency,
    'gdpde:collectingDepartment': link.org(c.departments.collecting),
    'gdpde:verifyingDepartment': link.org(c.departments.verifying),
    'gdpde:providingDepartment': link.org(c.departments.providing),
    'gdpde:securityGrade': c.grade.tier,
    ...(c.grade.level != null ? { 'gdpde:gradeLevel': c.grade.level } : {}),
    ...(c.legalBasis ? { 'gdpde:legalBasis': { '@value': c.legalBasis, '@language': 'zh' } } : {}),
    'gdpde:administrativeLevel': record.level,
    'gdpde:notSharedFiled': record.notSharedFiled,
    'gdpde:field': c.fields.map((f) => ({
      'gdpde:fieldName': f.name,
      'rdfs:label': langs(f.label),
      'gdpde:fieldType': f.type,
      'gdpde:personal': f.personal,
      'gdpde:sensitive': f.sensitive,
      'gdpde:tradeSecret': f.tradeSecret,
      ...(f.dataItemCode ? { 'gdpde:dataItemCode': f.dataItemCode } : {}),
    })),
  }
  return { dataset, services }
}

export type ContextMode = 'inline' | 'remote'

function contextOf(mode: ContextMode, origin: string): unknown {
  return mode === 'inline' ? GDPDE_DCAT_CONTEXT['@context'] : dcatLinks(origin).context
}

/** One entry as a DCAT-3 JSON-LD document (its dataset and any data services). */
export function datasetDocument(
  record: CatalogIndexRecord,
  origin: string,
  mode: ContextMode = 'inline',
): Json {
  const { dataset, services } = datasetNode(record, origin)
  return { '@context': contextOf(mode, origin), '@graph': [dataset, ...services] }
}

export interface CatalogPage {
  records: CatalogIndexRecord[]
  nextAfter: string | null
  after: string | null
}

/**
 * A page of the whole catalog as a dcat:Catalog. The platform's own APIs are a dcat:DataService
 * serving every dataset; `hydra:next` links the next page (CKAN's DCAT harvester follows it).
 */
export function catalogDocument(
  page: CatalogPage,
  origin: string,
  mode: ContextMode = 'inline',
): Json {
  const link = dcatLinks(origin)
  const nodes = page.records.map((r) => datasetNode(r, origin))
  const datasetIris = nodes.map((n) => n.dataset['@id'] as string)
  const platformService: Json = {
    '@id': `${link.catalog}#api`,
    '@type': 'dcat:DataService',
    'dct:title': langs({
      zh: '广东省公共数据开放平台 CKAN 兼容接口',
      en: 'Guangdong public data portal, CKAN-compatible API',
    }),
    'dcat:endpointURL': link.ckan,
    'dcat:endpointDescription': link.openapi,
    ...(datasetIris.length ? { 'dcat:servesDataset': datasetIris } : {}),
  }
  const catalog: Json = {
    '@id': `${link.catalog}#catalog`,
    '@type': 'dcat:Catalog',
    'dct:title': langs({
      zh: '广东省公共数据资源目录',
      en: 'Guangdong Public Data Resource Catalog',
    }),
    'dct:description': langs({
      zh: '依据《广东省公共数据管理办法》（省政府令第290号）编制的公共数据资源目录，含第十条规定的目录要素。',
      en: 'The public data resource catalog under the Guangdong Public Data Management Measures (Order No. 290), with the catalog fields of Article 10.',
    }),
    'dct:publisher': {
      '@id': link.org('authority'),
      '@type': 'foaf:Agent',
      'foaf:name': langs({
        zh: '广东省政务服务数据管理局',
        en: 'Guangdong Government Service and Data Administration',
      }),
    },
    'foaf:homepage': { '@id': link.portal, '@type': 'foaf:Document' },
    'dct:language': [
      { '@id': `${EU}/language/ZHO`, '@type': 'dct:LinguisticSystem' },
      { '@id': `${EU}/language/ENG`, '@type': 'dct:LinguisticSystem' },
    ],
    'dcat:dataset': nodes.map((n) => n.dataset),
    'dcat:service': [platformService, ...nodes.flatMap((n) => n.services)],
  }
  const self = page.after ? `${link.catalog}?after=${page.after}` : link.catalog
  const view: Json = {
    '@id': self,
    '@type': 'hydra:PartialCollectionView',
    'hydra:first': link.catalog,
    ...(page.nextAfter ? { 'hydra:next': `${link.catalog}?after=${page.nextAfter}` } : {}),
  }
  return { '@context': contextOf(mode, origin), '@graph': [catalog, view] }
}

// ------------------------------------------------------------------------- reading

export type DcatAudience = 'listed' | 'open'

/** One entry's export, or 404 when it is not listed (or not open, for the public). */
export async function exportEntry(
  entryId: string,
  audience: DcatAudience,
): Promise<CatalogIndexRecord> {
  if (!isObjectId(entryId))
    throw new DomainError('invalid_id', 'error.dcat.badId', 400, { id: ['error.dcat.badId'] })
  const record = await getEntryForIndex(entryId)
  if (!record || (audience === 'open' && !isOpen(record)))
    throw new DomainError('not_found', 'error.notFound', 404)
  return record
}

/** A page of the catalog in `_id` order after `after`, holding at most `limit` visible entries. */
export async function exportCatalogPage(input: {
  after?: string
  limit: number
  audience: DcatAudience
}): Promise<CatalogPage> {
  if (input.after !== undefined && !isObjectId(input.after)) {
    throw new DomainError('invalid_cursor', 'error.dcat.badCursor', 400, {
      after: ['error.dcat.badCursor'],
    })
  }
  const records: CatalogIndexRecord[] = []
  let cursor = input.after
  let nextAfter: string | null = null
  // Scan forward until the page is full or the catalog ends (a page of the raw catalog may hold
  // entries the audience does not see).
  for (let round = 0; round < 50; round++) {
    const page = await listEntriesForIndex(cursor, input.limit)
    for (const r of page.records) {
      if (input.audience === 'listed' || isOpen(r)) records.push(r)
      if (records.length === input.limit) break
    }
    if (records.length === input.limit) {
      nextAfter = records.at(-1)!.id
      break
    }
    if (!page.nextAfterId) break
    cursor = page.nextAfterId
  }
  return { records, nextAfter, after: input.after ?? null }
}
