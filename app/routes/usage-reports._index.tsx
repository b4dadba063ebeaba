import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { OverdueReportsCard, pick, ResearchNav, useLang } from '~/components/research'
import { overdueReportsCard, pageGuard, researchLinks } from '~/services/research/pages.server'
import { licenseeReportOverview } from '~/services/research/usage-reports.server'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// Art. 46: the licensee's licences that ask for usage reports, with what is due and overdue; for a
// licensor (a provider), also the overdue reports on its own licences.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'submit:usage-report:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    nav: researchLinks(user, t),
    licences: await licenseeReportOverview(user),
    licensor: user.permissions.has('create:product:own-org') ? await overdueReportsCard(user) : null,
  }))
}

export default function UsageReports() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, licences, licensor } = useLoaderData<typeof loader>()
  return (
    <>
      <section className="card">
        <h1>{t('research.usage.title')}</h1>
        <ResearchNav links={nav} />
        <p className="muted">{t('research.usage.intro')}</p>
        {licences.length === 0 ? (
          <p className="muted">{t('research.usage.noLicences')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('research.usage.subject')}</th>
                <th>{t('research.usage.licensor')}</th>
                <th>{t('research.usage.every')}</th>
                <th>{t('research.usage.dueCount')}</th>
                <th>{t('research.usage.overdueCount')}</th>
                <th>{t('research.usage.nextDue')}</th>
              </tr>
            </thead>
            <tbody>
              {licences.map((l) => (
                <tr key={l.id}>
                  <td>
                    <Link to={`/usage-reports/${l.id}`}>{pick(l.title, lang) || l.id}</Link>
                    {l.researchOnly ? <span className="badge"> {t('research.usage.researchOnly')}</span> : null}
                  </td>
                  <td>{pick(l.licensor, lang)}</td>
                  <td>{t(`research.usage.periodKind.${l.usageReport}`)}</td>
                  <td>{l.due ? <span className="badge warn">{l.due}</span> : 0}</td>
                  <td>{l.overdue ? <span className="badge bad">{l.overdue}</span> : 0}</td>
                  <td className="nowrap">{l.nextDueAt ? formatDateTime(l.nextDueAt, lang) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {licensor ? <OverdueReportsCard data={licensor} /> : null}
    </>
  )
}
