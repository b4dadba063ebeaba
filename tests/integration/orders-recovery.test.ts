// C8 (Art. 38; ADR 003, 020): what a crash, a lost job or an early webhook leaves half-done is
// finished — the payment sweep, seats claimed for an order never created, a retried order creation —
// and money is returned or kept by the right party (cancelled subscriptions, dashboard refunds,
// refund policy, Stripe not configured). Stripe is stripe-mock; webhooks are SDK-signed.
process.env.QUEUE_PREFIX = 'test-orders-recovery'
import { Worker } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeQueues, getQueue } from '#jobs/queues'
import { paymentSweep } from '#jobs/processors/payment-sweeps'
import { LedgerEntry } from '#models/ledger-entry'
import { Licence } from '#models/licence'
import { Order, OrderEvent } from '#models/order'
import { Payment } from '#models/payment'
import { Product } from '#models/product'
import { SeatClaim, seatClaimId } from '#models/seat-claim'
import { StripeEvent } from '#models/stripe-event'
import { action as webhookAction } from '~/routes/webhooks.stripe'
import { action as orderAction } from '~/routes/orders.$orderId'
import type { AuthUser } from '~/services/identity/auth.server'
import {
  cancelOrder,
  createOrder,
  loadOrder,
  projectOrderStatus,
} from '~/services/orders/orders.server'
import { claimPaid, confirmTransfer, refundOrder } from '~/services/orders/payments.server'
import { reconcilePayments } from '~/services/orders/reconcile.server'
import { ORPHAN_CLAIM_MINUTES } from '~/services/orders/seats.server'
import { paymentEventJobId, processPaymentEvent } from '~/services/orders/webhooks.server'
import { getEnv } from '~/utils/env.server'
import { createRedis } from '~/utils/redis.server'
import { formRequest, sessionCookieFor, settle } from '../fixtures/auth'
import { authUserByEmail, demoProduct, signedWebhook, stripeEvent } from '../fixtures/orders'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

const MINUTE = 60_000

describe('orders recovered and refunded', () => {
  useTestDb()
  const users: Record<string, AuthUser> = {}
  const cookies: Record<string, string> = {}
  let statsId = ''
  let vitalityId = ''

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    for (const who of ['buyer', 'authority', 'provider'] as const) {
      users[who] = await authUserByEmail(`${who}@demo.gd.example`)
      cookies[who] = await sessionCookieFor(`${who}@demo.gd.example`)
    }
    statsId = String((await demoProduct('authority-enterprise-stats'))._id)
    vitalityId = String((await demoProduct('provider1-vitality-index'))._id)
  })
  afterAll(async () => {
    await closeQueues()
  })

  const post = (req: Request) =>
    settle(() => webhookAction({ request: req, params: {}, context: {} }))
  const idOf = (payload: string) => JSON.parse(payload).id as string
  /** The sweep as it runs ten minutes from now: everything recorded so far counts as stale. */
  const sweepLater = () => reconcilePayments(new Date(Date.now() + 10 * MINUTE))

  async function order(
    productId: string,
    planKey: string,
    method: 'stripe' | 'bank_transfer',
  ): Promise<string> {
    return (
      await createOrder(users.buyer!, {
        productId,
        planKey,
        purpose: '经营分析',
        scenario: '区域市场研究',
        method,
      })
    ).id
  }

  function sessionCompleted(orderId: string, amountFen: number) {
    return {
      id: `cs_test_${orderId}`,
      object: 'checkout.session',
      client_reference_id: orderId,
      metadata: { orderId },
      mode: 'payment',
      payment_status: 'paid',
      amount_total: amountFen,
      currency: 'cny',
      payment_intent: `pi_${orderId}`,
    }
  }

  function firstInvoice(orderId: string, paymentIntent: string | null) {
    const end = Math.floor(Date.now() / 1000) + 30 * 86_400
    return {
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
        data: [
          { id: `il_${orderId}`, object: 'line_item', period: { start: end - 30 * 86_400, end } },
        ],
      },
      ...(paymentIntent
        ? {
            payments: {
              object: 'list',
              data: [
                {
                  id: `inpay_${orderId}`,
                  object: 'invoice_payment',
                  payment: { type: 'payment_intent', payment_intent: paymentIntent },
                },
              ],
            },
          }
        : {}),
    }
  }

  async function paidCardOrder(productId: string): Promise<string> {
    const orderId = await order(
      productId,
      (await Product.findById(productId).lean())!.pricePlans[0]!.key,
      'stripe',
    )
    const amount = (await loadOrder(orderId)).amountFen
    const payload = stripeEvent('checkout.session.completed', sessionCompleted(orderId, amount))
    expect((await post(signedWebhook(payload))).status).toBe(200)
    expect((await processPaymentEvent(idOf(payload))).outcome).toBe('paid')
    return orderId
  }

  it('art38 an early refund that outlives its job is applied by the payment sweep; its job retries for hours', async () => {
    const orderId = await order(statsId, 'one_off-1', 'stripe')
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
    const job = await getQueue('payment-events').getJob(paymentEventJobId(idOf(refunded)))
    expect(job!.opts).toMatchObject({
      attempts: 10,
      backoff: { type: 'exponential', delay: 60_000 },
    })

    // Every attempt of the job comes too early; then the payment is processed; no job is left.
    await expect(processPaymentEvent(idOf(refunded))).rejects.toThrow(/not recorded yet/)
    expect((await processPaymentEvent(idOf(completed))).outcome).toBe('paid')
    expect((await StripeEvent.findById(idOf(refunded)).lean())!.processedAt).toBeNull()

    // Not yet stale: the sweep leaves it to its job.
    await reconcilePayments()
    expect((await loadOrder(orderId)).status).toBe('paid')
    const swept = await paymentSweep({ at: new Date(Date.now() + 10 * MINUTE).toISOString() })
    expect(swept.events.processed).toBeGreaterThanOrEqual(1)
    const done = await loadOrder(orderId)
    expect(done.status).toBe('refunded')
    expect((await Licence.findById(done.licenceId).lean())!.status).toBe('revoked')
    expect((await StripeEvent.findById(idOf(refunded)).lean())!.outcome).toBe('refunded')
    await sweepLater()
    expect(
      await LedgerEntry.countDocuments({ action: 'order.refunded', subjects: `order:${orderId}` }),
    ).toBe(1)
  })

  it('art38 a webhook replayed after its job failed is retried, not ignored', async () => {
    const orderId = await order(statsId, 'one_off-1', 'stripe')
    const payload = stripeEvent('checkout.session.completed', sessionCompleted(orderId, 200_000))
    const jobId = paymentEventJobId(idOf(payload))
    // A job that ran out of attempts before this fix (kept in the failed set under the event's id).
    await getQueue('payment-events').add(
      'payment-events',
      { eventId: idOf(payload) },
      { jobId, attempts: 1 },
    )
    const connection = createRedis({ forWorker: true })
    const failing = new Worker(
      'payment-events',
      () => Promise.reject(new Error('database unreachable')),
      { connection, prefix: getEnv().QUEUE_PREFIX },
    )
    try {
      const deadline = Date.now() + 10_000
      while (
        Date.now() < deadline &&
        (await getQueue('payment-events').getJobState(jobId)) !== 'failed'
      )
        await new Promise((r) => setTimeout(r, 50))
    } finally {
      await failing.close()
      await connection.quit().catch(() => connection.disconnect())
    }
    expect(await getQueue('payment-events').getJobState(jobId)).toBe('failed')
    expect((await post(signedWebhook(payload))).status).toBe(200)
    expect(await getQueue('payment-events').getJobState(jobId)).toBe('waiting')
  })

  it('art38 a crash between the paid claim and the licence: the payment sweep issues the licence once', async () => {
    const orderId = await order(statsId, 'one_off-1', 'bank_transfer')
    const authority = users.authority!
    // confirmTransfer's first steps, then the process dies before order.paid and issueLicence.
    const paidAt = await claimPaid(await loadOrder(orderId), {
      userId: authority.id,
      orgId: authority.org?.id,
    })
    await Payment.create({
      _id: orderId,
      orderId,
      kind: 'initial',
      method: 'bank_transfer',
      amountFen: 200_000,
      bankReference: 'ICBC-CRASH-1',
      confirmedByUserId: authority.id,
      at: paidAt,
    })
    await projectOrderStatus(orderId)
    expect(await loadOrder(orderId)).toMatchObject({ status: 'paid', licenceId: null })

    const first = await sweepLater()
    expect(first.orders.completed).toBeGreaterThanOrEqual(1)
    const done = await loadOrder(orderId)
    expect(done.licenceId).toBeTruthy()
    expect(await Licence.countDocuments({ sourceRef: orderId })).toBe(1)
    await sweepLater()
    expect(await Licence.countDocuments({ sourceRef: orderId })).toBe(1)
    expect(
      await LedgerEntry.countDocuments({ action: 'order.paid', subjects: `order:${orderId}` }),
    ).toBe(1)
    const paid = await LedgerEntry.findOne({
      action: 'order.paid',
      subjects: `order:${orderId}`,
    }).lean()
    expect(paid!.summary).toMatchObject({
      renewal: false,
      amountFen: 200_000,
      method: 'bank_transfer',
    })
  })

  it('art38 a crash half-way through a refund: the payment sweep revokes the licence and logs the refund once', async () => {
    const orderId = await order(statsId, 'one_off-1', 'bank_transfer')
    const authority = users.authority!
    await confirmTransfer(authority, {
      intent: 'confirm',
      orderId,
      amount: (await loadOrder(orderId)).amountFen,
      bankReference: `BR-${orderId}`,
    })
    const licenceId = (await loadOrder(orderId)).licenceId!
    // refundOrder's first step, then the process dies: no ledger entry, licence in force, seat held.
    await OrderEvent.create({
      _id: `${orderId}:refunded`,
      orderId,
      kind: 'refunded',
      reason: '重复付款',
      actorUserId: authority.id,
      actorOrgId: authority.org?.id,
    })
    expect((await Licence.findById(licenceId).lean())!.status).toBe('active')

    const first = await sweepLater()
    expect(first.refunds.completed).toBeGreaterThanOrEqual(1)
    const done = await loadOrder(orderId)
    expect(done).toMatchObject({ status: 'refunded' })
    expect(done.refundedSeq).toBeGreaterThan(0)
    expect((await Licence.findById(licenceId).lean())!.status).toBe('revoked')
    await sweepLater()
    expect(
      await LedgerEntry.countDocuments({ action: 'order.refunded', subjects: `order:${orderId}` }),
    ).toBe(1)
    expect(
      await LedgerEntry.countDocuments({
        action: 'licence.revoked',
        subjects: `licence:${licenceId}`,
      }),
    ).toBe(1)
  })

  it('art38 a cancelled order paid by subscription: the subscription is cancelled and its first invoice refunded', async () => {
    const orderId = await order(statsId, 'subscription_monthly-2', 'stripe')
    await cancelOrder(users.buyer!, orderId, '不再需要')
    const paid = stripeEvent('invoice.paid', firstInvoice(orderId, `pi_sub_${orderId}`))
    expect((await post(signedWebhook(paid))).status).toBe(200)
    expect((await processPaymentEvent(idOf(paid))).outcome).toBe('refunded:order_cancelled')
    // Stripe names no payment intent (stripe-mock's invoice has none): the subscription is still stopped.
    const other = await order(statsId, 'subscription_monthly-2', 'stripe')
    await cancelOrder(users.buyer!, other, '不再需要')
    const bare = stripeEvent('invoice.paid', firstInvoice(other, null))
    expect((await post(signedWebhook(bare))).status).toBe(200)
    expect((await processPaymentEvent(idOf(bare))).outcome).toBe(
      'subscription-cancelled:order_cancelled',
    )
    for (const id of [orderId, other]) expect((await loadOrder(id)).status).toBe('cancelled')
    expect(await Licence.countDocuments({ sourceRef: orderId })).toBe(0)
  })

  it('art38 the first invoice’s payment intent is kept, so a refund made in the Stripe dashboard revokes the licence', async () => {
    const orderId = await order(statsId, 'subscription_monthly-2', 'stripe')
    const paid = stripeEvent('invoice.paid', firstInvoice(orderId, `pi_sub_${orderId}`))
    expect((await post(signedWebhook(paid))).status).toBe(200)
    expect((await processPaymentEvent(idOf(paid))).outcome).toBe('paid')
    expect(await loadOrder(orderId)).toMatchObject({
      status: 'paid',
      stripePaymentIntentId: `pi_sub_${orderId}`,
    })
    expect((await Payment.findById(orderId).lean())!.stripePaymentIntentId).toBe(
      `pi_sub_${orderId}`,
    )
    // The dashboard's refund names only the charge's payment intent (no metadata of ours).
    const refunded = stripeEvent('charge.refunded', {
      id: `ch_sub_${orderId}`,
      object: 'charge',
      payment_intent: `pi_sub_${orderId}`,
      amount: 30_000,
      amount_refunded: 30_000,
      refunded: true,
      currency: 'cny',
      metadata: {},
    })
    expect((await post(signedWebhook(refunded))).status).toBe(200)
    expect((await processPaymentEvent(idOf(refunded))).outcome).toBe('refunded')
    const done = await loadOrder(orderId)
    expect(done.status).toBe('refunded')
    expect((await Licence.findById(done.licenceId).lean())!.status).toBe('revoked')
  })

  it('art38 refunding a card order while Stripe is not configured is a 409 in the user’s language, not a 500', async () => {
    const orderId = await paidCardOrder(statsId)
    const env = getEnv() as { STRIPE_SECRET_KEY?: string }
    const key = env.STRIPE_SECRET_KEY
    env.STRIPE_SECRET_KEY = undefined
    try {
      await expect(
        refundOrder(users.authority!, orderId, { reason: 'x', refundReference: '' }),
      ).rejects.toMatchObject({ code: 'stripe_unavailable', status: 409 })
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
      expect(res.status).toBe(409)
    } finally {
      env.STRIPE_SECRET_KEY = key
    }
    expect((await loadOrder(orderId)).status).toBe('paid')
  })

  it('art38 a provider refunds only card orders of its products; a bank transfer is refunded by the authority', async () => {
    const transfer = await order(
      vitalityId,
      (await demoProduct('provider1-vitality-index')).pricePlans[0]!.key,
      'bank_transfer',
    )
    const amount = (await loadOrder(transfer)).amountFen
    await confirmTransfer(users.authority!, {
      intent: 'confirm',
      orderId: transfer,
      amount,
      bankReference: `BR-${transfer}`,
    })
    await expect(
      refundOrder(users.provider!, transfer, { reason: 'x', refundReference: 'ICBC-R-9' }),
    ).rejects.toMatchObject({ code: 'forbidden', status: 403 })
    expect((await loadOrder(transfer)).status).toBe('paid')
    await refundOrder(users.authority!, transfer, { reason: '退回', refundReference: 'ICBC-R-9' })
    expect((await loadOrder(transfer)).status).toBe('refunded')

    const card = await paidCardOrder(vitalityId)
    await refundOrder(users.provider!, card, { reason: '数据质量争议', refundReference: '' })
    expect((await loadOrder(card)).status).toBe('refunded')
  })

  it('art38 a seat claimed for an order that was never created is freed once the plan is sold out', async () => {
    const product = await demoProduct('authority-land-use-parcels')
    const productId = String(product._id)
    const planKey = product.pricePlans[0]!.key
    await Product.updateOne({ _id: product._id }, { $set: { 'pricePlans.0.seats': 2 } })
    // Crashes between the claim and Order.create: one long ago, one just now (may still be placing).
    const ghost = (n: number, ageMinutes: number) =>
      SeatClaim.create({
        _id: seatClaimId(productId, planKey, n),
        productId,
        planKey,
        seatNo: n,
        orderId: `${'e'.repeat(23)}${n}`,
        at: new Date(Date.now() - ageMinutes * MINUTE),
      })
    await ghost(1, ORPHAN_CLAIM_MINUTES + 5)
    await ghost(2, 0)
    const placed = await order(productId, planKey, 'bank_transfer')
    expect((await loadOrder(placed)).seatNo).toBe(1)
    await expect(order(productId, planKey, 'bank_transfer')).rejects.toMatchObject({
      code: 'sold_out',
    })
    expect((await SeatClaim.findById(seatClaimId(productId, planKey, 2)).lean())!.orderId).toBe(
      `${'e'.repeat(23)}2`,
    )
  })

  it('art38 a named order retried after a crash before its ledger entry is finished, once', async () => {
    const template = await loadOrder(await order(statsId, 'one_off-1', 'bank_transfer'))
    const orderId = 'f'.repeat(24)
    // The crash: the order was inserted; its `created` event and `order.created` entry were not.
    await Order.create({
      ...template,
      _id: orderId,
      remittanceRef: 'GDCRASH00001',
      createdSeq: null,
    })
    const input = {
      productId: statsId,
      planKey: 'one_off-1',
      purpose: template.purpose,
      scenario: template.scenario,
      method: 'bank_transfer' as const,
    }
    const retried = await createOrder(users.buyer!, input, { orderId })
    expect(retried).toEqual({ id: orderId, remittanceRef: 'GDCRASH00001' })
    await createOrder(users.buyer!, input, { orderId })
    expect(await OrderEvent.countDocuments({ orderId, kind: 'created' })).toBe(1)
    expect(
      await LedgerEntry.countDocuments({ action: 'order.created', subjects: `order:${orderId}` }),
    ).toBe(1)
    expect((await loadOrder(orderId)).createdSeq).toBeGreaterThan(0)
  })
})
