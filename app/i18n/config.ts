import i18next, { type i18n } from 'i18next'
import { en } from './en'
import { zh } from './zh'

export const LOCALES = ['zh', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh'

export const resources = { zh: { translation: zh }, en: { translation: en } } as const

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** A synchronous i18next instance for one locale (server per request, browser once). */
export function createI18n(locale: Locale): i18n {
  const instance = i18next.createInstance()
  void instance.init({
    lng: locale,
    fallbackLng: 'en',
    resources,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  })
  return instance
}

/** Translates a message that may be an i18n key (`error.*`) or plain text. */
export function translateMessage(t: (key: string, opts?: object) => string, message: string) {
  return /^[a-z]+(\.[a-zA-Z0-9_-]+)+$/.test(message) ? t(message) : message
}

/** The translate function a server module receives (i18next's `t`, narrowed to what we call). */
export type Translate = (key: string, options?: Record<string, unknown>) => string

/** `t` with the locale it translates into, as `getT(request)` returns it. */
export type LocaleT = Translate & { locale: Locale }
