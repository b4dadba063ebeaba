import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pager, pick, useLang } from '~/components/common'
import { Yuan } from '~/components/market'
import { ordersPageData, requireAnyPermission } from '~/services/orders/pages.server'
import { ordersQuery } from '~/services/orders/schemas'
import { pageGuard } from '~/services/products/pages.server'
import marketCss from '~/styles/market.css?url'
import { formatDateTime } from '~/utils/format'
import { queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { validate } from '~/utils/validation.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C8: orders — a buyer's purchases, a provider's sales, every order for the authority and regulators.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, ['read:order:own-org', 'read:order:any'])
  const t = await getT(request)
  return pageGuard(t, async () => ordersPageData(user, validate(ordersQuery, queryObject(request), t.locale)))
}

const STATUSES = ['awaiting_payment', 'paid', 'cancelled', 'refunded'] as const

export default function Orders() {
  const { t } = useTranslation()
  const lang = useLang()
  const { scope, orders, nextAfter, orgNames, canConfirm } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t(`orders.${scope as 'mine' | 'sales' | 'all'}`)}</h1>
      <nav className="subnav" aria-label={t('orders.status')}>
        <Link to="/orders">{t('orders.filters.all')}</Link>
        {STATUSES.map((s) => (
          <Link key={s} to={`/orders?status=${s}`}>
            {t(`orders.statuses.${s}`)}
          </Link>
        ))}
        {canConfirm ? <Link to="/authority/payments">{t('orders.links.awaiting')}</Link> : null}
      </nav>
      {orders.length === 0 ? (
        <p className="muted">{t('orders.none')}</p>
      ) : (
        <table id="orders-table">
          <thead>
            <tr>
              <th>{t('orders.orderNo')}</th>
              <th>{t('orders.product')}</th>
              <th>{scope === 'mine' ? t('orders.seller') : t('orders.buyer')}</th>
              <th>{t('orders.amount')}</th>
              <th>{t('orders.method')}</th>
              <th>{t('orders.status')}</th>
              <th>{t('orders.createdAt')}</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} data-order-id={o.id}>
                <td className="mono">
                  <Link to={`/orders/${o.id}`}>{o.remittanceRef}</Link>
                </td>
                <td>
                  {pick(o.productTitle, lang)} · {pick(o.planTitle, lang)}
                </td>
                <td>{pick(orgNames[scope === 'mine' ? o.sellerOrgId : o.buyerOrgId], lang)}</td>
                <td className="nowrap">
                  <Yuan fen={o.amountFen} />
                </td>
                <td>{t(`orders.methods.${o.method}`)}</td>
                <td>
                  <span className={`badge status-${o.status}`}>{t(`orders.statuses.${o.status}`)}</span>
                </td>
                <td className="nowrap">{formatDateTime(o.createdAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextAfter={nextAfter} />
    </section>
  )
}
