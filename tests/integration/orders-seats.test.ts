// C8 (Art. 38; ADR 003, 020): a plan with 10 seats admits exactly 10 licences, however many
// order at once — seats are unique-keyed inserts, never a conditional $inc (which oversells here).
process.env.QUEUE_PREFIX = 'test-orders-seats'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeQueues } from '#jobs/queues'
import { Licence } from '#models/licence'
import { Order } from '#models/order'
import { Product } from '#models/product'
import { SeatClaim } from '#models/seat-claim'
import { cancelOrder, createOrder } from '~/services/orders/orders.server'
import { confirmTransfer } from '~/services/orders/payments.server'
import { isDomainError } from '~/utils/errors'
import { authUserByEmail, demoProduct } from '../fixtures/orders'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

describe('seats of a price plan', () => {
  useTestDb()
  let productId = ''

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    const product = await demoProduct('authority-land-use-parcels')
    productId = String(product._id)
    await Product.updateOne({ _id: product._id }, { $set: { 'pricePlans.0.seats': 10 } })
  })
  afterAll(async () => {
    await closeQueues()
  })

  it('art38 100 concurrent orders of a 10-seat plan: 10 orders, 10 licences, 90 refused as sold out', async () => {
    const buyer = await authUserByEmail('buyer@demo.gd.example')
    const authority = await authUserByEmail('authority@demo.gd.example')
    const started = Date.now()
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        createOrder(buyer, {
          productId,
          planKey: 'one_off-1',
          purpose: `用途 ${i}`,
          scenario: '区县用地结构分析',
          method: 'bank_transfer',
        }),
      ),
    )
    const placed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []))
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
    console.info(
      `[seats] 100 concurrent orders in ${Date.now() - started} ms: ${placed.length} placed, ${refused.length} refused`,
    )
    expect(placed).toHaveLength(10)
    expect(refused.every((e) => isDomainError(e) && e.code === 'sold_out')).toBe(true)
    const seats = await SeatClaim.find({ productId }).lean()
    expect(seats.map((s) => s.seatNo).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ])
    expect(new Set(seats.map((s) => s.orderId))).toEqual(new Set(placed))

    await Promise.all(
      placed.map((orderId) =>
        confirmTransfer(authority, {
          intent: 'confirm',
          orderId,
          amount: 50_000,
          bankReference: `BR-${orderId}`,
        }),
      ),
    )
    expect(await Licence.countDocuments({ sourceRef: mongoose.trusted({ $in: placed }) })).toBe(10)
    const sold = (await Licence.find({ productId, source: 'order' }).lean()).filter(
      (l) => !l.sourceRef.startsWith('demo:'),
    )
    expect(sold).toHaveLength(10)
  })

  it('art38 a cancelled order releases its seat to the next buyer; a second release frees nothing', async () => {
    const buyer = await authUserByEmail('buyer@demo.gd.example')
    const plan = {
      productId,
      planKey: 'one_off-1',
      purpose: 'p',
      scenario: 's',
      method: 'bank_transfer' as const,
    }
    await expect(createOrder(buyer, plan)).rejects.toMatchObject({ code: 'sold_out' })
    // The provider adds an eleventh seat: one more unpaid order fits, then the plan is sold out again.
    await Product.updateOne({ _id: productId }, { $set: { 'pricePlans.0.seats': 11 } })
    const eleventh = await createOrder(buyer, plan)
    expect((await Order.findById(eleventh.id).lean())!.seatNo).toBe(11)
    await expect(createOrder(buyer, plan)).rejects.toMatchObject({ code: 'sold_out' })
    await Promise.all(
      [cancelOrder(buyer, eleventh.id, 'x'), cancelOrder(buyer, eleventh.id, 'x')].map((p) =>
        p.catch((e: unknown) => e),
      ),
    )
    expect(await SeatClaim.countDocuments({ productId })).toBe(10)
    const twelfth = await createOrder(buyer, plan)
    expect((await Order.findById(twelfth.id).lean())!.seatNo).toBe(11)
    await cancelOrder(buyer, eleventh.id, 'again').catch(() => undefined)
    expect(await SeatClaim.findById(`${productId}:one_off-1:11`).lean()).toMatchObject({
      orderId: twelfth.id,
    })
  })

  it('art38 an order unpaid for more than 7 days gives up its seat to the next buyer of a sold-out plan', async () => {
    const buyer = await authUserByEmail('buyer@demo.gd.example')
    const plan = {
      productId,
      planKey: 'one_off-1',
      purpose: 'p',
      scenario: 's',
      method: 'bank_transfer' as const,
    }
    await expect(createOrder(buyer, plan)).rejects.toMatchObject({ code: 'sold_out' })
    const holder = (await SeatClaim.findById(`${productId}:one_off-1:11`).lean())!.orderId
    await Order.updateOne(
      { _id: holder },
      { $set: { createdAt: new Date(Date.now() - 8 * 86_400_000) } },
    )
    const next = await createOrder(buyer, plan)
    expect((await Order.findById(next.id).lean())!.seatNo).toBe(11)
    expect((await Order.findById(holder).lean())!.status).toBe('cancelled')
    // Paid orders never expire: the plan is sold out again.
    await expect(createOrder(buyer, plan)).rejects.toMatchObject({ code: 'sold_out' })
  })
})
