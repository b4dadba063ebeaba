import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { MarketNav, Notice, Pager, pick, useLang } from '~/components/market'
import { listRuns } from '~/services/products/model-runs.server'
import { marketLinks } from '~/services/products/pages.server'
import { cursorQuery } from '~/services/products/schemas'
import marketCss from '~/styles/market.css?url'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// Art. 36: the organisation's runs of the authority's models, with their results (private
// derived versions, each with its provenance).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'run:model:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = Object.fromEntries(
      [...new URL(request.url).searchParams].filter(([k]) => k === 'after' || k === 'limit'),
    )
    const page = await listRuns(user, validate(cursorQuery, query, t.locale))
    return { nav: marketLinks(user, t), ...page }
  })
}

export default function Runs() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, items, nextAfter } = useLoaderData<typeof loader>()
  const [search] = useSearchParams()
  const justRequested = search.get('run')
  return (
    <section className="card">
      <h1>{t('market.runs.title')}</h1>
      <MarketNav links={nav} />
      {justRequested ? <Notice>{t('market.runs.requested')}</Notice> : null}
      {items.length === 0 ? (
        <p className="muted">{t('market.runs.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('market.runs.model')}</th>
              <th>{t('market.runs.inputVersion')}</th>
              <th>{t('market.runs.parameters')}</th>
              <th>{t('common.status')}</th>
              <th>{t('market.runs.result')}</th>
              <th>{t('common.createdAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} id={`run-${r.id}`}>
                <td>
                  <Link to={`/market/${r.model.productId}`}>{pick(r.model.title, lang)}</Link>
                </td>
                <td>{r.input ? `${pick(r.input.title, lang)} v${r.input.number}` : '—'}</td>
                <td className="mono">{r.parameters}</td>
                <td>
                  <span
                    className={`badge ${r.status === 'succeeded' ? 'ok' : r.status === 'failed' ? 'bad' : 'warn'}`}
                  >
                    {t(`market.runs.status.${r.status}`)}
                  </span>
                  {r.error ? <div className="field-error">{t(r.error, r.errorParams)}</div> : null}
                </td>
                <td>
                  {r.result ? (
                    <Link to={`/market/${r.result.productId}/v/${r.result.number}`}>
                      {t('market.runs.openResult', { n: r.result.number })}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="nowrap">{formatDateTime(r.createdAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextAfter={nextAfter} />
    </section>
  )
}
