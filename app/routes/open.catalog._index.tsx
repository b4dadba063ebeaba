import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/catalog'
import { OpenNav } from '~/components/open-data'
import { listEditions } from '~/services/open-data/yearly-catalog.server'
import openCss from '~/styles/open-data.css?url'
import { formatDateTime } from '~/utils/format'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: openCss }]

// Art. 34, public: the yearly open-data catalogs and their priorities.
export async function loader(_args: LoaderFunctionArgs) {
  const editions = await listEditions()
  return {
    editions: editions.map((e) => ({
      id: e._id,
      year: e.year,
      revision: e.revision,
      priorities: { zh: e.priorities.zh, en: e.priorities.en ?? '' },
      entryCount: e.entryCount,
      publishedAt: e.publishedAt.toISOString(),
    })),
  }
}

export default function YearlyCatalogs() {
  const { t } = useTranslation()
  const lang = useLang()
  const { editions } = useLoaderData<typeof loader>()
  const latestRevision = new Map<number, number>()
  for (const e of editions)
    latestRevision.set(e.year, Math.max(latestRevision.get(e.year) ?? 0, e.revision))
  return (
    <section className="card">
      <h1>{t('openData.yearly.title')}</h1>
      <OpenNav />
      <p className="muted">{t('openData.yearly.intro')}</p>
      {editions.length === 0 ? <p>{t('openData.yearly.none')}</p> : null}
      {editions.map((e) => (
        <article key={e.id} className="card">
          <h2>{t('openData.yearly.edition', { year: e.year, revision: e.revision })}</h2>
          <p className="muted">
            {t('openData.yearly.published', { date: formatDateTime(e.publishedAt, lang) })} ·{' '}
            {t('openData.yearly.entries', { count: e.entryCount })}
          </p>
          <h3>{t('openData.yearly.priorities')}</h3>
          <p>{pick(e.priorities, lang)}</p>
          <p>
            {latestRevision.get(e.year) === e.revision ? (
              <Link to={`/open/catalog/${e.year}`}>{t('openData.yearly.view')}</Link>
            ) : null}{' '}
            · <Link to={`/open/comments?year=${e.year}`}>{t('openData.yearly.comment')}</Link>
          </p>
        </article>
      ))}
    </section>
  )
}
