// What the catalog's page routes share: the cursor of a list and the section navigation a user
// may see.
import type { AuthUser } from '~/services/identity/auth.server'
import { validate } from '~/utils/validation.server'
import { cursorQuery } from './schemas'
import type { LocaleT as T } from '~/i18n/config'

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
