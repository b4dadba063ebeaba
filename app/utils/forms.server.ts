import { data } from '@remix-run/node'
import { DomainError } from './errors'
import { translateFields } from './http.server'

type T = (key: string, options?: Record<string, unknown>) => string

export interface FormFailure {
  formError?: string
  fieldErrors?: Record<string, string[]>
}

/** A refused form submission: the same page again with messages in the user's language. */
export function formFailure(error: unknown, t: T) {
  if (!(error instanceof DomainError)) throw error
  const fieldErrors = error.fields ? translateFields(t, error.fields) : undefined
  const onlyFields = error.code === 'invalid_input' && fieldErrors && !fieldErrors._form
  return data<FormFailure>(
    { formError: onlyFields ? undefined : t(error.messageKey, error.params), fieldErrors },
    { status: error.status },
  )
}

/** Only same-site paths, so `redirectTo` cannot send a user elsewhere. */
export function safeRedirect(to: unknown, fallback: string): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.includes('\\')) {
    return fallback
  }
  return to
}
