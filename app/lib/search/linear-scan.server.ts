// The honest baseline an index must beat: every query scans every document in memory. Texts are
// folded once at load (so the scan does not pay for folding), a document matches when its text
// contains every required query term, the score counts weighted occurrences, and facets are counted
// over the matches. Used by `npm run bench:search` and by the tests as a second opinion.
import { analyzeQuery, foldText } from './analyzer.server'
import type {
  FacetCount,
  FacetFilter,
  IndexSchema,
  SearchDocument,
  SearchRequest,
  SearchResult,
} from './types'

interface ScanDoc {
  id: string
  fields: { text: string; weight: number }[]
  facets: Record<string, readonly string[]>
  sortKeys: Record<string, number>
}

function occurrences(text: string, term: string): number {
  let n = 0
  let at = text.indexOf(term)
  while (at >= 0) {
    n++
    at = text.indexOf(term, at + term.length)
  }
  return n
}

function satisfies(doc: ScanDoc, filter: FacetFilter): boolean {
  for (const [facet, values] of Object.entries(filter)) {
    const have = doc.facets[facet] ?? []
    if (!have.some((v) => values.includes(v))) return false
  }
  return true
}

export class LinearScan {
  private docs: ScanDoc[] = []
  constructor(readonly schema: IndexSchema) {}

  replaceAll(documents: Iterable<SearchDocument>): void {
    this.docs = []
    for (const doc of documents) {
      const facets: Record<string, readonly string[]> = {}
      for (const [name, raw] of Object.entries(doc.facets)) {
        facets[name] = raw == null ? [] : typeof raw === 'string' ? [raw] : [...raw]
      }
      this.docs.push({
        id: doc.id,
        fields: doc.fields
          .filter((f) => f.text)
          .map((f) => ({ text: foldText(f.text), weight: f.weight })),
        facets,
        sortKeys: { ...doc.sortKeys },
      })
    }
  }

  search(request: SearchRequest): SearchResult {
    const { required } = analyzeQuery(request.text ?? '')
    const matches: { doc: ScanDoc; score: number }[] = []
    for (const doc of this.docs) {
      if (request.filters && !satisfies(doc, request.filters)) continue
      if (request.scope && !request.scope.some((clause) => satisfies(doc, clause))) continue
      let score = 0
      let all = true
      for (const term of required) {
        let found = 0
        for (const field of doc.fields) found += field.weight * occurrences(field.text, term)
        if (found === 0) {
          all = false
          break
        }
        score += found
      }
      if (all) matches.push({ doc, score })
    }
    const sort = request.sort ?? 'relevance'
    if (sort === 'relevance' && required.length) matches.sort((a, b) => b.score - a.score)
    else {
      const key = sort === 'relevance' ? this.schema.sortKeys[0] : sort.key
      const sign = sort !== 'relevance' && sort.order === 'asc' ? 1 : -1
      if (key)
        matches.sort((a, b) => sign * ((a.doc.sortKeys[key] ?? 0) - (b.doc.sortKeys[key] ?? 0)))
    }
    const facets: Record<string, FacetCount[]> = {}
    for (const facet of this.schema.facets) {
      if (request.facets && !request.facets.includes(facet.name)) continue
      const counts = new Map<string, number>()
      for (const { doc } of matches)
        for (const v of doc.facets[facet.name] ?? []) counts.set(v, (counts.get(v) ?? 0) + 1)
      facets[facet.name] = [...counts]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
        .slice(0, request.facetLimit ?? 50)
    }
    return {
      total: matches.length,
      hits: matches
        .slice(request.offset, request.offset + request.limit)
        .map((m) => ({ id: m.doc.id, score: m.score })),
      facets,
    }
  }
}
