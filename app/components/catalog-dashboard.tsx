// Dashboard tables of the catalog: Art. 11 deadlines and Art. 16 stale data.
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime, pick, useLang, type Localized } from './catalog'

export interface DeadlineRowView {
  id: string
  entryId: string
  code: string
  title: Localized
  orgName: Localized
  phase: 'agency' | 'review'
  reason: string
  dueAt: string
  overdue: boolean
  workingDaysLeft: number
}

export function DeadlineTable({
  rows,
  showOrg = false,
}: {
  rows: DeadlineRowView[]
  showOrg?: boolean
}) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <table>
      <thead>
        <tr>
          <th>{t('catalog.entryTitle')}</th>
          {showOrg ? <th>{t('catalog.org')}</th> : null}
          <th>{t('common.status')}</th>
          <th>{t('catalog.deadlines.reason')}</th>
          <th>{t('catalog.deadlines.dueAt')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.id}>
            <td>
              <Link to={`/catalog/${d.entryId}`}>{pick(d.title, lang)}</Link>
              <div className="muted mono">{d.code}</div>
            </td>
            {showOrg ? <td>{pick(d.orgName, lang)}</td> : null}
            <td>{t(`catalog.deadlines.phase.${d.phase}`)}</td>
            <td>{d.reason}</td>
            <td>
              <DateTime iso={d.dueAt} />{' '}
              {d.overdue ? (
                <span className="badge bad">{t('catalog.deadlines.overdue')}</span>
              ) : (
                <span className={`badge ${d.workingDaysLeft <= 3 ? 'warn' : ''}`}>
                  {t('catalog.deadlines.left', { count: d.workingDaysLeft })}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export interface StaleRowView {
  entryId: string
  code: string
  title: Localized
  orgName: Localized
  updateFrequency: string
  lastDataUpdateAt: string | null
  staleSince: string
}

export function StaleTable({ rows, showOrg = false }: { rows: StaleRowView[]; showOrg?: boolean }) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <table>
      <thead>
        <tr>
          <th>{t('catalog.entryTitle')}</th>
          {showOrg ? <th>{t('catalog.org')}</th> : null}
          <th>{t('catalog.stale.frequency')}</th>
          <th>{t('catalog.entry.lastDataUpdate')}</th>
          <th>{t('catalog.stale.since')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.entryId}>
            <td>
              <Link to={`/catalog/${s.entryId}`}>{pick(s.title, lang)}</Link>
              <div className="muted mono">{s.code}</div>
            </td>
            {showOrg ? <td>{pick(s.orgName, lang)}</td> : null}
            <td>{t(`catalog.updateFrequency.${s.updateFrequency}`)}</td>
            <td>
              <DateTime iso={s.lastDataUpdateAt} />
            </td>
            <td>
              <DateTime iso={s.staleSince} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The catalog card on the agency's and the authority's home pages: counts and where to go. */
export function CatalogHomeCard({
  stats,
  links,
}: {
  stats: { label: string; value: number; to: string; alert?: boolean }[]
  links: { to: string; label: string }[]
}) {
  const { t } = useTranslation()
  return (
    <section className="card">
      <h2>{t('catalog.title')}</h2>
      <div className="grid">
        {stats.map((s) => (
          <div className="card" key={s.label}>
            <div className="muted">{s.label}</div>
            <div className="stat">
              <Link to={s.to} className={s.alert && s.value > 0 ? 'badge bad' : undefined}>
                {s.value}
              </Link>
            </div>
          </div>
        ))}
      </div>
      <p>
        {links.map((l, i) => (
          <span key={l.to}>
            {i ? ' · ' : ''}
            <Link to={l.to}>{l.label}</Link>
          </span>
        ))}
      </p>
    </section>
  )
}
