// Explicit locale and time zone on server and browser alike (no hydration mismatch).
const TIME_ZONE = 'Asia/Shanghai'

export function formatDateTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(new Date(iso))
}

/** A calendar day (a deadline's or a hand-over's), without the time. */
export function formatDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: TIME_ZONE,
  }).format(new Date(iso))
}
