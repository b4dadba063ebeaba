import {
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/catalog'
import { facetValueLabel, OpenNav } from '~/components/open-data'
import { listingScreening, type ScreeningCounts } from '~/services/open-data/portal.server'
import { searchCatalog, type CatalogSearchResult } from '~/services/search/catalog-index.server'
import { CATALOG_FACETS } from '~/services/search/catalog-documents'
import { parseCatalogSearchParams, SORTS, type CatalogSearchParams } from '~/services/search/params'
import openCss from '~/styles/open-data.css?url'
import { DomainError } from '~/utils/errors'
import { getT } from '~/utils/i18n.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: openCss }]
export const meta: MetaFunction = () => [{ title: '公共数据开放平台 · Open public data' }]

const PAGE_SIZE = 20
const SHOWN_VALUES = 12

// Art. 32–33, public (no login): search and browse open and conditionally open entries, with facets.
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request)
  try {
    const url = new URL(request.url)
    const params = parseCatalogSearchParams(url.searchParams, {
      allowPage: true,
      defaultLimit: PAGE_SIZE,
    })
    const result = await searchCatalog(params, 'open')
    // Art. 32: each result shows whether its files passed the desensitization scan.
    const screening = await listingScreening(result.items.map((i) => i.id))
    return {
      params,
      result,
      screening,
      sortParam: url.searchParams.get('sort') ?? '',
      error: null as string | null,
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data(
      {
        params: null as CatalogSearchParams | null,
        result: null as CatalogSearchResult | null,
        screening: {} as Record<string, ScreeningCounts>,
        sortParam: '',
        error: t(error.messageKey, error.params) as string | null,
      },
      { status: error.status },
    )
  }
}

function pageHref(search: string, page: number): string {
  const params = new URLSearchParams(search)
  params.delete('offset')
  params.set('page', String(page))
  return `/open?${params}`
}

export default function OpenPortal() {
  const { t } = useTranslation()
  const lang = useLang()
  const location = useLocation()
  const { params, result, screening, sortParam, error } = useLoaderData<typeof loader>()
  const selected = (facet: string, value: string) =>
    Boolean(params?.filters[facet as keyof CatalogSearchParams['filters']]?.includes(value))
  const limit = params?.limit ?? PAGE_SIZE
  const page = params ? Math.floor(params.offset / limit) + 1 : 1
  const pages = result ? Math.max(1, Math.ceil(result.total / limit)) : 1
  return (
    <section className="card">
      <h1>{t('openData.title')}</h1>
      <OpenNav />
      <p className="muted">{t('openData.intro')}</p>
      <Form method="get" action="/open">
        <div className="search-bar" role="search">
          <label style={{ flex: '1 1 18rem' }}>
            {t('openData.searchLabel')}
            <input
              type="search"
              name="q"
              defaultValue={params?.q ?? ''}
              placeholder={t('openData.searchPlaceholder')}
              maxLength={200}
            />
          </label>
          <label>
            {t('openData.sortLabel')}
            <select name="sort" defaultValue={sortParam}>
              <option value="">{t('openData.sort.default')}</option>
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`openData.sort.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">
            {t('openData.search')}
          </button>
        </div>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="open-layout">
          <aside className="facets" aria-label={t('openData.filters')}>
            {result
              ? CATALOG_FACETS.map((facet) => {
                  const values = result.facets[facet] ?? []
                  if (values.length === 0) return null
                  const shown = values.filter(
                    (v, i) => i < SHOWN_VALUES || selected(facet, v.value),
                  )
                  return (
                    <fieldset key={facet}>
                      <legend>{t(`openData.facets.${facet}`)}</legend>
                      {shown.map((v) => (
                        <label key={v.value}>
                          <input
                            type="checkbox"
                            name={facet}
                            value={v.value}
                            defaultChecked={selected(facet, v.value)}
                          />
                          <span>{facetValueLabel(t, lang, facet, v.value, v.label)}</span>
                          <span className="count">{v.count}</span>
                        </label>
                      ))}
                    </fieldset>
                  )
                })
              : null}
            <button type="submit" className="secondary">
              {t('openData.applyFilters')}
            </button>{' '}
            <Link to="/open">{t('openData.clearFilters')}</Link>
          </aside>
          <div>
            {result ? (
              <p className="muted">{t('openData.results', { count: result.total })}</p>
            ) : null}
            {result && result.items.length === 0 ? <p>{t('openData.noResults')}</p> : null}
            <ul className="results">
              {result?.items.map((item) => (
                <li key={item.id}>
                  <h3>
                    <Link to={`/open/entries/${item.id}`}>{pick(item.title, lang)}</Link>
                  </h3>
                  <p className="muted">
                    {pick(item.orgName, lang)} · <code>{item.code}</code>
                  </p>
                  <p>{pick(item.description, lang)}</p>
                  <p className="badges">
                    <span
                      className={`badge ${item.openAttribute === 'open_unconditional' ? 'ok' : 'warn'}`}
                    >
                      {t(`catalog.openAttribute.${item.openAttribute}`)}
                    </span>
                    <span className="badge">
                      {t(`catalog.updateFrequency.${item.updateFrequency}`)}
                    </span>
                    {item.formats.map((f) => (
                      <span key={f} className="badge">
                        {f}
                      </span>
                    ))}
                    <ScreeningBadges counts={screening[item.id]} />
                  </p>
                </li>
              ))}
            </ul>
            {result && pages > 1 ? (
              <nav className="pages" aria-label="pagination">
                {page > 1 ? (
                  <Link to={pageHref(location.search, page - 1)}>← {t('openData.prev')}</Link>
                ) : null}
                <span className="muted">{t('openData.page', { page, pages })}</span>
                {page < pages && page * limit < 10_000 ? (
                  <Link to={pageHref(location.search, page + 1)}>{t('openData.next')} →</Link>
                ) : null}
              </nav>
            ) : null}
          </div>
        </div>
      </Form>
    </section>
  )
}

// Art. 32: files are opened only once their desensitization scan passed.
function ScreeningBadges({ counts }: { counts?: ScreeningCounts }) {
  const { t } = useTranslation()
  if (!counts || counts.passed + counts.pending + counts.failed === 0) return null
  return (
    <>
      {counts.passed ? (
        <span className="badge ok" data-screening="passed">
          {t('openData.screening.passed', { count: counts.passed })}
        </span>
      ) : null}
      {counts.pending ? (
        <span className="badge warn" data-screening="pending">
          {t('openData.screening.pending', { count: counts.pending })}
        </span>
      ) : null}
      {counts.failed ? (
        <span className="badge warn" data-screening="failed">
          {t('openData.screening.failed', { count: counts.failed })}
        </span>
      ) : null}
    </>
  )
}
