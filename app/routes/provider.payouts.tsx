import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LedgerReceipt, Notice } from '~/components/common'
import { FormError } from '~/components/form'
import { siteOrigin } from '~/services/open-data/viewer.server'
import { payoutsPageData } from '~/services/orders/pages.server'
import { linkPayoutAccount } from '~/services/orders/payouts.server'
import { getEnv } from '~/utils/env.server'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// C8: a provider links its Stripe Connect account (card payments reach it as destination charges).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'manage:payouts:own-org')
  return payoutsPageData(user)
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'manage:payouts:own-org')
  const t = await getT(request)
  try {
    const { url } = await linkPayoutAccount(user, siteOrigin(request, getEnv().APP_ORIGIN))
    return redirect(url)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function Payouts() {
  const { t } = useTranslation()
  const { enabled, feePercent, account } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const [search] = useSearchParams()
  return (
    <section className="card">
      <h1>{t('orders.payouts.title')}</h1>
      <p className="muted">{t('orders.payouts.intro', { fee: feePercent })}</p>
      <FormError message={failure?.formError} />
      {search.has('linked') ? (
        <Notice>{t('orders.payouts.linked', { id: account?.stripeAccountId ?? '' })}</Notice>
      ) : null}
      {account ? (
        <>
          <p id="payout-account">{t('orders.payouts.linked', { id: account.stripeAccountId })}</p>
          <LedgerReceipt seq={account.ledgerSeq} />
        </>
      ) : (
        <p>{t('orders.payouts.notLinked')}</p>
      )}
      {enabled ? (
        <Form method="post">
          <button type="submit" className="primary" id="link-payouts">
            {t('orders.payouts.link')}
          </button>
        </Form>
      ) : (
        <Notice tone="warn">{t('orders.payouts.unavailable')}</Notice>
      )}
    </section>
  )
}
