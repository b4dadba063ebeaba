// Issue 8 regulator console: follow a product's trades (orders, payments, licences, deliveries,
// refunds) in time order, each entry linked to its page with the inclusion proof. Logged.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { useLang } from '~/components/common'
import { productTrades } from '~/services/supervision/product-trades.server'
import { productParamsSchema } from '~/services/supervision/report-schemas'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:ledger:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { productId } = validate(productParamsSchema, { productId: params.productId }, t.locale)
    return productTrades(user, productId)
  })
}

export default function ProductTrades() {
  const { t } = useTranslation()
  const lang = useLang()
  const { productId, rows } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <p>
        <Link to="/regulator/log">← {t('regulatorConsole.back')}</Link>
      </p>
      <h1>{t('supervision.product.title', { id: productId })}</h1>
      <p className="muted">{t('supervision.product.intro')}</p>
      <p>
        <Link to={`/market/${productId}`}>{t('supervision.product.market')}</Link>
        {' · '}
        <a href={`/regulator/log.csv?subject=product:${productId}`} download>
          {t('regulatorConsole.csv')}
        </a>
      </p>
      {rows.length === 0 ? (
        <p className="muted">{t('supervision.product.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('ledger.seq')}</th>
              <th>{t('supervision.product.when')}</th>
              <th>{t('supervision.product.what')}</th>
              <th>{t('ledger.subjects')}</th>
              <th>{t('supervision.product.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.seq}>
                <td className="mono">
                  <Link to={`/regulator/log/${r.seq}`}>{r.seq}</Link>
                </td>
                <td className="nowrap">{formatDateTime(r.at, lang)}</td>
                <td className="mono">{r.action}</td>
                <td className="mono subjects">{r.subjects.join(', ')}</td>
                <td className="mono subjects">{r.summary ? JSON.stringify(r.summary) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
