import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CatalogNav } from '~/components/catalog'
import { DeadlineTable, StaleTable } from '~/components/catalog-dashboard'
import { authorityCatalogDashboard } from '~/services/catalog/dashboards.server'
import { catalogLinks } from '~/services/catalog/pages.server'
import catalogCss from '~/styles/catalog.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// The authority's dashboard: Art. 11 obligations of its level (agency updates due in 15 working
// days, its own reviews due in 5), overdue first, and stale data (Art. 16).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'review:catalog-entry:any')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    nav: catalogLinks(user, t),
    ...(await authorityCatalogDashboard(user)),
  }))
}

export default function OverdueDashboard() {
  const { t } = useTranslation()
  const { nav, queue, deadlines, stale } = useLoaderData<typeof loader>()
  const overdue = deadlines.filter((d) => d.overdue)
  return (
    <>
      <section className="card">
        <h1>{t('catalog.overdue')}</h1>
        <CatalogNav links={nav} />
        <p className="muted">{t('catalog.overdueIntro')}</p>
        <div className="grid">
          <div className="card">
            <div className="muted">{t('catalog.dashboard.queue')}</div>
            <div className="stat">
              <Link to="/catalog/review">{queue}</Link>
            </div>
          </div>
          <div className="card">
            <div className="muted">{t('catalog.dashboard.deadlines')}</div>
            <div className="stat">{deadlines.length}</div>
          </div>
          <div className="card">
            <div className="muted">{t('catalog.deadlines.overdue')}</div>
            <div className="stat">{overdue.length}</div>
          </div>
          <div className="card">
            <div className="muted">{t('catalog.dashboard.stale')}</div>
            <div className="stat">{stale.length}</div>
          </div>
        </div>
      </section>
      <section className="card">
        <h2>{t('catalog.deadlines.title')}</h2>
        {deadlines.length ? (
          <DeadlineTable rows={[...overdue, ...deadlines.filter((d) => !d.overdue)]} showOrg />
        ) : (
          <p className="muted">{t('catalog.none')}</p>
        )}
      </section>
      <section className="card">
        <h2>{t('catalog.stale.title')}</h2>
        {stale.length ? (
          <StaleTable rows={stale} showOrg />
        ) : (
          <p className="muted">{t('catalog.none')}</p>
        )}
      </section>
    </>
  )
}
