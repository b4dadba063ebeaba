import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pager, pick, RequestStatus, ResearchNav, useLang } from '~/components/research'
import { listOwnRequests, pageGuard, researchLinks } from '~/services/research/pages.server'
import { researchListQuery } from '~/services/research/schemas'
import { formatDateTime } from '~/utils/format'
import { queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// Art. 26: a research institution's requests for public-interest access, newest first.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:research-request:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = validate(researchListQuery, queryObject(request), t.locale)
    return { nav: researchLinks(user, t), query, ...(await listOwnRequests(user, query)) }
  })
}

export default function MyResearchRequests() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, items, orgNames, nextAfter } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('research.mine.title')}</h1>
      <ResearchNav links={nav} />
      <p className="muted">{t('research.mine.intro')}</p>
      <p>
        <Link to="/market">{t('research.mine.fromMarket')}</Link> · <Link to="/catalog">{t('research.mine.fromCatalog')}</Link>
      </p>
      {items.length === 0 ? (
        <p className="muted">{t('research.mine.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('research.subject')}</th>
              <th>{t('research.owner')}</th>
              <th>{t('research.project')}</th>
              <th>{t('research.statusLabel')}</th>
              <th>{t('research.submittedAt')}</th>
              <th>{t('research.replyDueAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/research/requests/${r.id}`}>{pick(r.subjectTitle, lang)}</Link>
                  <div className="muted">{t(`research.kind.${r.subjectKind}`)}</div>
                </td>
                <td>{pick(orgNames[r.ownerOrgId], lang)}</td>
                <td>
                  {r.project.name} <span className="mono muted">{r.project.number}</span>
                </td>
                <td className="nowrap">
                  <RequestStatus status={r.status} overdue={r.overdue} />
                </td>
                <td className="nowrap">{formatDateTime(r.createdAt, lang)}</td>
                <td className="nowrap">{formatDateTime(r.replyDueAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextAfter={nextAfter} />
    </section>
  )
}
