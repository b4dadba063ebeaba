// What the order pages and the orders API show (C8). Loaders call these after checking the
// caller; refusals are DomainErrors.
import { Order } from '#models/order'
import { Product } from '#models/product'
import type { AuthUser } from '~/services/identity/auth.server'
import { orgNamesOf } from '~/services/products/products.server'
import { csvAttachment } from '~/utils/csv.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { allInOrder, pageOf } from '~/utils/listing.server'
import { mayRefund } from './payments.server'
import { payoutAccountOf } from './payouts.server'
import {
  AWAITING_TRANSFER,
  eventsOf,
  loadVisibleOrder,
  orderScope,
  orderAmountFen,
  orderRelation,
  paymentsOf,
  type OrderLean,
} from './orders.server'
import type { AwaitingListQuery, OrderListQuery } from './schemas'
import { seatsTaken } from './seats.server'
import { offeredMethods, stripeEnabled } from './stripe.server'
import { isObjectId } from '~/utils/schemas'

export function orderView(o: OrderLean) {
  return {
    id: String(o._id),
    productId: o.productId,
    productTitle: { zh: o.productTitle.zh ?? '', en: o.productTitle.en ?? '' },
    planKey: o.planKey,
    planKind: o.planKind,
    planTitle: { zh: o.planTitle.zh ?? '', en: o.planTitle.en ?? '' },
    buyerOrgId: o.buyerOrgId,
    sellerOrgId: o.sellerOrgId,
    amountFen: o.amountFen,
    currency: o.currency,
    callsQuota: o.callsQuota ?? null,
    purpose: o.purpose,
    scenario: o.scenario,
    method: o.method,
    remittanceRef: o.remittanceRef,
    seatNo: o.seatNo ?? null,
    status: o.status,
    licenceId: o.licenceId ?? null,
    createdAt: o.createdAt.toISOString(),
    paidAt: o.paidAt ? o.paidAt.toISOString() : null,
    cancelledAt: o.cancelledAt ? o.cancelledAt.toISOString() : null,
    refundedAt: o.refundedAt ? o.refundedAt.toISOString() : null,
    receipts: {
      created: o.createdSeq ?? null,
      paid: o.paidSeq ?? null,
      cancelled: o.cancelledSeq ?? null,
      refunded: o.refundedSeq ?? null,
    },
  }
}
export type OrderView = ReturnType<typeof orderView>

const ORDER_COLUMNS = { created: '_id', amount: 'amountFen', status: 'status' } as const

function listFilter(user: AuthUser, query: OrderListQuery) {
  const filter = orderScope(user, query.status)
  if (query.method) filter.method = query.method
  return filter
}

/** C8: the orders page — a buyer's purchases, a provider's sales, every order for oversight; numbered and sortable. */
export async function ordersPageData(user: AuthUser, query: OrderListQuery) {
  const { items, paging } = await pageOf(Order, listFilter(user, query), query, ORDER_COLUMNS)
  const orders = items as OrderLean[]
  const scope = user.permissions.has('read:order:any')
    ? 'all'
    : user.permissions.has('create:order:own-org')
      ? 'mine'
      : 'sales'
  return {
    scope,
    query,
    paging,
    orders: orders.map(orderView),
    orgNames: await orgNamesOf(orders.flatMap((o) => [o.buyerOrgId, o.sellerOrgId])),
    canConfirm: user.permissions.has('confirm:payment:any'),
  }
}

export const ORDER_CSV_MAX = 10_000

/** The same list as CSV (every matching order up to ORDER_CSV_MAX, in the page's order); amounts in yuan. */
export async function ordersCsv(
  user: AuthUser,
  query: OrderListQuery,
  lang: 'zh' | 'en',
): Promise<Response> {
  const rows = (await allInOrder(
    Order,
    listFilter(user, query),
    query,
    ORDER_COLUMNS,
    ORDER_CSV_MAX,
  )) as OrderLean[]
  const names = await orgNamesOf(rows.flatMap((o) => [o.buyerOrgId, o.sellerOrgId]))
  const pickName = (l: { zh?: string; en?: string } | undefined) =>
    (lang === 'en' ? l?.en || l?.zh : l?.zh || l?.en) ?? ''
  return csvAttachment(
    'orders.csv',
    [
      'orderId',
      'remittanceRef',
      'product',
      'plan',
      'buyer',
      'seller',
      'amountYuan',
      'currency',
      'method',
      'status',
      'createdAt',
      'paidAt',
      'licenceId',
    ],
    rows.map((o) => {
      const v = orderView(o)
      return [
        v.id,
        v.remittanceRef,
        pickName(v.productTitle),
        pickName(v.planTitle),
        pickName(names[v.buyerOrgId]),
        pickName(names[v.sellerOrgId]),
        (v.amountFen / 100).toFixed(2),
        v.currency,
        v.method,
        v.status,
        v.createdAt,
        v.paidAt ?? '',
        v.licenceId ?? '',
      ]
    }),
  )
}

export async function orderPageData(user: AuthUser, orderId: string) {
  const order = await loadVisibleOrder(user, orderId)
  const r = orderRelation(user, order)
  const payments = await paymentsOf(orderId)
  const events = await eventsOf(orderId)
  const awaiting = order.status === 'awaiting_payment'
  return {
    order: orderView(order),
    payments: payments.map((p) => ({
      id: String(p._id),
      kind: p.kind,
      method: p.method,
      amountFen: p.amountFen,
      bankReference: r.buyer || r.overseer ? (p.bankReference ?? null) : null,
      at: p.at.toISOString(),
      periodEnd: p.periodEnd ? p.periodEnd.toISOString() : null,
      ledgerSeq: p.ledgerSeq ?? null,
      transferSeq: p.transferSeq ?? null,
      refundedAt: p.refundedAt ? p.refundedAt.toISOString() : null,
    })),
    events: events.map((e) => ({
      id: String(e._id),
      kind: e.kind,
      outcome: e.outcome ?? null,
      reason: e.reason,
      at: e.at.toISOString(),
    })),
    orgNames: await orgNamesOf([order.buyerOrgId, order.sellerOrgId]),
    can: {
      pay:
        awaiting &&
        r.buyer &&
        order.method === 'stripe' &&
        user.permissions.has('create:order:own-org') &&
        stripeEnabled(),
      cancel:
        awaiting &&
        ((r.buyer && user.permissions.has('create:order:own-org')) ||
          user.permissions.has('confirm:payment:any')),
      confirm:
        awaiting && order.method === 'bank_transfer' && user.permissions.has('confirm:payment:any'),
      // Art. 38: the authority any paid order; a provider only the card orders of its products.
      refund: order.status === 'paid' && mayRefund(user, order),
      seeLicence:
        Boolean(order.licenceId) &&
        (r.buyer || r.seller || user.permissions.has('read:licence:any')),
    },
  }
}

/** The order form: the product's plans (with seats left), the template's wording, the methods. */
export async function orderFormData(user: AuthUser | undefined, productId: string) {
  const product = isObjectId(productId) ? await Product.findById(productId).lean() : null
  if (!product || !product.listed || product.visibility !== 'market')
    throw new DomainError('not_found', 'error.orders.productNotFound', 404)
  const taken = await seatsTaken(productId)
  return {
    product: {
      id: productId,
      title: { zh: product.title.zh, en: product.title.en },
      ownerOrgId: product.ownerOrgId,
    },
    plans: product.pricePlans.map((p) => ({
      key: p.key,
      kind: p.kind,
      title: { zh: p.title.zh, en: p.title.en },
      amountFen: orderAmountFen(p),
      unitFen: p.amountFen,
      callsQuota: p.callsQuota ?? null,
      seats: p.seats ?? null,
      seatsLeft: p.seats ? Math.max(0, p.seats - (taken[p.key] ?? 0)) : null,
    })),
    defaults: {
      purpose: product.licenceTemplate.purpose.zh || product.licenceTemplate.purpose.en,
      scenario: product.licenceTemplate.scenario.zh || product.licenceTemplate.scenario.en,
    },
    methods: offeredMethods(),
    canOrder:
      Boolean(user?.permissions.has('create:order:own-org')) &&
      user?.org?.id !== product.ownerOrgId,
    signedIn: Boolean(user),
  }
}

/** Art. 38: the bank transfers awaiting the authority's confirmation — oldest first by default, numbered pages. */
export async function awaitingTransfersData(query: AwaitingListQuery) {
  const { items, paging } = await pageOf(Order, { ...AWAITING_TRANSFER }, query, ORDER_COLUMNS)
  const orders = items as OrderLean[]
  return {
    paging,
    orders: orders.map(orderView),
    orgNames: await orgNamesOf(orders.flatMap((o) => [o.buyerOrgId, o.sellerOrgId])),
  }
}

export async function payoutsPageData(user: AuthUser) {
  const account = user.org ? await payoutAccountOf(user.org.id) : null
  return {
    enabled: stripeEnabled(),
    feePercent: getEnv().PLATFORM_FEE_BPS / 100,
    account: account
      ? {
          stripeAccountId: account.stripeAccountId,
          ledgerSeq: account.ledgerSeq ?? null,
          createdAt: account.createdAt.toISOString(),
        }
      : null,
  }
}
