// UI pieces every section uses: language, localized text, the `_id`-cursor pager, the numbered
// pager with sortable headers,
// notices, a section's sub-navigation and byte sizes. One copy, used by catalog,
// marketplace and open-data pages alike.
import { Link, useLocation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { Paging } from '~/utils/schemas'

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

/** Next-page link for `_id`-cursor lists, with the list's total when known; keeps the other query parameters. */
export function Pager({ nextAfter, total }: { nextAfter: string | null; total?: number }) {
  const { t } = useTranslation()
  const location = useLocation()
  const params = new URLSearchParams(location.search)
  const hasAfter = params.has('after')
  params.delete('after')
  const first = `${location.pathname}${params.size ? `?${params}` : ''}`
  if (nextAfter) params.set('after', nextAfter)
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      {total !== undefined ? (
        <span className="muted">{t('common.total', { count: total })}</span>
      ) : null}
      {hasAfter ? <Link to={first}>{t('common.first')}</Link> : null}
      {nextAfter ? <Link to={`${location.pathname}?${params}`}>{t('common.next')} →</Link> : null}
    </nav>
  )
}

/** The page numbers shown around the current one: 1 … p-2 p-1 p p+1 p+2 … last. */
export function pageWindow(page: number, pages: number): (number | null)[] {
  const shown = new Set(
    [1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pages),
  )
  const sorted = [...shown].sort((a, b) => a - b)
  const out: (number | null)[] = []
  sorted.forEach((n, i) => {
    if (i > 0 && n - sorted[i - 1]! > 1) out.push(null)
    out.push(n)
  })
  return out
}

function withParams(
  location: { pathname: string; search: string },
  set: Record<string, string | null>,
): string {
  const params = new URLSearchParams(location.search)
  for (const [key, value] of Object.entries(set)) {
    if (value === null) params.delete(key)
    else params.set(key, value)
  }
  return `${location.pathname}${params.size ? `?${params}` : ''}`
}

/** A numbered list's total and its pages (previous, numbers, next); keeps the other query parameters. */
export function Paging({ paging }: { paging: Paging }) {
  const { t } = useTranslation()
  const location = useLocation()
  const { page, pages, total } = paging
  const to = (n: number) => withParams(location, { page: n === 1 ? null : String(n) })
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <span className="muted">{t('common.total', { count: total })}</span>
      {page > 1 ? (
        <Link to={to(page - 1)} rel="prev">
          ← {t('common.previous')}
        </Link>
      ) : null}
      {pages > 1
        ? pageWindow(page, pages).map((n, i) =>
            n === null ? (
              <span key={`gap${i}`} aria-hidden="true">
                …
              </span>
            ) : n === page ? (
              <strong key={n} aria-current="page">
                {n}
              </strong>
            ) : (
              <Link key={n} to={to(n)} aria-label={t('common.pageN', { n })}>
                {n}
              </Link>
            ),
          )
        : null}
      {page < pages ? (
        <Link to={to(page + 1)} rel="next">
          {t('common.next')} →
        </Link>
      ) : null}
    </nav>
  )
}

/** A column header that sorts its list: a link that sets the column (or flips its direction). */
export function SortHeader({
  paging,
  column,
  children,
}: {
  paging: Paging
  column: string
  children: ReactNode
}) {
  const { t } = useTranslation()
  const location = useLocation()
  const current = paging.sort === column
  const dir = current && paging.dir === 'asc' ? 'desc' : current ? 'asc' : 'desc'
  return (
    <th aria-sort={current ? (paging.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <Link to={withParams(location, { sort: column, dir, page: null })} title={t('common.sortBy')}>
        {children}
        {current ? (paging.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </Link>
    </th>
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
export function SectionNav({
  label,
  links,
}: {
  label: string
  links: { to: string; label: string }[]
}) {
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
      {t('ledger.receipt', { seq })} ·{' '}
      <a href={`/api/v1/ledger/${seq}/proof`}>{t('ledger.receiptProof')}</a>
    </p>
  )
}
