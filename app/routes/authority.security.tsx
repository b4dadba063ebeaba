import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { securityDashboard } from '~/services/security/events.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { SECURITY_EVENT_KINDS } from '~/vocab/security'

// Art. 45 ¶2, 47: the data authority's (and the regulator's) security dashboard — events of the
// last day by kind, the fortnight's trend, the latest events and the latest self-check.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:security-events:any')
  const t = await getT(request)
  return pageGuard(t, () => securityDashboard(user))
}

export default function SecurityDashboard() {
  const { t } = useTranslation()
  const d = useLoaderData<typeof loader>()
  const max = Math.max(
    1,
    ...d.trend.map((r) => SECURITY_EVENT_KINDS.reduce((n, k) => n + r.counts[k], 0)),
  )
  return (
    <section className="card">
      <h1>{t('security.title')}</h1>
      <p className="muted">{t('security.intro')}</p>

      <h2>{t('security.last24h')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t('security.kind')}</th>
            <th>{t('security.count')}</th>
          </tr>
        </thead>
        <tbody>
          {SECURITY_EVENT_KINDS.map((k) => (
            <tr key={k}>
              <td>{t(`security.kinds.${k}`)}</td>
              <td className={d.last24h[k] > 0 ? 'mono bad' : 'mono'}>{d.last24h[k]}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('security.trend')}</h2>
      <table className="table" aria-label={t('security.trend')}>
        <tbody>
          {d.trend.map((r) => {
            const total = SECURITY_EVENT_KINDS.reduce((n, k) => n + r.counts[k], 0)
            return (
              <tr key={r.day}>
                <td className="mono">{r.day}</td>
                <td style={{ width: '60%' }}>
                  <span
                    style={{
                      display: 'inline-block',
                      height: '0.8em',
                      width: `${(100 * total) / max}%`,
                      background: '#b03a2e',
                    }}
                  />
                </td>
                <td className="mono">{total}</td>
              </tr>
            )
          })}
        </tbody>
      </table>

      <h2>{t('security.selfCheck')}</h2>
      {d.selfCheck ? (
        <>
          <p>
            <span className={`badge ${d.selfCheck.ok ? 'ok' : 'bad'}`}>
              {d.selfCheck.ok ? t('security.allPassed') : t('security.someFailed')}
            </span>{' '}
            <DateTime iso={d.selfCheck.at} />
          </p>
          <ul>
            {d.selfCheck.items.map((i) => (
              <li key={i.check}>
                <span className={`badge ${i.ok ? 'ok' : 'bad'}`}>
                  {i.ok ? t('security.pass') : t('security.fail')}
                </span>{' '}
                {t(`security.checks.${i.check}`)} <span className="muted">{i.detail}</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">{t('security.noSelfCheck')}</p>
      )}

      <h2>{t('security.recent')}</h2>
      {d.recent.length === 0 ? <p className="muted">{t('security.none')}</p> : null}
      <table className="table">
        <thead>
          <tr>
            <th>{t('security.lastAt')}</th>
            <th>{t('security.kind')}</th>
            <th>{t('security.subject')}</th>
            <th>{t('security.count')}</th>
            <th>{t('security.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {d.recent.map((e) => (
            <tr key={e.id}>
              <td>
                <DateTime iso={e.lastAt} />
              </td>
              <td>
                <span
                  className={`badge ${e.severity === 'critical' ? 'bad' : e.severity === 'warning' ? 'warn' : ''}`}
                >
                  {t(`security.kinds.${e.kind}`)}
                </span>
                {e.alerted ? ` · ${t('security.alerted')}` : ''}
              </td>
              <td className="mono">{e.subject}</td>
              <td className="mono">{e.count}</td>
              <td className="muted">{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
