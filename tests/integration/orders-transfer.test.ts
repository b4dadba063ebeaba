// C8 (Art. 24, 38): a buyer orders by bank transfer (對公轉賬), the authority confirms receipt,
// the licence is issued through the one payment path; wrong amounts and wrong roles are refused;
// a refund revokes the licence.
process.env.QUEUE_PREFIX = 'test-orders-transfer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeQueues, getQueue } from '#jobs/queues'
import { LedgerEntry } from '#models/ledger-entry'
import { Licence, LicenceEvent } from '#models/licence'
import { Order } from '#models/order'
import { Payment } from '#models/payment'
import {
  action as orderFormAction,
  loader as orderFormLoader,
} from '~/routes/market.$productId.order'
import { action as orderAction, loader as orderLoader } from '~/routes/orders.$orderId'
import { action as awaitingAction, loader as awaitingLoader } from '~/routes/authority.payments'
import { loader as ordersLoader } from '~/routes/orders._index'
import { action as apiCreate, loader as apiList } from '~/routes/api.v1.orders'
import { loader as apiGet } from '~/routes/api.v1.orders.$orderId'
import { openApiDocument } from '~/services/api/contract'
import { deliveryJobId } from '~/services/licences/issue.server'
import { BASE, formRequest, jsonRequest, sessionCookieFor, settle } from '../fixtures/auth'
import { demoProduct } from '../fixtures/orders'
import { useTestDb, seedDemoWorldFromTemplate } from '../setup/db'

describe('orders paid by bank transfer', () => {
  useTestDb()
  const cookies: Record<string, string> = {}
  let productId = ''
  let orderId = ''

  beforeAll(async () => {
    await seedDemoWorldFromTemplate()
    for (const who of ['buyer', 'authority', 'provider', 'provider2', 'regulator'] as const)
      cookies[who] = await sessionCookieFor(`${who}@demo.gd.example`)
    productId = String((await demoProduct('provider1-vitality-index'))._id)
  })
  afterAll(async () => {
    await closeQueues()
  })

  const get = (path: string, cookie?: string) =>
    new Request(BASE + path, { headers: cookie ? { Cookie: cookie } : {} })

  it('art24 the order form offers the licence template’s purpose and scenario, and bank transfer', async () => {
    const res = await settle(() =>
      orderFormLoader({
        request: get(`/market/${productId}/order`, cookies.buyer),
        params: { productId },
        context: {},
      }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      defaults: { purpose: string; scenario: string }
      methods: string[]
      canOrder: boolean
    }
    expect(body.defaults.purpose.length).toBeGreaterThan(0)
    expect(body.defaults.scenario.length).toBeGreaterThan(0)
    expect(body.methods).toContain('bank_transfer')
    expect(body.canOrder).toBe(true)
  })

  it('art24 refuses an order without a purpose or application scenario', async () => {
    const res = await settle(() =>
      orderFormAction({
        request: formRequest(
          `/market/${productId}/order`,
          { planKey: 'per_call-2', purpose: '', scenario: ' ', method: 'bank_transfer' },
          { cookie: cookies.buyer },
        ),
        params: { productId },
        context: {},
      }),
    )
    expect(res.status).toBe(400)
    const body = (await res.json()) as { fieldErrors: Record<string, string[]> }
    expect(Object.keys(body.fieldErrors).sort()).toEqual(['purpose', 'scenario'])
  })

  it('art38 a buyer orders by bank transfer and sees the remittance reference', async () => {
    const res = await settle(() =>
      orderFormAction({
        request: formRequest(
          `/market/${productId}/order`,
          {
            planKey: 'per_call-2',
            purpose: '信贷风控模型训练',
            scenario: '佛山市小微企业授信审批',
            method: 'bank_transfer',
          },
          { cookie: cookies.buyer },
        ),
        params: { productId },
        context: {},
      }),
    )
    expect(res.status).toBe(302)
    orderId = /\/orders\/([0-9a-f]{24})/.exec(res.headers.get('Location') ?? '')![1]!
    const order = await Order.findById(orderId).lean()
    expect(order).toMatchObject({
      status: 'awaiting_payment',
      method: 'bank_transfer',
      amountFen: 50 * 10_000,
      purpose: '信贷风控模型训练',
    })
    expect(order!.remittanceRef).toMatch(/^GD[2-9A-Z]{10}$/)
    const page = await settle(() =>
      orderLoader({
        request: get(`/orders/${orderId}`, cookies.buyer),
        params: { orderId },
        context: {},
      }),
    )
    const view = (await page.json()) as {
      order: { remittanceRef: string; receipts: { created: number } }
      can: { confirm: boolean; cancel: boolean }
    }
    expect(view.order.remittanceRef).toBe(order!.remittanceRef)
    expect(view.order.receipts.created).toBeGreaterThan(0)
    expect(view.can).toMatchObject({ confirm: false, cancel: true })
    // The provider sees its sale; another provider does not see the order.
    expect(
      (
        await settle(() =>
          orderLoader({
            request: get(`/orders/${orderId}`, cookies.provider),
            params: { orderId },
            context: {},
          }),
        )
      ).status,
    ).toBe(200)
    expect(
      (
        await settle(() =>
          orderLoader({
            request: get(`/orders/${orderId}`, cookies.provider2),
            params: { orderId },
            context: {},
          }),
        )
      ).status,
    ).toBe(404)
    const list = (await (
      await settle(() =>
        ordersLoader({ request: get('/orders', cookies.buyer), params: {}, context: {} }),
      )
    ).json()) as { scope: string; orders: { id: string }[] }
    expect(list.scope).toBe('mine')
    expect(list.orders.map((o) => o.id)).toContain(orderId)
  })

  it('art38 the authority lists the transfer awaiting confirmation', async () => {
    const res = await settle(() =>
      awaitingLoader({
        request: get('/authority/payments', cookies.authority),
        params: {},
        context: {},
      }),
    )
    const body = (await res.json()) as { orders: { id: string }[] }
    expect(body.orders.map((o) => o.id)).toContain(orderId)
  })

  it('art38 refuses a confirmation whose amount does not match the order', async () => {
    const res = await settle(() =>
      awaitingAction({
        request: formRequest(
          '/authority/payments',
          { intent: 'confirm', orderId, amount: '4999.99', bankReference: 'ICBC-0001' },
          { cookie: cookies.authority },
        ),
        params: {},
        context: {},
      }),
    )
    expect(res.status).toBe(400)
    expect(await Payment.countDocuments({ orderId })).toBe(0)
    expect((await Order.findById(orderId).lean())!.status).toBe('awaiting_payment')
  })

  it('art38 refuses a confirmation by anyone but the authority', async () => {
    for (const who of ['buyer', 'provider', 'regulator'] as const) {
      const res = await settle(() =>
        awaitingAction({
          request: formRequest(
            '/authority/payments',
            { intent: 'confirm', orderId, amount: '5000', bankReference: 'X' },
            { cookie: cookies[who] },
          ),
          params: {},
          context: {},
        }),
      )
      expect(res.status, who).toBe(403)
    }
    const viaOrderPage = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'confirm', amount: '5000', bankReference: 'X' },
          { cookie: cookies.buyer },
        ),
        params: { orderId },
        context: {},
      }),
    )
    expect(viaOrderPage.status).toBe(403)
    expect(await Payment.countDocuments({ orderId })).toBe(0)
  })

  it('art38 a confirmed transfer issues one licence with the buyer’s purpose and scenario, once', async () => {
    const confirm = () =>
      settle(() =>
        awaitingAction({
          request: formRequest(
            '/authority/payments',
            { intent: 'confirm', orderId, amount: '5,000.00', bankReference: 'ICBC-20261127-0001' },
            { cookie: cookies.authority },
          ),
          params: {},
          context: {},
        }),
      )
    const results = await Promise.all([confirm(), confirm(), confirm()])
    expect(results.map((r) => r.status)).toEqual([302, 302, 302])
    const order = await Order.findById(orderId).lean()
    expect(order!.status).toBe('paid')
    expect(await Payment.countDocuments({ orderId })).toBe(1)
    const licences = await Licence.find({ sourceRef: orderId }).lean()
    expect(licences).toHaveLength(1)
    expect(licences[0]).toMatchObject({
      purpose: '信贷风控模型训练',
      scenario: '佛山市小微企业授信审批',
      redistribution: false,
      source: 'order',
    })
    expect(order!.licenceId).toBe(String(licences[0]!._id))
    const paid = await LedgerEntry.find({
      action: 'order.paid',
      subjects: `order:${orderId}`,
    }).lean()
    expect(paid).toHaveLength(1)
    expect(paid[0]!.summary).toMatchObject({
      amountFen: 500_000,
      currency: 'CNY',
      method: 'bank_transfer',
      productId,
      planKind: 'per_call',
      sellerOrgId: order!.sellerOrgId,
      buyerOrgId: order!.buyerOrgId,
    })
    expect(
      await LedgerEntry.countDocuments({
        action: 'payment.transfer-confirmed',
        subjects: `order:${orderId}`,
      }),
    ).toBe(1)
    const job = await getQueue('delivery').getJob(deliveryJobId(String(licences[0]!._id)))
    expect(job?.data).toEqual({ licenceId: String(licences[0]!._id) })
    const page = (await (
      await settle(() =>
        orderLoader({
          request: get(`/orders/${orderId}`, cookies.buyer),
          params: { orderId },
          context: {},
        }),
      )
    ).json()) as {
      payments: { ledgerSeq: number; transferSeq: number; bankReference: string }[]
      order: { receipts: { paid: number } }
    }
    expect(page.payments[0]).toMatchObject({
      ledgerSeq: paid[0]!._id,
      bankReference: 'ICBC-20261127-0001',
    })
    expect(page.order.receipts.paid).toBe(paid[0]!._id)
  })

  it('art38 a paid order cannot be cancelled', async () => {
    const res = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'cancel', reason: 'x' },
          { cookie: cookies.buyer },
        ),
        params: { orderId },
        context: {},
      }),
    )
    expect(res.status).toBe(409)
  })

  it('art38 neither the buyer nor the provider refunds a bank transfer; the authority does and the licence is revoked', async () => {
    const byBuyer = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'refund', reason: 'x', refundReference: 'R' },
          { cookie: cookies.buyer },
        ),
        params: { orderId },
        context: {},
      }),
    )
    expect(byBuyer.status).toBe(403)
    // The platform holds a transfer's money: the provider refunds only card orders of its products.
    const byProvider = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'refund', reason: '数据质量争议', refundReference: 'ICBC-R-0001' },
          { cookie: cookies.provider },
        ),
        params: { orderId },
        context: {},
      }),
    )
    expect(byProvider.status).toBe(403)
    const noRef = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'refund', reason: '数据质量争议' },
          { cookie: cookies.authority },
        ),
        params: { orderId },
        context: {},
      }),
    )
    expect(noRef.status).toBe(400)
    const res = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${orderId}`,
          { intent: 'refund', reason: '数据质量争议', refundReference: 'ICBC-R-0001' },
          { cookie: cookies.authority },
        ),
        params: { orderId },
        context: {},
      }),
    )
    expect(res.status).toBe(302)
    const order = await Order.findById(orderId).lean()
    expect(order!.status).toBe('refunded')
    const licence = await Licence.findById(order!.licenceId).lean()
    expect(licence!.status).toBe('revoked')
    expect(
      await LicenceEvent.countDocuments({ licenceId: order!.licenceId, kind: 'revoked' }),
    ).toBe(1)
    expect(
      await LedgerEntry.countDocuments({ action: 'order.refunded', subjects: `order:${orderId}` }),
    ).toBe(1)
    expect(
      await LedgerEntry.countDocuments({
        action: 'licence.revoked',
        subjects: `licence:${order!.licenceId}`,
      }),
    ).toBe(1)
  })

  it('art38 a cancelled order can no longer be confirmed', async () => {
    const created = await settle(() =>
      orderFormAction({
        request: formRequest(
          `/market/${productId}/order`,
          { planKey: 'per_call-2', purpose: 'p', scenario: 's', method: 'bank_transfer' },
          { cookie: cookies.buyer },
        ),
        params: { productId },
        context: {},
      }),
    )
    const id = /\/orders\/([0-9a-f]{24})/.exec(created.headers.get('Location') ?? '')![1]!
    const cancel = await settle(() =>
      orderAction({
        request: formRequest(
          `/orders/${id}`,
          { intent: 'cancel', reason: '改用其他产品' },
          { cookie: cookies.buyer },
        ),
        params: { orderId: id },
        context: {},
      }),
    )
    expect(cancel.status).toBe(302)
    const confirm = await settle(() =>
      awaitingAction({
        request: formRequest(
          '/authority/payments',
          { intent: 'confirm', orderId: id, amount: '5000', bankReference: 'late' },
          { cookie: cookies.authority },
        ),
        params: {},
        context: {},
      }),
    )
    expect(confirm.status).toBe(409)
    expect((await Order.findById(id).lean())!.status).toBe('cancelled')
    expect(await Licence.countDocuments({ sourceRef: id })).toBe(0)
  })

  it('art24 the API places an order, lists it and reads it; the OpenAPI document names the endpoints', async () => {
    const bad = await settle(() =>
      apiCreate({
        request: jsonRequest(
          '/api/v1/orders',
          { productId, planKey: 'per_call-2', purpose: '', scenario: 's', method: 'bank_transfer' },
          { cookie: cookies.buyer },
        ),
        params: {},
        context: {},
      }),
    )
    expect(bad.status).toBe(400)
    const byProvider = await settle(() =>
      apiCreate({
        request: jsonRequest(
          '/api/v1/orders',
          {
            productId,
            planKey: 'per_call-2',
            purpose: 'p',
            scenario: 's',
            method: 'bank_transfer',
          },
          { cookie: cookies.provider },
        ),
        params: {},
        context: {},
      }),
    )
    expect(byProvider.status).toBe(403)
    const created = await settle(() =>
      apiCreate({
        request: jsonRequest(
          '/api/v1/orders',
          {
            productId,
            planKey: 'per_call-2',
            purpose: '舆情分析',
            scenario: '区域营商环境评估',
            method: 'bank_transfer',
          },
          { cookie: cookies.buyer },
        ),
        params: {},
        context: {},
      }),
    )
    expect(created.status).toBe(201)
    const { id, remittanceRef } = (await created.json()) as { id: string; remittanceRef: string }
    const list = (await (
      await settle(() =>
        apiList({
          request: get('/api/v1/orders?status=awaiting_payment', cookies.buyer),
          params: {},
          context: {},
        }),
      )
    ).json()) as { orders: { id: string }[] }
    expect(list.orders.map((o) => o.id)).toContain(id)
    const one = (await (
      await settle(() =>
        apiGet({
          request: get(`/api/v1/orders/${id}`, cookies.buyer),
          params: { orderId: id },
          context: {},
        }),
      )
    ).json()) as { order: { remittanceRef: string; scenario: string } }
    expect(one.order).toMatchObject({ remittanceRef, scenario: '区域营商环境评估' })
    expect(
      (
        await settle(() =>
          apiGet({
            request: get(`/api/v1/orders/${id}`, cookies.provider2),
            params: { orderId: id },
            context: {},
          }),
        )
      ).status,
    ).toBe(404)
    const paths = Object.keys(openApiDocument().paths)
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/orders', '/api/v1/orders/{orderId}']))
  })

  it('art38 hostile input to the order API and the confirmation form is a 4xx, never a 500', async () => {
    const bodies: unknown[] = [
      {
        productId: { $gt: '' },
        planKey: 'per_call-2',
        purpose: 'p',
        scenario: 's',
        method: 'bank_transfer',
      },
      { productId, planKey: 'per_call-2', purpose: 'p', scenario: 's', method: 'cash' },
      { productId, planKey: 'nope', purpose: 'p', scenario: 's', method: 'bank_transfer' },
      {
        productId: '0123456789abcdef01234567',
        planKey: 'per_call-2',
        purpose: 'p',
        scenario: 's',
        method: 'bank_transfer',
      },
      '{not json',
      [],
    ]
    for (const body of bodies) {
      const res = await settle(() =>
        apiCreate({
          request: jsonRequest('/api/v1/orders', body, { cookie: cookies.buyer }),
          params: {},
          context: {},
        }),
      )
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400)
      expect(res.status, JSON.stringify(body)).toBeLessThan(500)
    }
    for (const fields of [
      { intent: 'confirm', orderId: 'x', amount: '1', bankReference: 'b' },
      { intent: 'confirm', orderId, amount: '-5', bankReference: 'b' },
      { intent: 'confirm', orderId, amount: '1e9', bankReference: 'b' },
      { intent: 'nope' },
    ]) {
      const res = await settle(() =>
        awaitingAction({
          request: formRequest('/authority/payments', fields as Record<string, string>, {
            cookie: cookies.authority,
          }),
          params: {},
          context: {},
        }),
      )
      expect(res.status, JSON.stringify(fields)).toBe(400)
    }
  })

  it('art38 confirmations and cancellations racing for one order: exactly one outcome stands', async () => {
    const created = await settle(() =>
      orderFormAction({
        request: formRequest(
          `/market/${productId}/order`,
          { planKey: 'per_call-2', purpose: 'p', scenario: 's', method: 'bank_transfer' },
          { cookie: cookies.buyer },
        ),
        params: { productId },
        context: {},
      }),
    )
    const id = /\/orders\/([0-9a-f]{24})/.exec(created.headers.get('Location') ?? '')![1]!
    const confirm = () =>
      settle(() =>
        awaitingAction({
          request: formRequest(
            '/authority/payments',
            { intent: 'confirm', orderId: id, amount: '5000', bankReference: 'RACE' },
            { cookie: cookies.authority },
          ),
          params: {},
          context: {},
        }),
      )
    const cancel = () =>
      settle(() =>
        orderAction({
          request: formRequest(
            `/orders/${id}`,
            { intent: 'cancel', reason: 'race' },
            { cookie: cookies.buyer },
          ),
          params: { orderId: id },
          context: {},
        }),
      )
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? confirm() : cancel())),
    )
    expect(replies.every((r) => r.status === 302 || r.status === 409)).toBe(true)
    const order = await Order.findById(id).lean()
    const paid = await LedgerEntry.countDocuments({ action: 'order.paid', subjects: `order:${id}` })
    const cancelled = await LedgerEntry.countDocuments({
      action: 'order.cancelled',
      subjects: `order:${id}`,
    })
    const licences = await Licence.countDocuments({ sourceRef: id })
    if (order!.status === 'paid') expect([paid, cancelled, licences]).toEqual([1, 0, 1])
    else expect([order!.status, paid, cancelled, licences]).toEqual(['cancelled', 0, 1, 0])
  })
})
