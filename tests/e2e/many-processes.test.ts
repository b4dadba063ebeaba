// Issue 20 (many processes): two web processes and two job workers of the production build against
// one database and one Redis, as behind a load balancer. What one process does holds on the other:
// a session, the search index, a webhook's payment, the seats of a plan; and two workers keep one
// schedule, not two.
import { Queue } from 'bullmq'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LISTING_SWEEP_SCHEDULER } from '#jobs/queues'
import { DEMO_PASSWORD } from '~/services/demo/seed.server'
import { sessionCompleted, stripeEvent, webhookSignature } from '../fixtures/orders'
import { startApp, type RunningApp } from './harness'

let app: RunningApp
let db: mongoose.Connection
let a = ''
let b = ''

beforeAll(async () => {
  app = await startApp({ web: 2, workers: 2 })
  ;[a, b] = app.baseUrls as [string, string]
  db = await mongoose.createConnection(process.env.MONGODB_URI!, { dbName: app.dbName }).asPromise()
}, 240_000)

afterAll(async () => {
  await db?.close()
  await app?.stop()
}, 30_000)

async function logIn(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/login?index`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD }),
  })
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0]
  if (res.status !== 302 || !cookie) throw new Error(`login failed: ${res.status}`)
  return cookie
}

function api(base: string, cookie: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Cookie: cookie,
      Origin: base,
      Accept: 'application/json',
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== null) return value
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

const productId = async (seedKey: string) =>
  String((await db.collection('products').findOne({ seedKey }))!._id)

describe('two web processes and two workers', () => {
  it('a session made on one web process is valid on the other, and a logout on it ends it on both', async () => {
    const cookie = await logIn(a, 'buyer@demo.gd.example')
    for (const base of [a, b]) expect((await api(base, cookie, '/api/v1/orders')).status).toBe(200)
    const out = await fetch(`${b}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, Origin: b },
    })
    expect(out.status).toBe(302)
    for (const base of [a, b]) expect((await api(base, cookie, '/api/v1/orders')).status).toBe(401)
  })

  it('the search index of each follows a change made through the other (Art. 16 data update)', async () => {
    const staff = await logIn(b, 'authority@demo.gd.example')
    const top = async () => {
      const res = await api(b, staff, '/api/v1/catalog/search?sort=data_updated_desc&limit=5')
      expect(res.status).toBe(200)
      return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id)
    }
    // An agency's published entry that is not first by data update, updated through process A.
    const before = await top()
    expect(before.length).toBeGreaterThan(1)
    const candidates = await db
      .collection('catalog_entries')
      .find({ publishedVersion: { $gt: 0 }, listed: true })
      .toArray()
    const target = candidates.find((e) => String(e._id) !== before[0])!
    const owner = await db
      .collection('users')
      .findOne({ orgId: new mongoose.Types.ObjectId(String(target.orgId)), roles: 'agency_staff' })
    expect(owner, `an agency user of ${target.orgId}`).toBeTruthy()
    const agency = await logIn(a, owner!.email as string)
    const res = await api(a, agency, `/api/v1/catalog/entries/${String(target._id)}/data-updates`, {
      note: '多进程测试：数据已更新',
    })
    expect(res.status, await res.clone().text()).toBe(200)
    await until('process B ranks the entry first by data update', async () =>
      (await top())[0] === String(target._id) ? true : null,
    )
  })

  it('art38 a webhook delivered to both web processes at once yields one payment and one licence', async () => {
    const buyer = await logIn(a, 'buyer@demo.gd.example')
    const placed = await api(a, buyer, '/api/v1/orders', {
      productId: await productId('authority-enterprise-stats'),
      planKey: 'one_off-1',
      purpose: '经营分析',
      scenario: '区域市场研究',
      method: 'stripe',
    })
    expect(placed.status, await placed.clone().text()).toBe(201)
    const orderId = ((await placed.json()) as { id: string }).id
    const eventId = `evt_many_${orderId}`
    const payload = stripeEvent(
      'checkout.session.completed',
      sessionCompleted(orderId, 200_000),
      eventId,
    )
    const signature = webhookSignature(payload)
    const replies = await Promise.all(
      [a, b, a, b].map((base) =>
        fetch(`${base}/webhooks/stripe`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
          body: payload,
        }),
      ),
    )
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200])
    await until('a worker takes the payment', async () => {
      const order = await db
        .collection('orders')
        .findOne({ _id: new mongoose.Types.ObjectId(orderId) })
      return order?.status === 'paid' ? order : null
    })
    expect(
      await db.collection<{ _id: string }>('stripe_events').countDocuments({ _id: eventId }),
    ).toBe(1)
    expect(await db.collection('payments').countDocuments({ orderId })).toBe(1)
    expect(await db.collection('licences').countDocuments({ sourceRef: orderId })).toBe(1)
  })

  it('art38 100 orders spread over both web processes take exactly the 10 seats of a plan', async () => {
    const id = await productId('authority-land-use-parcels')
    await db
      .collection('products')
      .updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: { 'pricePlans.0.seats': 10 } })
    const cookies = {
      [a]: await logIn(a, 'buyer@demo.gd.example'),
      [b]: await logIn(b, 'buyer@demo.gd.example'),
    }
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        const base = i % 2 ? b : a
        return api(base, cookies[base]!, '/api/v1/orders', {
          productId: id,
          planKey: 'one_off-1',
          purpose: `用途 ${i}`,
          scenario: '区县用地结构分析',
          method: 'bank_transfer',
        })
      }),
    )
    const statuses = replies.map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(10)
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).toBe(true)
    const seats = await db.collection('seat_claims').find({ productId: id }).toArray()
    expect(seats.map((s) => s.seatNo as number).sort((x, y) => x - y)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ])
  })

  it('two workers keep one schedule: each repeating job has one scheduler and one next run', async () => {
    const queue = new Queue('listing-sweep', {
      connection: { url: process.env.REDIS_URL! },
      prefix: app.queuePrefix,
    })
    try {
      const schedulers = await until('the workers scheduled their jobs', async () => {
        const list = await queue.getJobSchedulers()
        return list.length > 0 ? list : null
      })
      expect(schedulers.map((s) => s.key)).toEqual([LISTING_SWEEP_SCHEDULER])
      const next = (await queue.getDelayed()).filter((j) => j.name === 'listing-sweep')
      expect(next).toHaveLength(1)
    } finally {
      await queue.close()
    }
  })
})
