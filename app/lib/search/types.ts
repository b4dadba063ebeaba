// The search module's interface. The catalog, the open-data portal and (later) the product
// marketplace each keep one index of this kind; only the document mapping differs.

export interface FacetDefinition {
  name: string
  /** A document may carry several values (tags). */
  multi?: boolean
}

export interface IndexSchema {
  facets: readonly FacetDefinition[]
  /** Numeric sort keys (e.g. `updated` = epoch ms); the first is the default order when there is no text. */
  sortKeys: readonly string[]
}

export interface IndexedField {
  text: string
  /** Relative importance: title 3, tags 2, body 1. */
  weight: number
}

export interface SearchDocument {
  id: string
  fields: readonly IndexedField[]
  facets: Readonly<Record<string, string | readonly string[] | null | undefined>>
  sortKeys?: Readonly<Record<string, number>>
}

/** Facet name → accepted values (OR within a facet, AND across facets). */
export type FacetFilter = Readonly<Record<string, readonly string[]>>

/** Relevance needs text; without text it falls back to the first sort key, descending. */
export type SearchSort = 'relevance' | { key: string; order: 'asc' | 'desc' }

export interface SearchRequest {
  text?: string
  /** What the user chose. */
  filters?: FacetFilter
  /**
   * What the caller may see, set by the server: a document must satisfy at least one clause.
   * Undefined = everything; an empty array = nothing.
   */
  scope?: readonly FacetFilter[]
  sort?: SearchSort
  offset: number
  limit: number
  /** Facets to count (default: all). */
  facets?: readonly string[]
  /** Values per facet, most frequent first (default 50). */
  facetLimit?: number
}

export interface SearchHit {
  id: string
  score: number
}

export interface FacetCount {
  value: string
  count: number
}

export interface SearchResult {
  total: number
  hits: SearchHit[]
  facets: Record<string, FacetCount[]>
}

export interface IndexStats {
  documents: number
  terms: number
  postings: number
  /** Bytes held in typed arrays and per-document tables (an estimate; strings counted at 2 bytes a char). */
  approxBytes: number
  deltaDocuments: number
  deadDocuments: number
}

export interface SearchIndex {
  readonly schema: IndexSchema
  /** Replaces the whole content (start-up load, rebuild command). */
  replaceAll(documents: Iterable<SearchDocument>): void
  upsert(document: SearchDocument): void
  remove(id: string): void
  has(id: string): boolean
  size(): number
  /** Values a facet currently has (used to refuse unknown filter values). */
  facetValues(facet: string): string[]
  search(request: SearchRequest): SearchResult
  stats(): IndexStats
}
