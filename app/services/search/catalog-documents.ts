// How a catalog entry becomes a search document, and the short summary a result list shows. Pure
// (no database), so the benchmark and the tests map synthetic entries exactly as the web process
// does. The input is the catalog's index record (listed, approved entries only — see
// `listEntriesForIndex` in services/catalog/entries.server.ts).
import type { CatalogIndexRecord } from '~/services/catalog/entries.server'
import type { FacetFilter, IndexSchema, SearchDocument } from '~/lib/search/types'

export type { CatalogIndexRecord }

/** Facets a search can filter on and count (the list plus category and data form). */
export const CATALOG_FACETS = [
  'sharingType',
  'openAttribute',
  'grade',
  'department',
  'level',
  'region',
  'updateFrequency',
  'tags',
  'category',
  'dataForm',
  'format',
] as const
export type CatalogFacet = (typeof CATALOG_FACETS)[number]

/** `modified` = when the current version was approved; `dataUpdated` = Art. 16 last data update. */
export const CATALOG_SORT_KEYS = ['modified', 'dataUpdated'] as const
export type CatalogSortKey = (typeof CATALOG_SORT_KEYS)[number]

export const CATALOG_INDEX_SCHEMA: IndexSchema = {
  facets: CATALOG_FACETS.map((name) => ({ name, multi: name === 'tags' || name === 'format' })),
  sortKeys: CATALOG_SORT_KEYS,
}

/** Open attributes the public portal shows (Art. 32: open, and open once conditions are met). */
export const PUBLIC_OPEN_ATTRIBUTES = ['open_unconditional', 'open_conditional'] as const

/** Art. 32–33: what anyone may find without signing in. */
export const OPEN_SCOPE: readonly FacetFilter[] = [{ openAttribute: PUBLIC_OPEN_ATTRIBUTES }]

/** Distribution formats, upper case, each once (CSV, JSON, GEOJSON …). */
export function distributionFormats(record: CatalogIndexRecord): string[] {
  return [
    ...new Set(
      record.content.distributions.map((d) => d.format.trim().toUpperCase()).filter(Boolean),
    ),
  ]
}

export function catalogSearchDocument(record: CatalogIndexRecord): SearchDocument {
  const c = record.content
  const modified = Date.parse(record.publishedAt)
  return {
    id: record.id,
    fields: [
      { text: c.title.zh, weight: 3 },
      { text: c.title.en, weight: 3 },
      { text: c.tags.join(' '), weight: 2 },
      { text: record.code, weight: 2 },
      { text: c.description.zh, weight: 1 },
      { text: c.description.en, weight: 1 },
      { text: c.fields.map((f) => `${f.label.zh} ${f.label.en} ${f.name}`).join(' '), weight: 1 },
      { text: `${record.orgName.zh} ${record.orgName.en}`, weight: 1 },
    ],
    facets: {
      sharingType: c.sharingType,
      openAttribute: c.openAttribute,
      grade: c.grade.tier,
      department: record.orgId,
      level: record.level,
      region: record.regionCode,
      updateFrequency: c.updateFrequency,
      tags: c.tags,
      category: c.category,
      dataForm: c.dataForm,
      format: distributionFormats(record),
    },
    sortKeys: {
      modified,
      dataUpdated: record.lastDataUpdateAt ? Date.parse(record.lastDataUpdateAt) : modified,
    },
  }
}

const SUMMARY_TEXT = 240

function clip(text: string): string {
  const chars = Array.from(text)
  return chars.length > SUMMARY_TEXT ? chars.slice(0, SUMMARY_TEXT).join('') + '…' : text
}

/** What a result list shows of an entry; kept beside the index so a search needs no database read. */
export function catalogSummary(record: CatalogIndexRecord) {
  const c = record.content
  return {
    id: record.id,
    code: record.code,
    title: { zh: c.title.zh, en: c.title.en },
    description: { zh: clip(c.description.zh), en: clip(c.description.en) },
    tags: [...c.tags],
    orgId: record.orgId,
    orgName: { zh: record.orgName.zh, en: record.orgName.en },
    level: record.level,
    regionCode: record.regionCode,
    category: c.category,
    dataForm: c.dataForm,
    sharingType: c.sharingType,
    openAttribute: c.openAttribute,
    grade: c.grade.tier,
    updateFrequency: c.updateFrequency,
    formats: distributionFormats(record),
    version: record.version,
    publishedAt: record.publishedAt,
    lastDataUpdateAt: record.lastDataUpdateAt,
  }
}

export type CatalogSummary = ReturnType<typeof catalogSummary>
