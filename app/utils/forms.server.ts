import { data } from '@remix-run/node'
import { DomainError } from './errors'
import { translateFields } from './http.server'
import type { z } from 'zod'
import type { Locale, Translate as T } from '~/i18n/config'
import { formToObject, readFormData, validate } from './validation.server'

/**
 * What a form's action answers when the page stays: a refusal (`formError`, `fieldErrors`, the
 * `values` posted), a notice, or what was `done`. Every branch has the same optional keys, so the
 * page reads `useActionData<typeof action>()` without a cast: `V` types the values posted back, `D`
 * what a success reports.
 */
/** A posted form's text values, as a refused form shows them again (files cannot be). */
export type PostedValues = Record<string, string | string[]>

/**
 * Reads a posted form once — reading a cloned request a second time loses bytes under the Express
 * adapter — and keeps its text values for a refused form to show again; `parse` validates it.
 */
export async function readForm<S extends z.ZodType>(
  request: Request,
  schema: S,
  locale: Locale,
): Promise<{ values: PostedValues; parse: () => z.infer<S> }> {
  const posted = formToObject(await readFormData(request))
  const values: PostedValues = {}
  for (const [key, value] of Object.entries(posted)) {
    if (typeof value === 'string') values[key] = value
    else if (Array.isArray(value)) {
      const texts = value.filter((v): v is string => typeof v === 'string')
      if (texts.length) values[key] = texts
    }
  }
  return { values, parse: () => validate(schema, posted, locale) }
}

export interface FormFailure<V = PostedValues, D = never> {
  formError?: string
  fieldErrors?: Record<string, string[]>
  /** What was posted, so a page without JavaScript shows the form filled in again. */
  values?: V
  /** A form that succeeded and stays on its page: what was done, in the user's language. */
  notice?: string
  /** A form that succeeded and stays on its page: what the page shows of it. */
  done?: D
}

/** A form that succeeded and stays on its page, typed like a refusal so the page reads one shape. */
export function formNotice(notice: string) {
  return data<FormFailure<never>>({ notice })
}

/** A form that succeeded and stays on its page with something to show (`done`), and a notice. */
export function formDone<D>(done: D, notice?: string) {
  return data<FormFailure<never, D>>({ done, ...(notice ? { notice } : {}) })
}

/**
 * A refused form submission: the same page again with messages in the user's language — each bad
 * field's message beside it (no general message then), otherwise the refusal's — and, when given,
 * the values posted. Anything but a refusal is rethrown (a 500 is a bug, not a user's mistake).
 */
export function formFailure<V = PostedValues>(error: unknown, t: T, values?: V) {
  if (!(error instanceof DomainError)) throw error
  const fieldErrors = error.fields ? translateFields(t, error.fields) : undefined
  const onlyFields = error.code === 'invalid_input' && fieldErrors && !fieldErrors._form
  return data<FormFailure<V>>(
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
