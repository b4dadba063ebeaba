// An in-process inverted index built for top-k retrieval with facet counts (ADR: search engine).
//
// Layout: documents have dense internal ids. A *main* segment (ids below `mainEnd`) holds, per term,
// a doc-id-sorted posting list with quantized BM25 term impacts (for intersection and random access)
// and, for frequent terms, the same postings ordered by impact (for the threshold algorithm) and a
// bitset (for O(1) membership). Documents added since the last compaction form a small *delta*
// (plain arrays, scored directly). Updates mark the old id dead and append; when the delta and dead
// ids grow past a fraction of the main segment, `compact()` rebuilds the main segment from the
// postings themselves (no re-analysis).
//
// A query: facet filters and the caller's scope → an allowed bitset; the required terms intersected
// from the shortest list → the match list (its length is the total); facet counts over the match list
// with per-document value arrays; then the top `offset + limit` by relevance: every match scored
// directly when there are few, otherwise Fagin's threshold algorithm over impact-ordered lists, which
// stops once no unseen document can beat the k-th best — frequent words (数据, 广东) never score
// every match.
import { analyzeFields, analyzeQuery } from './analyzer.server'
import type {
  FacetCount,
  FacetFilter,
  IndexSchema,
  IndexStats,
  SearchDocument,
  SearchIndex,
  SearchRequest,
  SearchResult,
} from './types'

const K1 = 1.2
const B = 0.75
/** Impacts are stored as Uint16: impact = q / IMPACT_SCALE, the BM25 tf part lies in [0, K1 + 1]. */
const IMPACT_SCALE = 65535 / (K1 + 1)
/** Boost terms (whole words of ≥ 3 Han characters) weigh this much of their idf. */
const BOOST_WEIGHT = 0.5
/** At most this many matches are scored one by one; above it the threshold algorithm runs. */
const DIRECT_SCORE_LIMIT = 2048
/** Terms in more than 1/16 of the documents get a membership bitset. */
const BITSET_FRACTION = 16
const MAX_DOCS = 1 << 21
/** Facet counts of this many (filters, scope) combinations are kept until the index changes. */
const COUNT_CACHE_SIZE = 64

interface MainPostings {
  docs: Int32Array
  impacts: Uint16Array
  /** Impact order (descending), only for terms with df > DIRECT_SCORE_LIMIT. */
  byImpactDocs?: Int32Array
  byImpactImpacts?: Uint16Array
  bits?: Uint32Array
}

interface DeltaPostings {
  docs: number[]
  impacts: number[]
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

function popcountAll(bits: Uint32Array, words: number): number {
  let n = 0
  for (let w = 0; w < words; w++) n += popcount(bits[w]!)
  return n
}

function hasBit(bits: Uint32Array, d: number): boolean {
  return ((bits[d >>> 5]! >>> (d & 31)) & 1) === 1
}

function setBit(bits: Uint32Array, d: number): void {
  bits[d >>> 5]! |= 1 << (d & 31)
}

function clearBit(bits: Uint32Array, d: number): void {
  bits[d >>> 5]! &= ~(1 << (d & 31))
}

/** Position of `d` in a sorted array, or -1. */
function findSorted(arr: Int32Array, d: number): number {
  let lo = 0
  let hi = arr.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = arr[mid]!
    if (v < d) lo = mid + 1
    else if (v > d) hi = mid - 1
    else return mid
  }
  return -1
}

/** Smallest position ≥ `from` whose value is ≥ d (exponential then binary search). */
function gallop(arr: Int32Array, from: number, d: number): number {
  let step = 1
  let hi = from
  while (hi < arr.length && arr[hi]! < d) {
    from = hi + 1
    hi += step
    step <<= 1
  }
  let lo = from
  hi = Math.min(hi, arr.length)
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (arr[mid]! < d) lo = mid + 1
    else hi = mid
  }
  return lo
}

function growInt32(arr: Int32Array, size: number, fill: number): Int32Array {
  if (arr.length >= size) return arr
  const next = new Int32Array(Math.max(size, arr.length * 2, 64)).fill(fill)
  next.set(arr)
  return next
}

function growFloat64(arr: Float64Array, size: number): Float64Array {
  if (arr.length >= size) return arr
  const next = new Float64Array(Math.max(size, arr.length * 2, 64))
  next.set(arr)
  return next
}

function growBits(arr: Uint32Array, size: number): Uint32Array {
  const words = (size + 31) >>> 5
  if (arr.length >= words) return arr
  const next = new Uint32Array(Math.max(words, arr.length * 2, 4))
  next.set(arr)
  return next
}

/** Sorts postings by impact descending, then doc id ascending. */
function sortByImpact(docs: ArrayLike<number>, impacts: ArrayLike<number>) {
  const n = docs.length
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) keys[i] = (65535 - impacts[i]!) * MAX_DOCS + docs[i]!
  keys.sort()
  const outDocs = new Int32Array(n)
  const outImpacts = new Uint16Array(n)
  for (let i = 0; i < n; i++) {
    const key = keys[i]!
    const doc = key % MAX_DOCS
    outDocs[i] = doc
    outImpacts[i] = 65535 - (key - doc) / MAX_DOCS
  }
  return { docs: outDocs, impacts: outImpacts }
}

/** A min-heap of (score, id) keeping the k best; ties keep the smaller id. */
class TopK {
  private scores: Float64Array
  private ids: Int32Array
  size = 0
  constructor(readonly k: number) {
    this.scores = new Float64Array(k)
    this.ids = new Int32Array(k)
  }
  /** a is worse than b. */
  private worse(sa: number, ia: number, sb: number, ib: number) {
    return sa < sb || (sa === sb && ia > ib)
  }
  minScore(): number {
    return this.size ? this.scores[0]! : -Infinity
  }
  push(score: number, id: number): void {
    if (this.k === 0) return
    if (this.size < this.k) {
      let i = this.size++
      while (i > 0) {
        const p = (i - 1) >> 1
        if (!this.worse(score, id, this.scores[p]!, this.ids[p]!)) break
        this.scores[i] = this.scores[p]!
        this.ids[i] = this.ids[p]!
        i = p
      }
      this.scores[i] = score
      this.ids[i] = id
      return
    }
    if (!this.worse(this.scores[0]!, this.ids[0]!, score, id)) return
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= this.size) break
      const r = l + 1
      let c = l
      if (r < this.size && this.worse(this.scores[r]!, this.ids[r]!, this.scores[l]!, this.ids[l]!))
        c = r
      if (!this.worse(this.scores[c]!, this.ids[c]!, score, id)) break
      this.scores[i] = this.scores[c]!
      this.ids[i] = this.ids[c]!
      i = c
    }
    this.scores[i] = score
    this.ids[i] = id
  }
  /** Best first. */
  sorted(): { id: number; score: number }[] {
    const out: { id: number; score: number }[] = []
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i]!, score: this.scores[i]! })
    return out.sort((a, b) => b.score - a.score || a.id - b.id)
  }
}

interface QueryList {
  term: number
  weight: number
  main: MainPostings | undefined
  delta: DeltaPostings | undefined
}

export class InvertedIndex implements SearchIndex {
  private readonly singleFacets: string[]
  private readonly multiFacets: string[]
  private readonly facetKind = new Map<string, { multi: boolean; slot: number }>()

  // Per-document tables, indexed by internal id.
  private extIds: (string | undefined)[] = []
  private alive: Uint32Array = new Uint32Array(4)
  private singleValues: Int32Array[]
  /** Multi-valued facets: main documents in CSR form, delta documents as arrays. */
  private multiCsr: { offsets: Int32Array; values: Int32Array }[]
  private multiValues: (number[] | undefined)[][]
  private sortValues: Float64Array[]
  private docCount = 0 // ids handed out
  private liveCount = 0
  private deadCount = 0
  private mainEnd = 0
  private byExtId = new Map<string, number>()

  // Facet value dictionaries (never shrink; values with no live document are dropped at compaction).
  private valueIds: Map<string, number>[]
  private valueNames: string[][]
  // Main-segment facet postings for filters: facet → value id → doc ids.
  private facetPostings: Int32Array[][] = []
  // Main-segment sort orders (ascending) per sort key.
  private sortOrders: Int32Array[] = []

  // Terms.
  private termIds = new Map<string, number>()
  private main: (MainPostings | undefined)[] = []
  private delta: (DeltaPostings | undefined)[] = []
  private df: number[] = []
  private avgLength = 0
  private postingCount = 0

  // Scratch space reused by queries (search is synchronous).
  private scratchA: Uint32Array = new Uint32Array(4)
  private scratchB: Uint32Array = new Uint32Array(4)
  private matchBits: Uint32Array = new Uint32Array(4)
  private seenBits: Uint32Array = new Uint32Array(4)
  private matchList: Int32Array = new Int32Array(64)
  private scratchList: Int32Array = new Int32Array(64)
  private countCache = new Map<
    string,
    { generation: number; total: number; counts: Int32Array[] }
  >()
  private generation = 0

  constructor(readonly schema: IndexSchema) {
    this.singleFacets = schema.facets.filter((f) => !f.multi).map((f) => f.name)
    this.multiFacets = schema.facets.filter((f) => f.multi).map((f) => f.name)
    this.singleFacets.forEach((name, slot) => this.facetKind.set(name, { multi: false, slot }))
    this.multiFacets.forEach((name, slot) => this.facetKind.set(name, { multi: true, slot }))
    this.singleValues = this.singleFacets.map(() => new Int32Array(0))
    this.multiValues = this.multiFacets.map(() => [])
    this.multiCsr = this.multiFacets.map(() => ({
      offsets: new Int32Array(1),
      values: new Int32Array(0),
    }))
    this.sortValues = schema.sortKeys.map(() => new Float64Array(0))
    this.valueIds = schema.facets.map(() => new Map())
    this.valueNames = schema.facets.map(() => [])
  }

  // ---------------------------------------------------------------- writing

  replaceAll(documents: Iterable<SearchDocument>): void {
    const fresh = new InvertedIndex(this.schema)
    fresh.bulkLoad(documents)
    Object.assign(this, fresh)
  }

  /**
   * Builds the main segment in two passes: analyze every document into compact (term id, weighted
   * tf) records, then write each term's postings into arrays of their exact size.
   */
  private bulkLoad(documents: Iterable<SearchDocument>): void {
    const recordTerms: Int32Array[] = []
    const recordTfs: Float32Array[] = []
    const lengths: number[] = []
    let totalLength = 0
    for (const doc of documents) {
      if (this.byExtId.has(doc.id)) this.removeInternal(doc.id)
      const { terms, length } = analyzeDocument(doc)
      const d = this.addToTables(doc)
      const ids = new Int32Array(terms.size)
      const tfs = new Float32Array(terms.size)
      let i = 0
      for (const [term, tf] of terms) {
        const t = this.internTerm(term)
        this.df[t]!++
        ids[i] = t
        tfs[i++] = tf
      }
      recordTerms[d] = ids
      recordTfs[d] = tfs
      lengths[d] = length
      totalLength += length
    }
    this.avgLength = lengths.length ? totalLength / lengths.length || 1 : 1
    const termCount = this.df.length
    const main: MainPostings[] = new Array<MainPostings>(termCount)
    for (let t = 0; t < termCount; t++)
      main[t] = { docs: new Int32Array(this.df[t]!), impacts: new Uint16Array(this.df[t]!) }
    const fill = new Int32Array(termCount)
    for (let d = 0; d < this.docCount; d++) {
      const ids = recordTerms[d]!
      const tfs = recordTfs[d]!
      const norm = this.lengthNorm(lengths[d]!)
      for (let i = 0; i < ids.length; i++) {
        const t = ids[i]!
        const at = fill[t]!++
        main[t]!.docs[at] = d
        main[t]!.impacts[at] = impactOf(tfs[i]!, norm)
      }
    }
    this.main = main
    this.postingCount = fill.reduce((a, b) => a + b, 0)
    // mainEnd stays 0 until compact(): the per-document tables are still in their delta form.
    this.compact()
  }

  upsert(document: SearchDocument): void {
    const { terms, length } = analyzeDocument(document)
    this.generation++
    if (this.avgLength === 0) this.avgLength = Math.max(length, 1)
    this.removeInternal(document.id)
    this.add(document, terms, length)
    this.maybeCompact()
  }

  remove(id: string): void {
    if (!this.removeInternal(id)) return
    this.generation++
    this.maybeCompact()
  }

  has(id: string): boolean {
    return this.byExtId.has(id)
  }

  size(): number {
    return this.liveCount
  }

  facetValues(facet: string): string[] {
    const index = this.schema.facets.findIndex((f) => f.name === facet)
    return index < 0 ? [] : [...this.valueNames[index]!]
  }

  /** Value ids of multi-valued facet `slot` for document d. */
  private multiOf(slot: number, d: number): readonly number[] | undefined {
    if (d >= this.mainEnd) return this.multiValues[slot]![d]
    const { offsets, values } = this.multiCsr[slot]!
    const from = offsets[d]!
    const to = offsets[d + 1]!
    return to > from ? Array.from(values.subarray(from, to)) : undefined
  }

  private facetIndex(name: string): number {
    return this.schema.facets.findIndex((f) => f.name === name)
  }

  private valueId(facetIndex: number, value: string): number {
    const ids = this.valueIds[facetIndex]!
    let id = ids.get(value)
    if (id === undefined) {
      id = this.valueNames[facetIndex]!.length
      ids.set(value, id)
      this.valueNames[facetIndex]!.push(value)
    }
    return id
  }

  private removeInternal(id: string): boolean {
    const internal = this.byExtId.get(id)
    if (internal === undefined) return false
    this.byExtId.delete(id)
    clearBit(this.alive, internal)
    this.extIds[internal] = undefined
    this.liveCount--
    this.deadCount++
    return true
  }

  private internTerm(term: string): number {
    let t = this.termIds.get(term)
    if (t === undefined) {
      t = this.df.length
      this.termIds.set(term, t)
      this.df.push(0)
    }
    return t
  }

  private lengthNorm(length: number): number {
    return K1 * (1 - B + (B * length) / (this.avgLength || 1))
  }

  /** A new internal id with the document's facet values and sort keys. */
  private addToTables(doc: SearchDocument): number {
    if (this.docCount >= MAX_DOCS - 1)
      throw new Error(`the search index holds at most ${MAX_DOCS - 1} documents`)
    const d = this.docCount++
    this.extIds[d] = doc.id
    this.byExtId.set(doc.id, d)
    this.alive = growBits(this.alive, d + 1)
    setBit(this.alive, d)
    this.liveCount++

    for (const [slot, name] of this.singleFacets.entries()) {
      this.singleValues[slot] = growInt32(this.singleValues[slot]!, d + 1, -1)
      const raw = doc.facets[name]
      const value = Array.isArray(raw) ? raw[0] : raw
      this.singleValues[slot]![d] =
        typeof value === 'string' && value ? this.valueId(this.facetIndex(name), value) : -1
    }
    for (const [slot, name] of this.multiFacets.entries()) {
      const raw = doc.facets[name]
      const values = raw == null ? [] : typeof raw === 'string' ? [raw] : [...raw]
      const fi = this.facetIndex(name)
      const ids = [...new Set(values.filter((v) => v).map((v) => this.valueId(fi, v)))]
      this.multiValues[slot]![d] = ids.length ? ids : undefined
    }
    for (const [slot, key] of this.schema.sortKeys.entries()) {
      this.sortValues[slot] = growFloat64(this.sortValues[slot]!, d + 1)
      this.sortValues[slot]![d] = doc.sortKeys?.[key] ?? 0
    }
    return d
  }

  /** Appends a document to the delta. */
  private add(doc: SearchDocument, terms: Map<string, number>, length: number): void {
    const d = this.addToTables(doc)
    const norm = this.lengthNorm(length)
    for (const [term, tf] of terms) {
      const t = this.internTerm(term)
      this.df[t]!++
      const list = (this.delta[t] ??= { docs: [], impacts: [] })
      list.docs.push(d)
      list.impacts.push(impactOf(tf, norm))
      this.postingCount++
    }
  }

  private maybeCompact(): void {
    const deltaDocs = this.docCount - this.mainEnd
    if (deltaDocs + this.deadCount > Math.max(512, this.mainEnd / 10)) this.compact()
  }

  /** Folds the delta into the main segment and drops dead documents, renumbering ids densely. */
  compact(): void {
    this.generation++
    const oldCount = this.docCount
    const remap = new Int32Array(oldCount).fill(-1)
    let next = 0
    for (let d = 0; d < oldCount; d++) if (hasBit(this.alive, d)) remap[d] = next++
    const live = next

    const extIds: string[] = new Array<string>(live)
    const singleValues = this.singleValues.map(() => new Int32Array(live))
    const multiValues: (readonly number[] | undefined)[][] = this.multiFacets.map(
      () => new Array<number[] | undefined>(live),
    )
    const sortValues = this.sortValues.map(() => new Float64Array(live))
    for (let d = 0; d < oldCount; d++) {
      const nd = remap[d]!
      if (nd < 0) continue
      extIds[nd] = this.extIds[d]!
      for (let s = 0; s < singleValues.length; s++) singleValues[s]![nd] = this.singleValues[s]![d]!
      for (let s = 0; s < multiValues.length; s++) multiValues[s]![nd] = this.multiOf(s, d)
      for (let s = 0; s < sortValues.length; s++) sortValues[s]![nd] = this.sortValues[s]![d]!
    }

    // Terms: main postings (live, remapped; order kept) followed by delta postings (ids above main).
    const termIds = new Map<string, number>()
    const main: MainPostings[] = []
    const df: number[] = []
    let postings = 0
    const bitsetThreshold = Math.max(DIRECT_SCORE_LIMIT, live / BITSET_FRACTION)
    for (const [term, t] of this.termIds) {
      const m = this.main[t]
      const dl = this.delta[t]
      let count = 0
      if (m) for (let i = 0; i < m.docs.length; i++) if (remap[m.docs[i]!]! >= 0) count++
      if (dl) for (let i = 0; i < dl.docs.length; i++) if (remap[dl.docs[i]!]! >= 0) count++
      if (count === 0) continue
      const docs = new Int32Array(count)
      const impacts = new Uint16Array(count)
      let k = 0
      if (m) {
        for (let i = 0; i < m.docs.length; i++) {
          const nd = remap[m.docs[i]!]!
          if (nd >= 0) {
            docs[k] = nd
            impacts[k++] = m.impacts[i]!
          }
        }
      }
      if (dl) {
        for (let i = 0; i < dl.docs.length; i++) {
          const nd = remap[dl.docs[i]!]!
          if (nd >= 0) {
            docs[k] = nd
            impacts[k++] = dl.impacts[i]!
          }
        }
      }
      const postingsOfTerm: MainPostings = { docs, impacts }
      if (count > DIRECT_SCORE_LIMIT) {
        const sorted = sortByImpact(docs, impacts)
        postingsOfTerm.byImpactDocs = sorted.docs
        postingsOfTerm.byImpactImpacts = sorted.impacts
      }
      if (count > bitsetThreshold) {
        const bits = new Uint32Array((live + 31) >>> 5)
        for (let i = 0; i < count; i++) setBit(bits, docs[i]!)
        postingsOfTerm.bits = bits
      }
      termIds.set(term, main.length)
      main.push(postingsOfTerm)
      df.push(count)
      postings += count
    }

    // Facet dictionaries: keep only values still in use, renumbered.
    const multiCsr = this.multiFacets.map(() => ({
      offsets: new Int32Array(1),
      values: new Int32Array(0),
    }))
    const valueIds: Map<string, number>[] = this.schema.facets.map(() => new Map())
    const valueNames: string[][] = this.schema.facets.map(() => [])
    const facetPostings: Int32Array[][] = this.schema.facets.map(() => [])
    for (const [fi, facet] of this.schema.facets.entries()) {
      const kind = this.facetKind.get(facet.name)!
      const counts = new Int32Array(this.valueNames[fi]!.length)
      if (kind.multi) {
        for (const values of multiValues[kind.slot]!)
          if (values) for (const v of values) counts[v]!++
      } else {
        for (const v of singleValues[kind.slot]!) if (v >= 0) counts[v]!++
      }
      const renumber = new Int32Array(counts.length).fill(-1)
      for (let v = 0; v < counts.length; v++) {
        if (counts[v]! > 0) {
          renumber[v] = valueNames[fi]!.length
          valueIds[fi]!.set(this.valueNames[fi]![v]!, valueNames[fi]!.length)
          valueNames[fi]!.push(this.valueNames[fi]![v]!)
          facetPostings[fi]!.push(new Int32Array(counts[v]!))
        }
      }
      const fill = new Int32Array(valueNames[fi]!.length)
      if (kind.multi) {
        const column = multiValues[kind.slot]!
        const offsets = new Int32Array(live + 1)
        let total = 0
        for (let d = 0; d < live; d++) {
          total += column[d]?.length ?? 0
          offsets[d + 1] = total
        }
        const values = new Int32Array(total)
        for (let d = 0; d < live; d++) {
          const vs = column[d]
          if (!vs) continue
          for (let j = 0; j < vs.length; j++) {
            const v = renumber[vs[j]!]!
            values[offsets[d]! + j] = v
            facetPostings[fi]![v]![fill[v]!++] = d
          }
        }
        multiCsr[kind.slot] = { offsets, values }
      } else {
        const column = singleValues[kind.slot]!
        for (let d = 0; d < live; d++) {
          const v = column[d]!
          if (v < 0) continue
          const nv = renumber[v]!
          column[d] = nv
          facetPostings[fi]![nv]![fill[nv]!++] = d
        }
      }
    }

    const sortOrders = sortValues.map((values) => {
      const order = new Int32Array(live)
      for (let i = 0; i < live; i++) order[i] = i
      return order.sort((a, b) => values[a]! - values[b]! || a - b)
    })

    this.extIds = extIds
    this.byExtId = new Map(extIds.map((id, d) => [id, d]))
    this.alive = new Uint32Array((live + 31) >>> 5 || 1)
    for (let d = 0; d < live; d++) setBit(this.alive, d)
    this.singleValues = singleValues
    this.multiCsr = multiCsr
    this.multiValues = this.multiFacets.map(() => [])
    this.sortValues = sortValues
    this.docCount = live
    this.liveCount = live
    this.deadCount = 0
    this.mainEnd = live
    this.valueIds = valueIds
    this.valueNames = valueNames
    this.facetPostings = facetPostings
    this.sortOrders = sortOrders
    this.termIds = termIds
    this.main = main
    this.delta = []
    this.df = df
    this.postingCount = postings
  }

  // ---------------------------------------------------------------- reading

  private ensureScratch(): void {
    const words = (this.docCount + 31) >>> 5
    if (this.scratchA.length < words) {
      this.scratchA = new Uint32Array(words * 2)
      this.scratchB = new Uint32Array(words * 2)
      this.matchBits = new Uint32Array(words * 2)
      this.seenBits = new Uint32Array(words * 2)
    }
    if (this.matchList.length < this.docCount) {
      this.matchList = new Int32Array(this.docCount * 2)
      this.scratchList = new Int32Array(this.docCount * 2)
    }
  }

  /** Documents satisfying one facet's values (OR), into `out` (cleared first). */
  private facetBits(
    facet: string,
    values: readonly string[],
    out: Uint32Array,
    words: number,
  ): void {
    out.fill(0, 0, words)
    const fi = this.facetIndex(facet)
    if (fi < 0) return
    const kind = this.facetKind.get(facet)!
    const wanted = new Set<number>()
    for (const value of values) {
      const v = this.valueIds[fi]!.get(value)
      if (v !== undefined) wanted.add(v)
    }
    if (wanted.size === 0) return
    for (const v of wanted) {
      const list = this.facetPostings[fi]![v]
      if (list) for (let i = 0; i < list.length; i++) setBit(out, list[i]!)
    }
    // Delta documents: from their value tables.
    for (let d = this.mainEnd; d < this.docCount; d++) {
      if (kind.multi) {
        const vs = this.multiValues[kind.slot]![d]
        if (vs && vs.some((v) => wanted.has(v))) setBit(out, d)
      } else if (wanted.has(this.singleValues[kind.slot]![d]!)) setBit(out, d)
    }
  }

  /** alive ∧ filters ∧ (scope clause 1 ∨ clause 2 …), or `alive` itself when nothing narrows it. */
  private allowedBits(
    filters: FacetFilter | undefined,
    scope: readonly FacetFilter[] | undefined,
  ): Uint32Array {
    const words = (this.docCount + 31) >>> 5
    const filterEntries = Object.entries(filters ?? {})
    if (!filterEntries.length && scope === undefined) return this.alive
    const allowed = this.matchBits // borrowed: matchBits is only filled after this
    allowed.set(this.alive.subarray(0, words))
    for (const [facet, values] of filterEntries) {
      this.facetBits(facet, values, this.scratchA, words)
      for (let w = 0; w < words; w++) allowed[w]! &= this.scratchA[w]!
    }
    if (scope !== undefined) {
      const union = this.seenBits // borrowed too: cleared before use by the ranking
      union.fill(0, 0, words)
      for (const clause of scope) {
        const clauseBits = this.scratchB
        clauseBits.set(this.alive.subarray(0, words))
        for (const [facet, values] of Object.entries(clause)) {
          this.facetBits(facet, values, this.scratchA, words)
          for (let w = 0; w < words; w++) clauseBits[w]! &= this.scratchA[w]!
        }
        for (let w = 0; w < words; w++) union[w]! |= clauseBits[w]!
      }
      for (let w = 0; w < words; w++) allowed[w]! &= union[w]!
    }
    const out = this.scratchB
    out.set(allowed.subarray(0, words))
    return out
  }

  private idf(term: number): number {
    const n = Math.max(this.liveCount, 1)
    const df = Math.max(this.df[term] ?? 0, 1)
    // Never zero, so a word in every document still ranks by how prominent it is.
    return Math.log(1 + n / df)
  }

  private lists(terms: string[], weight: number): (QueryList | null)[] {
    return terms.map((term) => {
      const t = this.termIds.get(term)
      if (t === undefined) return null
      return { term: t, weight: this.idf(t) * weight, main: this.main[t], delta: this.delta[t] }
    })
  }

  search(request: SearchRequest): SearchResult {
    this.ensureScratch()
    const words = (this.docCount + 31) >>> 5
    const allowed = this.allowedBits(request.filters, request.scope)
    const analyzed = analyzeQuery(request.text ?? '')
    const hasText = analyzed.required.length > 0
    const requiredLists = this.lists(analyzed.required, 1)
    const boostLists = this.lists(analyzed.boost, BOOST_WEIGHT).filter(
      (l): l is QueryList => l !== null,
    )
    const k = Math.max(0, request.offset + request.limit)

    // 1. Matches.
    let matchCount = 0
    let mainMatches = 0
    const matchList = this.matchList
    if (hasText) {
      if (requiredLists.every((l) => l !== null)) {
        const lists = (requiredLists as QueryList[])
          .slice()
          .sort((a, b) => (this.df[a.term] ?? 0) - (this.df[b.term] ?? 0))
        mainMatches = this.intersectMain(lists, allowed, matchList)
        matchCount = mainMatches + this.intersectDelta(lists, allowed, matchList, mainMatches)
      }
    } else {
      for (let w = 0; w < words; w++) {
        let bits = allowed[w]!
        while (bits !== 0) {
          const low = bits & -bits
          const d = (w << 5) + 31 - Math.clz32(low)
          matchList[matchCount++] = d
          if (d < this.mainEnd) mainMatches++
          bits ^= low
        }
      }
    }

    // 2. Facet counts over the matches.
    const facets = this.countFacets(request, allowed, !hasText, matchList, matchCount)

    // 3. The top k.
    let top: { id: number; score: number }[]
    const sort = request.sort ?? 'relevance'
    if (k === 0 || matchCount === 0) top = []
    else if (sort === 'relevance' && hasText) {
      top = this.topByRelevance(
        requiredLists as QueryList[],
        boostLists,
        matchList,
        matchCount,
        mainMatches,
        k,
      )
    } else {
      const by = sort === 'relevance' ? this.schema.sortKeys[0] : sort.key
      const order = sort === 'relevance' ? 'desc' : sort.order
      top = this.topByKey(by, order, matchList, matchCount, mainMatches, allowed, hasText, k)
    }
    const hits = top.slice(request.offset, request.offset + request.limit).map((h) => ({
      id: this.extIds[h.id]!,
      score: Math.round(h.score * 1000) / 1000,
    }))
    return { total: matchCount, hits, facets }
  }

  /** Main-segment documents in every list and allowed → matchList[0..n). */
  private intersectMain(lists: QueryList[], allowed: Uint32Array, out: Int32Array): number {
    const first = lists[0]!.main
    if (!first) return 0
    const rest = lists.slice(1).map((l) => l.main)
    if (rest.some((m) => !m)) return 0
    const others = rest as MainPostings[]
    const cursors = new Int32Array(others.length)
    let n = 0
    const docs = first.docs
    outer: for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!
      if (!hasBit(allowed, d)) continue
      for (let j = 0; j < others.length; j++) {
        const o = others[j]!
        if (o.bits) {
          if (!hasBit(o.bits, d)) continue outer
        } else {
          const pos = gallop(o.docs, cursors[j]!, d)
          cursors[j] = pos
          if (pos >= o.docs.length) break outer
          if (o.docs[pos] !== d) continue outer
        }
      }
      out[n++] = d
    }
    return n
  }

  /** Delta documents in every list (delta or main? a delta doc's postings are all in the delta). */
  private intersectDelta(
    lists: QueryList[],
    allowed: Uint32Array,
    out: Int32Array,
    at: number,
  ): number {
    if (this.docCount === this.mainEnd) return 0
    const deltaLists = lists.map((l) => l.delta)
    if (deltaLists.some((l) => !l)) return 0
    const sorted = (deltaLists as DeltaPostings[])
      .slice()
      .sort((a, b) => a.docs.length - b.docs.length)
    const sets = sorted.slice(1).map((l) => new Set(l.docs))
    let n = 0
    for (const d of sorted[0]!.docs) {
      if (!hasBit(allowed, d)) continue
      if (sets.every((s) => s.has(d))) out[at + n++] = d
    }
    return n
  }

  /** Counts of every value of the facets at `indices` over a list of documents. */
  private rawCounts(indices: readonly number[], docs: Int32Array, count: number): Int32Array[] {
    const out: Int32Array[] = []
    for (const fi of indices) {
      const kind = this.facetKind.get(this.schema.facets[fi]!.name)!
      const counts = new Int32Array(this.valueNames[fi]!.length)
      if (kind.multi) {
        const csr = this.multiCsr[kind.slot]!
        countMulti(csr.offsets, csr.values, docs, count, this.mainEnd, counts)
        const column = this.multiValues[kind.slot]!
        for (let i = 0; i < count; i++) {
          const d = docs[i]!
          if (d < this.mainEnd) continue
          const values = column[d]
          if (values) for (let j = 0; j < values.length; j++) counts[values[j]!]!++
        }
      } else {
        countSingle(this.singleValues[kind.slot]!, docs, count, counts)
      }
      out.push(counts)
    }
    return out
  }

  /**
   * Facet counts over the whole allowed set, cached per (filters, scope) until the index changes —
   * like a filter cache: a browse page and a query matching most of the allowed set reuse them.
   */
  private allowedCounts(
    key: string,
    allowed: Uint32Array,
  ): { total: number; counts: Int32Array[] } {
    const cached = this.countCache.get(key)
    if (cached && cached.generation === this.generation) {
      this.countCache.delete(key)
      this.countCache.set(key, cached)
      return cached
    }
    const list = this.scratchList
    let n = 0
    const words = (this.docCount + 31) >>> 5
    for (let w = 0; w < words; w++) {
      let bits = allowed[w]!
      while (bits !== 0) {
        const low = bits & -bits
        list[n++] = (w << 5) + 31 - Math.clz32(low)
        bits ^= low
      }
    }
    const entry = {
      generation: this.generation,
      total: n,
      counts: this.rawCounts(
        this.schema.facets.map((_, i) => i),
        list,
        n,
      ),
    }
    this.countCache.set(key, entry)
    if (this.countCache.size > COUNT_CACHE_SIZE)
      this.countCache.delete(this.countCache.keys().next().value!)
    return entry
  }

  private countFacets(
    request: SearchRequest,
    allowed: Uint32Array,
    browse: boolean,
    matches: Int32Array,
    count: number,
  ): Record<string, FacetCount[]> {
    const wanted = request.facets
    const indices = this.schema.facets.flatMap((f, i) =>
      !wanted || wanted.includes(f.name) ? [i] : [],
    )
    if (indices.length === 0) return {}
    const key = JSON.stringify([request.filters ?? null, request.scope ?? null])
    let counts: Int32Array[]
    if (browse) {
      const all = this.allowedCounts(key, allowed).counts
      counts = indices.map((fi) => all[fi]!)
    } else {
      const cached = this.countCache.get(key)
      const base = cached && cached.generation === this.generation ? cached : undefined
      const allowedTotal = base?.total ?? popcountAll(allowed, (this.docCount + 31) >>> 5)
      if (count * 2 > allowedTotal) {
        // Most of the allowed set matches: allowed counts minus the allowed documents that do not match.
        const all = (base ?? this.allowedCounts(key, allowed)).counts
        const words = (this.docCount + 31) >>> 5
        const matchBits = this.matchBits
        matchBits.fill(0, 0, words)
        for (let i = 0; i < count; i++) setBit(matchBits, matches[i]!)
        const rest = this.scratchList
        let n = 0
        for (let w = 0; w < words; w++) {
          let bits = allowed[w]! & ~matchBits[w]!
          while (bits !== 0) {
            const low = bits & -bits
            rest[n++] = (w << 5) + 31 - Math.clz32(low)
            bits ^= low
          }
        }
        const minus = this.rawCounts(indices, rest, n)
        counts = indices.map((fi, k) => {
          const c = all[fi]!.slice()
          const m = minus[k]!
          for (let v = 0; v < c.length; v++) c[v]! -= m[v]!
          return c
        })
      } else {
        counts = this.rawCounts(indices, matches, count)
      }
    }
    const limit = request.facetLimit ?? 50
    const out: Record<string, FacetCount[]> = {}
    indices.forEach((fi, k) => {
      const c = counts[k]!
      const names = this.valueNames[fi]!
      const list: FacetCount[] = []
      for (let v = 0; v < c.length; v++)
        if (c[v]! > 0) list.push({ value: names[v]!, count: c[v]! })
      list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      out[this.schema.facets[fi]!.name] = list.slice(0, limit)
    })
    return out
  }

  /** Impact of term list `l` in main document d (0 when absent). */
  private mainImpact(l: QueryList, d: number): number {
    const m = l.main
    if (!m) return 0
    if (m.bits && !hasBit(m.bits, d)) return 0
    const pos = findSorted(m.docs, d)
    return pos < 0 ? 0 : m.impacts[pos]!
  }

  private deltaImpact(l: QueryList, d: number): number {
    const dl = l.delta
    if (!dl) return 0
    // Delta lists are short and ascending.
    let lo = 0
    let hi = dl.docs.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const v = dl.docs[mid]!
      if (v < d) lo = mid + 1
      else if (v > d) hi = mid - 1
      else return dl.impacts[mid]!
    }
    return 0
  }

  private topByRelevance(
    required: QueryList[],
    boost: QueryList[],
    matches: Int32Array,
    matchCount: number,
    mainMatches: number,
    k: number,
  ): { id: number; score: number }[] {
    const all = [...required, ...boost]
    const heap = new TopK(k)
    // Delta documents: few, scored directly.
    for (let i = mainMatches; i < matchCount; i++) {
      const d = matches[i]!
      let s = 0
      for (const l of all) s += l.weight * this.deltaImpact(l, d)
      heap.push(s / IMPACT_SCALE, d)
    }
    if (
      mainMatches <= DIRECT_SCORE_LIMIT ||
      all.some((l) => l.main && !l.main.byImpactDocs && required.includes(l))
    ) {
      for (let i = 0; i < mainMatches; i++) {
        const d = matches[i]!
        let s = 0
        for (const l of all) s += l.weight * this.mainImpact(l, d)
        heap.push(s / IMPACT_SCALE, d)
      }
      return heap.sorted()
    }
    this.thresholdAlgorithm(all, matches, mainMatches, heap)
    return heap.sorted()
  }

  /**
   * Fagin's threshold algorithm: read the impact-ordered lists best-first; score each newly seen
   * match by random access; stop when the k-th best score reaches the bound on any unseen document
   * (the sum of the lists' current impacts). Lists without an impact order (short boost lists) add
   * their maximum impact to the bound.
   */
  private thresholdAlgorithm(
    lists: QueryList[],
    matches: Int32Array,
    mainMatches: number,
    heap: TopK,
  ): void {
    const words = (this.mainEnd + 31) >>> 5
    const matchBits = this.matchBits
    matchBits.fill(0, 0, words)
    for (let i = 0; i < mainMatches; i++) setBit(matchBits, matches[i]!)
    const seen = this.seenBits
    seen.fill(0, 0, words)

    const sorted = lists.filter((l) => l.main?.byImpactDocs)
    const randomOnly = lists.filter((l) => l.main && !l.main.byImpactDocs)
    let staticBound = 0
    for (const l of randomOnly) {
      let max = 0
      for (const v of l.main!.impacts) if (v > max) max = v
      staticBound += l.weight * max
    }
    const cursors = new Int32Array(sorted.length)
    let scored = 0
    for (;;) {
      // The list whose next posting contributes most.
      let best = -1
      let bestValue = -1
      let bound = staticBound
      for (let i = 0; i < sorted.length; i++) {
        const m = sorted[i]!.main!
        const c = cursors[i]!
        if (c >= m.byImpactDocs!.length) continue
        const value = sorted[i]!.weight * m.byImpactImpacts![c]!
        bound += value
        if (value > bestValue) {
          bestValue = value
          best = i
        }
      }
      if (best < 0) break
      if (heap.size >= heap.k && heap.minScore() >= bound / IMPACT_SCALE) break
      const m = sorted[best]!.main!
      const d = m.byImpactDocs![cursors[best]!]!
      cursors[best]!++
      if (!hasBit(matchBits, d) || hasBit(seen, d)) continue
      setBit(seen, d)
      let s = 0
      for (const l of lists) s += l.weight * this.mainImpact(l, d)
      heap.push(s / IMPACT_SCALE, d)
      if (++scored >= mainMatches) break
    }
  }

  private topByKey(
    key: string | undefined,
    order: 'asc' | 'desc',
    matches: Int32Array,
    matchCount: number,
    mainMatches: number,
    allowed: Uint32Array,
    hasText: boolean,
    k: number,
  ): { id: number; score: number }[] {
    const slot = key === undefined ? -1 : this.schema.sortKeys.indexOf(key)
    const values = slot >= 0 ? this.sortValues[slot]! : undefined
    const sign = order === 'asc' ? 1 : -1
    const compare = (a: number, b: number) =>
      (values ? sign * (values[a]! - values[b]!) : 0) || a - b
    const picked: number[] = []
    if (!values || mainMatches <= DIRECT_SCORE_LIMIT) {
      for (let i = 0; i < mainMatches; i++) picked.push(matches[i]!)
    } else {
      // Walk the precomputed order, keeping matches, until k are found.
      let member = allowed
      if (hasText) {
        const words = (this.mainEnd + 31) >>> 5
        member = this.matchBits
        member.fill(0, 0, words)
        for (let i = 0; i < mainMatches; i++) setBit(member, matches[i]!)
      }
      const sortOrder = this.sortOrders[slot]!
      const n = sortOrder.length
      for (let i = 0; i < n && picked.length < k; i++) {
        const d = sortOrder[order === 'asc' ? i : n - 1 - i]!
        if (hasBit(member, d)) picked.push(d)
      }
    }
    for (let i = mainMatches; i < matchCount; i++) picked.push(matches[i]!)
    picked.sort(compare)
    return picked.slice(0, k).map((id) => ({ id, score: 0 }))
  }

  stats(): IndexStats {
    let bytes = 0
    for (const m of this.main) {
      if (!m) continue
      bytes += m.docs.byteLength + m.impacts.byteLength
      bytes +=
        (m.byImpactDocs?.byteLength ?? 0) +
        (m.byImpactImpacts?.byteLength ?? 0) +
        (m.bits?.byteLength ?? 0)
    }
    for (const dl of this.delta) if (dl) bytes += dl.docs.length * 16
    for (const [term] of this.termIds) bytes += 40 + term.length * 2
    for (const id of this.extIds) bytes += id ? 40 + id.length * 2 : 8
    for (const v of this.singleValues) bytes += v.byteLength
    for (const v of this.sortValues) bytes += v.byteLength
    for (const csr of this.multiCsr) bytes += csr.offsets.byteLength + csr.values.byteLength
    for (const column of this.multiValues)
      for (const v of column) bytes += v ? 16 + v.length * 8 : 8
    for (const lists of this.facetPostings) for (const l of lists) bytes += l.byteLength
    for (const o of this.sortOrders) bytes += o.byteLength
    return {
      documents: this.liveCount,
      terms: this.termIds.size,
      postings: this.postingCount,
      approxBytes: bytes,
      deltaDocuments: this.docCount - this.mainEnd,
      deadDocuments: this.deadCount,
    }
  }
}

function countSingle(
  column: Int32Array,
  matches: Int32Array,
  count: number,
  counts: Int32Array,
): void {
  for (let i = 0; i < count; i++) {
    const v = column[matches[i]!]!
    if (v >= 0) counts[v]!++
  }
}

/** Counts main-segment documents only (matches are ascending within the main segment). */
function countMulti(
  offsets: Int32Array,
  values: Int32Array,
  matches: Int32Array,
  count: number,
  mainEnd: number,
  counts: Int32Array,
): void {
  for (let i = 0; i < count; i++) {
    const d = matches[i]!
    if (d >= mainEnd) continue
    const to = offsets[d + 1]!
    for (let j = offsets[d]!; j < to; j++) counts[values[j]!]!++
  }
}

/** The BM25 term-frequency part, quantized to Uint16 (never 0, so presence is never lost). */
function impactOf(tf: number, norm: number): number {
  return Math.min(65535, Math.max(1, Math.round(((tf * (K1 + 1)) / (tf + norm)) * IMPACT_SCALE)))
}

/** Term → weighted frequency, and the weighted length, of a document's fields. */
export function analyzeDocument(doc: SearchDocument): {
  terms: Map<string, number>
  length: number
} {
  return analyzeFields(doc.fields)
}

export function createSearchIndex(schema: IndexSchema): SearchIndex {
  return new InvertedIndex(schema)
}
