// UI pieces every section uses: language, localized text, the `_id`-cursor pager,
// notices, a section's sub-navigation and byte sizes. One copy, used by catalog,
// marketplace and open-data pages alike.
import { Link, useLocation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

export type Lang = 'zh' | 'en'
export type Localized = { zh: string; en: string }

export function useLang(): Lang {
  const { i18n } = useTranslation()
  return i18n.language === 'en' ? 'en' : 'zh'
}

export function pick(l: Localized | undefined | null, lang: Lang): string {
  if (!l) return ''
  return (lang === 'en' ? l.en || l.zh : l.zh || l.en) ?? ''
}

/** Next-page link for `_id`-cursor lists; keeps the other query parameters. */
export function Pager({ nextAfter }: { nextAfter: string | null }) {
  const { t } = useTranslation()
  const location = useLocation()
  const params = new URLSearchParams(location.search)
  const hasAfter = params.has('after')
  params.delete('after')
  const first = `${location.pathname}${params.size ? `?${params}` : ''}`
  if (nextAfter) params.set('after', nextAfter)
  return (
    <nav className="pager" aria-label="pagination">
      {hasAfter ? <Link to={first}>{t('common.first')}</Link> : null}
      {nextAfter ? <Link to={`${location.pathname}?${params}`}>{t('common.next')} →</Link> : null}
    </nav>
  )
}

export function Notice({ children, tone }: { children: ReactNode; tone?: 'warn' }) {
  return (
    <div className={`notice${tone ? ` ${tone}` : ''}`} role="status">
      {children}
    </div>
  )
}

/** A section's sub-navigation; the current page is marked, not linked. */
export function SectionNav({ label, links }: { label: string; links: { to: string; label: string }[] }) {
  const location = useLocation()
  return (
    <nav className="subnav" aria-label={label}>
      {links.map((l) =>
        location.pathname === l.to ? (
          <strong key={l.to} aria-current="page">
            {l.label}
          </strong>
        ) : (
          <Link key={l.to} to={l.to}>
            {l.label}
          </Link>
        ),
      )}
    </nav>
  )
}

/** Bytes in a readable unit (explicit locale: no hydration mismatch). */
export function formatBytes(n: number | null): string {
  if (n === null) return '—'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toLocaleString('en-US', { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`
}

/**
 * C11: a receipt line for a ledger entry — its index and a link to its inclusion proof
 * against a signed checkpoint (the proof endpoint decides who may read it). Every order, payment,
 * licence, delivery and decision page shows one.
 */
export function LedgerReceipt({ seq }: { seq: number | null | undefined }) {
  const { t } = useTranslation()
  if (!seq) return null
  return (
    <p className="muted receipt">
      {t('ledger.receipt', { seq })} · <a href={`/api/v1/ledger/${seq}/proof`}>{t('ledger.receiptProof')}</a>
    </p>
  )
}
