// The one Stripe client (ADR 005): configured from STRIPE_SECRET_KEY and, in tests, STRIPE_API_URL
// (stripe-mock). Without a key the exchange runs without card payments: checkout offers only bank
// transfer. Every create call made through here carries an idempotency key derived from our ids.
import Stripe from 'stripe'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'

let client: Stripe | undefined
let clientKey: string | undefined

/** Is card payment (Stripe) available in this process? */
export function stripeEnabled(): boolean {
  const env = getEnv()
  return Boolean(env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET)
}

/** The payment methods the order form offers: bank transfer always, card only with Stripe configured. */
export function offeredMethods(): ('bank_transfer' | 'stripe')[] {
  return stripeEnabled() ? ['bank_transfer', 'stripe'] : ['bank_transfer']
}

export function stripeClient(): Stripe {
  const env = getEnv()
  if (!env.STRIPE_SECRET_KEY) throw new Error('Stripe is not configured (STRIPE_SECRET_KEY)')
  if (!client || clientKey !== env.STRIPE_SECRET_KEY) {
    const api = env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : undefined
    client = new Stripe(env.STRIPE_SECRET_KEY, {
      ...(api
        ? {
            host: api.hostname,
            port: Number(api.port || (api.protocol === 'https:' ? 443 : 80)),
            protocol: api.protocol === 'https:' ? 'https' : 'http',
          }
        : {}),
      maxNetworkRetries: 2,
      timeout: 20_000,
      appInfo: { name: 'gdpde' },
    })
    clientKey = env.STRIPE_SECRET_KEY
  }
  return client
}

/** Idempotency keys: one per (our object, step), e.g. `order:<id>:checkout`. */
export function idempotencyKey(kind: 'order' | 'org', id: string, step: string): string {
  return `${kind}:${id}:${step}`
}

/** Stripe's lower-case ISO currency for our upper-case one. */
export function stripeCurrency(currency: string): string {
  return currency.toLowerCase()
}

/** Verifies a webhook's signature on the raw body; throws Stripe's SignatureVerificationError. */
export function verifyWebhook(rawBody: Buffer, signature: string): Stripe.Event {
  const secret = getEnv().STRIPE_WEBHOOK_SECRET
  if (!secret) throw new Error('Stripe is not configured (STRIPE_WEBHOOK_SECRET)')
  return stripeClient().webhooks.constructEvent(rawBody, signature, secret)
}

/**
 * Runs a Stripe call for a user's request: Stripe's refusal (a card error, an invalid request, an
 * already refunded charge) becomes a 409 in the user's language instead of a server error.
 */
export async function stripeCall<R>(run: (stripe: Stripe) => Promise<R>): Promise<R> {
  try {
    return await run(stripeClient())
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      console.warn(`[stripe] ${error.type}: ${error.message}`)
      throw new DomainError('stripe_refused', 'error.orders.stripeRefused', 409)
    }
    throw error
  }
}

export type { Stripe }
