import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, Paging, pick, SortHeader, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { Yuan } from '~/components/market'
import { awaitingTransfersData } from '~/services/orders/pages.server'
import { confirmTransfer } from '~/services/orders/payments.server'
import { awaitingListSchema, confirmTransferForm } from '~/services/orders/schemas'
import marketCss from '~/styles/market.css?url'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm, validate } from '~/utils/validation.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C8 (Art. 38): the authority's queue of bank transfers (對公轉賬) awaiting confirmation; confirming
// a receipt (amount to the fen, the bank's reference) issues the licence through the same path as a card payment.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'confirm:payment:any')
  const t = await getT(request)
  return pageGuard(t, async () =>
    awaitingTransfersData(validate(awaitingListSchema, queryObject(request), t.locale)),
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'confirm:payment:any')
  const t = await getT(request)
  try {
    const input = await parseForm(request, confirmTransferForm, t.locale)
    await confirmTransfer(user, input)
    return redirect(`/authority/payments?confirmed=${input.orderId}`)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function AwaitingTransfers() {
  const { t } = useTranslation()
  const lang = useLang()
  const { orders, orgNames, paging } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const [search] = useSearchParams()
  const confirmed = search.get('confirmed')
  return (
    <section className="card">
      <h1>{t('orders.awaiting.title')}</h1>
      <p>
        <Link to="/orders">{t('orders.all')}</Link>
      </p>
      <p className="muted">{t('orders.awaiting.intro')}</p>
      {confirmed ? (
        <Notice>
          {t('orders.awaiting.confirmed')}{' '}
          <Link to={`/orders/${confirmed}`}>{t('orders.order')}</Link>
        </Notice>
      ) : null}
      <FormError
        message={
          failure?.formError ??
          (failure?.fieldErrors ? Object.values(failure.fieldErrors).flat().join(' ') : undefined)
        }
      />
      {orders.length === 0 ? (
        <p className="muted">{t('orders.awaiting.none')}</p>
      ) : (
        <table id="awaiting-transfers">
          <thead>
            <tr>
              <th>{t('orders.remittanceRef')}</th>
              <th>{t('orders.product')}</th>
              <th>{t('orders.buyer')}</th>
              <SortHeader paging={paging} column="amount">
                {t('orders.amount')}
              </SortHeader>
              <SortHeader paging={paging} column="created">
                {t('orders.createdAt')}
              </SortHeader>
              <th>{t('orders.awaiting.confirm')}</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} data-order-id={o.id} data-remittance-ref={o.remittanceRef}>
                <td className="mono">
                  <Link to={`/orders/${o.id}`}>{o.remittanceRef}</Link>
                </td>
                <td style={{ minWidth: '10rem' }}>
                  {pick(o.productTitle, lang)} · {pick(o.planTitle, lang)}
                </td>
                <td style={{ minWidth: '8rem' }}>{pick(orgNames[o.buyerOrgId], lang)}</td>
                <td className="nowrap">
                  <Yuan fen={o.amountFen} />
                </td>
                <td className="nowrap">{formatDateTime(o.createdAt, lang)}</td>
                <td>
                  <Form method="post" className="inline-form" style={{ flexWrap: 'wrap' }}>
                    <input type="hidden" name="intent" value="confirm" />
                    <input type="hidden" name="orderId" value={o.id} />
                    <input
                      name="amount"
                      required
                      inputMode="decimal"
                      aria-label={t('orders.awaiting.received')}
                      placeholder={t('orders.awaiting.received')}
                      style={{ width: '9rem' }}
                    />
                    <input
                      name="bankReference"
                      required
                      maxLength={100}
                      aria-label={t('orders.bankReference')}
                      placeholder={t('orders.bankReference')}
                      style={{ width: '11rem' }}
                    />
                    <button type="submit" className="primary" style={{ whiteSpace: 'nowrap' }}>
                      {t('orders.awaiting.confirm')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Paging paging={paging} />
    </section>
  )
}
