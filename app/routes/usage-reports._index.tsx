import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Paging, SortHeader } from '~/components/common'
import { OverdueReportsCard, pick, ResearchNav, useLang } from '~/components/research'
import { overdueReportsCard, researchLinks } from '~/services/research/pages.server'
import { usageListQuery } from '~/services/research/schemas'
import { licenseeReportPage } from '~/services/research/usage-reports.server'
import { formatDateTime } from '~/utils/format'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// Art. 46: the licensee's licences that ask for usage reports, with what is due and overdue; for a
// licensor (a provider), also the overdue reports on its own licences.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'submit:usage-report:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    nav: researchLinks(user, t),
    ...(await licenseeReportPage(user, validate(usageListQuery, queryObject(request), t.locale))),
    licensor: user.permissions.has('create:product:own-org')
      ? await overdueReportsCard(user)
      : null,
  }))
}

export default function UsageReports() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, licences, paging, licensor } = useLoaderData<typeof loader>()
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
                <SortHeader paging={paging} column="overdue">
                  {t('research.usage.overdueCount')}
                </SortHeader>
                <SortHeader paging={paging} column="nextDue">
                  {t('research.usage.nextDue')}
                </SortHeader>
              </tr>
            </thead>
            <tbody>
              {licences.map((l) => (
                <tr key={l.id}>
                  <td>
                    <Link to={`/usage-reports/${l.id}`}>{pick(l.title, lang) || l.id}</Link>
                    {l.researchOnly ? (
                      <span className="badge"> {t('research.usage.researchOnly')}</span>
                    ) : null}
                  </td>
                  <td>{pick(l.licensor, lang)}</td>
                  <td>{t(`research.usage.periodKind.${l.usageReport}`)}</td>
                  <td>{l.due ? <span className="badge warn">{l.due}</span> : 0}</td>
                  <td>{l.overdue ? <span className="badge bad">{l.overdue}</span> : 0}</td>
                  <td className="nowrap">
                    {l.nextDueAt ? formatDateTime(l.nextDueAt, lang) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Paging paging={paging} />
      </section>
      {licensor ? <OverdueReportsCard data={licensor} /> : null}
    </>
  )
}
