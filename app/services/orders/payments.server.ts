// Payment when paid (C8; Art. 24, 38) — ONE downstream path for card and bank transfer:
// the order's `settled` claim (paid), the payment under its unique `_id`, the projection, the
// ledger's `order.paid`, then the licence (issueLicence: idempotent, enqueues the delivery).
// Every step may be re-run after a crash or a replayed webhook and happens once.
import { Order, OrderEvent, orderEventId } from '#models/order'
import { Payment } from '#models/payment'
import { Product } from '#models/product'
import type { AuthUser } from '~/services/identity/auth.server'
import { issueLicence, termsFromTemplate } from '~/services/licences/issue.server'
import { revokeLicence } from '~/services/licences/revoke.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { claim } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import {
  loadOrder,
  orderRelation,
  orderSubjects,
  orderSummary,
  projectOrderStatus,
  settleOrder,
  loadVisibleOrder,
  type OrderLean,
} from './orders.server'
import type { ConfirmTransferInput } from './schemas'
import { extendLicence } from './renewals.server'
import { releaseSeat } from './seats.server'
import { idempotencyKey, stripeCall, stripeEnabled, type Stripe } from './stripe.server'
import { assertMay } from '~/utils/permissions'

const DAY_MS = 24 * 3600 * 1000
type Actor = { userId?: string; orgId?: string }

export interface PaymentInput {
  orderId: string
  method: 'stripe' | 'bank_transfer'
  amountFen: number
  actor: Actor
  stripe?: {
    eventId?: string
    sessionId?: string | null
    paymentIntentId?: string | null
    subscriptionId?: string | null
    invoiceId?: string | null
    periodEnd?: Date | null
  }
  bank?: { reference: string; confirmedByUserId: string; transferSeq: number }
}

/** The amount received must be the order's amount, in the order's currency (integer fen). */
function assertAmount(order: OrderLean, amountFen: number): void {
  if (amountFen !== order.amountFen) {
    throw new DomainError(
      'amount_mismatch',
      'error.orders.amountMismatch',
      400,
      { amount: ['error.orders.amountMismatch'] },
      {
        expected: order.amountFen,
        got: amountFen,
      },
    )
  }
}

/**
 * Art. 38: claims the order as paid (the claim a cancellation races for). Refuses an order that
 * was cancelled first; a second call for a paid order is a no-op.
 */
export async function claimPaid(order: OrderLean, actor: Actor): Promise<Date> {
  const settled = await settleOrder(String(order._id), 'paid', actor)
  if (settled.outcome !== 'paid')
    throw new DomainError('order_cancelled', 'error.orders.cancelled', 409)
  return settled.at
}

/**
 * Art. 24, 38: the downstream of a payment, whichever the method: payment record, projection,
 * `order.paid` (summary: amount, currency, method, product, seller, buyer, plan kind — the
 * supervision reports read revenue from it), the licence from the product's template with the
 * buyer's purpose and scenario, and its delivery job.
 */
export async function recordPayment(
  input: PaymentInput,
): Promise<{ licenceId: string; paidSeq: number }> {
  const order = await loadOrder(input.orderId)
  if (order.method !== input.method)
    throw new DomainError('wrong_method', 'error.orders.wrongMethod', 409)
  assertAmount(order, input.amountFen)
  const paidAt = await claimPaid(order, input.actor)
  const id = String(order._id)
  await claim(Payment, {
    _id: id,
    orderId: id,
    kind: 'initial',
    method: input.method,
    amountFen: input.amountFen,
    currency: order.currency,
    stripeEventId: input.stripe?.eventId ?? null,
    stripeSessionId: input.stripe?.sessionId ?? null,
    stripePaymentIntentId: input.stripe?.paymentIntentId ?? null,
    stripeInvoiceId: input.stripe?.invoiceId ?? null,
    periodEnd: input.stripe?.periodEnd ?? null,
    bankReference: input.bank?.reference ?? null,
    confirmedByUserId: input.bank?.confirmedByUserId ?? null,
    transferSeq: input.bank?.transferSeq ?? null,
    at: paidAt,
  })
  const stripeIds = input.stripe
    ? Object.fromEntries(
        Object.entries({
          stripePaymentIntentId: input.stripe.paymentIntentId,
          stripeSubscriptionId: input.stripe.subscriptionId,
        }).filter(([, v]) => v),
      )
    : {}
  if (Object.keys(stripeIds).length) {
    await Order.updateOne({ _id: order._id }, { $set: stripeIds })
    if (stripeIds.stripePaymentIntentId)
      await Payment.updateOne(
        { _id: id, stripePaymentIntentId: null },
        { $set: { stripePaymentIntentId: stripeIds.stripePaymentIntentId } },
      )
  }
  await projectOrderStatus(id)
  const entry = await appendLedger({
    action: 'order.paid',
    actor: input.actor,
    subjects: [...orderSubjects(order), `payment:${id}`],
    payload: {
      stripe: input.stripe ?? null,
      bank: input.bank ?? null,
      paidAt: paidAt.toISOString(),
    },
    // `renewal: false` here, `true` on a renewal's entry: every `order.paid` says which it is.
    summary: { ...orderSummary(order), renewal: false },
    eventKey: `order.paid:${id}`,
  })
  await Order.updateOne({ _id: order._id }, { $set: { paidSeq: entry._id } })
  await Payment.updateOne({ _id: id }, { $set: { ledgerSeq: entry._id } })

  const product = await Product.findById(order.productId).lean()
  if (!product) throw new Error(`product ${order.productId} of order ${id} is gone`)
  // A monthly subscription's licence runs to the end of the paid period (renewals extend it).
  const subscriptionEnd =
    order.planKind === 'subscription_monthly'
      ? (input.stripe?.periodEnd ?? new Date(paidAt.getTime() + 31 * DAY_MS))
      : undefined
  const issued = await issueLicence({
    source: 'order',
    sourceRef: id,
    licenseeOrgId: order.buyerOrgId,
    licensorOrgId: order.sellerOrgId,
    productId: order.productId,
    versionId: null,
    catalogEntryId: null,
    pricePlanKey: order.planKey,
    // What was bought: a later change to the plan does not change a quota already sold.
    callsQuota: order.callsQuota ?? null,
    terms: termsFromTemplate(product.licenceTemplate, paidAt, {
      purpose: order.purpose,
      scenario: order.scenario,
      ...(subscriptionEnd ? { end: subscriptionEnd } : {}),
    }),
    actor: input.actor,
  })
  await Order.updateOne({ _id: order._id }, { $set: { licenceId: issued.licenceId } })
  // A refund that landed while this payment was half-recorded (a crash, a retry) still revokes.
  if (await OrderEvent.exists({ _id: orderEventId(id, 'refunded') })) {
    await revokeLicence(issued.licenceId, 'order refunded', input.actor)
  }
  return { licenceId: issued.licenceId, paidSeq: entry._id }
}

/**
 * Art. 38: the authority confirms a bank transfer (對公轉賬) it received for an order: the amount
 * must be the order's, to the fen; the bank's reference is recorded. Then the same downstream as a
 * card payment. Confirming an already confirmed order again changes nothing.
 */
export async function confirmTransfer(authority: AuthUser, input: ConfirmTransferInput) {
  assertMay(authority, 'confirm:payment:any')
  const order = await loadOrder(input.orderId)
  if (order.method !== 'bank_transfer')
    throw new DomainError('wrong_method', 'error.orders.wrongMethod', 409)
  assertAmount(order, input.amount)
  const actor = { userId: authority.id, orgId: authority.org?.id }
  await claimPaid(order, actor)
  const id = String(order._id)
  const confirmed = await appendLedger({
    action: 'payment.transfer-confirmed',
    actor,
    subjects: [...orderSubjects(order), `payment:${id}`],
    payload: {
      bankReference: input.bankReference,
      remittanceRef: order.remittanceRef,
      amountFen: input.amount,
    },
    summary: { amountFen: input.amount, currency: order.currency, method: 'bank_transfer' },
    eventKey: `payment.transfer-confirmed:${id}`,
  })
  return recordPayment({
    orderId: id,
    method: 'bank_transfer',
    amountFen: input.amount,
    actor,
    bank: {
      reference: input.bankReference,
      confirmedByUserId: authority.id,
      transferSeq: confirmed._id,
    },
  })
}

/**
 * A subscription's renewal invoice (Stripe `invoice.paid`, billing reason subscription_cycle):
 * one payment per invoice (`${orderId}:${invoiceId}`), one `order.paid` entry, and the licence
 * extended to the new period's end by a licence event unique per invoice. Out of order (before
 * the first payment) it throws, and the job retries later.
 */
export async function recordRenewal(input: {
  orderId: string
  invoiceId: string
  amountFen: number
  periodEnd: Date
  eventId: string
}) {
  const order = await loadOrder(input.orderId)
  if (!order.licenceId)
    throw new Error(`order ${input.orderId} not paid yet: renewal ${input.invoiceId} waits`)
  if (order.status === 'refunded') return { extended: false }
  const id = String(order._id)
  const paymentId = `${id}:${input.invoiceId}`
  await claim(Payment, {
    _id: paymentId,
    orderId: id,
    kind: 'renewal',
    method: 'stripe',
    amountFen: input.amountFen,
    currency: order.currency,
    stripeEventId: input.eventId,
    stripeInvoiceId: input.invoiceId,
    periodEnd: input.periodEnd,
  })
  await extendLicence(order.licenceId, input.invoiceId, input.periodEnd)
  const entry = await appendLedger({
    action: 'order.paid',
    actor: {},
    subjects: [...orderSubjects(order), `payment:${paymentId}`, `licence:${order.licenceId}`],
    payload: { invoiceId: input.invoiceId, periodEnd: input.periodEnd.toISOString() },
    summary: { ...orderSummary(order), amountFen: input.amountFen, renewal: true },
    eventKey: `order.paid:${paymentId}`,
  })
  await Payment.updateOne({ _id: paymentId }, { $set: { ledgerSeq: entry._id } })
  return { extended: true }
}

/**
 * Art. 38: may this user refund this order? The authority any order; a provider only the card
 * orders of its own products (the money went to it through Stripe). A bank transfer's money is
 * held by the platform, so only the authority returns it.
 */
export function mayRefund(user: AuthUser, order: OrderLean): boolean {
  if (user.permissions.has('refund:order:any')) return true
  return (
    user.permissions.has('refund:order:own-org') &&
    orderRelation(user, order).seller &&
    order.method === 'stripe'
  )
}

function assertMayRefund(user: AuthUser, order: OrderLean): void {
  if (!mayRefund(user, order)) throw new DomainError('forbidden', 'error.forbidden', 403)
}

/**
 * A subscription's first payment is the payment intent of its first invoice (Checkout in
 * subscription mode reports none on the session); null when Stripe names none.
 */
export async function invoicePaymentIntent(
  stripe: Stripe,
  invoiceId: string,
): Promise<string | null> {
  const invoice = await stripe.invoices.retrieve(invoiceId, { expand: ['payments'] })
  const paid = invoice.payments?.data.find((p) => p.payment?.payment_intent)
  const intent = paid?.payment?.payment_intent
  return typeof intent === 'string' ? intent : (intent?.id ?? null)
}

/**
 * Keeps the order's payment intent once known, on the order and its payment, so a refund made
 * from the Stripe dashboard (`charge.refunded` names only the payment intent) finds the order.
 * Fills an empty field only: the first intent recorded stands.
 */
export async function storePaymentIntent(orderId: string, paymentIntentId: string): Promise<void> {
  await Order.updateOne(
    { _id: orderId, stripePaymentIntentId: null },
    { $set: { stripePaymentIntentId: paymentIntentId } },
  )
  await Payment.updateOne(
    { _id: orderId, stripePaymentIntentId: null },
    { $set: { stripePaymentIntentId: paymentIntentId } },
  )
}

/**
 * Art. 38: the authority or the product's provider refunds a paid order. Card payments are
 * refunded at Stripe first (idempotency key `order:<id>:refund`; the connected account's transfer
 * and the platform fee reversed; a subscription cancelled); a bank transfer's refund is recorded
 * with the reference of the transfer that returned the money. Then the licence is revoked.
 */
export async function refundOrder(
  user: AuthUser,
  orderId: string,
  input: { reason: string; refundReference: string },
) {
  const order = await loadVisibleOrder(user, orderId)
  assertMayRefund(user, order)
  if (order.status !== 'paid' && order.status !== 'refunded')
    throw new DomainError('not_refundable', 'error.orders.notRefundable', 409)
  let reference = input.refundReference
  if (order.method === 'stripe') {
    // A card refund moves money at Stripe: without Stripe configured it cannot be made here.
    if (!stripeEnabled())
      throw new DomainError('stripe_unavailable', 'error.orders.stripeUnavailableRefund', 409)
    const payment = await Payment.findById(String(order._id)).lean()
    let paymentIntent = order.stripePaymentIntentId ?? payment?.stripePaymentIntentId ?? null
    const invoiceId = payment?.stripeInvoiceId
    if (!paymentIntent && invoiceId) {
      paymentIntent = await stripeCall((stripe) => invoicePaymentIntent(stripe, invoiceId))
      if (paymentIntent) await storePaymentIntent(String(order._id), paymentIntent)
    }
    const subscriptionId = order.stripeSubscriptionId
    if (subscriptionId) {
      await stripeCall((stripe) =>
        stripe.subscriptions.cancel(subscriptionId).catch((error: unknown) => {
          // Already cancelled at Stripe: nothing left to stop.
          if ((error as { code?: string }).code !== 'resource_missing') throw error
        }),
      )
    }
    if (paymentIntent) {
      const refund = await stripeCall((stripe) =>
        stripe.refunds.create(
          {
            payment_intent: paymentIntent,
            reverse_transfer: true,
            refund_application_fee: true,
            metadata: { orderId: String(order._id) },
          },
          { idempotencyKey: idempotencyKey('order', String(order._id), 'refund') },
        ),
      )
      reference = refund.id
    }
  } else if (!reference) {
    throw new DomainError('invalid_input', 'error.badRequest', 400, {
      refundReference: ['error.orders.refundReferenceRequired'],
    })
  }
  return applyRefund(order, {
    reason: input.reason,
    reference,
    actor: { userId: user.id, orgId: user.org?.id },
  })
}

/**
 * The refund's downstream, shared by the refund form and Stripe's `charge.refunded`: the unique
 * `refunded` event, the projection, `order.refunded`, the licence revoked, the seat released.
 */
export async function applyRefund(
  order: OrderLean,
  input: { reason: string; reference: string; actor: Actor },
) {
  const id = String(order._id)
  const settled = await OrderEvent.findById(orderEventId(id, 'settled')).lean()
  if (settled?.outcome !== 'paid')
    throw new DomainError('not_refundable', 'error.orders.notRefundable', 409)
  await claim(OrderEvent, {
    _id: orderEventId(id, 'refunded'),
    orderId: id,
    kind: 'refunded',
    reason: input.reason,
    actorUserId: input.actor.userId ?? null,
    actorOrgId: input.actor.orgId ?? null,
  })
  const event = await OrderEvent.findById(orderEventId(id, 'refunded')).lean()
  await Payment.updateOne(
    { _id: id },
    { $set: { refundedAt: event!.at, refundReference: input.reference || null } },
  )
  await projectOrderStatus(id)
  const entry = await appendLedger({
    action: 'order.refunded',
    actor: input.actor,
    subjects: [...orderSubjects(order), `payment:${id}`],
    payload: { reason: input.reason, reference: input.reference },
    summary: orderSummary(order),
    eventKey: `order.refunded:${id}`,
  })
  const fresh = await loadOrder(id)
  if (fresh.licenceId)
    await revokeLicence(
      fresh.licenceId,
      `order refunded: ${input.reason}`.slice(0, 500),
      input.actor,
    )
  await releaseSeat({
    productId: order.productId,
    planKey: order.planKey,
    seatNo: order.seatNo ?? null,
    orderId: id,
  })
  // Last: `refundedSeq` says every step above was carried through; the payment sweep finishes a
  // refund whose `refunded` event exists without it (a crash half-way).
  await Order.updateOne({ _id: order._id }, { $set: { refundedSeq: entry._id } })
  return { refundedSeq: entry._id }
}

/**
 * Finishes a refund that stopped after its `refunded` event (the sweep): the same idempotent steps,
 * with the reason, reference and actor the event and the payment recorded.
 */
export async function resumeRefund(orderId: string): Promise<void> {
  const [order, event, payment] = await Promise.all([
    loadOrder(orderId),
    OrderEvent.findById(orderEventId(orderId, 'refunded')).lean(),
    Payment.findById(orderId).lean(),
  ])
  if (!event || order.refundedSeq !== null) return
  await applyRefund(order, {
    reason: event.reason ?? '',
    reference: payment?.refundReference ?? '',
    actor: {
      ...(event.actorUserId ? { userId: event.actorUserId } : {}),
      ...(event.actorOrgId ? { orgId: event.actorOrgId } : {}),
    },
  })
}

/**
 * Finishes the downstream of a payment that was claimed and recorded but not carried through (a
 * crash after the `paid` claim: projection, `order.paid`, licence and delivery may be missing).
 * Rebuilt from the payment record, so every step is the idempotent one `recordPayment` runs.
 * Without a payment record there is nothing to rebuild from: a card payment is finished by its
 * unprocessed Stripe event (the event sweep), a bank transfer by the authority confirming again
 * (the order still shows as awaiting payment in its queue). Returns what it did.
 */
export async function resumePayment(orderId: string): Promise<'completed' | 'waiting'> {
  const order = await loadOrder(orderId)
  const payment = await Payment.findById(orderId).lean()
  if (!payment) return 'waiting'
  await recordPayment({
    orderId,
    method: payment.method,
    amountFen: payment.amountFen,
    actor: payment.confirmedByUserId ? { userId: payment.confirmedByUserId } : {},
    ...(payment.method === 'stripe'
      ? {
          stripe: {
            ...(payment.stripeEventId ? { eventId: payment.stripeEventId } : {}),
            sessionId: payment.stripeSessionId,
            paymentIntentId: payment.stripePaymentIntentId ?? order.stripePaymentIntentId,
            subscriptionId: order.stripeSubscriptionId,
            invoiceId: payment.stripeInvoiceId,
            periodEnd: payment.periodEnd,
          },
        }
      : {
          bank: {
            reference: payment.bankReference ?? '',
            confirmedByUserId: payment.confirmedByUserId ?? '',
            transferSeq: payment.transferSeq ?? 0,
          },
        }),
  })
  return 'completed'
}
