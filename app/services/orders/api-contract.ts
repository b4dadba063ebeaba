// The orders API's entries in the OpenAPI contract (app/services/api/contract.ts spreads them).
import { z } from 'zod'
import type { Endpoint } from '~/services/api/contract'
import { orderInput, ordersQuery } from './schemas'

const localized = z.object({ zh: z.string(), en: z.string() })

const orderView = z.object({
  id: z.string(),
  productId: z.string(),
  productTitle: localized,
  planKey: z.string(),
  planKind: z.enum(['one_off', 'subscription_monthly', 'per_call']),
  planTitle: localized,
  buyerOrgId: z.string(),
  sellerOrgId: z.string(),
  amountFen: z.number().int().describe('Integer fen (1 CNY = 100 fen)'),
  currency: z.literal('CNY'),
  callsQuota: z.number().nullable(),
  purpose: z.string(),
  scenario: z.string().describe('Application scenario (應用業務場景, Art. 24)'),
  method: z.enum(['stripe', 'bank_transfer']),
  remittanceRef: z.string().describe('Reference a bank transfer (對公轉賬) must quote'),
  seatNo: z.number().nullable(),
  status: z.enum(['awaiting_payment', 'paid', 'cancelled', 'refunded']),
  licenceId: z.string().nullable(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  refundedAt: z.string().nullable(),
  receipts: z
    .object({
      created: z.number().nullable(),
      paid: z.number().nullable(),
      cancelled: z.number().nullable(),
      refunded: z.number().nullable(),
    })
    .describe('Ledger seqs: GET /api/v1/ledger/{seq}/proof'),
})

export const orderEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/api/v1/orders',
    summary:
      'Orders the caller may see, newest first: a buyer’s purchases, a provider’s sales, all for the authority and regulators',
    permission: 'read:order:own-org',
    query: ordersQuery,
    response: z.object({ orders: z.array(orderView), nextAfter: z.string().nullable() }),
  },
  {
    method: 'post',
    path: '/api/v1/orders',
    summary:
      'Order a price plan of a listed product, stating purpose and application scenario (Art. 24); `stripe` only when card payment is configured',
    permission: 'create:order:own-org',
    body: orderInput,
    response: z.object({ id: z.string(), remittanceRef: z.string() }),
    status: 201,
  },
  {
    method: 'get',
    path: '/api/v1/orders/{orderId}',
    summary:
      'One order with its payments and events (its buyer, its provider, the authority, regulators)',
    permission: 'read:order:own-org',
    response: z.object({
      order: orderView,
      payments: z.array(
        z
          .object({
            id: z.string(),
            kind: z.string(),
            method: z.string(),
            amountFen: z.number(),
            at: z.string(),
            ledgerSeq: z.number().nullable(),
          })
          .loose(),
      ),
      events: z.array(
        z
          .object({
            id: z.string(),
            kind: z.string(),
            outcome: z.string().nullable(),
            at: z.string(),
          })
          .loose(),
      ),
    }),
  },
]
