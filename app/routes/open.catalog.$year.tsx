import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pager, pick, useLang } from '~/components/catalog'
import { OpenNav } from '~/components/open-data'
import { yearParam } from '~/services/open-data/schemas'
import { currentEdition, editionItems } from '~/services/open-data/yearly-catalog.server'
import openCss from '~/styles/open-data.css?url'
import { getT } from '~/utils/i18n.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: openCss }]

const PAGE = 50

// Art. 34, public: one year's open-data catalog (its newest revision), paged.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  const year = yearParam.safeParse(params.year)
  if (!year.success) throw new Response(t('error.notFound'), { status: 404 })
  const edition = await currentEdition(year.data)
  if (!edition) throw new Response(t('openData.yearly.none'), { status: 404 })
  const after = new URL(request.url).searchParams.get('after') ?? undefined
  if (after !== undefined && !/^\d{4}:r\d+:\d{7}$/.test(after))
    throw new Response(t('error.dcat.badCursor'), { status: 400 })
  const page = await editionItems(edition._id, { after, limit: PAGE })
  return {
    year: edition.year,
    revision: edition.revision,
    priorities: { zh: edition.priorities.zh, en: edition.priorities.en ?? '' },
    entryCount: edition.entryCount,
    items: page.items.map((i) => ({
      entryId: i.entryId,
      code: i.code,
      title: { zh: i.title.zh, en: i.title.en ?? '' },
      orgName: { zh: i.orgName.zh, en: i.orgName.en ?? '' },
      openAttribute: i.openAttribute,
      updateFrequency: i.updateFrequency,
      formats: i.formats,
    })),
    nextAfter: page.nextAfter,
  }
}

export default function YearCatalog() {
  const { t } = useTranslation()
  const lang = useLang()
  const d = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('openData.yearly.edition', { year: d.year, revision: d.revision })}</h1>
      <OpenNav />
      <p className="muted">{t('openData.yearly.entries', { count: d.entryCount })}</p>
      <h2>{t('openData.yearly.priorities')}</h2>
      <p>{pick(d.priorities, lang)}</p>
      <table>
        <thead>
          <tr>
            <th>{t('openData.entry.code')}</th>
            <th>{t('catalog.entryTitle')}</th>
            <th>{t('openData.entry.org')}</th>
            <th>{t('openData.entry.openAttribute')}</th>
            <th>{t('openData.entry.updateFrequency')}</th>
          </tr>
        </thead>
        <tbody>
          {d.items.map((i) => (
            <tr key={i.entryId}>
              <td className="nowrap">
                <code>{i.code}</code>
              </td>
              <td>
                <Link to={`/open/entries/${i.entryId}`}>{pick(i.title, lang)}</Link>{' '}
                {i.formats.join(' ')}
              </td>
              <td>{pick(i.orgName, lang)}</td>
              <td>{t(`catalog.openAttribute.${i.openAttribute}`)}</td>
              <td>{t(`catalog.updateFrequency.${i.updateFrequency}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager nextAfter={d.nextAfter} />
      <p>
        <Link to={`/open/comments?year=${d.year}`}>{t('openData.yearly.comment')}</Link>
      </p>
    </section>
  )
}
