import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LedgerReceipt, Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { Yuan } from '~/components/market'
import { startCheckout } from '~/services/orders/checkout.server'
import { cancelOrder } from '~/services/orders/orders.server'
import { orderPageData } from '~/services/orders/pages.server'
import { confirmTransfer, refundOrder } from '~/services/orders/payments.server'
import { orderPageForm } from '~/services/orders/schemas'
import { siteOrigin } from '~/services/open-data/viewer.server'
import marketCss from '~/styles/market.css?url'
import { getEnv } from '~/utils/env.server'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'
import { requireAnyPermission } from '~/utils/permissions.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C8 (Art. 24, 38): one order — amount, status, method, the remittance reference of a bank
// transfer, payments and ledger receipts; pay by card, cancel, confirm a transfer, refund.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, ['read:order:own-org', 'read:order:any'])
  const t = await getT(request)
  return pageGuard(t, async () => orderPageData(user, params.orderId ?? ''))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAnyPermission(request, [
    'create:order:own-org',
    'confirm:payment:any',
    'refund:order:any',
    'refund:order:own-org',
  ])
  const t = await getT(request)
  const orderId = params.orderId ?? ''
  try {
    const input = await parseForm(request, orderPageForm, t.locale)
    switch (input.intent) {
      case 'checkout': {
        const { url } = await startCheckout(user, orderId, siteOrigin(request, getEnv().APP_ORIGIN))
        return redirect(url)
      }
      case 'cancel':
        await cancelOrder(user, orderId, input.reason)
        return redirect(`/orders/${orderId}?cancelled=1`)
      case 'refund':
        await refundOrder(user, orderId, input)
        return redirect(`/orders/${orderId}?refunded=1`)
      case 'confirm':
        if (!user.permissions.has('confirm:payment:any'))
          throw new Response(t('error.forbidden'), { status: 403 })
        await confirmTransfer(user, { ...input, orderId })
        return redirect(`/orders/${orderId}?confirmed=1`)
    }
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function OrderPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { order, payments, events, orgNames, can } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const [search] = useSearchParams()
  const checkout = search.get('checkout')
  return (
    <>
      <section className="card" id="order" data-order-id={order.id} data-status={order.status}>
        <h1>
          {t('orders.order')} <span className="mono">{order.remittanceRef}</span>
        </h1>
        <p>
          <Link to="/orders">← {t('orders.title')}</Link>
        </p>
        {checkout === 'success' ? <Notice>{t('orders.checkoutSuccess')}</Notice> : null}
        {checkout === 'cancelled' ? (
          <Notice tone="warn">{t('orders.checkoutCancelled')}</Notice>
        ) : null}
        {search.has('cancelled') ? <Notice>{t('orders.cancelled')}</Notice> : null}
        {search.has('refunded') ? <Notice>{t('orders.refunded')}</Notice> : null}
        {search.has('confirmed') ? <Notice>{t('orders.awaiting.confirmed')}</Notice> : null}
        <FormError message={failure?.formError} />
        <table className="details">
          <tbody>
            <tr>
              <th>{t('orders.status')}</th>
              <td>
                <span className={`badge status-${order.status}`} id="order-status">
                  {t(`orders.statuses.${order.status}`)}
                </span>
              </td>
            </tr>
            <tr>
              <th>{t('orders.product')}</th>
              <td>
                <Link to={`/market/${order.productId}`}>{pick(order.productTitle, lang)}</Link> ·{' '}
                {pick(order.planTitle, lang)} · {t(`market.planKind.${order.planKind}`)}
                {order.seatNo ? ` · ${t('orders.seat')} ${order.seatNo}` : ''}
              </td>
            </tr>
            <tr>
              <th>{t('orders.amount')}</th>
              <td id="order-amount" data-amount-fen={order.amountFen}>
                <Yuan fen={order.amountFen} /> {order.currency}
              </td>
            </tr>
            <tr>
              <th>{t('orders.method')}</th>
              <td>{t(`orders.methods.${order.method}`)}</td>
            </tr>
            <tr>
              <th>{t('orders.buyer')}</th>
              <td>{pick(orgNames[order.buyerOrgId], lang)}</td>
            </tr>
            <tr>
              <th>{t('orders.seller')}</th>
              <td>{pick(orgNames[order.sellerOrgId], lang)}</td>
            </tr>
            <tr>
              <th>{t('orders.purpose')}</th>
              <td>{order.purpose}</td>
            </tr>
            <tr>
              <th>{t('orders.scenario')}</th>
              <td>{order.scenario}</td>
            </tr>
            <tr>
              <th>{t('orders.createdAt')}</th>
              <td>{formatDateTime(order.createdAt, lang)}</td>
            </tr>
            {order.paidAt ? (
              <tr>
                <th>{t('orders.paidAt')}</th>
                <td>{formatDateTime(order.paidAt, lang)}</td>
              </tr>
            ) : null}
            {order.licenceId && can.seeLicence ? (
              <tr>
                <th>{t('orders.licence')}</th>
                <td>
                  <Link to={`/licences/${order.licenceId}`} id="order-licence-link">
                    {t('orders.viewLicence')}
                  </Link>
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
        {order.method === 'bank_transfer' && order.status === 'awaiting_payment' ? (
          <div className="notice" id="remittance">
            <h2>{t('orders.remittance')}</h2>
            <p>
              {t('orders.remittanceRef')}:{' '}
              <strong className="mono" id="remittance-ref">
                {order.remittanceRef}
              </strong>{' '}
              · {t('orders.amount')}: <Yuan fen={order.amountFen} />
            </p>
            <p className="muted">{t('orders.remittanceHint')}</p>
          </div>
        ) : null}
        <div className="stack">
          {can.pay ? (
            <Form method="post">
              <input type="hidden" name="intent" value="checkout" />
              <button type="submit" className="primary" id="pay-stripe">
                {t('orders.payNow')}
              </button>
            </Form>
          ) : null}
          {can.confirm ? (
            <Form method="post" className="inline-form" id="confirm-transfer-form">
              <input type="hidden" name="intent" value="confirm" />
              <label>
                {t('orders.awaiting.received')}
                <input name="amount" id="confirm-amount" required inputMode="decimal" />
              </label>
              <label>
                {t('orders.bankReference')}
                <input name="bankReference" id="confirm-bank-reference" required maxLength={100} />
              </label>
              <button type="submit" className="primary" id="confirm-transfer">
                {t('orders.awaiting.confirm')}
              </button>
              {failure?.fieldErrors?.amount ? (
                <p className="field-error">{failure.fieldErrors.amount.join(' ')}</p>
              ) : null}
            </Form>
          ) : null}
          {can.refund ? (
            <Form method="post" className="inline-form" id="refund-form">
              <input type="hidden" name="intent" value="refund" />
              <label>
                {t('orders.refundReason')}
                <input name="reason" required maxLength={500} />
              </label>
              {order.method === 'bank_transfer' ? (
                <label>
                  {t('orders.refundReference')}
                  <input name="refundReference" required maxLength={100} />
                </label>
              ) : null}
              <button type="submit" className="secondary" id="refund-order">
                {t('orders.refund')}
              </button>
            </Form>
          ) : null}
          {can.cancel ? (
            <Form method="post" className="inline-form" id="cancel-form">
              <input type="hidden" name="intent" value="cancel" />
              <label>
                {t('orders.cancelReason')}
                <input name="reason" maxLength={500} />
              </label>
              <button type="submit" className="secondary" id="cancel-order">
                {t('orders.cancel')}
              </button>
            </Form>
          ) : null}
        </div>
      </section>

      <section className="card">
        <h2>{t('orders.payments')}</h2>
        {payments.length === 0 ? (
          <p className="muted">—</p>
        ) : (
          <table id="payments-table">
            <thead>
              <tr>
                <th>{t('orders.paymentKind')}</th>
                <th>{t('orders.amount')}</th>
                <th>{t('orders.method')}</th>
                <th>{t('orders.bankReference')}</th>
                <th>{t('orders.paidAt')}</th>
                <th>{t('orders.receipts')}</th>
              </tr>
            </thead>
            <tbody>
              {payments.map((p) => (
                <tr key={p.id}>
                  <td>
                    {t(`orders.paymentKinds.${p.kind}`)}
                    {p.refundedAt ? ` · ${t('orders.statuses.refunded')}` : ''}
                  </td>
                  <td className="nowrap">
                    <Yuan fen={p.amountFen} />
                  </td>
                  <td>{t(`orders.methods.${p.method}`)}</td>
                  <td className="mono">{p.bankReference ?? '—'}</td>
                  <td className="nowrap">{formatDateTime(p.at, lang)}</td>
                  <td>
                    <LedgerReceipt seq={p.transferSeq} />
                    <LedgerReceipt seq={p.ledgerSeq} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2>{t('orders.history')}</h2>
        <ul>
          {events.map((e) => (
            <li key={e.id}>
              {formatDateTime(e.at, lang)} · {t(`orders.events.${e.kind}`)}
              {e.outcome ? ` (${t(`orders.outcomes.${e.outcome}`)})` : ''}
              {e.reason ? ` — ${e.reason}` : ''}
            </li>
          ))}
        </ul>
        <h2>{t('orders.receipts')}</h2>
        <div id="order-receipts">
          <LedgerReceipt seq={order.receipts.created} />
          <LedgerReceipt seq={order.receipts.paid} />
          <LedgerReceipt seq={order.receipts.cancelled} />
          <LedgerReceipt seq={order.receipts.refunded} />
        </div>
      </section>
    </>
  )
}
