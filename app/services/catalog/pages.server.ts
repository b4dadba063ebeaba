// What the catalog's page routes share: refusals as responses in the user's language, the
// section navigation a user may see, and form failures that keep the posted values.
import type { AuthUser } from '~/services/identity/auth.server'
import { formToObject, readFormData, validate } from '~/utils/validation.server'
import type { z } from 'zod'
import { cursorQuery } from './schemas'
import type { Locale, LocaleT as T } from '~/i18n/config'

export function cursorOf(request: Request, t: T) {
  const query = Object.fromEntries(
    [...new URL(request.url).searchParams].filter(([k]) => k === 'after' || k === 'limit'),
  )
  return validate(cursorQuery, query, t.locale)
}

export interface NavLink {
  to: string
  label: string
}

/** The catalog pages this user may open (the server checks each page again). */
export function catalogLinks(user: AuthUser, t: T): NavLink[] {
  const p = user.permissions
  const links: NavLink[] = []
  if (p.has('read:catalog-entry:any')) links.push({ to: '/catalog', label: t('catalog.browse') })
  if (p.has('create:catalog-entry:own-org')) {
    links.push({ to: '/catalog/mine', label: t('catalog.mine') })
    links.push({ to: '/catalog/new', label: t('catalog.newEntry') })
    links.push({ to: '/catalog/collection', label: t('catalog.collection') })
  }
  if (p.has('review:catalog-entry:any')) {
    links.push({ to: '/catalog/review', label: t('catalog.review') })
    links.push({ to: '/catalog/overdue', label: t('catalog.overdue') })
  }
  if (p.has('manage:source-registry:any'))
    links.push({ to: '/catalog/registry', label: t('catalog.registry') })
  if (p.has('manage:calendar:any'))
    links.push({ to: '/catalog/calendar', label: t('catalog.calendar') })
  if (p.has('manage:catalog-rules:any'))
    links.push({ to: '/catalog/grading', label: t('catalog.grading.title') })
  if (p.has('raise:quality-issue:any'))
    links.push({ to: '/catalog/quality', label: t('catalog.qualityTitle') })
  return links
}

/**
 * Reads a form once and validates it, keeping the posted values for a refused form to show again
 * (reading a cloned request a second time loses bytes under the Express adapter).
 */
export async function readForm<S extends z.ZodType>(
  request: Request,
  schema: S,
  locale: Locale,
): Promise<{ values: Record<string, unknown>; parse: () => z.infer<S> }> {
  const values = formToObject(await readFormData(request))
  return { values, parse: () => validate(schema, values, locale) }
}
