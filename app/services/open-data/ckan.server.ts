// A CKAN-compatible read API over the open catalog (issue 4; Art. 33: one provincial open-data
// platform that other portals connect to). CKAN's action API shape: `/api/3/action/<name>`, the
// envelope {help, success, result | error}, CKAN's parameter names (q, fq, rows, start, sort,
// facet.field, facet.limit), validation errors as 409 "Validation Error" and missing objects as
// 404 "Not Found Error" — so ckanapi, CKAN's harvester and other CKAN clients work unchanged.
import { getEntryForIndex, type CatalogIndexRecord } from '~/services/catalog/entries.server'
import {
  CATALOG_FACETS,
  type CatalogFacet,
  type CatalogSummary,
} from '~/services/search/catalog-documents'
import {
  catalogAudience,
  catalogDepartments,
  catalogIdForName,
  listCatalogSummaries,
  searchCatalog,
  type CatalogAudience,
  type CatalogSearchResult,
} from '~/services/search/catalog-index.server'
import {
  checkFacetValue,
  MAX_QUERY_LENGTH,
  MAX_RESULT_WINDOW,
  type CatalogSearchParams,
  type SortName,
} from '~/services/search/params'
import type { AuthUser } from '~/services/identity/auth.server'
import type { ScreeningStatus } from '~/services/desensitize/screening.server'
import { DomainError } from '~/utils/errors'
import { decodeUtf8, parseJsonText, readBodyLimited } from '~/utils/validation.server'
import { screeningByEntry } from './files.server'
import { optionalViewer } from './viewer.server'
import { isHttpUrl, isObjectId } from '~/utils/schemas'

export const CKAN_ACTIONS = [
  'package_search',
  'package_show',
  'organization_list',
  'package_list',
  'help_show',
] as const
export type CkanAction = (typeof CKAN_ACTIONS)[number]

/** CKAN's own limit for `rows` (ckan.search.rows_max). */
export const CKAN_ROWS_MAX = 1000

/** CKAN field names → our facets; our own facet names are accepted as they are. */
const CKAN_FIELDS: Record<string, CatalogFacet> = {
  organization: 'department',
  owner_org: 'department',
  tags: 'tags',
  res_format: 'format',
  frequency: 'updateFrequency',
  sharing_type: 'sharingType',
  open_attribute: 'openAttribute',
  region_code: 'region',
  data_form: 'dataForm',
}

const SORTS: Record<string, SortName> = {
  'score desc, metadata_modified desc': 'relevance',
  'score desc': 'relevance',
  'relevance asc': 'relevance',
  'metadata_modified desc': 'modified_desc',
  'metadata_modified asc': 'modified_asc',
  'metadata_created desc': 'modified_desc',
  'metadata_created asc': 'modified_asc',
}

/**
 * Sorts CKAN harvesters ask for that are not relevance or time: applied to the matching entries'
 * summaries after the search (ckanext-harvest pages through `id asc`; ckanapi dumps by `name asc`).
 */
type SummarySort = { field: 'id' | 'name' | 'title' | 'modified'; desc: boolean }
const SUMMARY_SORTS: Record<string, SummarySort> = {
  'id asc': { field: 'id', desc: false },
  'id desc': { field: 'id', desc: true },
  'name asc': { field: 'name', desc: false },
  'name desc': { field: 'name', desc: true },
  'title_string asc': { field: 'title', desc: false },
  'title_string desc': { field: 'title', desc: true },
}

/** A CKAN validation error: 409 with the field named, like CKAN's `ValidationError`. */
export class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'Validation Error' | 'Not Found Error' | 'Authorization Error',
    readonly detail: Record<string, unknown>,
  ) {
    super(type)
  }
}

function invalid(field: string, message: string): never {
  throw new CkanError(409, 'Validation Error', { [field]: [message] })
}

export function ckanEnvelope(origin: string, action: string, result: unknown) {
  return { help: `${origin}/api/3/action/help_show?name=${action}`, success: true, result }
}

export function ckanErrorBody(origin: string, action: string, error: CkanError) {
  return {
    help: `${origin}/api/3/action/help_show?name=${action}`,
    success: false,
    error: { __type: error.type, ...error.detail },
  }
}

/** Largest body a CKAN POST may have: its parameters are a handful of short strings. */
export const CKAN_BODY_LIMIT = 64 * 1024

/** Parameters from the query string, or from a JSON / form body (CKAN clients POST). */
export async function ckanParams(request: Request): Promise<Record<string, unknown>> {
  const fromQuery: Record<string, unknown> = Object.fromEntries(new URL(request.url).searchParams)
  if (request.method !== 'POST') return fromQuery
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim()
  let text: string
  try {
    // Read at most the limit: a larger body (declared or streamed) is refused before it is held.
    text = decodeUtf8(await readBodyLimited(request, CKAN_BODY_LIMIT))
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    if (error.status === 413)
      throw new CkanError(413, 'Validation Error', { body: ['Request body too large'] })
    invalid('body', 'Bad request - the body is not UTF-8 text')
  }
  if (!text.trim()) return fromQuery
  if (type === 'application/json' || text.trim().startsWith('{')) {
    let parsed: unknown
    try {
      parsed = parseJsonText(text)
    } catch {
      invalid(
        'body',
        'Bad request - JSON Error: could not parse the body (malformed or nested too deeply)',
      )
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      invalid('body', 'Bad request - JSON Error: the body must be an object')
    return { ...fromQuery, ...(parsed as Record<string, unknown>) }
  }
  return { ...fromQuery, ...Object.fromEntries(new URLSearchParams(text)) }
}

function str(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  invalid(name, 'Must be a string')
}

function int(
  params: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = str(params, name)
  if (raw === undefined) return fallback
  if (!/^-?[0-9]{1,9}$/.test(raw)) invalid(name, 'Invalid integer')
  const n = Number(raw)
  if (n < min) invalid(name, `Must be a natural number ≥ ${min}`)
  if (n > max) invalid(name, `Must be less than or equal to ${max}`)
  return n
}

function bool(params: Record<string, unknown>, name: string): boolean {
  const raw = str(params, name)
  return raw === 'true' || raw === 'True' || raw === '1'
}

function stringList(params: Record<string, unknown>, name: string): string[] | undefined {
  const v = params[name]
  if (v === undefined || v === null || v === '') return undefined
  let list: unknown = v
  if (typeof v === 'string') {
    try {
      list = JSON.parse(v)
    } catch {
      invalid(name, 'Must be a JSON list of strings')
    }
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
    invalid(name, 'Must be a list of strings')
  return list as string[]
}

function facetOf(field: string): CatalogFacet {
  const facet =
    CKAN_FIELDS[field] ??
    ((CATALOG_FACETS as readonly string[]).includes(field) ? (field as CatalogFacet) : undefined)
  if (!facet) invalid('fq', `Unknown field: ${field.slice(0, 40)}`)
  return facet
}

/** A parsed `fq`: facet values to keep (values of one field are alternatives), to drop, and a time range. */
export interface CkanFilterQuery {
  filters: Partial<Record<CatalogFacet, string[]>>
  exclude: Partial<Record<CatalogFacet, string[]>>
  /** `metadata_modified:[from TO to]`, epoch ms; either end open. */
  modified?: { from?: number; to?: number }
}

const SOLR_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?$/

function rangeEnd(raw: string, name: string): number | undefined {
  if (raw === '*') return undefined
  if (raw.startsWith('NOW')) {
    const m = /^NOW(?:-(\d+)DAYS?)?$/.exec(raw)
    if (!m) invalid('fq', `Unsupported date in ${name}: ${raw.slice(0, 40)}`)
    return Date.now() - Number(m[1] ?? 0) * 86_400_000
  }
  if (!SOLR_DATE.test(raw)) invalid('fq', `Unsupported date in ${name}: ${raw.slice(0, 40)}`)
  return Date.parse(raw.endsWith('Z') ? raw : `${raw}Z`)
}

/**
 * CKAN's `fq`: Solr filter clauses joined by spaces or AND — `field:value`, `field:"quoted value"`,
 * `field:(a OR b)`, a leading `-` to exclude and `+` to require, `metadata_modified:[from TO to]`
 * (ISO dates, `NOW`, `NOW-7DAYS`, `*`), and `dataset_type:dataset` (every package is one).
 */
export function parseFq(fq: string): CkanFilterQuery {
  const query: CkanFilterQuery = { filters: {}, exclude: {} }
  const clause =
    /([+-]?)([A-Za-z_][A-Za-z0-9_.]*):(?:"((?:[^"\\]|\\.)*)"|\(([^()]*)\)|\[(\S+) TO (\S+)\]|([^\s"()]+))/y
  let rest = fq.trim()
  while (rest.length) {
    const and = /^(AND\s+|&&\s*)/.exec(rest)
    if (and) {
      rest = rest.slice(and[0].length)
      continue
    }
    clause.lastIndex = 0
    const m = clause.exec(rest)
    if (!m) invalid('fq', `Cannot parse the filter query near: ${rest.slice(0, 40)}`)
    rest = rest.slice(m[0].length).trimStart()
    const [, sign, field, quoted, group, from, to, bare] = m
    if (field === 'metadata_modified' || field === 'metadata_created') {
      if (from === undefined || sign === '-') invalid('fq', `${field} takes a range: [from TO to]`)
      query.modified = { from: rangeEnd(from, field), to: rangeEnd(to!, field) }
      continue
    }
    if (field === 'dataset_type' || field === 'type') {
      const value = quoted ?? bare ?? group ?? ''
      if (value !== 'dataset' || sign === '-') invalid('fq', 'Every package here is a dataset')
      continue
    }
    if (from !== undefined) invalid('fq', `Ranges are supported on metadata_modified only`)
    const facet = facetOf(field!)
    const values =
      group !== undefined
        ? group
            .split(/\s+OR\s+/)
            .map((v) => v.trim().replace(/^"(.*)"$/, '$1'))
            .filter(Boolean)
        : [quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare!]
    for (const value of values) {
      try {
        checkFacetValue(facet, value)
      } catch (error) {
        if (error instanceof DomainError)
          invalid('fq', `Unknown value for ${field}: ${value.slice(0, 40)}`)
        throw error
      }
    }
    const into = sign === '-' ? query.exclude : query.filters
    ;(into[facet] ??= []).push(...values)
  }
  return query
}

/** A summary's values for a facet (what `exclude` compares against). */
function facetValues(summary: CatalogSummary, facet: CatalogFacet): readonly string[] {
  switch (facet) {
    case 'department':
      return [summary.orgId]
    case 'region':
      return [summary.regionCode]
    case 'tags':
      return summary.tags
    case 'format':
      return summary.formats
    default:
      return [String((summary as unknown as Record<string, unknown>)[facet] ?? '')]
  }
}

function summarySortKey(summary: CatalogSummary, field: SummarySort['field']): string | number {
  if (field === 'id') return summary.id
  if (field === 'name') return slug(summary.code)
  if (field === 'title') return summary.title.zh
  return Date.parse(summary.publishedAt)
}

/** Exclusions, the time range and a string sort, applied to every match (at most MAX_RESULT_WINDOW). */
function refineMatches<T extends CatalogSummary>(
  items: T[],
  fq: CkanFilterQuery,
  sort: SummarySort | undefined,
): T[] {
  const kept = items.filter((item) => {
    for (const [facet, values] of Object.entries(fq.exclude) as [CatalogFacet, string[]][]) {
      if (facetValues(item, facet).some((v) => values.includes(v))) return false
    }
    const modified = Date.parse(item.publishedAt)
    const { from, to } = fq.modified ?? {}
    return (from === undefined || modified >= from) && (to === undefined || modified <= to)
  })
  if (!sort) return kept
  const sign = sort.desc ? -1 : 1
  return kept.sort((a, b) => {
    const x = summarySortKey(a, sort.field)
    const y = summarySortKey(b, sort.field)
    const order =
      typeof x === 'number'
        ? x - (y as number)
        : sort.field === 'title'
          ? x.localeCompare(y as string, 'zh')
          : x < y
            ? -1
            : x > y
              ? 1
              : 0
    return sign * order || (a.id < b.id ? -1 : 1)
  })
}

/** Facet counts over the refined matches, keeping the labels the search gave. */
function countFacets(
  items: CatalogSummary[],
  facets: CatalogFacet[],
  searched: CatalogSearchResult['facets'],
): CatalogSearchResult['facets'] {
  const counted: CatalogSearchResult['facets'] = {}
  for (const facet of facets) {
    const counts = new Map<string, number>()
    for (const item of items)
      for (const v of facetValues(item, facet)) counts.set(v, (counts.get(v) ?? 0) + 1)
    const labels = new Map((searched[facet] ?? []).map((f) => [f.value, f.label]))
    counted[facet] = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([value, count]) => ({ value, count, label: labels.get(value) }))
  }
  return counted
}

// --------------------------------------------------------------------------- views

/** CKAN's timestamp format: naive UTC, microseconds, no zone (`2026-01-15T08:30:00.123000`). */
export function ckanTime(iso: string | null | undefined): string | null {
  if (!iso) return null
  const time = new Date(iso)
  return Number.isNaN(time.getTime()) ? null : time.toISOString().replace(/Z$/, '000')
}

function slug(code: string): string {
  return code.toLowerCase()
}

export function ckanOrganization(
  id: string,
  name: { zh: string; en: string },
  packageCount?: number,
) {
  return {
    id,
    name: id,
    title: name.zh,
    title_translated: { zh: name.zh, en: name.en },
    display_name: name.zh,
    type: 'organization',
    is_organization: true,
    state: 'active',
    approval_status: 'approved',
    image_url: '',
    image_display_url: '',
    description: '',
    // The organisation's id is an ObjectId: its first four bytes are when it was created.
    created: isObjectId(id)
      ? ckanTime(new Date(parseInt(id.slice(0, 8), 16) * 1000).toISOString())
      : null,
    num_followers: 0,
    ...(packageCount !== undefined ? { package_count: packageCount } : {}),
  }
}

/** Screening of a resource: its file's scan verdict; `external` for an access URL, `no_file` before an upload. */
export type ResourceScreening = ScreeningStatus | 'external' | 'no_file'

/**
 * A CKAN package dict of a catalog entry (Art. 10 fields as `extras`). Art. 32: each resource
 * carries `screening_status`, and its download `url` only once its file's scan passed.
 */
export function ckanPackage(
  record: CatalogIndexRecord,
  origin: string,
  screening: ReadonlyMap<string, ScreeningStatus> = new Map(),
) {
  const c = record.content
  const landing = `${origin}/open/entries/${record.id}`
  const extras: Record<string, string> = {
    catalog_code: record.code,
    sharing_type: c.sharingType,
    sharing_scope: c.sharingScope,
    open_attribute: c.openAttribute,
    open_conditions: c.openConditions,
    update_frequency: c.updateFrequency,
    security_grade: c.grade.tier,
    data_form: c.dataForm,
    category: c.category,
    level: record.level,
    region_code: record.regionCode,
    collecting_department: c.departments.collecting,
    verifying_department: c.departments.verifying,
    providing_department: c.departments.providing,
    dcat_export: `${origin}/api/v1/catalog/${record.id}/dcat`,
  }
  return {
    id: record.id,
    name: slug(record.code),
    title: c.title.zh,
    title_translated: { zh: c.title.zh, en: c.title.en },
    notes: c.description.zh,
    notes_translated: { zh: c.description.zh, en: c.description.en },
    url: landing,
    type: 'dataset',
    state: 'active',
    private: false,
    version: String(record.version),
    metadata_created: ckanTime(record.publishedAt),
    metadata_modified: ckanTime(record.publishedAt),
    owner_org: record.orgId,
    organization: ckanOrganization(record.orgId, record.orgName),
    author: record.orgName.zh,
    author_email: null,
    maintainer: record.orgName.zh,
    maintainer_email: null,
    creator_user_id: null,
    license_id: 'notspecified',
    license_url: null,
    license_title:
      c.openAttribute === 'open_unconditional'
        ? '无条件开放 Open'
        : '有条件开放 Open on conditions',
    isopen: c.openAttribute === 'open_unconditional',
    num_tags: c.tags.length,
    tags: c.tags.map((t) => ({ name: t, display_name: t, state: 'active', vocabulary_id: null })),
    groups: [],
    num_resources: c.distributions.length,
    resources: c.distributions.map((stored, position) => {
      const d = { ...stored, accessUrl: isHttpUrl(stored.accessUrl) ? stored.accessUrl : undefined }
      const status: ResourceScreening = d.accessUrl
        ? 'external'
        : (screening.get(d.key) ?? 'no_file')
      return {
        id: `${record.id}-${d.key}`,
        package_id: record.id,
        name: d.title.zh,
        name_translated: { zh: d.title.zh, en: d.title.en },
        description: '',
        format: d.format.toUpperCase(),
        url:
          d.accessUrl ??
          (status === 'passed'
            ? `${origin}/open/entries/${record.id}/download/${encodeURIComponent(d.key)}`
            : ''),
        position,
        state: 'active',
        url_type: d.accessUrl ? null : 'upload',
        screening_status: status,
        desensitized: Boolean(d.desensitized),
        created: ckanTime(record.publishedAt),
        last_modified: ckanTime(record.lastDataUpdateAt),
        metadata_modified: ckanTime(record.publishedAt),
        mimetype: null,
        size: null,
        hash: '',
        cache_url: null,
        resource_type: null,
      }
    }),
    extras: Object.entries(extras)
      .filter(([, v]) => v)
      .map(([key, value]) => ({ key, value })),
    relationships_as_object: [],
    relationships_as_subject: [],
  }
}

// --------------------------------------------------------------------------- actions

async function recordsOf(ids: string[]): Promise<CatalogIndexRecord[]> {
  const out: CatalogIndexRecord[] = []
  for (let i = 0; i < ids.length; i += 20) {
    const batch = await Promise.all(ids.slice(i, i + 20).map((id) => getEntryForIndex(id)))
    out.push(...batch.filter((r): r is CatalogIndexRecord => r !== null))
  }
  return out
}

async function packagesOf(records: CatalogIndexRecord[], origin: string) {
  const screening = await screeningByEntry(records.map((r) => r.id))
  return records.map((r) => ckanPackage(r, origin, screening.get(r.id)))
}

function visible(record: CatalogIndexRecord, audience: CatalogAudience): boolean {
  return audience === 'listed' || record.content.openAttribute !== 'not_open'
}

export async function packageSearch(
  params: Record<string, unknown>,
  audience: CatalogAudience,
  origin: string,
) {
  const q = str(params, 'q') ?? ''
  if (q.length > MAX_QUERY_LENGTH) invalid('q', `Must be at most ${MAX_QUERY_LENGTH} characters`)
  // Solr's match-all query.
  const text = q.trim() === '*:*' ? '' : q
  // As CKAN does: `rows` above ckan.search.rows_max is cut to it, not refused (harvesters ask for more).
  const rows = Math.min(int(params, 'rows', 10, 0, 1_000_000_000), CKAN_ROWS_MAX)
  const start = int(params, 'start', 0, 0, MAX_RESULT_WINDOW)
  if (start + rows > MAX_RESULT_WINDOW)
    invalid('start', `start + rows must not exceed ${MAX_RESULT_WINDOW}`)
  const sortRaw = (
    str(params, 'sort') ?? (text ? 'score desc, metadata_modified desc' : 'metadata_modified desc')
  )
    .trim()
    .replace(/\s+/g, ' ')
  const summarySort = SUMMARY_SORTS[sortRaw]
  const sort = SORTS[sortRaw] ?? (summarySort ? 'modified_desc' : undefined)
  if (!sort)
    invalid(
      'sort',
      `Unsupported sort; use one of: ${[...Object.keys(SORTS), ...Object.keys(SUMMARY_SORTS)].join(' | ')}`,
    )
  const fq = parseFq(str(params, 'fq') ?? '')
  const facetFields = stringList(params, 'facet.field') ?? []
  const facets = facetFields.map((f) => facetOf(f))
  const facetLimit = int(params, 'facet.limit', 50, -1, 1000)
  const search: CatalogSearchParams = {
    q: text,
    filters: fq.filters,
    sort: sort === 'relevance' && !text ? 'modified_desc' : sort,
    offset: start,
    limit: rows,
  }
  const postFilter =
    summarySort !== undefined || fq.modified !== undefined || Object.keys(fq.exclude).length > 0
  let result = await searchCatalog(
    postFilter
      ? { ...search, offset: 0, limit: MAX_RESULT_WINDOW }
      : { ...search, limit: Math.max(rows, 1) },
    audience,
    { facets, facetLimit: facetLimit < 0 ? 1000 : facetLimit },
  )
  if (postFilter) {
    const items = refineMatches(result.items, fq, summarySort)
    result = {
      ...result,
      total: items.length,
      items: items.slice(start, start + rows),
      facets: countFacets(items, facets, result.facets),
    }
  }
  const records = rows === 0 ? [] : await recordsOf(result.items.map((i) => i.id))
  const searchFacets: Record<
    string,
    { title: string; items: { name: string; display_name: string; count: number }[] }
  > = {}
  const plainFacets: Record<string, Record<string, number>> = {}
  facetFields.forEach((field, i) => {
    const counts = result.facets[facets[i]!] ?? []
    searchFacets[field] = {
      title: field,
      items: counts.map((c) => ({
        name: c.value,
        display_name: c.label?.zh ?? c.value,
        count: c.count,
      })),
    }
    plainFacets[field] = Object.fromEntries(counts.map((c) => [c.value, c.count]))
  })
  return {
    count: result.total,
    sort: sortRaw,
    facets: plainFacets,
    search_facets: searchFacets,
    results: await packagesOf(
      records.filter((r) => visible(r, audience)),
      origin,
    ),
  }
}

export async function packageShow(
  params: Record<string, unknown>,
  audience: CatalogAudience,
  origin: string,
) {
  const ref = str(params, 'id') ?? str(params, 'name_or_id')
  if (!ref) invalid('id', 'Missing value')
  if (ref.length > 100) invalid('id', 'Too long')
  const id = await catalogIdForName(ref)
  const record = id ? await getEntryForIndex(id) : null
  if (!record || !visible(record, audience))
    throw new CkanError(404, 'Not Found Error', { message: 'Not found' })
  return (await packagesOf([record], origin))[0]!
}

// CKAN's `help_show` returns an action function's docstring; these are ours, in CKAN's reST style.
const HELP: Record<CkanAction, string> = {
  package_search: `Searches for packages satisfying a given search criteria.

This action accepts CKAN's search parameters (a subset of Solr's) and returns a dictionary of results,
including dictized datasets that match the search criteria, a search count and facet information.
Only open and conditionally open catalog entries are returned to anonymous callers.

:param q: the search query; Chinese and English words, traditional and simplified Chinese alike.
    Example: \`\`q=企业\`\` (optional, default: \`\`"*:*"\`\`)
:type q: string
:param fq: any filter queries to apply: \`\`field:value\`\` or \`\`field:"quoted value"\`\` clauses joined by
    spaces or AND. Fields: organization, owner_org, tags, res_format, frequency, sharing_type,
    open_attribute, region_code, data_form (optional)
:type fq: string
:param sort: sorting of the search results: \`\`score desc, metadata_modified desc\`\`,
    \`\`metadata_modified desc\`\` or \`\`metadata_modified asc\`\` (optional)
:type sort: string
:param rows: the maximum number of matching rows (datasets) to return (optional, default: 10, upper limit: 1000)
:type rows: int
:param start: the offset in the complete result for where the set of returned datasets should begin (optional)
:type start: int
:param facet.field: the fields to facet upon, as a JSON list of strings (optional)
:type facet.field: list of strings
:param facet.limit: the maximum number of values the facet fields return; a negative value means
    unlimited (optional, default: 50)
:type facet.limit: int

The following fields are returned:

:returns: \`\`count\`\` (the number of results found), \`\`results\`\` (the datasets: each resource carries
    \`\`screening_status\`\` — passed, pending, failed, external or no_file — and a download \`\`url\`\` only
    once its file passed the desensitization scan), \`\`facets\`\` and \`\`search_facets\`\`
:rtype: dictionary`,
  package_show: `Return the metadata of a dataset (package) and its resources.

Each resource carries \`\`screening_status\`\` (passed, pending, failed, external or no_file); its download
\`\`url\`\` is empty until the file passed the desensitization scan (Art. 32). The Art. 10 catalog fields
are returned as \`\`extras\`\`.

:param id: the id or name of the dataset
:type id: string

:rtype: dictionary`,
  package_list: `Return a list of the names of the site's datasets (packages).

:param limit: if given, the list of datasets will be broken into pages of at most \`\`limit\`\` datasets
    per page and only one page will be returned at a time (optional, default: 1000)
:type limit: int
:param offset: when \`\`limit\`\` is given, the offset to start returning packages from (optional)
:type offset: int

:rtype: list of strings`,
  organization_list: `Return a list of the names of the site's organizations (the departments that publish open data).

:param sort: sorting of the search results: \`\`name asc\`\`, \`\`title asc\`\` or \`\`package_count desc\`\`
    (optional, default: \`\`name asc\`\`)
:type sort: string
:param limit: the maximum number of organizations returned (optional, default: 1000)
:type limit: int
:param offset: when \`\`limit\`\` is given, the offset to start returning organizations from (optional)
:type offset: int
:param organizations: a list of organizations to return (optional)
:type organizations: list of strings
:param all_fields: return group dictionaries instead of just names (optional, default: \`\`False\`\`)
:type all_fields: bool

:rtype: list of strings`,
  help_show: `Return the help string for a particular API action.

:param name: Action function name (e.g. \`package_search\`, \`package_show\`)
:type name: string
:returns: The help string for the action function, or None if the function does not have a docstring.
:rtype: string

:raises: :class:\`ckan.logic.NotFound\`: if the action function doesn't exist`,
}

/** CKAN's `help_show`: the help text of one of our actions; unknown names are Not Found, as in CKAN. */
export function helpShow(params: Record<string, unknown>): string {
  const name = str(params, 'name')
  if (!name) invalid('name', 'Missing value')
  if (!(CKAN_ACTIONS as readonly string[]).includes(name))
    throw new CkanError(404, 'Not Found Error', { message: 'Action function not found' })
  return HELP[name as CkanAction]
}

export async function packageList(params: Record<string, unknown>, audience: CatalogAudience) {
  const limit = int(params, 'limit', CKAN_ROWS_MAX, 1, CKAN_ROWS_MAX)
  const offset = int(params, 'offset', 0, 0, 10_000_000)
  const page = await listCatalogSummaries(audience, { offset, limit })
  return page.items.map((s) => slug(s.code))
}

export async function organizationList(params: Record<string, unknown>, audience: CatalogAudience) {
  const allFields = bool(params, 'all_fields')
  const sortRaw = (str(params, 'sort') ?? 'name asc').trim()
  if (!['name asc', 'name', 'title asc', 'package_count desc'].includes(sortRaw)) {
    invalid('sort', 'Unsupported sort; use name asc, title asc or package_count desc')
  }
  const limit = int(params, 'limit', 1000, 1, 1000)
  const offset = int(params, 'offset', 0, 0, 100_000)
  const only = stringList(params, 'organizations')
  let orgs = await catalogDepartments(audience)
  if (only) orgs = orgs.filter((o) => only.includes(o.id))
  orgs.sort((a, b) =>
    sortRaw === 'package_count desc'
      ? b.count - a.count || a.id.localeCompare(b.id)
      : sortRaw === 'title asc'
        ? a.name.zh.localeCompare(b.name.zh, 'zh') || a.id.localeCompare(b.id)
        : a.id.localeCompare(b.id),
  )
  const page = orgs.slice(offset, offset + limit)
  return allFields
    ? page.map((o) => ckanOrganization(o.id, o.name, o.count))
    : page.map((o) => o.id)
}

/** `/api/action/<name>` (ckanapi's default path) and `/api/3/action/<name>`: a known action, or CKAN's 404. */
export function ckanActionByName(
  name: string | undefined,
  request: Request,
  origin: string,
): Promise<Response> {
  if (name && (CKAN_ACTIONS as readonly string[]).includes(name))
    return ckanResponse(name as CkanAction, request, origin)
  const error = new CkanError(404, 'Not Found Error', { message: 'Action function not found' })
  return Promise.resolve(
    Response.json(ckanErrorBody(origin, name ?? '', error), {
      status: 404,
      headers: { 'Access-Control-Allow-Origin': '*' },
    }),
  )
}

/** Runs one CKAN action for a caller (anonymous callers see the open catalog only). */
export async function ckanResponse(
  action: CkanAction,
  request: Request,
  origin: string,
): Promise<Response> {
  const headers = { 'Access-Control-Allow-Origin': '*' }
  try {
    const viewer = await optionalViewer(request)
    const result = await runCkanAction(action, request, viewer, origin)
    return Response.json(ckanEnvelope(origin, action, result), { headers })
  } catch (error) {
    if (error instanceof CkanError)
      return Response.json(ckanErrorBody(origin, action, error), { status: error.status, headers })
    if (error instanceof Response && (error.status === 401 || error.status === 403)) {
      const denied = new CkanError(403, 'Authorization Error', {
        message: 'Access denied: the API key is not valid',
      })
      return Response.json(ckanErrorBody(origin, action, denied), { status: 403, headers })
    }
    throw error
  }
}

export async function runCkanAction(
  action: CkanAction,
  request: Request,
  viewer: AuthUser | undefined,
  origin: string,
) {
  const params = await ckanParams(request)
  const audience = catalogAudience(viewer)
  switch (action) {
    case 'package_search':
      return packageSearch(params, audience, origin)
    case 'package_show':
      return packageShow(params, audience, origin)
    case 'package_list':
      return packageList(params, audience)
    case 'organization_list':
      return organizationList(params, audience)
    case 'help_show':
      return helpShow(params)
  }
}
