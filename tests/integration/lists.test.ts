// Issue 15: lists a person can work with — numbered pages with the total, sortable columns, filters,
// and CSV of every table a regulator sees (orders, licences), each with the list's own scope.
import mongoose from 'mongoose'
import { beforeAll, describe, expect, it } from 'vitest'
import { Licence } from '#models/licence'
import { Order } from '#models/order'
import { Organization } from '#models/organization'
import { loader as licencesCsvLoader } from '~/routes/licences[.]csv'
import { loader as licencesLoader } from '~/routes/licences._index'
import { loader as ordersCsvLoader } from '~/routes/orders[.]csv'
import { loader as ordersLoader } from '~/routes/orders._index'
import { pageWindow } from '~/components/common'
import { PENDING_PAGE_SIZE, pendingRegistrations } from '~/services/identity/auth.server'
import { cursorPageOf, pageOf } from '~/utils/listing.server'
import { BASE, sessionCookieFor, settle } from '../fixtures/auth'
import { seedDemoWorldFromTemplate, useTestDb } from '../setup/db'

useTestDb()

const cookies: Record<string, string> = {}
const get = (who: string, p: string, headers: Record<string, string> = {}) =>
  new Request(BASE + p, { headers: { Cookie: cookies[who]!, ...headers } })
const ctx = { params: {}, context: {} }

/** Splits a CSV (no quoted line breaks in these exports) into rows of cells. */
function csvRows(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n')
    .map((line) =>
      [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)]
        .map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'))
        .slice(0, -1),
    )
}

describe('numbered, sortable lists with CSV', () => {
  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    for (const who of ['regulator', 'buyer', 'provider', 'researcher'])
      cookies[who] = await sessionCookieFor(`${who}@demo.gd.example`)
  })

  it('shows page numbers around the current page, with gaps', () => {
    expect(pageWindow(1, 1)).toEqual([1])
    expect(pageWindow(1, 4)).toEqual([1, 2, 3, 4])
    expect(pageWindow(10, 20)).toEqual([1, null, 8, 9, 10, 11, 12, null, 20])
    expect(pageWindow(20, 20)).toEqual([1, null, 18, 19, 20])
  })

  it('pages a collection in the chosen order, equal values broken by _id, with the total', async () => {
    const all = await Licence.find({}).sort({ end: 1, _id: 1 }).lean()
    expect(all.length).toBeGreaterThan(2)
    const seen: string[] = []
    for (let page = 1; page <= Math.ceil(all.length / 2); page++) {
      const { items, paging } = await pageOf(
        Licence,
        {},
        { page, sort: 'end', dir: 'asc' },
        { end: 'end' },
        { size: 2 },
      )
      expect(paging).toEqual({
        page,
        pages: Math.ceil(all.length / 2),
        total: all.length,
        sort: 'end',
        dir: 'asc',
      })
      seen.push(...items.map((l) => String(l._id)))
    }
    expect(seen).toEqual(all.map((l) => String(l._id)))
    const past = await pageOf(
      Licence,
      {},
      { page: 99, sort: 'end', dir: 'asc' },
      { end: 'end' },
      { size: 2 },
    )
    expect(past.items).toEqual([])
    expect(past.paging.total).toBe(all.length)
  })

  it('pages pending registrations past the first page (a hand-written cursor once made page 2 empty)', async () => {
    const extra = PENDING_PAGE_SIZE + 5
    await Organization.insertMany(
      Array.from({ length: extra }, (_, i) => ({
        type: 'buyer',
        name: { zh: `待审企业${i}`, en: `Pending ${i}` },
        uscc: `TESTPENDING${String(i).padStart(7, '0')}`,
        status: 'pending',
      })),
    )
    const total = await Organization.countDocuments({ status: 'pending' })
    const first = await pendingRegistrations()
    expect(first.total).toBe(total)
    expect(first.page).toHaveLength(PENDING_PAGE_SIZE)
    const second = await pendingRegistrations(first.nextAfter!)
    expect(second.page).toHaveLength(total - PENDING_PAGE_SIZE)
    expect(second.nextAfter).toBeNull()
    const seen = [...first.page, ...second.page].map((o) => String(o._id))
    expect(new Set(seen).size).toBe(total)
    // Newest first works the same way.
    const down = await cursorPageOf(Organization, { status: 'pending' }, { limit: 3 }, -1)
    const next = await cursorPageOf(
      Organization,
      { status: 'pending' },
      { limit: 3, after: down.nextAfter! },
      -1,
    )
    expect(String(next.items[0]!._id) < String(down.items.at(-1)!._id)).toBe(true)
  })

  it('lists every licence for a regulator, sorted by end either way, and the CSV holds the same rows', async () => {
    const total = await Licence.countDocuments({})
    const asc = (await (
      await settle(() =>
        licencesLoader({ request: get('regulator', '/licences?sort=end&dir=asc'), ...ctx }),
      )
    ).json()) as {
      licences: { id: string; end: string }[]
      paging: { total: number; page: number; sort: string; dir: string }
    }
    expect(asc.paging).toMatchObject({ total, page: 1, sort: 'end', dir: 'asc' })
    const ends = asc.licences.map((l) => l.end)
    expect(ends).toEqual([...ends].sort())
    const desc = (await (
      await settle(() =>
        licencesLoader({ request: get('regulator', '/licences?sort=end&dir=desc'), ...ctx }),
      )
    ).json()) as { licences: { id: string }[] }
    expect(desc.licences.map((l) => l.id)).toEqual(asc.licences.map((l) => l.id).reverse())

    const csv = await settle(() =>
      licencesCsvLoader({ request: get('regulator', '/licences.csv?sort=end&dir=asc'), ...ctx }),
    )
    expect(csv.status).toBe(200)
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    const bytes = Buffer.from(await csv.arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // the byte-order mark Excel needs
    const text = bytes.toString('utf8')
    expect(text.startsWith('\uFEFFlicenceId,')).toBe(true)
    const rows = csvRows(text)
    expect(rows.length - 1).toBe(total)
    expect(rows.slice(1).map((r) => r[0])).toEqual(asc.licences.map((l) => l.id))
  })

  it('keeps an organisation to its own licences, by side, in the page and in the CSV', async () => {
    const mine = (await (
      await settle(() =>
        licencesLoader({ request: get('buyer', '/licences?side=licensee'), ...ctx }),
      )
    ).json()) as {
      licences: { side: string }[]
      paging: { total: number }
    }
    expect(mine.licences.length).toBeGreaterThan(0)
    expect(mine.licences.every((l) => l.side === 'licensee')).toBe(true)
    const granted = (await (
      await settle(() =>
        licencesLoader({ request: get('buyer', '/licences?side=licensor'), ...ctx }),
      )
    ).json()) as { paging: { total: number } }
    expect(granted.paging.total).toBe(0)
    const csv = csvRows(
      await (
        await settle(() => licencesCsvLoader({ request: get('buyer', '/licences.csv'), ...ctx }))
      ).text(),
    )
    const everyone = await Licence.countDocuments({})
    expect(csv.length - 1).toBe(mine.paging.total)
    expect(csv.length - 1).toBeLessThan(everyone)
  })

  it('sorts orders by amount and filters them by status; the CSV carries yuan and the same order', async () => {
    // The demo world has one order: three more of other amounts and states, as the collection holds them.
    const base = (await Order.findOne({}).lean())!
    await Order.insertMany(
      [1, 2, 3].map((i) => ({
        ...base,
        _id: new mongoose.Types.ObjectId(),
        remittanceRef: `${base.remittanceRef}-L${i}`,
        amountFen: base.amountFen * (i + 1) + i,
        status: i === 2 ? 'cancelled' : 'paid',
      })),
    )
    const all = await Order.find({}).lean()
    expect(all.length).toBe(4)
    const page = (await (
      await settle(() =>
        ordersLoader({ request: get('regulator', '/orders?sort=amount&dir=desc'), ...ctx }),
      )
    ).json()) as {
      orders: { id: string; amountFen: number; status: string }[]
      paging: { total: number }
    }
    expect(page.paging.total).toBe(all.length)
    const amounts = page.orders.map((o) => o.amountFen)
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a))
    const paid = (await (
      await settle(() => ordersLoader({ request: get('regulator', '/orders?status=paid'), ...ctx }))
    ).json()) as {
      orders: { status: string }[]
      paging: { total: number }
    }
    expect(paid.paging.total).toBe(all.filter((o) => o.status === 'paid').length)
    expect(paid.orders.every((o) => o.status === 'paid')).toBe(true)

    const csv = await settle(() =>
      ordersCsvLoader({
        request: get('regulator', '/orders.csv?sort=amount&dir=desc', { 'Accept-Language': 'en' }),
        ...ctx,
      }),
    )
    const rows = csvRows(await csv.text())
    expect(rows[0]!.slice(0, 3)).toEqual(['orderId', 'remittanceRef', 'product'])
    expect(rows.slice(1).map((r) => r[0])).toEqual(page.orders.map((o) => o.id))
    const yuan = rows[0]!.indexOf('amountYuan')
    expect(rows.slice(1).map((r) => Math.round(Number(r[yuan]) * 100))).toEqual(amounts)
  })

  it('answers a bad page or sort with a 400 in the reader’s language, and a wrong role with a 403', async () => {
    for (const q of [
      'page=0',
      'page=abc',
      'page=1.5',
      'sort=licensee',
      'dir=up',
      'side=both',
      'mode=fax',
      'extra=1',
    ]) {
      const res = await settle(() =>
        licencesLoader({
          request: get('regulator', `/licences?${q}`, { 'Accept-Language': 'en' }),
          ...ctx,
        }),
      )
      expect(res.status, q).toBe(400)
    }
    const zh = await settle(() =>
      ordersLoader({
        request: get('regulator', '/orders?page=0', { 'Accept-Language': 'zh-CN' }),
        ...ctx,
      }),
    )
    expect(zh.status).toBe(400)
    expect(await zh.text()).toContain('页码')
    const en = await settle(() =>
      ordersCsvLoader({
        request: get('regulator', '/orders.csv?sort=buyer', { 'Accept-Language': 'en' }),
        ...ctx,
      }),
    )
    expect(en.status).toBe(400)
    expect(await en.text()).toContain('cannot be sorted')
    const refused = await settle(() =>
      ordersCsvLoader({ request: get('researcher', '/orders.csv'), ...ctx }),
    )
    expect(refused.status).toBe(403)
  })
})
