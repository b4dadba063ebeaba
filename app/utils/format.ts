// Explicit locale and time zone on server and browser alike (no hydration mismatch).
const TIME_ZONE = 'Asia/Shanghai'

export function formatDateTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(new Date(iso))
}
