// Card payment (C8; ADR 005, ADR 020): a Stripe Checkout Session for an order — mode
// `payment` for one-off and per-call (prepaid quota) plans, mode `subscription` with a monthly
// recurring price for subscriptions. A provider with a connected account (Stripe Connect) is paid
// by a destination charge, less the platform's application fee (PLATFORM_FEE_BPS). The create
// call carries the idempotency key `order:<id>:checkout`: a double click opens the same session.
import { Order } from '#models/order'
import { PayoutAccount } from '#models/payout-account'
import type { AuthUser } from '~/services/identity/auth.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { loadVisibleOrder, orderRelation, type OrderLean } from './orders.server'
import {
  idempotencyKey,
  stripeCall,
  stripeCurrency,
  stripeEnabled,
  type Stripe,
} from './stripe.server'

/** The platform's fee on an amount, in fen (integer arithmetic, rounded down). */
export function platformFeeFen(amountFen: number, bps = getEnv().PLATFORM_FEE_BPS): number {
  return Math.floor((amountFen * bps) / 10_000)
}

export function checkoutParams(
  order: OrderLean,
  origin: string,
  destination: string | null,
): Stripe.Checkout.SessionCreateParams {
  const id = String(order._id)
  const metadata = { orderId: id }
  const name = order.productTitle.zh || order.productTitle.en || order.productId
  const common = {
    client_reference_id: id,
    metadata,
    success_url: `${origin}/orders/${id}?checkout=success`,
    cancel_url: `${origin}/orders/${id}?checkout=cancelled`,
  }
  if (order.planKind === 'subscription_monthly') {
    return {
      ...common,
      mode: 'subscription',
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: stripeCurrency(order.currency),
            unit_amount: order.amountFen,
            recurring: { interval: 'month' },
            product_data: { name },
          },
        },
      ],
      subscription_data: {
        metadata,
        ...(destination
          ? {
              transfer_data: { destination },
              application_fee_percent: getEnv().PLATFORM_FEE_BPS / 100,
            }
          : {}),
      },
    }
  }
  return {
    ...common,
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: stripeCurrency(order.currency),
          unit_amount: order.amountFen,
          product_data: { name },
        },
      },
    ],
    payment_intent_data: {
      metadata,
      ...(destination
        ? {
            transfer_data: { destination },
            application_fee_amount: platformFeeFen(order.amountFen),
          }
        : {}),
    },
  }
}

/**
 * Art. 38: opens (or re-opens) the Stripe Checkout Session of the buyer's unpaid card order and
 * returns its URL. The provider's connected account, when linked, receives the charge.
 */
export async function startCheckout(
  user: AuthUser,
  orderId: string,
  origin: string,
): Promise<{ url: string; sessionId: string }> {
  const order = await loadVisibleOrder(user, orderId)
  if (!orderRelation(user, order).buyer || !user.permissions.has('create:order:own-org'))
    throw new DomainError('forbidden', 'error.forbidden', 403)
  if (order.method !== 'stripe')
    throw new DomainError('wrong_method', 'error.orders.wrongMethod', 409)
  if (order.status !== 'awaiting_payment')
    throw new DomainError('not_payable', 'error.orders.notPayable', 409)
  if (!stripeEnabled())
    throw new DomainError('stripe_unavailable', 'error.orders.stripeUnavailable', 409)
  const payout = await PayoutAccount.findById(order.sellerOrgId).lean()
  const session = await stripeCall((stripe) =>
    stripe.checkout.sessions.create(
      checkoutParams(order, origin, payout?.stripeAccountId ?? null),
      {
        idempotencyKey: idempotencyKey('order', orderId, 'checkout'),
      },
    ),
  )
  await Order.updateOne({ _id: order._id }, { $set: { stripeSessionId: session.id } })
  if (!session.url) throw new Error(`Stripe returned no URL for session ${session.id}`)
  return { url: session.url, sessionId: session.id }
}
