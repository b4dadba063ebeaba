import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GradeBadge, MarketNav, Pager, pick, useLang } from '~/components/market'
import { marketLinks } from '~/services/products/pages.server'
import { listOwnProducts } from '~/services/products/products.server'
import { cursorQuery } from '~/services/products/schemas'
import marketCss from '~/styles/market.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C7 provider console: the organisation's products and where each version stands.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = Object.fromEntries(
      [...new URL(request.url).searchParams].filter(([k]) => k === 'after' || k === 'limit'),
    )
    const page = await listOwnProducts(user, validate(cursorQuery, query, t.locale))
    return { nav: marketLinks(user, t), ...page }
  })
}

export default function MyProducts() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, items, nextAfter } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('market.console.title')}</h1>
      <MarketNav links={nav} />
      <p>
        <Link to="/provider/products/new" className="button">
          {t('market.console.new')}
        </Link>
      </p>
      {items.length === 0 ? (
        <p className="muted">{t('market.console.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('market.console.product')}</th>
              <th>{t('market.form.kind')}</th>
              <th>{t('market.form.grade')}</th>
              <th>{t('market.console.versions')}</th>
              <th>{t('market.console.listed')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/provider/products/${p.id}`}>{pick(p.title, lang)}</Link>
                  {p.visibility === 'private' ? (
                    <span className="badge"> {t('market.state.private')}</span>
                  ) : null}
                </td>
                <td>{t(`market.kind.${p.kind}`)}</td>
                <td>
                  <GradeBadge grade={p.grade} />
                </td>
                <td>
                  {Object.entries(p.versionStates)
                    .map(([state, n]) => `${t(`market.state.${state}`)} ${n}`)
                    .join(' · ') || '—'}
                </td>
                <td>
                  {p.listed ? (
                    <span className="badge ok">
                      {t('market.console.onMarket', { n: p.latestPublished?.number ?? 0 })}
                    </span>
                  ) : (
                    t('market.console.notListed')
                  )}
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
