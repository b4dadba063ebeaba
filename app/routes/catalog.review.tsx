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
import { catalogLinks, cursorOf } from '~/services/catalog/pages.server'
import { listReviewQueue } from '~/services/catalog/review.server'
import catalogCss from '~/styles/catalog.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// Art. 10: the data authority's review queue — entries submitted by agencies of its level.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'review:catalog-entry:any')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    nav: catalogLinks(user, t),
    ...(await listReviewQueue(user, cursorOf(request, t))),
  }))
}

export default function ReviewQueue() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, items, nextAfter, orgNames } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('catalog.review')}</h1>
      <CatalogNav links={nav} />
      <p className="muted">{t('catalog.reviewIntro')}</p>
      {items.length === 0 ? (
        <p className="muted">{t('catalog.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('catalog.entryTitle')}</th>
              <th>{t('catalog.org')}</th>
              <th>{t('common.status')}</th>
              <th>{t('catalog.form.sharingType')}</th>
              <th>{t('catalog.form.grade')}</th>
              <th>{t('catalog.version')}</th>
              <th>{t('catalog.deadlines.dueAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>
                  <Link to={`/catalog/${e.id}`}>{pick(e.content.title, lang)}</Link>
                  <div className="muted mono">{e.code}</div>
                </td>
                <td>{pick(orgNames[e.orgId], lang)}</td>
                <td>
                  <StatusBadge status={e.status} pendingStep={e.pendingStep} />
                </td>
                <td>{t(`catalog.sharingType.${e.content.sharingType}`)}</td>
                <td>{gradeLabel(t, e.content.grade)}</td>
                <td>
                  v{e.revision}
                  {e.publishedVersion ? ` (v${e.publishedVersion})` : ''}
                </td>
                <td>{e.deadline?.reviewDueAt ? <DateTime iso={e.deadline.reviewDueAt} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextAfter={nextAfter} />
    </section>
  )
}
