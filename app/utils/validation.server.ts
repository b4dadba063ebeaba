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

export function assertNoOperatorKeys(value: unknown): void {
  // Iterative, so no body can overflow the stack here (deep bodies are refused earlier anyway).
  const stack: [unknown, string][] = [[value, '']]
  while (stack.length > 0) {
    const [node, path] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    if (Array.isArray(node)) {
      node.forEach((v, i) => stack.push([v, `${path}[${i}]`]))
      continue
    }
    for (const [key, inner] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key
      if (key.startsWith('$') || key.includes('.') || key === '__proto__') {
        throw new DomainError('operator_key', 'error.operatorKey', 400, {
          [at]: ['error.operatorKey'],
        })
      }
      stack.push([inner, at])
    }
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Body bytes as text; bytes that are not UTF-8 are a 400, not silently replaced. */
export function decodeUtf8(body: Uint8Array): string {
  try {
    return strictUtf8.decode(body)
  } catch {
    throw new DomainError('bad_utf8', 'error.badUtf8', 400)
  }
}

/** Deepest nesting any request body may have: our schemas need 5; harvesters' bodies 3. */
export const MAX_JSON_DEPTH = 32

/**
 * JSON text → value, refusing text nested deeper than `maxDepth` before parsing it (a
 * 10,000-level body would otherwise overflow the stack of whatever walks it next).
 */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw new DomainError('too_deep', 'error.tooDeep', 400, undefined, { max: maxDepth })
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new DomainError('invalid_json', 'error.badRequest', 400)
  }
}

/** Bracket depth of JSON text, strings skipped; stops counting once past `stopAt`. */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > stopAt) return max
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return max
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
    throw new DomainError(
      'invalid_input',
      'error.badRequest',
      400,
      issuesToFields(result.error.issues),
    )
  }
  return result.data as z.infer<S>
}

/**
 * A posted form (urlencoded or multipart) within `limit` bytes: 415 for another content type, 400
 * for a body that is not a well-formed form (a broken multipart boundary, say), never a 500.
 */
export async function readFormData(request: Request, limit?: number): Promise<FormData> {
  const type = mediaType(request)
  if (!FORM_TYPES.includes(type)) {
    throw new DomainError('unsupported_media_type', 'error.unsupportedMediaType', 415)
  }
  const body = await readBodyLimited(request, limit)
  try {
    return await new Response(body, {
      headers: { 'Content-Type': request.headers.get('Content-Type')! },
    }).formData()
  } catch {
    throw new DomainError('malformed_form', 'error.badRequest', 400)
  }
}

export async function parseForm<S extends z.ZodType>(request: Request, schema: S, locale: Locale) {
  return validate(schema, formToObject(await readFormData(request)), locale)
}

export async function parseJson<S extends z.ZodType>(request: Request, schema: S, locale: Locale) {
  if (mediaType(request) !== 'application/json') {
    throw new DomainError('unsupported_media_type', 'error.unsupportedMediaType', 415)
  }
  const body = await readBodyLimited(request)
  return validate(schema, parseJsonText(decodeUtf8(body)), locale)
}
