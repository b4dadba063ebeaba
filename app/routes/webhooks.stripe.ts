import type { ActionFunctionArgs } from '@remix-run/node'
import { receiveStripeWebhook } from '~/services/orders/webhooks.server'
import { apiHandle, methodNotAllowed } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { readBodyLimited } from '~/utils/validation.server'

// C8 (ADR 005, 020): Stripe's webhook. The signature is verified on the raw body (nothing in
// server/index.ts parses bodies), the event id recorded under a unique index, the work enqueued;
// 200 for a good signature (replays included), 400 for a forged or missing one.
export async function action({ request }: ActionFunctionArgs) {
  const t = await getT(request)
  return apiHandle(t, async () => {
    if (request.method !== 'POST') return methodNotAllowed()
    const raw = Buffer.from(await readBodyLimited(request))
    return receiveStripeWebhook(raw, request.headers.get('Stripe-Signature'))
  })
}

export const loader = methodNotAllowed
