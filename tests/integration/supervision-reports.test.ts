// C12 pages and issue 8 "follow a product's trades": the report page, CSV and PDF downloads,
// the authority-only generation, and the product trail (logged like every regulator query).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeQueues, getQueue } from '#jobs/queues'
import { User } from '#models/user'
import {
  action as reportsAction,
  loader as reportsLoader,
} from '~/routes/supervision.reports._index'
import {
  action as reportAction,
  loader as reportLoader,
} from '~/routes/supervision.reports.$reportId._index'
import { loader as csvLoader } from '~/routes/supervision.reports.$reportId.csv'
import { loader as pdfLoader } from '~/routes/supervision.reports.$reportId.pdf'
import { loader as tradesLoader } from '~/routes/regulator.products.$productId'
import { loader as lookupLoader } from '~/routes/regulator.products._index'
import { appendLedger, listLedger } from '~/services/ledger/ledger.server'
import { reportPdf } from '~/services/supervision/report-export.server'
import {
  generateSupervisionReport,
  getSupervisionReport,
} from '~/services/supervision/reports.server'
import { i18nFor } from '~/utils/i18n.server'
import { BASE, demoEmail, formRequest, sessionCookieFor, settle } from '../fixtures/auth'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

process.env.QUEUE_PREFIX = `test-supervision-pages-${process.env.VITEST_POOL_ID ?? 0}-${Date.now()}`

useTestDb()
afterAll(async () => {
  await closeQueues()
})

const PRODUCT = '0123456789abcdef01234567'
const ctx = { context: {} }
let regulator = ''
let authority = ''
let reportId = ''
const get = (p: string, cookie = regulator) =>
  new Request(BASE + p, { headers: { Cookie: cookie } })
// The current month in China Standard Time (the entries above are appended now).
const thisMonth = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7)

describe('supervision report pages', () => {
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    regulator = await sessionCookieFor(demoEmail('regulator'))
    authority = await sessionCookieFor(demoEmail('authority_admin'))
    await appendLedger({
      action: 'order.created',
      subjects: [`order:o1`, `product:${PRODUCT}`],
      summary: { productId: PRODUCT, sellerOrgId: 'c'.repeat(24) },
    })
    await appendLedger({
      action: 'order.paid',
      subjects: [`order:o1`, `product:${PRODUCT}`],
      summary: { amountFen: 4200, currency: 'CNY', sellerOrgId: 'c'.repeat(24) },
    })
    // The licence entry names the order but not the product: it joins the trail through the order.
    await appendLedger({ action: 'licence.issued', subjects: ['licence:l1', 'order:o1'] })
    await appendLedger({ action: 'delivery.completed', subjects: ['licence:l1', 'delivery:d1'] })
    await appendLedger({
      action: 'order.created',
      subjects: ['order:o2', 'product:ffffffffffffffffffffffff'],
    })
    reportId = (
      await generateSupervisionReport({ scope: 'all', period: thisMonth, generatedBy: 'scheduler' })
    ).id
  })

  it('art48 shows a report with its figures and evidence, and downloads it as CSV and PDF', async () => {
    const res = await settle(() =>
      reportLoader({
        request: get(`/supervision/reports/${reportId}`),
        params: { reportId },
        ...ctx,
      }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      report: { content: { totals: { revenueFen: { value: number; evidence: number[] } } } }
    }
    expect(body.report.content.totals.revenueFen.value).toBe(4200)
    expect(body.report.content.totals.revenueFen.evidence).toHaveLength(1)

    const csv = await settle(() =>
      csvLoader({
        request: get(`/supervision/reports/${reportId}/csv`),
        params: { reportId },
        ...ctx,
      }),
    )
    expect(csv.headers.get('Content-Type')).toContain('text/csv')
    const bytes = new Uint8Array(await csv.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
    expect(
      text.startsWith(
        '\uFEFFperiod,scope,contentHash,orgId,orgName,figure,value,evidenceCount,evidenceSeqs',
      ),
    ).toBe(true)
    expect(text).toMatch(
      new RegExp(`\\r\\n${thisMonth},all,[0-9a-f]{64},all,all,revenueFen,4200,1,\\d+\\r\\n`),
    )

    const pdf = await settle(() =>
      pdfLoader({
        request: get(`/supervision/reports/${reportId}/pdf`),
        params: { reportId },
        ...ctx,
      }),
    )
    expect(pdf.status).toBe(200)
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')

    // Without the CJK font the PDF is refused with a clear message, not a 500.
    const view = await getSupervisionReport(reportId)
    await expect(
      reportPdf(view, i18nFor('en').t, 'en', { path: '/nonexistent/font.ttc', family: 'x' }),
    ).rejects.toMatchObject({
      status: 503,
      messageKey: 'error.supervision.pdfFont',
    })

    const missing = await settle(() =>
      reportLoader({
        request: get(`/supervision/reports/2020-01-all-${'0'.repeat(64)}`),
        params: { reportId: `2020-01-all-${'0'.repeat(64)}` },
        ...ctx,
      }),
    )
    expect(missing.status).toBe(404)
  })

  it('art48 only the authority generates: the regulator is refused, a bad period is a 400, a good one queues a job', async () => {
    const refused = await settle(() =>
      reportsAction({
        request: formRequest('/supervision/reports', { period: thisMonth }, { cookie: regulator }),
        params: {},
        ...ctx,
      }),
    )
    expect(refused.status).toBe(403)
    const notify = await settle(() =>
      reportAction({
        request: formRequest(`/supervision/reports/${reportId}`, {}, { cookie: regulator }),
        params: { reportId },
        ...ctx,
      }),
    )
    expect(notify.status).toBe(403)
    const bad = await settle(() =>
      reportsAction({
        request: formRequest('/supervision/reports', { period: '2026-13' }, { cookie: authority }),
        params: {},
        ...ctx,
      }),
    )
    expect(bad.status).toBe(400)
    const ok = await settle(() =>
      reportsAction({
        request: formRequest('/supervision/reports', { period: thisMonth }, { cookie: authority }),
        params: {},
        ...ctx,
      }),
    )
    expect(ok.status).toBe(302)
    const jobId = new URL(ok.headers.get('Location')!, BASE).searchParams.get('queued')!
    expect(jobId).toMatch(new RegExp(`^supervision-${thisMonth}-all-\\d+$`))
    // The same request over the same log is the same job.
    const again = await settle(() =>
      reportsAction({
        request: formRequest('/supervision/reports', { period: thisMonth }, { cookie: authority }),
        params: {},
        ...ctx,
      }),
    )
    expect(new URL(again.headers.get('Location')!, BASE).searchParams.get('queued')).toBe(jobId)
    expect(await getQueue('supervision-reports').getJobCountByTypes('waiting')).toBe(1)
    const list = await settle(() =>
      reportsLoader({ request: get('/supervision/reports'), params: {}, ...ctx }),
    )
    const listed = (await list.json()) as {
      reports: { id: string }[]
      jobs: { id: string; progress: number }[]
      canGenerate: boolean
    }
    expect(listed.reports.map((r) => r.id)).toContain(reportId)
    expect(listed.jobs.map((j) => j.id)).toContain(jobId)
    expect(listed.canGenerate).toBe(false)
  })

  it('follows a product through its orders to licences and deliveries, in time order, and logs the query', async () => {
    const res = await settle(() =>
      tradesLoader({
        request: get(`/regulator/products/${PRODUCT}`),
        params: { productId: PRODUCT },
        ...ctx,
      }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { rows: { seq: number; action: string }[] }
    expect(body.rows.map((r) => r.action)).toEqual([
      'order.created',
      'order.paid',
      'licence.issued',
      'delivery.completed',
    ])
    expect(body.rows.map((r) => r.seq)).toEqual(
      [...body.rows.map((r) => r.seq)].sort((a, b) => a - b),
    )
    const regulatorId = String((await User.findOne({ email: demoEmail('regulator') }).lean())!._id)
    const { entries } = await listLedger({
      action: 'regulator.query',
      actorUserId: regulatorId,
      limit: 1,
    })
    expect(entries[0]?.summary).toMatchObject({ view: 'product', subject: `product:${PRODUCT}` })

    const bad = await settle(() =>
      tradesLoader({ request: get('/regulator/products/x'), params: { productId: 'x' }, ...ctx }),
    )
    expect(bad.status).toBe(400)
    const lookup = await settle(() =>
      lookupLoader({
        request: get(`/regulator/products?productId=${PRODUCT}`),
        params: {},
        ...ctx,
      }),
    )
    expect(lookup.headers.get('Location')).toBe(`/regulator/products/${PRODUCT}`)
    // The list: every product, searchable by title words or id, each leading to its trail.
    const listed = await settle(() =>
      lookupLoader({ request: get('/regulator/products'), params: {}, ...ctx }),
    )
    const list = (await listed.json()) as {
      total: number
      products: { id: string; title: { zh: string } }[]
    }
    expect(list.total).toBeGreaterThan(2)
    expect(list.products).toHaveLength(list.total)
    const [first] = list.products
    const found = (await (
      await settle(() =>
        lookupLoader({
          request: get(`/regulator/products?q=${encodeURIComponent(first!.title.zh)}`),
          params: {},
          ...ctx,
        }),
      )
    ).json()) as typeof list
    expect(found.products.map((p) => p.id)).toContain(first!.id)
    expect(found.products.every((p) => p.title.zh.includes(first!.title.zh))).toBe(true)
    const byId = (await (
      await settle(() =>
        lookupLoader({ request: get(`/regulator/products?q=${first!.id}`), params: {}, ...ctx }),
      )
    ).json()) as typeof list
    expect(byId.products.map((p) => p.id)).toEqual([first!.id])
    const none = (await (
      await settle(() =>
        lookupLoader({
          request: get('/regulator/products?q=不存在的产品名称xyz'),
          params: {},
          ...ctx,
        }),
      )
    ).json()) as typeof list
    expect(none.total).toBe(0)
  })
})
