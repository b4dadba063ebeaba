// Screening on the open-data portal and in the CKAN API (Art. 32) and CKAN's help_show, against
// the seeded demo world: a resource's download URL appears only once its file's scan passed.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CatalogEntry } from '#models/catalog-entry'
import { User } from '#models/user'
import { closeQueues, getQueue } from '#jobs/queues'
import { scan } from '#jobs/processors/scan'
import { loader as helpShow } from '~/routes/api.3.action.help_show'
import { loader as packageSearch } from '~/routes/api.3.action.package_search'
import {
  action as packageShowPost,
  loader as packageShow,
} from '~/routes/api.3.action.package_show'
import { loader as portal } from '~/routes/open._index'
import { loader as entryPage } from '~/routes/open.entries.$id._index'
import { loadAuthUser } from '~/services/identity/auth.server'
import { makeResidentId } from '~/services/identity/codes'
import { stopCatalogIndex } from '~/services/search/catalog-index.server'
import { BASE, jsonRequest, settle } from '../../../tests/fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../../../tests/setup/db'
import { publishDistributionFile, screeningSubject } from './files.server'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const get = async (
  fn: (args: LoaderFunctionArgs) => unknown,
  url: string,
  params: Record<string, string> = {},
) => {
  const res = await settle(async () =>
    fn({ request: new Request(BASE + url), params, context: {} }),
  )
  return { status: res.status, body: (await res.json()) as Json }
}

describe('screening on the open portal and in the CKAN API', () => {
  useTestDb()
  let entryId = ''
  let key = ''
  beforeAll(async () => {
    stopCatalogIndex()
    await seedDemoWorldFromTemplate()
    const entry = await CatalogEntry.findOne({ 'content.title.zh': '企业登记基本信息' }).lean()
    entryId = String(entry!._id)
  })
  afterAll(async () => {
    stopCatalogIndex()
    await closeQueues()
  })

  it('art32 a resource carries its screening status, and its download URL only once its file passed', async () => {
    const shown = await get(packageShow, `/api/3/action/package_show?id=${entryId}`)
    expect(shown.status).toBe(200)
    const resource = shown.body.result.resources.find((r: Json) => r.url_type === 'upload')
    expect(resource).toMatchObject({ screening_status: 'passed' })
    expect(resource.url).toMatch(new RegExp(`/open/entries/${entryId}/download/`))
    key = resource.id.slice(entryId.length + 1)

    // The agency publishes a new file with a resident ID in it: pending until scanned, then failed.
    const entry = await CatalogEntry.findById(entryId, { orgId: 1 }).lean()
    const agency = await User.findOne({ orgId: entry!.orgId }).lean()
    const user = (await loadAuthUser(String(agency!._id), 'session'))!
    const bytes = Buffer.from(
      `姓名,身份证号\n张伟,${makeResidentId('44010619900307123')}\n李娜,${makeResidentId('44030519851112456')}\n`,
    )
    const file = await publishDistributionFile({
      user,
      entryId,
      key,
      filename: 'leak.csv',
      contentType: 'text/csv',
      bytes,
    })
    expect(file.created).toBe(true)
    const pending = (
      await get(packageShow, `/api/3/action/package_show?id=${entryId}`)
    ).body.result.resources.find((r: Json) => r.id === resource.id)
    expect(pending).toMatchObject({ screening_status: 'pending', url: '' })

    const subject = screeningSubject({ _id: file.id })
    const jobs = (await getQueue('scan').getJobs(['waiting', 'prioritized', 'delayed'])).filter(
      (j) => j.data.subjectRef === subject,
    )
    expect(jobs.length).toBe(1)
    expect((await scan(jobs[0]!.data)).status).toBe('failed')
    await jobs[0]!.remove()

    // The same through POST (CKAN clients post JSON) and through package_search.
    const posted = await settle(async () =>
      packageShowPost({
        request: jsonRequest('/api/3/action/package_show', { id: entryId }),
        params: {},
        context: {},
      }),
    )
    const failed = ((await posted.json()) as Json).result.resources.find(
      (r: Json) => r.id === resource.id,
    )
    expect(failed).toMatchObject({ screening_status: 'failed', url: '' })
    const search = await get(
      packageSearch,
      '/api/3/action/package_search?q=企业登记基本信息&rows=50',
    )
    const found = search.body.result.results.find((p: Json) => p.id === entryId)
    expect(found.resources.find((r: Json) => r.id === resource.id)).toMatchObject({
      screening_status: 'failed',
      url: '',
    })
    // Other entries' passed files keep their URLs.
    const all = await get(packageSearch, '/api/3/action/package_search?rows=100')
    const others = all.body.result.results
      .filter((p: Json) => p.id !== entryId)
      .flatMap((p: Json) => p.resources)
    expect(
      others.some((r: Json) => r.screening_status === 'passed' && r.url.includes('/download/')),
    ).toBe(true)

    // The portal: the listing counts the failed file, the entry page names its status.
    const listing = await get(portal, '/open?q=企业登记基本信息')
    expect(listing.body.screening[entryId]).toMatchObject({ failed: 1 })
    const page = await get(entryPage, `/open/entries/${entryId}`, { id: entryId })
    expect(page.body.distributions.find((d: Json) => d.key === key).file.screening).toBe('failed')
  })

  it('help_show returns an action’s help text in CKAN’s envelope; unknown or missing names are CKAN errors', async () => {
    const help = await get(helpShow, '/api/3/action/help_show?name=package_search')
    expect(help.status).toBe(200)
    expect(help.body).toMatchObject({
      success: true,
      help: expect.stringContaining('/api/3/action/help_show?name=help_show'),
    })
    expect(help.body.result).toMatch(/^Searches for packages satisfying a given search criteria\./)
    expect(help.body.result).toContain(':param fq:')
    expect((await get(helpShow, '/api/3/action/help_show?name=help_show')).body.result).toContain(
      'Return the help string',
    )
    const unknown = await get(helpShow, '/api/3/action/help_show?name=package_create')
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ success: false, error: { __type: 'Not Found Error' } })
    const missing = await get(helpShow, '/api/3/action/help_show')
    expect(missing.status).toBe(409)
    expect(missing.body).toMatchObject({
      success: false,
      error: { __type: 'Validation Error', name: ['Missing value'] },
    })
  })
})
