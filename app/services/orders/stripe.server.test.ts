// C8: without Stripe keys (the `npm run dev` default) the exchange offers bank transfer only.
// This file's process reads its environment without the test run's Stripe keys.
const saved = { key: process.env.STRIPE_SECRET_KEY, secret: process.env.STRIPE_WEBHOOK_SECRET }
delete process.env.STRIPE_SECRET_KEY
delete process.env.STRIPE_WEBHOOK_SECRET
import { afterAll, describe, expect, it } from 'vitest'
import { offeredMethods, stripeClient, stripeEnabled } from './stripe.server'
import { receiveStripeWebhook } from './webhooks.server'

describe('without Stripe keys', () => {
  // The parsed environment is cached for this file; put the variables back for whatever runs next.
  afterAll(() => {
    if (saved.key) process.env.STRIPE_SECRET_KEY = saved.key
    if (saved.secret) process.env.STRIPE_WEBHOOK_SECRET = saved.secret
  })
  it('art38 offers only bank transfer and answers the webhook with 404', async () => {
    expect(stripeEnabled()).toBe(false)
    expect(offeredMethods()).toEqual(['bank_transfer'])
    expect(() => stripeClient()).toThrow(/not configured/)
    await expect(receiveStripeWebhook(Buffer.from('{}'), 't=1,v1=x')).rejects.toMatchObject({
      status: 404,
    })
  })
})
