// A refusal the user can act on: a stable code for programs, an i18n message
// key for people, an HTTP status (always 4xx), and optional field messages.
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly messageKey: string,
    readonly status: number = 400,
    readonly fields?: Record<string, string[]>,
    readonly params?: Record<string, unknown>,
  ) {
    super(`${code}: ${messageKey}`)
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError
}
