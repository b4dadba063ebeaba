import { data } from '@remix-run/node'
import { DomainError } from './errors'
import { translateFields } from './http.server'
import type { Translate as T } from '~/i18n/config'

export interface FormFailure {
  formError?: string
  fieldErrors?: Record<string, string[]>
  /** What was posted, so a page without JavaScript shows the form filled in again. */
  values?: Record<string, unknown>
  /** A form that succeeded and stays on its page: what was done, in the user's language. */
  notice?: string
}

/** A form that succeeded and stays on its page, typed like a refusal so the page reads one shape. */
export function formNotice(notice: string) {
  return data<FormFailure>({ notice })
}

/**
 * A refused form submission: the same page again with messages in the user's language — each bad
 * field's message beside it (no general message then), otherwise the refusal's — and, when given,
 * the values posted. Anything but a refusal is rethrown (a 500 is a bug, not a user's mistake).
 */
export function formFailure(error: unknown, t: T, values?: Record<string, unknown>) {
  if (!(error instanceof DomainError)) throw error
  const fieldErrors = error.fields ? translateFields(t, error.fields) : undefined
  const onlyFields = error.code === 'invalid_input' && fieldErrors && !fieldErrors._form
  return data<FormFailure>(
    {
      formError: onlyFields ? undefined : t(error.messageKey, error.params),
      fieldErrors,
      ...(values ? { values } : {}),
    },
    { status: error.status },
  )
}

const SITE = 'http://site.invalid'

/**
 * Only same-site paths, so `redirectTo` cannot send a user elsewhere. The value is resolved as a
 * browser would resolve it against our origin (which drops TAB and newline, reads `\` as `/`)
 * and kept only when it lands on the same origin; control characters are refused outright.
 */
export function safeRedirect(to: unknown, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  if (typeof to !== 'string' || !to.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(to))
    return fallback
  let url: URL
  try {
    url = new URL(to, SITE)
  } catch {
    return fallback
  }
  if (url.origin !== SITE) return fallback
  const path = url.pathname + url.search + url.hash
  // `/%2F%2Fevil.example` stays a path here but some servers and proxies decode it first.
  return path.startsWith('//') || /^\/%2f/i.test(path) ? fallback : path
}

/** The client address Express put in the load context (`req.ip`, proxies trusted from loopback). */
export function clientIpOf(context: Record<string, unknown> | undefined): string | undefined {
  return typeof context?.clientIp === 'string' ? context.clientIp : undefined
}
