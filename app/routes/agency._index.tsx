import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CatalogHomeCard } from '~/components/catalog-dashboard'
import { OrgHomePage } from '~/components/org-home-page'
import { ResearchHomeSection } from '~/components/research'
import { agencyCatalogDashboard } from '~/services/catalog/dashboards.server'
import { catalogLinks } from '~/services/catalog/pages.server'
import { orgHome, userView } from '~/services/identity/home.server'
import { researchHomeData } from '~/services/research/pages.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:catalog-entry:own-org')
  const t = await getT(request)
  const catalog = await agencyCatalogDashboard(user)
  return {
    user: userView(user),
    ...(await orgHome(user)),
    ...(await researchHomeData(request, user)),
    catalog: {
      returned: catalog.returned.length,
      deadlines: catalog.deadlines.length,
      stale: catalog.stale.length,
      openIssues: catalog.openIssues,
      links: catalogLinks(user, t),
    },
  }
}

export default function AgencyHome() {
  const { t } = useTranslation()
  const { catalog } = useLoaderData<typeof loader>()
  return (
    <OrgHomePage section="agency">
      <CatalogHomeCard
        links={catalog.links}
        stats={[
          {
            label: t('catalog.dashboard.returned'),
            value: catalog.returned,
            to: '/catalog/mine',
            alert: true,
          },
          {
            label: t('catalog.dashboard.deadlines'),
            value: catalog.deadlines,
            to: '/catalog/mine',
            alert: true,
          },
          {
            label: t('catalog.dashboard.stale'),
            value: catalog.stale,
            to: '/catalog/mine',
            alert: true,
          },
          {
            label: t('catalog.dashboard.openIssues'),
            value: catalog.openIssues,
            to: '/catalog/quality',
            alert: true,
          },
        ]}
      />
      <ResearchHomeSection />
      <section className="card">
        <Link to="/agency/subject-requests">{t('recordRequestsDesk.nav')} →</Link>
      </section>
      <section className="card">
        <Link to="/agency/emergency-collections">{t('emergency.nav')} →</Link>
      </section>
      <section className="card">
        <Link to="/disputes">{t('disputes.nav')} →</Link>
      </section>
      <section className="card">
        <Link to="/rectifications">{t('rectifications.nav')} →</Link>
      </section>
      <section className="card">
        <Link to="/projects">{t('projects.nav')} →</Link>
      </section>
    </OrgHomePage>
  )
}
