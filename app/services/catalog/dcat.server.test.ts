// The DCAT-3 export against the DCAT-AP 3.0.1 SHACL shapes (tests/fixtures/dcat-ap-3.0.1, CC-BY 4.0):
// shapes.ttl (cardinalities, node kinds, datatypes) and range.ttl (class ranges) must report no
// violation. The EU-vocabulary shapes need the EU code lists, which are not available offline.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import jsonld from 'jsonld'
import { Parser, Store, type Quad } from 'n3'
import SHACLValidator from 'rdf-validate-shacl'
import { describe, expect, it } from 'vitest'
import { syntheticEntries } from '../../../tools/bench-search-data'
import {
  catalogDocument,
  CONTEXT_PATH,
  datasetDocument,
  GDPDE_DCAT_CONTEXT,
  GDPDE_NS,
} from './dcat.server'
import type { CatalogIndexRecord } from './entries.server'

const REFERENCE = path.resolve('tests/fixtures/dcat-ap-3.0.1')
const ORIGIN = 'http://localhost:3000'

function turtle(file: string): Quad[] {
  return new Parser().parse(readFileSync(path.join(REFERENCE, file), 'utf8'))
}

// The published context, served from our own origin: loaded from public/ instead of the network.
const documentLoader = async (url: string) => {
  if (url === ORIGIN + CONTEXT_PATH) {
    return {
      contextUrl: undefined,
      documentUrl: url,
      document: JSON.parse(readFileSync(path.resolve('public' + CONTEXT_PATH), 'utf8')),
    }
  }
  throw new Error(`no network in tests: ${url}`)
}

async function quadsOf(doc: object): Promise<Quad[]> {
  const nquads = (await jsonld.toRDF(doc as jsonld.JsonLdDocument, {
    format: 'application/n-quads',
    documentLoader,
  })) as unknown as string
  return new Parser({ format: 'N-Quads' }).parse(nquads)
}

async function violations(doc: object, shapeFiles: string[]) {
  const shapes = new Store(shapeFiles.flatMap(turtle))
  const data = new Store(await quadsOf(doc))
  const report = await new SHACLValidator(shapes).validate(data)
  return report.results
    .filter((r) => r.severity?.value.endsWith('Violation'))
    .map(
      (r) => `${r.focusNode?.value} ${r.path?.value}: ${r.message.map((m) => m.value).join('; ')}`,
    )
}

function sample(): CatalogIndexRecord[] {
  const [a, b, c] = syntheticEntries(3, 7)
  const api: CatalogIndexRecord = {
    ...c!,
    content: {
      ...c!.content,
      dataForm: 'api',
      openAttribute: 'open_conditional',
      openConditions: '须签署数据使用协议',
      distributions: [
        {
          key: 'rest',
          title: { zh: '查询接口', en: 'Query API' },
          format: 'JSON',
          accessUrl: 'https://api.example.org/v1/q',
          downloadRef: null,
          desensitized: true,
        },
      ],
    },
  }
  const closed: CatalogIndexRecord = {
    ...b!,
    content: {
      ...b!.content,
      openAttribute: 'not_open',
      distributions: [],
      title: { zh: b!.content.title.zh, en: '' },
    },
  }
  return [a!, closed, api]
}

describe('DCAT-3 export', () => {
  it('art10 an entry is a dcat:Dataset with zh and en titles and the Art. 10 fields as extension properties', async () => {
    const record = sample()[0]!
    const doc = datasetDocument(record, ORIGIN)
    const quads = await quadsOf(doc)
    const titles = quads.filter(
      (q) =>
        q.predicate.value === 'http://purl.org/dc/terms/title' &&
        q.subject.value.endsWith(record.id),
    )
    expect(titles.map((q) => (q.object as { language: string }).language).sort()).toEqual([
      'en',
      'zh',
    ])
    const sharingType = quads.find((q) => q.predicate.value === `${GDPDE_NS}sharingType`)
    expect(sharingType?.object.value).toBe(record.content.sharingType)
    const providing = quads.find((q) => q.predicate.value === `${GDPDE_NS}providingDepartment`)
    expect(providing?.object.termType).toBe('NamedNode')
    const types = quads
      .filter((q) => q.predicate.value.endsWith('#type'))
      .map((q) => q.object.value)
    expect(types).toContain('http://www.w3.org/ns/dcat#Dataset')
    expect(types).toContain('http://www.w3.org/ns/dcat#Distribution')
  })

  it('entry exports (open, closed, API with a data service) report no violation of shapes.ttl and range.ttl', async () => {
    for (const record of sample()) {
      expect(
        await violations(datasetDocument(record, ORIGIN), ['shapes.ttl', 'range.ttl']),
      ).toEqual([])
    }
  })

  it('the whole catalog (dcat:Catalog with datasets and data services) reports no violation', async () => {
    const doc = catalogDocument(
      { records: sample(), nextAfter: 'ffffffffffffffffffffffff', after: null },
      ORIGIN,
    )
    expect(await violations(doc, ['shapes.ttl', 'range.ttl'])).toEqual([])
    const quads = await quadsOf(doc)
    expect(quads.some((q) => q.object.value === 'http://www.w3.org/ns/dcat#DataService')).toBe(true)
    expect(quads.some((q) => q.predicate.value === 'http://www.w3.org/ns/hydra/core#next')).toBe(
      true,
    )
  })

  it('the published context at /contexts/gdpde-dcat.jsonld is the one embedded inline, and gives the same RDF', async () => {
    const published = JSON.parse(readFileSync(path.resolve('public' + CONTEXT_PATH), 'utf8'))
    expect(published).toEqual(JSON.parse(JSON.stringify(GDPDE_DCAT_CONTEXT)))
    const record = sample()[2]!
    const inline = (await quadsOf(datasetDocument(record, ORIGIN, 'inline'))).length
    const remote = (await quadsOf(datasetDocument(record, ORIGIN, 'remote'))).length
    expect(remote).toBe(inline)
  })

  it('a broken export is caught: a dataset without a description violates shapes.ttl', async () => {
    const doc = datasetDocument(sample()[0]!, ORIGIN) as { '@graph': Record<string, unknown>[] }
    delete doc['@graph'][0]!['dct:description']
    expect((await violations(doc, ['shapes.ttl'])).join('\n')).toMatch(/description/)
  })
})
