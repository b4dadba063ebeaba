import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GradeBadge, MarketNav, Pager, pick, StateBadge, useLang } from '~/components/market'
import { listingQueue, type QueueFilter } from '~/services/products/listing.server'
import { marketLinks } from '~/services/products/pages.server'
import { cursorQuery } from '~/services/products/schemas'
import marketCss from '~/styles/market.css?url'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

const FILTERS: QueueFilter[] = ['review', 'screening', 'all']

// C7 listing review: versions on their way to the market — important-grade ones waiting for
// a decision, and those waiting for screening (which the authority may set by hand).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'review:listing:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const search = new URL(request.url).searchParams
    const raw = search.get('filter') ?? 'review'
    const filter: QueueFilter = (FILTERS as string[]).includes(raw)
      ? (raw as QueueFilter)
      : 'review'
    const query = validate(
      cursorQuery,
      Object.fromEntries([...search].filter(([k]) => k === 'after' || k === 'limit')),
      t.locale,
    )
    return {
      nav: marketLinks(user, t),
      filter,
      ...(await listingQueue(user, { filter, ...query })),
    }
  })
}

export default function ListingQueue() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, filter, items, nextAfter, orgNames } = useLoaderData<typeof loader>()
  const [search] = useSearchParams()
  return (
    <section className="card">
      <h1>{t('market.reviewQueue.title')}</h1>
      <MarketNav links={nav} />
      {search.has('decided') ? <p className="notice">{t('market.reviewQueue.decided')}</p> : null}
      <nav className="subnav" aria-label={t('market.reviewQueue.filter')}>
        {FILTERS.map((f) =>
          f === filter ? (
            <strong key={f}>{t(`market.reviewQueue.filters.${f}`)}</strong>
          ) : (
            <Link key={f} to={`/authority/listings?filter=${f}`}>
              {t(`market.reviewQueue.filters.${f}`)}
            </Link>
          ),
        )}
      </nav>
      {items.length === 0 ? (
        <p className="muted">{t('market.reviewQueue.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('market.console.product')}</th>
              <th>{t('market.product.provider')}</th>
              <th>{t('market.form.grade')}</th>
              <th>{t('common.status')}</th>
              <th>{t('market.console.screening')}</th>
              <th>{t('market.console.review')}</th>
              <th>{t('market.reviewQueue.submittedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link to={`/authority/listings/${v.id}`}>
                    {pick(v.product?.title, lang)} v{v.number}
                  </Link>
                </td>
                <td>{pick(orgNames[v.ownerOrgId], lang)}</td>
                <td>{v.product ? <GradeBadge grade={v.product.grade} /> : null}</td>
                <td>
                  <StateBadge state={v.state} />
                </td>
                <td>{t(`market.screening.${v.screening.status}`)}</td>
                <td>{t(`market.review.${v.review.status}`)}</td>
                <td className="nowrap">
                  {v.submittedAt ? formatDateTime(v.submittedAt, lang) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextAfter={nextAfter} />
    </section>
  )
}
