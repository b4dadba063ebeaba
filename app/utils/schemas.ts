// Zod pieces every boundary shares, so a rule about a kind of value is written once.
import { z } from 'zod'

/**
 * A web address a person may be sent to: http or https only. Anything stored as a link and shown
 * to others (a distribution's access URL, a product's API endpoint) uses this, so a
 * `javascript:` or `data:` address can never be stored and rendered as a link (stored XSS).
 */
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'error.httpUrl' }).max(500)

/** True for an http(s) address: the check made again where stored links are rendered. */
export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && httpUrl().safeParse(value).success
}
