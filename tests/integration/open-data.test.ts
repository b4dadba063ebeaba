// C6 end to end against the real services on the seeded demo world: the catalog search (index
// loaded from the database and kept current), the CKAN-compatible API, the DCAT export, the public
// portal pages, conditional opening (Art. 32), the yearly open catalog and public comments (Art. 34).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { User } from '#models/user'
import { loadAuthUser, type AuthUser } from '~/services/identity/auth.server'
import { createDraft } from '~/services/catalog/entries.server'
import { decideEntry } from '~/services/catalog/review.server'
import { submitReviewed } from '../fixtures/catalog'
import { contentSchema } from '~/services/catalog/schemas'
import { CatalogEntry } from '#models/catalog-entry'
import {
  ensureCatalogIndex,
  pollCatalogChanges,
  requestCatalogRebuild,
  searchCatalog,
  stopCatalogIndex,
} from '~/services/search/catalog-index.server'
import { parseCatalogSearchParams } from '~/services/search/params'
import {
  BASE,
  demoEmail,
  formRequest,
  jsonRequest,
  sessionCookieFor,
  settle,
} from '../fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'
import { closeQueues, getQueue } from '#jobs/queues'
import { scan } from '#jobs/processors/scan'

type Loader = (args: {
  request: Request
  params: Record<string, string>
  context: object
}) => Promise<unknown>

async function call(
  mod: Promise<{ loader?: unknown; action?: unknown }>,
  kind: 'loader' | 'action',
  request: Request,
  params: Record<string, string> = {},
) {
  const fn = (await mod)[kind] as Loader
  return settle(() => fn({ request, params, context: { clientIp: '127.0.0.1' } }))
}

const get = (path: string, headers: Record<string, string> = {}) =>
  new Request(BASE + path, { headers })
const json = async (res: Response) => (await res.json()) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const searchRoute = import('~/routes/api.v1.catalog.search')
const dcatRoute = import('~/routes/api.v1.catalog.$id.dcat')
const catalogRoute = import('~/routes/api.v1.catalog[.]jsonld')
const packageSearch = import('~/routes/api.3.action.package_search')
const packageShow = import('~/routes/api.3.action.package_show')
const packageList = import('~/routes/api.3.action.package_list')
const organizationList = import('~/routes/api.3.action.organization_list')
const actionByName = import('~/routes/api.action.$name')
const portal = import('~/routes/open._index')
const entryPage = import('~/routes/open.entries.$id._index')
const download = import('~/routes/open.entries.$id.download.$key')
const applyPage = import('~/routes/open.entries.$id.apply')
const managePage = import('~/routes/open.entries.$id.manage')
const commentsPage = import('~/routes/open.comments')
const adminPage = import('~/routes/authority.open-data')

async function authUser(email: string): Promise<AuthUser> {
  const user = await User.findOne({ email }).lean()
  return (await loadAuthUser(String(user!._id), 'session'))!
}

async function idOf(titleZh: string): Promise<string> {
  const entry = await CatalogEntry.findOne({ 'content.title.zh': titleZh }).lean()
  if (!entry) throw new Error(`no entry ${titleZh}`)
  return String(entry._id)
}

describe('open data: search, CKAN, DCAT and the portal', () => {
  useTestDb()
  let staffCookie: string
  beforeAll(async () => {
    stopCatalogIndex()
    await seedDemoWorldFromTemplate()
    staffCookie = await sessionCookieFor(demoEmail('buyer_staff'))
  })
  afterAll(async () => {
    stopCatalogIndex()
    await closeQueues()
  })

  describe('catalog search', () => {
    it('finds seeded entries by Chinese, Traditional Chinese and English words, ranked', async () => {
      const zh = await json(
        await call(searchRoute, 'loader', get('/api/v1/catalog/search?q=企业登记')),
      )
      expect(zh.total).toBeGreaterThan(0)
      expect(zh.items[0].title.zh).toContain('企业')
      const trad = await json(
        await call(searchRoute, 'loader', get('/api/v1/catalog/search?q=企業登記')),
      )
      expect(trad.items.map((i: { id: string }) => i.id)).toEqual(
        zh.items.map((i: { id: string }) => i.id),
      )
      const en = await json(await call(searchRoute, 'loader', get('/api/v1/catalog/search?q=land')))
      expect(en.total).toBeGreaterThan(0)
      expect(
        en.items.every(
          (i: { score: number }, k: number, all: { score: number }[]) =>
            k === 0 || all[k - 1]!.score >= i.score,
        ),
      ).toBe(true)
    })

    it('art32 the public searches only open and conditionally open entries; staff search the listed catalog', async () => {
      const anonymous = await json(
        await call(searchRoute, 'loader', get('/api/v1/catalog/search?limit=100')),
      )
      expect(anonymous.items.length).toBeGreaterThan(5)
      expect(
        anonymous.items.every((i: { openAttribute: string }) => i.openAttribute !== 'not_open'),
      ).toBe(true)
      const staff = await json(
        await call(
          searchRoute,
          'loader',
          get('/api/v1/catalog/search?limit=100', { Cookie: staffCookie }),
        ),
      )
      expect(staff.total).toBeGreaterThan(anonymous.total)
      expect(staff.facets.openAttribute.map((f: { value: string }) => f.value)).toContain(
        'not_open',
      )
    })

    it('filters by facets and counts facet values; pages do not overlap', async () => {
      const res = await json(
        await call(
          searchRoute,
          'loader',
          get('/api/v1/catalog/search?openAttribute=open_conditional&limit=100'),
        ),
      )
      expect(res.total).toBeGreaterThan(0)
      expect(
        res.items.every((i: { openAttribute: string }) => i.openAttribute === 'open_conditional'),
      ).toBe(true)
      expect(res.facets.openAttribute).toEqual([{ value: 'open_conditional', count: res.total }])
      expect(res.facets.department[0].label.zh).toBeTruthy()
      const p1 = await json(
        await call(searchRoute, 'loader', get('/api/v1/catalog/search?limit=3&offset=0')),
      )
      const p2 = await json(
        await call(searchRoute, 'loader', get('/api/v1/catalog/search?limit=3&offset=3')),
      )
      const ids = [...p1.items, ...p2.items].map((i: { id: string }) => i.id)
      expect(new Set(ids).size).toBe(6)
    })

    it('refuses unknown facets, unknown facet values and absurd page sizes with a 400 naming them', async () => {
      for (const [query, pattern] of [
        ['sharingType=sometimes', /sharingType.*sometimes/],
        ['colour=red', /colour/],
        ['limit=100000', /limit/],
        ['offset=9999999', /offset/],
        ['limit=-1', /limit/],
        ['region=999999', /region/],
        ['sort=random', /relevance/],
        [`q=${'数'.repeat(201)}`, /200/],
      ] as const) {
        const res = await call(
          searchRoute,
          'loader',
          get(`/api/v1/catalog/search?${query}`, { 'Accept-Language': 'en' }),
        )
        expect(res.status, query).toBe(400)
        const body = await json(res)
        expect(JSON.stringify(body.error), query).toMatch(pattern)
      }
    })

    it('the index follows catalog changes: this process’s events at once, other processes’ through the ledger poll', async () => {
      const authority = await authUser('authority@demo.gd.example')
      // Followed by events: approving a submitted entry lists it.
      const submitted = await CatalogEntry.find({
        status: 'submitted',
        pendingStep: 'decide',
      }).lean()
      expect(submitted.length).toBeGreaterThan(1)
      const first = submitted[0]!
      const q = parseCatalogSearchParams(new URLSearchParams({ q: first.content.title.zh }))
      expect((await searchCatalog(q, 'listed')).items.some((i) => i.id === String(first._id))).toBe(
        false,
      )
      await decideEntry({
        reviewer: authority,
        entryId: String(first._id),
        decision: 'approved',
        reasons: [],
      })
      await expect
        .poll(async () =>
          (await searchCatalog(q, 'listed')).items.some((i) => i.id === String(first._id)),
        )
        .toBe(true)

      // Another process: no events, only the ledger poll.
      stopCatalogIndex()
      await ensureCatalogIndex({ pollMs: 0, events: false })
      const rest = submitted.slice(1)
      const second = rest.find((e) => e.content.grade.tier !== 'important') ?? rest[0]!
      const q2 = parseCatalogSearchParams(new URLSearchParams({ q: second.content.title.zh }))
      await decideEntry({
        reviewer: authority,
        entryId: String(second._id),
        decision: 'approved',
        reasons: [],
      })
      const after = await CatalogEntry.findById(second._id).lean()
      const listed = after!.listed
      expect(
        (await searchCatalog(q2, 'listed')).items.some((i) => i.id === String(second._id)),
      ).toBe(false)
      const poll = await pollCatalogChanges()
      expect(poll.refreshed).toBeGreaterThan(0)
      expect(
        (await searchCatalog(q2, 'listed')).items.some((i) => i.id === String(second._id)),
      ).toBe(listed)
      // `npm run search:rebuild` asks every process to reload at its next poll.
      await requestCatalogRebuild()
      expect(await pollCatalogChanges()).toEqual({ refreshed: 0, rebuilt: true })
      expect(await pollCatalogChanges()).toEqual({ refreshed: expect.any(Number), rebuilt: false })
      stopCatalogIndex()
    })
  })

  describe('CKAN action API', () => {
    it('package_search answers in CKAN’s envelope with packages, counts and facets', async () => {
      const res = await call(
        packageSearch,
        'loader',
        get(
          '/api/3/action/package_search?q=企业&rows=2&facet.field=["organization","res_format","tags"]',
        ),
      )
      expect(res.status).toBe(200)
      const body = await json(res)
      expect(body.success).toBe(true)
      expect(body.help).toMatch(/help_show\?name=package_search$/)
      expect(body.result.count).toBeGreaterThan(0)
      expect(body.result.results.length).toBeLessThanOrEqual(2)
      const pkg = body.result.results[0]
      for (const key of [
        'id',
        'name',
        'title',
        'notes',
        'organization',
        'tags',
        'resources',
        'metadata_modified',
        'extras',
      ])
        expect(pkg).toHaveProperty(key)
      expect(pkg.organization.title).toBeTruthy()
      expect(body.result.search_facets.res_format.items.length).toBeGreaterThan(0)
      expect(body.result.facets.organization).toBeTypeOf('object')
    })

    it('package_search takes fq and a POSTed JSON body, as CKAN clients send it', async () => {
      const fq = await json(
        await call(
          packageSearch,
          'loader',
          get('/api/3/action/package_search?fq=open_attribute:open_conditional&rows=50'),
        ),
      )
      expect(fq.result.count).toBeGreaterThan(0)
      for (const p of fq.result.results)
        expect(p.extras.find((e: { key: string }) => e.key === 'open_attribute').value).toBe(
          'open_conditional',
        )
      const posted = await json(
        await call(
          packageSearch,
          'action',
          jsonRequest('/api/3/action/package_search', { q: '土地', rows: 1 }),
        ),
      )
      expect(posted.success).toBe(true)
      expect(posted.result.results.length).toBe(1)
    })

    it('bad CKAN parameters are a 409 Validation Error naming the field', async () => {
      for (const [query, field] of [
        ['rows=abc', 'rows'],
        ['fq=colour:red', 'fq'],
        ['fq=open_attribute:sometimes', 'fq'],
        ['sort=random desc', 'sort'],
        ['facet.field=organization', 'facet.field'],
      ] as const) {
        const res = await call(
          packageSearch,
          'loader',
          get(`/api/3/action/package_search?${query}`),
        )
        expect(res.status, query).toBe(409)
        const body = await json(res)
        expect(body.success).toBe(false)
        expect(body.error.__type).toBe('Validation Error')
        expect(body.error[field], query).toBeDefined()
      }
    })

    it('harvesters work unchanged: the unversioned /api/action path, rows clamped to the maximum, CKAN’s keys and timestamps', async () => {
      const unversioned = await json(
        await call(actionByName, 'loader', get('/api/action/package_search?rows=5000'), {
          name: 'package_search',
        }),
      )
      expect(unversioned.success).toBe(true)
      const versioned = await json(
        await call(packageSearch, 'loader', get('/api/3/action/package_search?rows=5000')),
      )
      expect(unversioned.result.count).toBe(versioned.result.count)
      expect(versioned.result.results.length).toBe(Math.min(versioned.result.count, 1000))
      const posted = await json(
        await call(
          actionByName,
          'action',
          jsonRequest('/api/action/package_search', { q: '土地', rows: 1 }),
          { name: 'package_search' },
        ),
      )
      expect(posted.result.results).toHaveLength(1)
      const unknown = await call(actionByName, 'loader', get('/api/action/package_purge'), {
        name: 'package_purge',
      })
      expect(unknown.status).toBe(404)
      expect((await json(unknown)).error.__type).toBe('Not Found Error')
      const pkg = versioned.result.results[0]
      for (const key of [
        'author_email',
        'maintainer_email',
        'license_url',
        'creator_user_id',
        'metadata_created',
        'metadata_modified',
        'extras',
        'resources',
        'organization',
      ]) {
        expect(pkg, key).toHaveProperty(key)
      }
      // CKAN's format: naive UTC with microseconds, no zone designator.
      expect(pkg.metadata_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
      expect(Array.isArray(pkg.extras)).toBe(true)
      const orgs = await json(
        await call(actionByName, 'loader', get('/api/action/organization_list?all_fields=true'), {
          name: 'organization_list',
        }),
      )
      for (const key of [
        'id',
        'name',
        'title',
        'created',
        'image_display_url',
        'package_count',
        'is_organization',
        'state',
      ])
        expect(orgs.result[0], key).toHaveProperty(key)
      expect(orgs.result[0].created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
    })

    it('a harvest crawl: sort by id, name or title, OR groups, exclusions and metadata_modified ranges in fq', async () => {
      const search = async (query: string) =>
        (
          await json(
            await call(actionByName, 'loader', get(`/api/action/package_search?${query}`), {
              name: 'package_search',
            }),
          )
        ).result
      const all = await search('rows=1000')
      expect(all.count).toBeGreaterThan(3)
      // ckanext-harvest pages through `id asc` with a dataset_type filter: every package once, in id order.
      const pages: string[] = []
      for (let startAt = 0; startAt < all.count; startAt += 2) {
        const page = await search(`fq=%2Bdataset_type:dataset&sort=id asc&rows=2&start=${startAt}`)
        pages.push(...page.results.map((r: { id: string }) => r.id))
      }
      expect(pages).toEqual([...all.results.map((r: { id: string }) => r.id)].sort())
      const byName = (await search('sort=name asc&rows=1000')).results.map(
        (r: { name: string }) => r.name,
      )
      expect(byName).toEqual([...byName].sort())
      const byTitle = (await search('sort=title_string asc&rows=1000')).results.map(
        (r: { title: string }) => r.title,
      )
      expect(byTitle).toEqual([...byTitle].sort((a, b) => a.localeCompare(b, 'zh')))
      const newest = (await search('sort=metadata_modified desc&rows=1000')).results.map(
        (r: { metadata_modified: string }) => r.metadata_modified,
      )
      expect(newest).toEqual([...newest].sort().reverse())
      // OR groups and exclusions by organization.
      const orgs = [
        ...new Set(all.results.map((r: { owner_org: string }) => r.owner_org)),
      ] as string[]
      expect(orgs.length).toBeGreaterThanOrEqual(2)
      const either = await search(`fq=organization:(${orgs[0]} OR ${orgs[1]})&rows=1000`)
      expect(
        either.results.every(
          (r: { owner_org: string }) => r.owner_org === orgs[0] || r.owner_org === orgs[1],
        ),
      ).toBe(true)
      const without = await search(`fq=-organization:${orgs[0]}&rows=1000`)
      expect(without.count).toBe(
        all.results.filter((r: { owner_org: string }) => r.owner_org !== orgs[0]).length,
      )
      expect(without.results.some((r: { owner_org: string }) => r.owner_org === orgs[0])).toBe(
        false,
      )
      // Incremental harvest: modified since a time (and nothing from the future).
      const since = await search(`fq=metadata_modified:[${newest.at(-1)}Z TO *]&rows=1000`)
      expect(since.count).toBe(all.count)
      expect((await search('fq=metadata_modified:[NOW TO *]&rows=1000')).count).toBe(0)
      expect(
        (
          await call(
            actionByName,
            'loader',
            get('/api/action/package_search?fq=metadata_modified:[yesterday TO *]'),
            { name: 'package_search' },
          )
        ).status,
      ).toBe(409)
    })

    it('package_show by id and by name; a not-open entry is Not Found for the public', async () => {
      const id = await idOf('企业登记基本信息')
      const byId = await json(
        await call(packageShow, 'loader', get(`/api/3/action/package_show?id=${id}`)),
      )
      expect(byId.result.id).toBe(id)
      const byName = await json(
        await call(packageShow, 'loader', get(`/api/3/action/package_show?id=${byId.result.name}`)),
      )
      expect(byName.result.id).toBe(id)
      const closed = await idOf('常住人口基本信息')
      const res = await call(packageShow, 'loader', get(`/api/3/action/package_show?id=${closed}`))
      expect(res.status).toBe(404)
      expect((await json(res)).error.__type).toBe('Not Found Error')
    })

    it('package_list and organization_list list open packages and their organizations', async () => {
      const list = await json(await call(packageList, 'loader', get('/api/3/action/package_list')))
      expect(list.result.length).toBeGreaterThan(5)
      expect(list.result.every((n: string) => /^gd-/.test(n))).toBe(true)
      const orgs = await json(
        await call(organizationList, 'loader', get('/api/3/action/organization_list')),
      )
      expect(orgs.result.length).toBeGreaterThanOrEqual(2)
      const full = await json(
        await call(
          organizationList,
          'loader',
          get('/api/3/action/organization_list?all_fields=true&sort=package_count desc'),
        ),
      )
      expect(full.result[0].package_count).toBeGreaterThan(0)
      expect(full.result[0].title).toBeTruthy()
    })
  })

  describe('DCAT export', () => {
    it('serves an open entry as JSON-LD with our context; refuses malformed ids (400) and hides closed entries (404) from the public', async () => {
      const id = await idOf('企业登记基本信息')
      const res = await call(dcatRoute, 'loader', get(`/api/v1/catalog/${id}/dcat`), { id })
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toMatch(/application\/ld\+json/)
      const doc = await json(res)
      expect(doc['@graph'][0]['@type']).toBe('dcat:Dataset')
      expect(doc['@context'].gdpde).toMatch(/art10#$/)
      const remote = await json(
        await call(dcatRoute, 'loader', get(`/api/v1/catalog/${id}/dcat?context=remote`), { id }),
      )
      expect(remote['@context']).toBe(`${BASE}/contexts/gdpde-dcat.jsonld`)
      expect(
        (await call(dcatRoute, 'loader', get('/api/v1/catalog/nope/dcat'), { id: 'nope' })).status,
      ).toBe(400)
      expect(
        (await call(dcatRoute, 'loader', get(`/api/v1/catalog/${id}/dcat?format=xml`), { id }))
          .status,
      ).toBe(400)
      const closed = await idOf('常住人口基本信息')
      expect(
        (await call(dcatRoute, 'loader', get(`/api/v1/catalog/${closed}/dcat`), { id: closed }))
          .status,
      ).toBe(404)
      expect(
        (
          await call(
            dcatRoute,
            'loader',
            get(`/api/v1/catalog/${closed}/dcat`, { Cookie: staffCookie }),
            { id: closed },
          )
        ).status,
      ).toBe(200)
    })

    it('pages the whole catalog with hydra:next and refuses bad cursors and page sizes', async () => {
      const first = await json(
        await call(catalogRoute, 'loader', get('/api/v1/catalog.jsonld?limit=3')),
      )
      const [catalog, view] = first['@graph']
      expect(catalog['@type']).toBe('dcat:Catalog')
      expect(catalog['dcat:dataset']).toHaveLength(3)
      expect(view['hydra:next']).toMatch(/after=[0-9a-f]{24}$/)
      const after = new URL(view['hydra:next']).searchParams.get('after')!
      const second = await json(
        await call(catalogRoute, 'loader', get(`/api/v1/catalog.jsonld?limit=3&after=${after}`)),
      )
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const ids = (d: Record<string, any>) =>
        d['@graph'][0]['dcat:dataset'].map((x: { '@id': string }) => x['@id'])
      expect(ids(second).some((x: string) => ids(first).includes(x))).toBe(false)
      expect(
        (await call(catalogRoute, 'loader', get('/api/v1/catalog.jsonld?after=xyz'))).status,
      ).toBe(400)
      expect(
        (await call(catalogRoute, 'loader', get('/api/v1/catalog.jsonld?limit=100000'))).status,
      ).toBe(400)
    })
  })

  describe('public portal', () => {
    it('art33 lists only open entries, with facets, to anyone', async () => {
      const res = await call(portal, 'loader', get('/open'))
      expect(res.status).toBe(200)
      const page = await json(res)
      expect(page.result.items.length).toBeGreaterThan(0)
      expect(
        page.result.items.every((i: { openAttribute: string }) => i.openAttribute !== 'not_open'),
      ).toBe(true)
      expect(page.result.facets.openAttribute.length).toBeGreaterThan(0)
      const bad = await call(
        portal,
        'loader',
        get('/open?sharingType=bogus', { 'Accept-Language': 'en' }),
      )
      expect(bad.status).toBe(400)
      expect((await json(bad)).error).toMatch(/bogus/)
    })

    it('art33 an open entry page shows its Art. 10 record and a preview of its first rows; the file downloads', async () => {
      const id = await idOf('企业登记基本信息')
      const page = await json(await call(entryPage, 'loader', get(`/open/entries/${id}`), { id }))
      expect(page.entry.code).toMatch(/^GD-/)
      expect(page.canDownload).toBe(true)
      const dist = page.distributions[0]
      expect(dist.preview.kind).toBe('table')
      expect(dist.preview.columns.length).toBeGreaterThan(0)
      expect(dist.preview.rows.length).toBe(10)
      const file = await call(download, 'loader', get(`/open/entries/${id}/download/${dist.key}`), {
        id,
        key: dist.key,
      })
      expect(file.status).toBe(200)
      expect(file.headers.get('Content-Disposition')).toMatch(/attachment/)
      const text = await file.text()
      expect(text.split('\r\n')[0]).toBe(dist.preview.columns.join(','))
    })

    it('art32 a not-open entry does not exist on the portal', async () => {
      const closed = await idOf('常住人口基本信息')
      expect(
        (await call(entryPage, 'loader', get(`/open/entries/${closed}`), { id: closed })).status,
      ).toBe(404)
      expect(
        (await call(entryPage, 'loader', get('/open/entries/zzz'), { id: 'zzz' })).status,
      ).toBe(400)
      expect(
        (
          await call(download, 'loader', get(`/open/entries/${closed}/download/x`), {
            id: closed,
            key: 'x',
          })
        ).status,
      ).toBe(404)
    })

    it('art32 conditionally open data shows its conditions; download only after the source agency approves an application', async () => {
      // The source agency lists a conditionally open entry with a CSV distribution (Art. 10–13) …
      const amrUser = await authUser('amr@demo.gd.example')
      const authority = await authUser('authority@demo.gd.example')
      const content = contentSchema.parse({
        title: { zh: '企业信用修复结果', en: 'Enterprise credit repair results' },
        description: { zh: '经营异常名录移出和行政处罚信用修复结果。', en: '' },
        tags: ['信用'],
        category: 'credit',
        dataForm: 'structured',
        fields: [
          { name: 'tyshxydm', label: { zh: '统一社会信用代码', en: '' }, type: 'code' },
          { name: 'xfrq', label: { zh: '修复日期', en: '' }, type: 'date' },
        ],
        sharingType: 'unconditional',
        sharingScope: 'all_agencies',
        openAttribute: 'open_conditional',
        openConditions: '申请人须说明用途并签署数据使用协议。',
        distributions: [
          { key: 'repairs', title: { zh: '修复结果', en: 'Repairs' }, format: 'CSV' },
        ],
        updateFrequency: 'monthly',
        grade: { tier: 'general', level: 1 },
        legalBasis: '《企业信息公示暂行条例》',
      })
      const { id } = await createDraft({ user: amrUser, content })
      await submitReviewed({ user: amrUser, entryId: id })
      await decideEntry({ reviewer: authority, entryId: id, decision: 'approved', reasons: [] })
      // … and publishes its file on the portal (Art. 33) through its manage page.
      const amr = await sessionCookieFor('amr@demo.gd.example')
      const upload = new FormData()
      upload.set('key', 'repairs')
      upload.set(
        'file',
        new File(
          ['统一社会信用代码,修复日期\r\n91440101MA5D0A0123,2025-03-01\r\n'],
          'repairs.csv',
          { type: 'text/csv' },
        ),
      )
      const uploaded = await call(
        managePage,
        'action',
        new Request(`${BASE}/open/entries/${id}/manage`, {
          method: 'POST',
          headers: { Cookie: amr, Origin: BASE },
          body: upload,
        }),
        { id },
      )
      expect(uploaded.status).toBe(200)

      const anonymousPage = await json(
        await call(entryPage, 'loader', get(`/open/entries/${id}`), { id }),
      )
      expect(anonymousPage.entry.openConditions).toBe('申请人须说明用途并签署数据使用协议。')
      expect(anonymousPage.distributions[0].file.filename).toBe('repairs.csv')
      expect(anonymousPage.canDownload).toBe(false)
      expect(anonymousPage.distributions[0].preview).toBeNull()
      const key = anonymousPage.distributions[0].key
      expect(
        (await call(download, 'loader', get(`/open/entries/${id}/download/${key}`), { id, key }))
          .status,
      ).toBe(401)

      const buyer = await sessionCookieFor(demoEmail('buyer_staff'))
      expect(
        (
          await call(
            download,
            'loader',
            get(`/open/entries/${id}/download/${key}`, { Cookie: buyer }),
            { id, key },
          )
        ).status,
      ).toBe(403)
      const empty = await call(
        applyPage,
        'action',
        formRequest(
          `/open/entries/${id}/apply`,
          { purpose: '', conditions: '' },
          { cookie: buyer },
        ),
        { id },
      )
      expect(empty.status).toBe(400)
      const applied = await call(
        applyPage,
        'action',
        formRequest(
          `/open/entries/${id}/apply`,
          { purpose: '区域经济研究', conditions: '已签署数据使用协议' },
          { cookie: buyer },
        ),
        { id },
      )
      expect(applied.status).toBe(200)
      const again = await call(
        applyPage,
        'action',
        formRequest(
          `/open/entries/${id}/apply`,
          { purpose: '再次申请', conditions: '同上' },
          { cookie: buyer },
        ),
        { id },
      )
      expect(again.status).toBe(409)

      const manage = await json(
        await call(managePage, 'loader', get(`/open/entries/${id}/manage`, { Cookie: amr }), {
          id,
        }),
      )
      const application = manage.applications[0]
      expect(application.status).toBe('pending')
      const psb = await sessionCookieFor('psb@demo.gd.example')
      expect(
        (
          await call(managePage, 'loader', get(`/open/entries/${id}/manage`, { Cookie: psb }), {
            id,
          })
        ).status,
      ).toBe(403)
      const noReason = await call(
        managePage,
        'action',
        formRequest(
          `/open/entries/${id}/manage`,
          { intent: 'decide', applicationId: application.id, decision: 'refused', reason: '' },
          { cookie: amr },
        ),
        { id },
      )
      expect(noReason.status).toBe(400)
      const approved = await call(
        managePage,
        'action',
        formRequest(
          `/open/entries/${id}/manage`,
          { intent: 'decide', applicationId: application.id, decision: 'approved', reason: '' },
          { cookie: amr },
        ),
        { id },
      )
      expect(approved.status).toBe(200)
      const twice = await call(
        managePage,
        'action',
        formRequest(
          `/open/entries/${id}/manage`,
          {
            intent: 'decide',
            applicationId: application.id,
            decision: 'refused',
            reason: '改变主意',
          },
          { cookie: amr },
        ),
        { id },
      )
      expect(twice.status).toBe(409)
      // Art. 32/41: the upload's scan is queued; until the scan job runs the file is refused.
      const unscreened = await call(
        download,
        'loader',
        get(`/open/entries/${id}/download/${key}`, { Cookie: buyer }),
        { id, key },
      )
      expect(unscreened.status).toBe(409)
      expect(await unscreened.text()).toContain('尚未通过脱敏检测')
      for (const job of await getQueue('scan').getJobs(['waiting', 'prioritized', 'delayed'])) {
        if (job.data.subjectRef.startsWith(`distribution:${id}_`)) await scan(job.data)
      }
      expect(
        (
          await call(
            download,
            'loader',
            get(`/open/entries/${id}/download/${key}`, { Cookie: buyer }),
            { id, key },
          )
        ).status,
      ).toBe(200)
    })

    it('art34 the public comments without signing in; only the authority reads the comments', async () => {
      const year = new Date().getFullYear()
      const sent = await call(
        commentsPage,
        'action',
        formRequest('/open/comments', {
          topic: 'priority',
          year: String(year),
          body: '建议开放更多交通出行数据。',
          name: '',
          contact: '',
        }),
      )
      expect(sent.status).toBe(200)
      const tooShort = await call(
        commentsPage,
        'action',
        formRequest('/open/comments', { topic: 'priority', year: String(year), body: 'x' }),
      )
      expect(tooShort.status).toBe(400)
      const authority = await sessionCookieFor(demoEmail('authority_admin'))
      const admin = await json(
        await call(adminPage, 'loader', get('/authority/open-data', { Cookie: authority })),
      )
      expect(
        admin.comments.some((c: { body: string }) => c.body === '建议开放更多交通出行数据。'),
      ).toBe(true)
      expect(
        (await call(adminPage, 'loader', get('/authority/open-data', { Cookie: staffCookie })))
          .status,
      ).toBe(403)
    })

    it('art34 the authority publishes the yearly open catalog; a second publication is the next revision', async () => {
      const authority = await sessionCookieFor(demoEmail('authority_admin'))
      const year = new Date().getFullYear() + 1
      const first = await json(
        await call(
          adminPage,
          'action',
          formRequest(
            '/authority/open-data',
            {
              intent: 'publish',
              year: String(year),
              prioritiesZh: '交通出行数据',
              prioritiesEn: 'Transport',
            },
            { cookie: authority },
          ),
        ),
      )
      expect(first.done.revision).toBe(1)
      const open = await json(
        await call(searchRoute, 'loader', get('/api/v1/catalog/search?limit=1')),
      )
      expect(first.done.count).toBe(open.total)
      const second = await json(
        await call(
          adminPage,
          'action',
          formRequest(
            '/authority/open-data',
            {
              intent: 'publish',
              year: String(year),
              prioritiesZh: '调整后的重点',
              prioritiesEn: '',
            },
            { cookie: authority },
          ),
        ),
      )
      expect(second.done.revision).toBe(2)
      const bad = await call(
        adminPage,
        'action',
        formRequest(
          '/authority/open-data',
          { intent: 'publish', year: '1999', prioritiesZh: 'x' },
          { cookie: authority },
        ),
      )
      expect(bad.status).toBe(400)
    })
  })
})
