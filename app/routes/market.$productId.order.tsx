import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { Yuan } from '~/components/market'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { createOrder } from '~/services/orders/orders.server'
import { orderFormData } from '~/services/orders/pages.server'
import { orderForm } from '~/services/orders/schemas'
import marketCss from '~/styles/market.css?url'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C8 (Art. 24, 38): the order form of a listed product — plan, purpose, application scenario
// (the licence template's wording by default), payment method. Public to read; buyers order.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return pageGuard(t, async () =>
    orderFormData(await optionalViewer(request), params.productId ?? ''),
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:order:own-org')
  const t = await getT(request)
  try {
    const input = await parseForm(request, orderForm, t.locale)
    const { id } = await createOrder(user, { ...input, productId: params.productId ?? '' })
    return redirect(`/orders/${id}?created=1`)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function OrderForm() {
  const { t } = useTranslation()
  const lang = useLang()
  const { product, plans, defaults, methods, canOrder, signedIn } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const firstOpen = plans.find((p) => p.seatsLeft !== 0)
  return (
    <section className="card">
      <h1>{t('orders.buyTitle', { product: pick(product.title, lang) })}</h1>
      <p>
        <Link to={`/market/${product.id}`}>← {pick(product.title, lang)}</Link>
      </p>
      {!signedIn ? (
        <p>
          <Link to={`/login?redirectTo=/market/${product.id}/order`}>
            {t('orders.signInToBuy')}
          </Link>
        </p>
      ) : !canOrder ? (
        <Notice tone="warn">{t('orders.cannotBuy')}</Notice>
      ) : (
        <Form method="post" className="stack" id="order-form">
          <p className="muted">{t('orders.buyIntro')}</p>
          <FormError message={failure?.formError} />
          <fieldset>
            <legend>{t('orders.plan')}</legend>
            {plans.map((p) => (
              <label key={p.key} className="check">
                <input
                  type="radio"
                  name="planKey"
                  value={p.key}
                  defaultChecked={p.key === firstOpen?.key}
                  disabled={p.seatsLeft === 0}
                />
                <span>
                  {pick(p.title, lang)} · {t(`market.planKind.${p.kind}`)} ·{' '}
                  <Yuan fen={p.amountFen} />
                  {p.callsQuota ? (
                    <span className="muted">
                      {' '}
                      ({t('market.price.quota', { n: p.callsQuota.toLocaleString('en-US') })})
                    </span>
                  ) : null}
                  {p.seats ? (
                    <span className="muted">
                      {' '}
                      ·{' '}
                      {p.seatsLeft === 0
                        ? t('orders.soldOutBadge')
                        : t('orders.seatsLeft', { n: p.seatsLeft, total: p.seats })}
                    </span>
                  ) : null}
                </span>
              </label>
            ))}
            {failure?.fieldErrors?.planKey ? (
              <p className="field-error">{failure.fieldErrors.planKey.join(' ')}</p>
            ) : null}
          </fieldset>
          <label>
            {t('orders.purpose')}
            <span className="hint">{t('orders.purposeHint')}</span>
            <textarea
              name="purpose"
              id="order-purpose"
              defaultValue={defaults.purpose}
              required
              maxLength={500}
              rows={2}
            />
            {failure?.fieldErrors?.purpose ? (
              <p className="field-error">{failure.fieldErrors.purpose.join(' ')}</p>
            ) : null}
          </label>
          <label>
            {t('orders.scenario')}
            <textarea
              name="scenario"
              id="order-scenario"
              defaultValue={defaults.scenario}
              required
              maxLength={500}
              rows={2}
            />
            {failure?.fieldErrors?.scenario ? (
              <p className="field-error">{failure.fieldErrors.scenario.join(' ')}</p>
            ) : null}
          </label>
          <fieldset>
            <legend>{t('orders.method')}</legend>
            {methods.map((m) => (
              <label key={m} className="check">
                <input
                  type="radio"
                  name="method"
                  value={m}
                  defaultChecked={m === 'bank_transfer'}
                />
                <span>{t(`orders.methods.${m}`)}</span>
              </label>
            ))}
            {methods.length === 1 ? <p className="muted">{t('orders.onlyTransfer')}</p> : null}
            {failure?.fieldErrors?.method ? (
              <p className="field-error">{failure.fieldErrors.method.join(' ')}</p>
            ) : null}
          </fieldset>
          <button type="submit" className="primary" id="place-order">
            {t('orders.placeOrder')}
          </button>
        </Form>
      )}
    </section>
  )
}
