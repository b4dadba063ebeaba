import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Paging, pick, SortHeader, useLang } from '~/components/common'
import { Yuan } from '~/components/market'
import { ordersPageData } from '~/services/orders/pages.server'
import { orderListSchema } from '~/services/orders/schemas'
import { ORDER_STATUSES_LIST, PAYMENT_METHODS_LIST } from '~/vocab/orders'
import marketCss from '~/styles/market.css?url'
import { formatDateTime } from '~/utils/format'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { validate } from '~/utils/validation.server'
import { requireAnyPermission } from '~/utils/permissions.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C8: orders — a buyer's purchases, a provider's sales, every order for the authority and regulators;
// numbered pages with the total, sortable by date, amount and status, filtered, and as CSV.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, ['read:order:own-org', 'read:order:any'])
  const t = await getT(request)
  return pageGuard(t, async () =>
    ordersPageData(user, validate(orderListSchema, queryObject(request), t.locale)),
  )
}

export default function Orders() {
  const { t } = useTranslation()
  const lang = useLang()
  const { scope, query, paging, orders, orgNames, canConfirm } = useLoaderData<typeof loader>()
  const csv = new URLSearchParams(
    Object.entries({
      sort: query.sort,
      dir: query.dir,
      status: query.status ?? '',
      method: query.method ?? '',
    }).filter(([, v]) => v),
  )
  return (
    <section className="card">
      <h1>{t(`orders.${scope as 'mine' | 'sales' | 'all'}`)}</h1>
      {canConfirm ? (
        <p>
          <Link to="/authority/payments">{t('orders.links.awaiting')}</Link>
        </p>
      ) : null}
      <Form method="get" className="filters">
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <label>
          {t('orders.status')}{' '}
          <select name="status" defaultValue={query.status ?? ''}>
            <option value="">{t('orders.filters.all')}</option>
            {ORDER_STATUSES_LIST.map((s) => (
              <option key={s} value={s}>
                {t(`orders.statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('orders.method')}{' '}
          <select name="method" defaultValue={query.method ?? ''}>
            <option value="">{t('orders.filters.all')}</option>
            {PAYMENT_METHODS_LIST.map((m) => (
              <option key={m} value={m}>
                {t(`orders.methods.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="secondary">
          {t('licences.filter')}
        </button>
        <a href={`/orders.csv?${csv}`} download>
          {t('common.downloadCsv')}
        </a>
      </Form>
      {orders.length === 0 ? (
        <p className="muted">{t('orders.none')}</p>
      ) : (
        <table id="orders-table">
          <thead>
            <tr>
              <th>{t('orders.orderNo')}</th>
              <th>{t('orders.product')}</th>
              <th>{scope === 'mine' ? t('orders.seller') : t('orders.buyer')}</th>
              <SortHeader paging={paging} column="amount">
                {t('orders.amount')}
              </SortHeader>
              <th>{t('orders.method')}</th>
              <SortHeader paging={paging} column="status">
                {t('orders.status')}
              </SortHeader>
              <SortHeader paging={paging} column="created">
                {t('orders.createdAt')}
              </SortHeader>
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
                  <span className={`badge status-${o.status}`}>
                    {t(`orders.statuses.${o.status}`)}
                  </span>
                </td>
                <td className="nowrap">{formatDateTime(o.createdAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Paging paging={paging} />
    </section>
  )
}
