// The search engine without a database: analysis, matching, facets, ranking, paging, updates, and
// agreement with the linear scan (the baseline the benchmark compares against).
import { describe, expect, it } from 'vitest'
import { syntheticEntries } from '../../../tools/bench-search-data'
import { analyzeQuery, documentTerms, foldText } from './analyzer.server'
import {
  CATALOG_INDEX_SCHEMA,
  catalogSearchDocument,
  OPEN_SCOPE,
} from '~/services/search/catalog-documents'
import { createSearchIndex, InvertedIndex } from './engine.server'
import { LinearScan } from './linear-scan.server'
import type { IndexSchema, SearchDocument } from './types'

const SCHEMA: IndexSchema = {
  facets: [{ name: 'kind' }, { name: 'region' }, { name: 'tags', multi: true }],
  sortKeys: ['updated'],
}

function doc(
  id: string,
  title: string,
  facets: SearchDocument['facets'] = {},
  updated = 0,
  body = '',
): SearchDocument {
  return {
    id,
    fields: [
      { text: title, weight: 3 },
      { text: body, weight: 1 },
    ],
    facets,
    sortKeys: { updated },
  }
}

describe('text analysis', () => {
  it('folds Traditional to Simplified, full width to half width, and case', () => {
    expect(foldText('廣東省數據開放')).toBe('广东省数据开放')
    expect(foldText('ＡＢＣ１２３ Data')).toBe('abc123 data')
  })

  it('indexes Chinese by bigrams plus segmenter words, English by stemmed words', () => {
    const terms = documentTerms('广东省企业登记统计数据 Enterprise Registrations')
    expect(terms).toEqual(
      expect.arrayContaining([
        '广东',
        '东省',
        '企业',
        '登记',
        '数据',
        'enterprise',
        'registration',
      ]),
    )
    expect(terms).not.toContain('registrations')
  })

  it('a query is split into words: two-character words are terms, longer words need all their bigrams', () => {
    expect(analyzeQuery('广东 企业').required.sort()).toEqual(['企业', '广东'])
    const q = analyzeQuery('广东企业数据')
    expect(q.required).toEqual(expect.arrayContaining(['广东', '企业', '数据']))
    expect(analyzeQuery('the data of Guangdong').required.sort()).toEqual(['data', 'guangdong'])
  })
})

describe('search engine', () => {
  const docs = [
    doc('a', '广东省企业登记数据', { kind: 'open', region: '440000', tags: ['企业', '登记'] }, 5),
    doc('b', '深圳市企业名录', { kind: 'open', region: '440300', tags: ['企业'] }, 4),
    doc('c', '廣州市戶籍人口數據', { kind: 'closed', region: '440100', tags: ['人口'] }, 3),
    doc('d', 'Land use of Guangdong', { kind: 'open', region: '440000' }, 2, '土地利用现状数据'),
    doc('e', '广东省土地利用现状数据', { kind: 'closed', region: '440000', tags: ['土地'] }, 1),
  ]
  const index = createSearchIndex(SCHEMA)
  index.replaceAll(docs)
  const ids = (r: { hits: { id: string }[] }) => r.hits.map((h) => h.id)

  it('Traditional and Simplified queries find the same entries (广东 / 廣東, 数据 / 數據)', () => {
    const simplified = index.search({ text: '广州 户籍', offset: 0, limit: 10 })
    const traditional = index.search({ text: '廣州 戶籍', offset: 0, limit: 10 })
    expect(ids(simplified)).toEqual(['c'])
    expect(ids(traditional)).toEqual(['c'])
    expect(ids(index.search({ text: '數據', offset: 0, limit: 10 })).sort()).toEqual(
      ids(index.search({ text: '数据', offset: 0, limit: 10 })).sort(),
    )
  })

  it('every query word must match; English and Chinese both work', () => {
    expect(ids(index.search({ text: '广东 企业', offset: 0, limit: 10 }))).toEqual(['a'])
    expect(ids(index.search({ text: 'land', offset: 0, limit: 10 }))).toEqual(['d'])
    expect(index.search({ text: '不存在的词', offset: 0, limit: 10 }).total).toBe(0)
  })

  it('ranks a title match above a body match', () => {
    const result = index.search({ text: '土地利用', offset: 0, limit: 10 })
    expect(ids(result)).toEqual(['e', 'd'])
    expect(result.hits[0]!.score).toBeGreaterThan(result.hits[1]!.score)
  })

  it('filters by facets (OR within a facet, AND across) and counts facet values over the matches', () => {
    const result = index.search({
      text: '数据',
      filters: { region: ['440000'] },
      offset: 0,
      limit: 10,
    })
    expect(ids(result).sort()).toEqual(['a', 'd', 'e'])
    expect(result.facets.kind).toEqual([
      { value: 'open', count: 2 },
      { value: 'closed', count: 1 },
    ])
    const two = index.search({
      filters: { region: ['440000', '440300'], kind: ['open'] },
      offset: 0,
      limit: 10,
    })
    expect(ids(two).sort()).toEqual(['a', 'b', 'd'])
    expect(index.search({ filters: { tags: ['企业'] }, offset: 0, limit: 10 }).total).toBe(2)
  })

  it('the scope restricts what a caller may see, whatever the filters', () => {
    const result = index.search({ text: '数据', scope: [{ kind: ['open'] }], offset: 0, limit: 10 })
    expect(ids(result).sort()).toEqual(['a', 'd'])
    expect(index.search({ scope: [], offset: 0, limit: 10 }).total).toBe(0)
  })

  it('pages without overlap and sorts by a key when there is no text', () => {
    const all = index.search({ offset: 0, limit: 10 })
    expect(ids(all)).toEqual(['a', 'b', 'c', 'd', 'e'])
    const p1 = index.search({ offset: 0, limit: 2 })
    const p2 = index.search({ offset: 2, limit: 2 })
    const p3 = index.search({ offset: 4, limit: 2 })
    expect([...ids(p1), ...ids(p2), ...ids(p3)]).toEqual(ids(all))
    expect(
      ids(index.search({ sort: { key: 'updated', order: 'asc' }, offset: 0, limit: 2 })),
    ).toEqual(['e', 'd'])
  })

  it('follows updates and removals (delta segment, then compaction)', () => {
    const live = new InvertedIndex(SCHEMA)
    live.replaceAll(docs)
    live.upsert(doc('b', '深圳市荔枝种植数据', { kind: 'open', region: '440300' }, 9))
    expect(ids(live.search({ text: '荔枝', offset: 0, limit: 10 }))).toEqual(['b'])
    expect(live.search({ text: '名录', offset: 0, limit: 10 }).total).toBe(0)
    live.remove('a')
    expect(ids(live.search({ text: '企业', offset: 0, limit: 10 }))).toEqual([])
    expect(live.search({ offset: 0, limit: 10 }).facets.region).toContainEqual({
      value: '440300',
      count: 1,
    })
    live.compact()
    expect(ids(live.search({ text: '荔枝', offset: 0, limit: 10 }))).toEqual(['b'])
    expect(live.size()).toBe(4)
    expect(live.stats().deltaDocuments).toBe(0)
  })
})

describe('top-k on a larger catalog', () => {
  const records = syntheticEntries(12_000, 3)
  const documents = records.map(catalogSearchDocument)
  const index = createSearchIndex(CATALOG_INDEX_SCHEMA)
  index.replaceAll(documents)
  const scan = new LinearScan(CATALOG_INDEX_SCHEMA)
  scan.replaceAll(documents)

  it('finds the same entries as the linear scan for Chinese words, with the same totals and facet counts', () => {
    for (const text of ['企业登记', '荔枝', '空气质量', '广东 统计']) {
      const a = index.search({ text, scope: OPEN_SCOPE, offset: 0, limit: 10_000 })
      const b = scan.search({ text, scope: OPEN_SCOPE, offset: 0, limit: 10_000 })
      expect(a.total, text).toBe(b.total)
      expect(new Set(a.hits.map((h) => h.id)), text).toEqual(new Set(b.hits.map((h) => h.id)))
      expect(a.facets.openAttribute, text).toEqual(b.facets.openAttribute)
    }
  })

  it('the threshold algorithm returns exactly the top k that scoring every match returns', () => {
    // 数据 and 广东 match thousands of entries: the engine reads impact-ordered lists and stops early.
    for (const text of ['数据', '广东 数据', '广东']) {
      const top = index.search({ text, offset: 0, limit: 20 })
      const everything = index.search({ text, offset: 0, limit: 10_000 })
      expect(top.total).toBeGreaterThan(2048)
      expect(top.hits.map((h) => h.score)).toEqual(everything.hits.slice(0, 20).map((h) => h.score))
      const page3 = index.search({ text, offset: 40, limit: 20 })
      expect(page3.hits.map((h) => h.score)).toEqual(
        everything.hits.slice(40, 60).map((h) => h.score),
      )
    }
  })

  it('counts facets of a query matching most entries the same way either path counts them', () => {
    const result = index.search({ text: '数据', offset: 0, limit: 5 })
    const byScan = scan.search({ text: '数据', offset: 0, limit: 5 })
    expect(result.total).toBe(byScan.total)
    expect(result.facets.grade).toEqual(byScan.facets.grade)
    expect(result.facets.tags).toEqual(byScan.facets.tags)
  })
})
