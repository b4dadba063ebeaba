import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GradeBadge, MarketNav, pick, useLang, Yuan } from '~/components/market'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { MARKET_FACETS, MARKET_SORTS } from '~/services/products/market-params'
import { marketPageData } from '~/services/products/pages.server'
import marketCss from '~/styles/market.css?url'
import { getT } from '~/utils/i18n.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]
export const meta: MetaFunction = () => [{ title: '数据产品市场 · Data product marketplace' }]

// C7: browse and search listed products with facets. Public (Art. 38: a trading platform
// discloses what it trades); signing in adds buying and model runs, not visibility of listings.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  return pageGuard(t, async () => marketPageData(await optionalViewer(request), request, t))
}

export default function Market() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, params, result } = useLoaderData<typeof loader>()
  const page = Math.floor(params.offset / params.limit) + 1
  const pages = Math.max(1, Math.ceil(result.total / params.limit))
  const chosen = (facet: string, value: string) =>
    (params.filters as Record<string, string[] | undefined>)[facet]?.includes(value) ?? false
  const facetLabel = (facet: string, value: string, label?: { zh: string; en: string }) => {
    if (label) return pick(label, lang)
    if (facet === 'kind') return t(`market.kind.${value}`)
    if (facet === 'grade') return t(`market.grade.${value}`)
    if (facet === 'price') return t(`market.priceBand.${value}`)
    if (facet === 'category') return t(`catalog.category.${value}`, { defaultValue: value })
    return value
  }
  const pageLink = (n: number) => {
    const sp = new URLSearchParams()
    if (params.q) sp.set('q', params.q)
    for (const [facet, values] of Object.entries(params.filters))
      for (const v of values ?? []) sp.append(facet, v)
    if (params.sort) sp.set('sort', params.sort)
    sp.set('page', String(n))
    return `/market?${sp}`
  }
  return (
    <section className="card">
      <h1>{t('market.title')}</h1>
      <MarketNav links={nav} />
      <p className="muted">{t('market.intro')}</p>
      <Form method="get" className="market-layout">
        <aside className="facets" aria-label={t('market.facetsTitle')}>
          {MARKET_FACETS.map((facet) => {
            const counts = result.facets[facet] ?? []
            if (counts.length === 0) return null
            return (
              <fieldset key={facet}>
                <legend>{t(`market.facet.${facet}`)}</legend>
                {counts.slice(0, 12).map((c) => (
                  <label key={c.value}>
                    <input
                      type="checkbox"
                      name={facet}
                      value={c.value}
                      defaultChecked={chosen(facet, c.value)}
                    />
                    {facetLabel(facet, c.value, 'label' in c ? c.label : undefined)}
                    <span className="count">{c.count}</span>
                  </label>
                ))}
              </fieldset>
            )
          })}
          <button type="submit" className="secondary">
            {t('market.search.apply')}
          </button>{' '}
          <Link to="/market">{t('market.search.clear')}</Link>
        </aside>
        <div>
          <div className="search-bar">
            <input
              type="search"
              name="q"
              defaultValue={params.q}
              placeholder={t('market.search.placeholder')}
              aria-label={t('market.search.placeholder')}
            />
            <select name="sort" defaultValue={params.sort} aria-label={t('market.search.sort')}>
              {MARKET_SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`market.sort.${s}`)}
                </option>
              ))}
            </select>
            <button type="submit" className="primary">
              {t('market.search.submit')}
            </button>
          </div>
          <p className="muted" role="status">
            {t('market.search.results', { count: result.total })}
          </p>
          {result.items.length === 0 ? (
            <p>{t('market.search.none')}</p>
          ) : (
            <ul className="product-list">
              {result.items.map((p) => (
                <li key={p.id}>
                  <h2>
                    <Link to={`/market/${p.id}`}>{pick(p.title, lang)}</Link>
                  </h2>
                  <div className="product-meta">
                    <span className="badge">{t(`market.kind.${p.kind}`)}</span>
                    <GradeBadge grade={p.grade} />
                    <span>{pick(p.ownerName, lang)}</span>
                    <span>{t(`catalog.category.${p.category}`, { defaultValue: p.category })}</span>
                    <span>v{p.latestVersion}</span>
                    {p.formats.length ? <span>{p.formats.join(' · ')}</span> : null}
                    <span>
                      {p.minPriceFen === null ? (
                        t('market.price.none')
                      ) : p.minPriceFen === 0 ? (
                        t('market.price.free')
                      ) : (
                        <>
                          <Yuan fen={p.minPriceFen} /> {t('market.price.from')}
                        </>
                      )}
                    </span>
                  </div>
                  <p>{pick(p.description, lang)}</p>
                </li>
              ))}
            </ul>
          )}
          {pages > 1 ? (
            <nav className="pager" aria-label="pagination">
              {page > 1 ? <Link to={pageLink(page - 1)}>← {t('market.previous')}</Link> : null}
              <span className="muted">{t('market.pageOf', { page, pages })}</span>
              {page < pages ? <Link to={pageLink(page + 1)}>{t('market.next')} →</Link> : null}
            </nav>
          ) : null}
        </div>
      </Form>
    </section>
  )
}
