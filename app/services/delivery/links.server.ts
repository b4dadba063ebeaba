// Signed, expiring download links (C8; Art. 38): `/licences/<licenceId>/download/<key>
// ?expires=<unix seconds>&sig=<hex>`, the signature an HMAC-SHA256 over the delivery id and the
// expiry with DELIVERY_LINK_SECRET. A link proves the platform issued it for that delivery until
// then; the route still checks the licence's standing at the moment of use.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { getEnv } from '~/utils/env.server'

// Outside production only (the env schema requires the variable in production).
const DEVELOPMENT_KEY = 'gdpde-development-delivery-link-key-not-for-production'

/** How long a link shown on the licence page stays valid (never beyond the licence's end). */
export const LINK_LIFETIME_MS = 24 * 3600 * 1000

function linkKey(): string {
  return getEnv().DELIVERY_LINK_SECRET ?? DEVELOPMENT_KEY
}

function signature(deliveryId: string, expires: number): string {
  return createHmac('sha256', linkKey())
    .update(`delivery-link:v1\n${deliveryId}\n${expires}`)
    .digest('hex')
}

export function downloadPath(licenceId: string, key: string): string {
  return `/licences/${licenceId}/download/${encodeURIComponent(key)}`
}

/** A link to a delivered copy, valid until `min(now + lifetime, licence end)`. */
export function signDownloadLink(
  delivery: { licenceId: string; key: string; _id: string },
  licenceEnd: Date,
  now = new Date(),
): { href: string; expiresAt: Date } {
  const expires = Math.floor(
    Math.min(now.getTime() + LINK_LIFETIME_MS, licenceEnd.getTime()) / 1000,
  )
  const sig = signature(delivery._id, expires)
  return {
    href: `${downloadPath(delivery.licenceId, delivery.key)}?expires=${expires}&sig=${sig}`,
    expiresAt: new Date(expires * 1000),
  }
}

export type LinkCheck = 'ok' | 'bad_signature' | 'link_expired'

/** Checks a link's signature (constant time) and its expiry at `now`. */
export function checkDownloadLink(
  deliveryId: string,
  expires: number,
  sig: string,
  now = new Date(),
): LinkCheck {
  const expected = Buffer.from(signature(deliveryId, expires), 'hex')
  const given = /^[0-9a-f]{64}$/.test(sig) ? Buffer.from(sig, 'hex') : Buffer.alloc(0)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature'
  if (now.getTime() >= expires * 1000) return 'link_expired'
  return 'ok'
}
