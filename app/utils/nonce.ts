// The per-response nonce that lets Remix's own inline scripts run under the Content-Security-Policy
// (entry.server.tsx sets both). In the browser the nonce is not readable (browsers hide it from the
// DOM after parsing), so the client renders with an empty one, which React does not compare.
import { createContext, useContext } from 'react'

export const NonceContext = createContext<string>('')

export function useNonce(): string {
  return useContext(NonceContext)
}

/**
 * The policy for HTML documents (ADR 026): scripts only from our origin or with this response's
 * nonce, no plugins, no framing by other sites (clickjacking), forms only to ourselves or Stripe
 * Checkout (a card order's form is answered by a redirect there).
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self' https://checkout.stripe.com",
    "frame-ancestors 'none'",
  ].join('; ')
}
