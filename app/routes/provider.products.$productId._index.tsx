import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GradeBadge, MarketNav, Notice, pick, StateBadge, useLang } from '~/components/market'
import { consoleProductData } from '~/services/products/console.server'
import { marketLinks } from '~/services/products/pages.server'
import marketCss from '~/styles/market.css?url'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C7 provider console: one product, its versions and their review / screening status.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({
    nav: marketLinks(user, t),
    ...(await consoleProductData(user, params.productId ?? '')),
  }))
}

export default function ConsoleProduct() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, product, versions } = useLoaderData<typeof loader>()
  const [search] = useSearchParams()
  return (
    <section className="card">
      <h1>{pick(product.title, lang)}</h1>
      <MarketNav links={nav} />
      {search.has('created') ? <Notice>{t('market.console.created')}</Notice> : null}
      {search.has('saved') ? <Notice>{t('market.console.saved')}</Notice> : null}
      <p className="product-meta">
        <span className="badge">{t(`market.kind.${product.kind}`)}</span>
        <GradeBadge grade={product.grade} />
        {product.listed ? (
          <span className="badge ok">
            {t('market.console.onMarket', { n: product.latestPublished?.number ?? 0 })}
          </span>
        ) : (
          <span>{t('market.console.notListed')}</span>
        )}
      </p>
      <p>
        {product.visibility === 'market' ? (
          <>
            <Link to={`/provider/products/${product.id}/versions/new`} className="button">
              {t('market.console.newVersion')}
            </Link>{' '}
            <Link to={`/provider/products/${product.id}/edit`}>{t('market.console.edit')}</Link>{' '}
            ·{' '}
          </>
        ) : null}
        <Link to={`/market/${product.id}`}>{t('market.console.viewInMarket')}</Link>
      </p>
      {product.grade.tier === 'important' ? (
        <Notice tone="warn">{t('market.console.importantNotice')}</Notice>
      ) : null}
      <h2>{t('market.product.versions')}</h2>
      {versions.length === 0 ? (
        <p className="muted">{t('market.console.noVersions')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('market.product.version')}</th>
              <th>{t('common.status')}</th>
              <th>{t('market.console.screening')}</th>
              <th>{t('market.console.review')}</th>
              <th>{t('market.product.note')}</th>
              <th>{t('common.createdAt')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link to={`/provider/products/${product.id}/versions/${v.number}`}>
                    v{v.number}
                  </Link>
                </td>
                <td>
                  <StateBadge state={v.state} />
                  {v.blockedReason ? (
                    <div className="field-error">
                      {t(
                        `market.blocked.${v.blockedReason.startsWith('right_') ? 'rights' : v.blockedReason}`,
                      )}
                    </div>
                  ) : null}
                </td>
                <td>
                  {t(`market.screening.${v.screening.status}`)}
                  {v.screening.source ? (
                    <span className="muted">
                      {' '}
                      · {t(`market.screeningBy.${v.screening.source}`)}
                    </span>
                  ) : null}
                </td>
                <td>
                  {t(`market.review.${v.review.status}`)}
                  {v.review.reasons.length ? (
                    <ul className="reasons">
                      {v.review.reasons.map((r, i) => (
                        <li key={i}>{r}</li>
                      ))}
                    </ul>
                  ) : null}
                </td>
                <td>{pick(v.note, lang)}</td>
                <td className="nowrap">{formatDateTime(v.createdAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
