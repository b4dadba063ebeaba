import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDateTime } from '~/utils/format'

export interface LedgerRowView {
  seq: number
  at: string
  action: string
  actorOrgId: string | null
  subjects: string[]
  hash: string
}

export function LedgerTable({
  rows,
  orgNames,
  entryHref,
}: {
  rows: LedgerRowView[]
  orgNames?: Record<string, { zh: string; en: string }>
  /** When given, each sequence number links to that entry's page. */
  entryHref?: (seq: number) => string
}) {
  const { t, i18n } = useTranslation()
  if (!rows.length) return <p className="muted">{t('home.noEntries')}</p>
  const lang = i18n.language === 'en' ? 'en' : 'zh'
  return (
    <table>
      <thead>
        <tr>
          <th>{t('ledger.seq')}</th>
          <th>{t('ledger.at')}</th>
          <th>{t('ledger.action')}</th>
          {orgNames ? <th>{t('ledger.actor')}</th> : null}
          <th>{t('ledger.subjects')}</th>
          <th>{t('ledger.hash')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.seq}>
            <td className="mono">
              {entryHref ? <Link to={entryHref(row.seq)}>{row.seq}</Link> : row.seq}
            </td>
            <td className="nowrap">{formatDateTime(row.at, lang)}</td>
            <td className="mono">{row.action}</td>
            {orgNames ? (
              <td>{row.actorOrgId ? (orgNames[row.actorOrgId]?.[lang] ?? row.actorOrgId) : '—'}</td>
            ) : null}
            <td className="mono subjects">{row.subjects.join(', ')}</td>
            <td className="mono" title={row.hash}>
              {row.hash.slice(0, 12)}…
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
