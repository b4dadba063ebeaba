// Every request body crosses one boundary: a size limit, an allowed content
// type, no `$`/dotted keys (NoSQL operator injection), then one Zod schema that
// refuses unknown fields. Failures are DomainErrors → clear 4xx, never a 500.
import { z } from 'zod'
import type { Locale } from '~/i18n/config'
import { DomainError } from './errors'
import { getEnv } from './env.server'

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

export async function readBodyLimited(request: Request, limit = getEnv().BODY_LIMIT_BYTES) {
  const declared = Number(request.headers.get('Content-Length') ?? 0)
  if (declared > limit) throw new DomainError('payload_too_large', 'error.payloadTooLarge', 413)
  if (!request.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw new DomainError('payload_too_large', 'error.payloadTooLarge', 413)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

function mediaType(request: Request): string {
  return (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase()
}

export function assertNoOperatorKeys(value: unknown, path = ''): void {
  if (Array.isArray(value)) return value.forEach((v, i) => assertNoOperatorKeys(v, `${path}[${i}]`))
  if (value === null || typeof value !== 'object') return
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$') || key.includes('.') || key === '__proto__') {
      throw new DomainError('operator_key', 'error.operatorKey', 400, {
        [path ? `${path}.${key}` : key]: ['error.operatorKey'],
      })
    }
    assertNoOperatorKeys(inner, path ? `${path}.${key}` : key)
  }
}

/** Form fields as an object: a repeated name becomes an array. */
export function formToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of form.entries()) {
    const v = typeof value === 'string' ? value : value
    const existing = out[key]
    if (existing === undefined) out[key] = v
    else out[key] = Array.isArray(existing) ? [...existing, v] : [existing, v]
  }
  return out
}

function zodLocale(locale: Locale) {
  return locale === 'zh' ? z.locales.zhCN() : z.locales.en()
}

export type FieldErrors = Record<string, string[]>

/** Turns Zod issues into field → messages (messages may be `error.*` keys, translated later). */
export function issuesToFields(issues: z.core.$ZodIssue[]): FieldErrors {
  const fields: FieldErrors = {}
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) (fields[key] ??= []).push('error.unknownField')
      continue
    }
    const key = issue.path.length ? issue.path.join('.') : '_form'
    ;(fields[key] ??= []).push(issue.message)
  }
  return fields
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, locale: Locale) {
  assertNoOperatorKeys(value)
  const result = schema.safeParse(value, { error: zodLocale(locale).localeError })
  if (!result.success) {
    throw new DomainError('invalid_input', 'error.badRequest', 400, issuesToFields(result.error.issues))
  }
  return result.data as z.infer<S>
}

export async function parseForm<S extends z.ZodType>(request: Request, schema: S, locale: Locale) {
  const type = mediaType(request)
  if (!FORM_TYPES.includes(type)) {
    throw new DomainError('unsupported_media_type', 'error.unsupportedMediaType', 415)
  }
  const body = await readBodyLimited(request)
  const form = await new Response(body, {
    headers: { 'Content-Type': request.headers.get('Content-Type')! },
  }).formData()
  return validate(schema, formToObject(form), locale)
}

export async function parseJson<S extends z.ZodType>(request: Request, schema: S, locale: Locale) {
  if (mediaType(request) !== 'application/json') {
    throw new DomainError('unsupported_media_type', 'error.unsupportedMediaType', 415)
  }
  const body = await readBodyLimited(request)
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'))
  } catch {
    throw new DomainError('invalid_json', 'error.badRequest', 400)
  }
  return validate(schema, value, locale)
}
