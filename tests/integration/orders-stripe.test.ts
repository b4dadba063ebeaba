// C8 (Art. 38; ADR 005, 020): card payments through Stripe Checkout against stripe-mock, with
// SDK-signed webhooks: one payment, one licence, one delivery job however often or in whatever
// order Stripe delivers; forged signatures refused; subscriptions renew the licence once per invoice.
process.env.QUEUE_PREFIX = 'test-orders-stripe'
import { Worker } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paymentEvents } from '#jobs/processors/payment-events'
import { closeQueues, getQueue } from '#jobs/queues'
import { LedgerEntry } from '#models/ledger-entry'
import { Licence, LicenceEvent } from '#models/licence'
import { Order } from '#models/order'
import { Payment } from '#models/payment'
import { StripeEvent } from '#models/stripe-event'
import { action as orderFormAction } from '~/routes/market.$productId.order'
import { action as orderAction } from '~/routes/orders.$orderId'
import { action as payoutsAction } from '~/routes/provider.payouts'
import { action as webhookAction } from '~/routes/webhooks.stripe'
import { deliveryJobId } from '~/services/licences/issue.server'
import { checkoutParams, platformFeeFen } from '~/services/orders/checkout.server'
import { loadOrder } from '~/services/orders/orders.server'
import { payoutAccountOf } from '~/services/orders/payouts.server'
import { processPaymentEvent } from '~/services/orders/webhooks.server'
import { stripeCall } from '~/services/orders/stripe.server'
import { formRequest, sessionCookieFor, settle } from '../fixtures/auth'
import { demoProduct, sessionCompleted, signedWebhook, stripeEvent } from '../fixtures/orders'
import { createRedis } from '~/utils/redis.server'
import { getEnv } from '~/utils/env.server'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

const DAY = 86_400_000

describe('orders paid through Stripe', () => {
  useTestDb()
  const cookies: Record<string, string> = {}
  let statsId = ''
  let vitalityId = ''

  beforeAll(async () => {
    expect(
      process.env.STRIPE_API_URL,
      'stripe-mock must be running (tests/setup/global.ts)',
    ).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await seedDemoWorldFromTemplate()
    for (const who of ['buyer', 'authority', 'provider'] as const)
      cookies[who] = await sessionCookieFor(`${who}@demo.gd.example`)
    statsId = String((await demoProduct('authority-enterprise-stats'))._id)
    vitalityId = String((await demoProduct('provider1-vitality-index'))._id)
  })
  afterAll(async () => {
    await closeQueues()
  })

  async function placeCardOrder(productId: string, planKey: string): Promise<string> {
    const res = await settle(() =>
      orderFormAction({
        request: formRequest(
          `/market/${productId}/order`,
          { planKey, purpose: '经营分析', scenario: '区域市场研究', method: 'stripe' },
          { cookie: cookies.buyer },
        ),
        params: { productId },
        context: {},
      }),
    )
    expect(res.status).toBe(302)
    return /\/orders\/([0-9a-f]{24})/.exec(res.headers.get('Location') ?? '')![1]!
  }

  async function checkout(orderId: string): Promise<Response> {
    return settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'checkout' },
          { cookie: cookies.buyer },
        ),
        params: { orderId },
        context: {},
      }),
    )
  }

  const post = (req: Request) =>
    settle(() => webhookAction({ request: req, params: {}, context: {} }))

  async function deliveryJobsFor(licenceId: string) {
    const jobs = await getQueue('delivery').getJobs([
      'waiting',
      'delayed',
      'active',
      'completed',
      'failed',
      'prioritized',
    ])
    return jobs.filter((j) => 'licenceId' in j.data && j.data.licenceId === licenceId)
  }

  it('art38 a one-off card order opens a Checkout Session at stripe-mock with an idempotency key', async () => {
    const orderId = await placeCardOrder(statsId, 'one_off-1')
    const res = await checkout(orderId)
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toMatch(/^https:\/\/checkout\.stripe\.com\//)
    const order = await loadOrder(orderId)
    expect(order.stripeSessionId).toMatch(/^cs_/)
    const params = checkoutParams(order, 'http://localhost:3000', 'acct_provider')
    expect(params).toMatchObject({
      mode: 'payment',
      client_reference_id: orderId,
      metadata: { orderId },
    })
    expect(params.line_items![0]!.price_data).toMatchObject({
      currency: 'cny',
      unit_amount: 200_000,
    })
    expect(params.payment_intent_data).toMatchObject({
      transfer_data: { destination: 'acct_provider' },
      application_fee_amount: platformFeeFen(200_000),
    })
    expect(platformFeeFen(200_000, 500)).toBe(10_000)
  })

  it('art38 webhook replayed ×10 (and processed ×10 at once) makes one payment, one licence, one delivery job', async () => {
    const orderId = await placeCardOrder(statsId, 'one_off-1')
    const payload = stripeEvent('checkout.session.completed', sessionCompleted(orderId, 200_000))
    const eventId = JSON.parse(payload).id as string
    const replies = []
    for (let i = 0; i < 10; i++) replies.push(await post(signedWebhook(payload)))
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200))
    expect(((await replies[1]!.json()) as { duplicate: boolean }).duplicate).toBe(true)
    expect(await StripeEvent.countDocuments({ _id: eventId })).toBe(1)
    expect(await getQueue('payment-events').getJob(`stripe-${eventId}`)).toBeTruthy()

    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => processPaymentEvent(eventId)),
    )
    expect(new Set(outcomes.map((o) => o.outcome))).toEqual(new Set(['paid']))
    expect(await Payment.countDocuments({ orderId })).toBe(1)
    const licences = await Licence.find({ sourceRef: orderId }).lean()
    expect(licences).toHaveLength(1)
    const licenceId = String(licences[0]!._id)
    expect((await deliveryJobsFor(licenceId)).map((j) => j.id)).toEqual([deliveryJobId(licenceId)])
    expect(
      await LedgerEntry.countDocuments({ action: 'order.paid', subjects: `order:${orderId}` }),
    ).toBe(1)
    expect(
      await LedgerEntry.countDocuments({
        action: 'licence.issued',
        subjects: `licence:${licenceId}`,
      }),
    ).toBe(1)
    const order = await loadOrder(orderId)
    expect(order).toMatchObject({
      status: 'paid',
      licenceId,
      stripePaymentIntentId: `pi_${orderId}`,
    })
  })

  it('art38 a forged, missing or wrong-secret signature is refused with 400 and records nothing', async () => {
    const orderId = await placeCardOrder(statsId, 'one_off-1')
    const payload = stripeEvent('checkout.session.completed', sessionCompleted(orderId, 200_000))
    const forged = await post(signedWebhook(payload, 'whsec_not_ours_at_all'))
    expect(forged.status).toBe(400)
    const tampered = signedWebhook(payload)
    const tamperedBody = payload.replace('"amount_total":200000', '"amount_total":1')
    const res = await post(
      new Request(tampered.url, { method: 'POST', headers: tampered.headers, body: tamperedBody }),
    )
    expect(res.status).toBe(400)
    const unsigned = await post(
      new Request(tampered.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: payload,
      }),
    )
    expect(unsigned.status).toBe(400)
    const garbage = await post(
      new Request(tampered.url, {
        method: 'POST',
        headers: { 'Stripe-Signature': 't=1,v1=abc' },
        body: '\u0000not json',
      }),
    )
    expect(garbage.status).toBe(400)
    expect(await StripeEvent.countDocuments({ _id: JSON.parse(payload).id })).toBe(0)
    expect((await loadOrder(orderId)).status).toBe('awaiting_payment')
  })

  it('art38 an amount that does not match the order is refused, not paid', async () => {
    const orderId = await placeCardOrder(statsId, 'one_off-1')
    const payload = stripeEvent('checkout.session.completed', sessionCompleted(orderId, 100))
    expect((await post(signedWebhook(payload))).status).toBe(200)
    expect(await processPaymentEvent(JSON.parse(payload).id)).toEqual({
      outcome: 'refused:amount_mismatch',
    })
    expect(await Payment.countDocuments({ orderId })).toBe(0)
  })

  it('art38 a signed event in the wrong mode, from a connected account or in another currency is refused, not paid', async () => {
    for (const [variant, expected] of [
      [{ livemode: true }, 'refused:livemode_mismatch'],
      [{ account: 'acct_1Other' }, 'refused:account_mismatch'],
      [{ currency: 'usd' }, 'refused:currency_mismatch'],
    ] as const) {
      const orderId = await placeCardOrder(statsId, 'one_off-1')
      const order = await loadOrder(orderId)
      const { currency, ...eventFields } = { currency: undefined as string | undefined, ...variant }
      const body = JSON.parse(
        stripeEvent(
          'checkout.session.completed',
          sessionCompleted(orderId, order.amountFen, currency ? { currency } : {}),
        ),
      ) as Record<string, unknown>
      const payload = JSON.stringify({ ...body, ...eventFields })
      expect((await post(signedWebhook(payload))).status).toBe(200)
      expect(await processPaymentEvent(JSON.parse(payload).id), JSON.stringify(variant)).toEqual({
        outcome: expected,
      })
      expect(await Payment.countDocuments({ orderId })).toBe(0)
    }
  })

  it('art38 out of order: a refund before the payment waits (retry), then applies once; the licence is revoked', async () => {
    const orderId = await placeCardOrder(statsId, 'one_off-1')
    const refunded = stripeEvent('charge.refunded', {
      id: `ch_${orderId}`,
      object: 'charge',
      payment_intent: `pi_${orderId}`,
      amount: 200_000,
      amount_refunded: 200_000,
      refunded: true,
      currency: 'cny',
      metadata: {},
    })
    const completed = stripeEvent('checkout.session.completed', sessionCompleted(orderId, 200_000))
    for (const p of [refunded, completed]) expect((await post(signedWebhook(p))).status).toBe(200)
    await expect(processPaymentEvent(JSON.parse(refunded).id)).rejects.toThrow(/not recorded yet/)
    expect((await processPaymentEvent(JSON.parse(completed).id)).outcome).toBe('paid')
    // The job's retry, and a replay of it.
    expect((await processPaymentEvent(JSON.parse(refunded).id)).outcome).toBe('refunded')
    expect((await processPaymentEvent(JSON.parse(refunded).id)).outcome).toBe('refunded')
    const order = await loadOrder(orderId)
    expect(order.status).toBe('refunded')
    expect((await Licence.findById(order.licenceId).lean())!.status).toBe('revoked')
    expect(
      await LedgerEntry.countDocuments({ action: 'order.refunded', subjects: `order:${orderId}` }),
    ).toBe(1)
    // A late, replayed completion does not resurrect the order or issue a second licence.
    expect((await processPaymentEvent(JSON.parse(completed).id)).outcome).toBe('paid')
    expect((await loadOrder(orderId)).status).toBe('refunded')
    expect(await Licence.countDocuments({ sourceRef: orderId })).toBe(1)
  })

  it('art38 a subscription: renewal before the first payment waits; then one licence, extended once per invoice', async () => {
    const orderId = await placeCardOrder(statsId, 'subscription_monthly-2')
    const res = await checkout(orderId)
    expect(res.status).toBe(302)
    const order0 = await loadOrder(orderId)
    const params = checkoutParams(order0, 'http://localhost:3000', 'acct_x')
    expect(params).toMatchObject({
      mode: 'subscription',
      subscription_data: {
        metadata: { orderId },
        transfer_data: { destination: 'acct_x' },
        application_fee_percent: 5,
      },
    })
    expect(params.line_items![0]!.price_data).toMatchObject({
      unit_amount: 30_000,
      recurring: { interval: 'month' },
    })

    const now = Math.floor(Date.now() / 1000)
    const firstEnd = now + 30 * 86_400
    const secondEnd = firstEnd + 31 * 86_400
    const invoice = (id: string, reason: string, end: number) => ({
      id,
      object: 'invoice',
      billing_reason: reason,
      amount_paid: 30_000,
      currency: 'cny',
      period_end: end - 30 * 86_400,
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: `sub_${orderId}`, metadata: { orderId } },
      },
      lines: {
        object: 'list',
        data: [{ id: `il_${id}`, object: 'line_item', period: { start: end - 30 * 86_400, end } }],
      },
    })
    const renewal = stripeEvent(
      'invoice.paid',
      invoice(`in_2_${orderId}`, 'subscription_cycle', secondEnd),
    )
    const first = stripeEvent(
      'invoice.paid',
      invoice(`in_1_${orderId}`, 'subscription_create', firstEnd),
    )
    const completed = stripeEvent(
      'checkout.session.completed',
      sessionCompleted(orderId, 30_000, {
        mode: 'subscription',
        payment_intent: null,
        subscription: `sub_${orderId}`,
      }),
    )
    for (const p of [renewal, first, completed])
      expect((await post(signedWebhook(p))).status).toBe(200)

    await expect(processPaymentEvent(JSON.parse(renewal).id)).rejects.toThrow(/not paid yet/)
    expect((await processPaymentEvent(JSON.parse(first).id)).outcome).toBe('paid')
    expect((await processPaymentEvent(JSON.parse(completed).id)).outcome).toBe('paid')
    const licence = await Licence.findOne({ sourceRef: orderId }).lean()
    expect(Math.abs(licence!.end.getTime() - firstEnd * 1000)).toBeLessThan(1000)
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => processPaymentEvent(JSON.parse(renewal).id)),
    )
    expect(outcomes.map((o) => o.outcome)).toEqual(['renewed', 'renewed', 'renewed'])
    const extended = await Licence.findById(licence!._id).lean()
    expect(Math.abs(extended!.end.getTime() - secondEnd * 1000)).toBeLessThan(1000)
    expect(extended!.end.getTime() - licence!.end.getTime()).toBeGreaterThan(30 * DAY)
    expect(
      await LicenceEvent.countDocuments({ licenceId: String(licence!._id), kind: 'extended' }),
    ).toBe(1)
    expect(await Payment.countDocuments({ orderId })).toBe(2)
    expect(await Licence.countDocuments({ sourceRef: orderId })).toBe(1)
    const paid = await LedgerEntry.find({
      action: 'order.paid',
      subjects: `order:${orderId}`,
    }).lean()
    expect(paid.map((e) => e.summary?.planKind)).toEqual([
      'subscription_monthly',
      'subscription_monthly',
    ])
    // The first payment and the renewal say which they are (reports counting paid orders skip renewals).
    expect(paid.map((e) => e.summary?.renewal)).toEqual([false, true])
    expect((await loadOrder(orderId)).stripeSubscriptionId).toBe(`sub_${orderId}`)
  })

  it('art38 the authority refunds a card order at Stripe (stripe-mock) and the licence is revoked', async () => {
    const orderId = await placeCardOrder(statsId, 'one_off-1')
    const payload = stripeEvent('checkout.session.completed', sessionCompleted(orderId, 200_000))
    await post(signedWebhook(payload))
    await processPaymentEvent(JSON.parse(payload).id)
    const byProvider = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'refund', reason: 'x' },
          { cookie: cookies.provider },
        ),
        params: { orderId },
        context: {},
      }),
    )
    // Another organisation's sale is not disclosed to this provider, let alone refundable.
    expect(byProvider.status).toBe(404)
    const res = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'refund', reason: '重复购买' },
          { cookie: cookies.authority },
        ),
        params: { orderId },
        context: {},
      }),
    )
    expect(res.status).toBe(302)
    const order = await loadOrder(orderId)
    expect(order.status).toBe('refunded')
    expect((await Payment.findById(orderId).lean())!.refundReference).toMatch(/^re_/)
    expect((await Licence.findById(order.licenceId).lean())!.status).toBe('revoked')
  })

  it('art37 a provider links a Stripe Connect account once; checkout then pays it by destination charge', async () => {
    const first = await settle(() =>
      payoutsAction({
        request: formRequest('/provider/payouts', {}, { cookie: cookies.provider }),
        params: {},
        context: {},
      }),
    )
    expect(first.status).toBe(302)
    const second = await settle(() =>
      payoutsAction({
        request: formRequest('/provider/payouts', {}, { cookie: cookies.provider }),
        params: {},
        context: {},
      }),
    )
    expect(second.status).toBe(302)
    const provider = (await demoProduct('provider1-vitality-index')).ownerOrgId
    const account = await payoutAccountOf(provider)
    expect(account?.stripeAccountId).toMatch(/^acct_/)
    expect(
      await LedgerEntry.countDocuments({
        action: 'payout-account.linked',
        subjects: `org:${provider}`,
      }),
    ).toBe(1)
    const orderId = await placeCardOrder(vitalityId, 'subscription_monthly-1')
    expect((await checkout(orderId)).status).toBe(302)
    expect((await Order.findById(orderId).lean())!.stripeSessionId).toMatch(/^cs_/)
  })

  it('art38 the payment-events worker (BullMQ) takes a posted webhook to a paid order with its licence', async () => {
    const connection = createRedis({ forWorker: true })
    const worker = new Worker('payment-events', (job) => paymentEvents(job.data), {
      connection,
      prefix: getEnv().QUEUE_PREFIX,
    })
    try {
      const orderId = await placeCardOrder(statsId, 'one_off-1')
      const payload = stripeEvent('checkout.session.completed', sessionCompleted(orderId, 200_000))
      for (let i = 0; i < 3; i++) expect((await post(signedWebhook(payload))).status).toBe(200)
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline && !(await loadOrder(orderId)).licenceId)
        await new Promise((r) => setTimeout(r, 100))
      const order = await loadOrder(orderId)
      expect(order.status).toBe('paid')
      expect(await Licence.countDocuments({ sourceRef: orderId })).toBe(1)
      expect((await StripeEvent.findById(JSON.parse(payload).id).lean())!.outcome).toBe('paid')
    } finally {
      await worker.close()
      await connection.quit().catch(() => connection.disconnect())
    }
  })

  it('art38 Stripe refusing a call is a 409 for the user, not a server error', async () => {
    await expect(
      stripeCall((stripe) => stripe.refunds.create({ not_a_parameter: 'x' } as never)),
    ).rejects.toMatchObject({ code: 'stripe_refused', status: 409 })
  })

  it('art38 refunding a subscription cancels it at Stripe and revokes the licence', async () => {
    const orderId = await placeCardOrder(statsId, 'subscription_monthly-2')
    const end = Math.floor(Date.now() / 1000) + 30 * 86_400
    const first = stripeEvent('invoice.paid', {
      id: `in_1_${orderId}`,
      object: 'invoice',
      billing_reason: 'subscription_create',
      amount_paid: 30_000,
      currency: 'cny',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: `sub_${orderId}`, metadata: { orderId } },
      },
      lines: {
        object: 'list',
        data: [{ id: 'il_1', object: 'line_item', period: { start: end - 30 * 86_400, end } }],
      },
    })
    await post(signedWebhook(first))
    expect((await processPaymentEvent(JSON.parse(first).id)).outcome).toBe('paid')
    const res = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'refund', reason: '停止订阅' },
          { cookie: cookies.authority },
        ),
        params: { orderId },
        context: {},
      }),
    )
    expect(res.status).toBe(302)
    const order = await loadOrder(orderId)
    expect(order.status).toBe('refunded')
    expect((await Licence.findById(order.licenceId).lean())!.status).toBe('revoked')
  })
})
