import { createCookie } from '@remix-run/node'
import Negotiator from 'negotiator'
import { createI18n, DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '~/i18n/config'

// The chosen language lives in a cookie; on a first visit it comes from Accept-Language.
export const localeCookie = createCookie('lng', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 365 * 24 * 3600,
})

export async function getLocale(request: Request): Promise<Locale> {
  const fromCookie: unknown = await localeCookie.parse(request.headers.get('Cookie'))
  if (isLocale(fromCookie)) return fromCookie
  const accept = request.headers.get('Accept-Language')
  if (!accept) return DEFAULT_LOCALE
  const negotiator = new Negotiator({ headers: { 'accept-language': accept } })
  const preferred = negotiator.languages()
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0]
    if (isLocale(base)) return base
  }
  return isLocale(preferred[0]) ? preferred[0] : DEFAULT_LOCALE
}

// One i18next instance per locale for the whole process: its language never changes,
// and building one per request cost about 1 ms.
const instances = new Map<Locale, ReturnType<typeof createI18n>>()

export function i18nFor(locale: Locale) {
  let instance = instances.get(locale)
  if (!instance) instances.set(locale, (instance = createI18n(locale)))
  return instance
}

export async function getT(request: Request) {
  const locale = await getLocale(request)
  return Object.assign(i18nFor(locale).t.bind(i18nFor(locale)), { locale })
}

export { LOCALES }
