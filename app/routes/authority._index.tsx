import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pager } from '~/components/common'
import { FormError } from '~/components/form'
import { RoleHome } from '~/components/role-home'
import { OrdersHomeCard } from '~/components/orders'
import { ResearchHomeSection } from '~/components/research'
import { CatalogHomeCard } from '~/components/catalog-dashboard'
import { authorityCatalogDashboard } from '~/services/catalog/dashboards.server'
import { catalogLinks } from '~/services/catalog/pages.server'
import { reviewRegistration } from '~/services/identity/auth.server'
import { authorityHome, orgHome, userView } from '~/services/identity/home.server'
import { reviewRegistrationSchema } from '~/services/identity/schemas'
import { researchHomeData } from '~/services/research/pages.server'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'approve:org-registration:any')
  const t = await getT(request)
  const catalog = await authorityCatalogDashboard(user)
  return {
    user: userView(user),
    ...(await authorityHome(new URL(request.url).searchParams.get('after') ?? undefined)),
    ...(await orgHome(user)),
    ...(await researchHomeData(request, user, { overdue: true })),
    catalog: {
      queue: catalog.queue,
      deadlines: catalog.deadlines.length,
      overdue: catalog.deadlines.filter((d) => d.overdue).length,
      stale: catalog.stale.length,
      links: catalogLinks(user, t),
    },
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const reviewer = await requirePermission(request, 'approve:org-registration:any')
  const t = await getT(request)
  try {
    const input = await parseForm(request, reviewRegistrationSchema, t.locale)
    await reviewRegistration({ ...input, reviewer })
    return { formError: undefined, fieldErrors: undefined, reviewed: input.orgId }
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function AuthorityHome() {
  const { t, i18n } = useTranslation()
  const { user, pending, pendingTotal, pendingNextAfter, head, orgCounts, recent, catalog } =
    useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const lang = i18n.language === 'en' ? 'en' : 'zh'
  return (
    <RoleHome title={t('home.authority.title')} user={user} recent={recent}>
      <section className="grid">
        {(['agency', 'provider', 'buyer', 'research', 'regulator'] as const).map((type) => (
          <div className="card" key={type}>
            <div className="muted">{t(`orgTypes.${type}`)}</div>
            <div className="stat">{orgCounts[type] ?? 0}</div>
          </div>
        ))}
        <div className="card">
          <div className="muted">{t('home.authority.ledgerHead')}</div>
          <div className="stat mono">#{head.seq}</div>
        </div>
      </section>
      <CatalogHomeCard
        links={catalog.links}
        stats={[
          { label: t('catalog.dashboard.queue'), value: catalog.queue, to: '/catalog/review' },
          {
            label: t('catalog.dashboard.deadlines'),
            value: catalog.deadlines,
            to: '/catalog/overdue',
          },
          {
            label: t('catalog.deadlines.overdue'),
            value: catalog.overdue,
            to: '/catalog/overdue',
            alert: true,
          },
          {
            label: t('catalog.dashboard.stale'),
            value: catalog.stale,
            to: '/catalog/overdue',
            alert: true,
          },
        ]}
      />
      <ResearchHomeSection />
      <OrdersHomeCard section="authority" />
      <section className="card">
        <h2>
          {t('home.authority.pending')} <span className="muted">({pendingTotal})</span>
        </h2>
        <FormError message={result?.formError} />
        {pending.length === 0 ? (
          <p className="muted">{t('home.authority.noPending')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('common.name')}</th>
                <th>{t('common.type')}</th>
                <th>{t('register.uscc')}</th>
                <th>{t('common.createdAt')}</th>
                <th>{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((org) => (
                <tr key={org.id}>
                  <td>{org.name[lang]}</td>
                  <td>{t(`orgTypes.${org.type}`)}</td>
                  <td className="mono">{org.uscc}</td>
                  <td>{formatDateTime(org.createdAt, lang)}</td>
                  <td>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="orgId" value={org.id} />
                      <input
                        name="reason"
                        placeholder={t('home.authority.reason')}
                        aria-label={t('home.authority.reason')}
                      />
                      <button type="submit" name="decision" value="approved" className="primary">
                        {t('home.authority.approve')}
                      </button>
                      <button type="submit" name="decision" value="rejected" className="secondary">
                        {t('home.authority.reject')}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager nextAfter={pendingNextAfter} />
      </section>
      <section className="card">
        <Link to="/authority/sharing">{t('sharing.coordination.title')} →</Link>
      </section>
      <section className="card">
        <Link to="/supervision/reports">{t('supervision.nav')} →</Link>
      </section>
      <section className="card">
        <Link to="/authority/desensitize-settings">{t('scan.settings.title')} →</Link>
      </section>
      <section className="card">
        <Link to="/authority/identity-desk">{t('identityDesk.nav')} →</Link>
      </section>
      <section className="card">
        <Link to="/authority/complaints">{t('complaintsDesk.nav')} →</Link>
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
      <section className="card">
        <Link to="/authority/security">{t('security.title')} →</Link>
      </section>
    </RoleHome>
  )
}
