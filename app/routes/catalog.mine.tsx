import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import {
  CatalogNav,
  DateTime,
  gradeLabel,
  Pager,
  pick,
  StatusBadge,
  useLang,
} from '~/components/catalog'
import { DeadlineTable, StaleTable } from '~/components/catalog-dashboard'
import { agencyCatalogDashboard } from '~/services/catalog/dashboards.server'
import { listOwnEntries } from '~/services/catalog/entries.server'
import { catalogLinks, cursorOf } from '~/services/catalog/pages.server'
import catalogCss from '~/styles/catalog.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// The agency's catalog and dashboard: every entry in any status, returned entries with the
// authority's reasons (Art. 10), Art. 11 deadlines, stale data (Art. 16), open quality issues.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const cursor = cursorOf(request, t)
    const [page, dashboard] = await Promise.all([
      listOwnEntries(user, cursor),
      agencyCatalogDashboard(user),
    ])
    return { nav: catalogLinks(user, t), ...page, ...dashboard }
  })
}

export default function CatalogMine() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, items, nextAfter, total, returned, deadlines, stale, openIssues } =
    useLoaderData<typeof loader>()
  return (
    <>
      <section className="card">
        <h1>{t('catalog.mine')}</h1>
        <CatalogNav links={nav} />
        <p className="muted">{t('catalog.mineIntro')}</p>
        <div className="grid">
          <div className="card">
            <div className="muted">{t('catalog.dashboard.returned')}</div>
            <div className="stat">{returned.length}</div>
          </div>
          <div className="card">
            <div className="muted">{t('catalog.dashboard.deadlines')}</div>
            <div className="stat">{deadlines.length}</div>
          </div>
          <div className="card">
            <div className="muted">{t('catalog.dashboard.stale')}</div>
            <div className="stat">{stale.length}</div>
          </div>
          <div className="card">
            <div className="muted">{t('catalog.dashboard.openIssues')}</div>
            <div className="stat">
              <Link to="/catalog/quality">{openIssues}</Link>
            </div>
          </div>
        </div>
      </section>
      {returned.length ? (
        <section className="card">
          <h2>{t('catalog.dashboard.returned')}</h2>
          <ul>
            {returned.map((e) => (
              <li key={e.id}>
                <Link to={`/catalog/${e.id}/edit`}>{pick(e.content.title, lang)}</Link> —{' '}
                {t('catalog.entry.returnReasons')}:
                <ul className="reasons">
                  {e.returnReasons.map((r, i) => (
                    <li key={i}>{r}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {deadlines.length ? (
        <section className="card">
          <h2>{t('catalog.deadlines.title')}</h2>
          <DeadlineTable rows={deadlines} />
        </section>
      ) : null}
      {stale.length ? (
        <section className="card">
          <h2>{t('catalog.stale.title')}</h2>
          <StaleTable rows={stale} />
        </section>
      ) : null}
      <section className="card">
        <h2>{t('catalog.mine')}</h2>
        {items.length === 0 ? (
          <p className="muted">{t('catalog.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('catalog.entryTitle')}</th>
                <th>{t('common.status')}</th>
                <th>{t('catalog.form.sharingType')}</th>
                <th>{t('catalog.form.grade')}</th>
                <th>{t('catalog.version')}</th>
                <th>{t('catalog.entry.lastDataUpdate')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/catalog/${e.id}`}>{pick(e.content.title, lang)}</Link>
                    <div className="muted mono">{e.code}</div>
                  </td>
                  <td>
                    <StatusBadge status={e.status} pendingStep={e.pendingStep} />
                    {e.staleSince ? (
                      <span className="badge bad">{t('catalog.stale.title')}</span>
                    ) : null}
                    {e.deadline?.overdue ? (
                      <span className="badge bad">{t('catalog.deadlines.overdue')}</span>
                    ) : null}
                  </td>
                  <td>{t(`catalog.sharingType.${e.content.sharingType}`)}</td>
                  <td>{gradeLabel(t, e.content.grade)}</td>
                  <td>{e.publishedVersion ? `v${e.publishedVersion}` : '—'}</td>
                  <td>
                    <DateTime iso={e.lastDataUpdateAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager nextAfter={nextAfter} total={total} />
      </section>
    </>
  )
}
