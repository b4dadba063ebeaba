import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { MarketNav } from '~/components/market'
import { ProductForm } from '~/components/product-form'
import { marketLinks } from '~/services/products/pages.server'
import { createProduct } from '~/services/products/products.server'
import { productFormSchema } from '~/services/products/schemas'
import marketCss from '~/styles/market.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  return { nav: marketLinks(user, t), canModel: user.org?.type === 'authority' }
}

// C7: a new product of the caller's organisation (Art. 36: models are the authority's).
export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, productFormSchema, t.locale)
    values = form.values
    const input = form.parse()
    const { id } = await createProduct(user, input)
    return redirect(`/provider/products/${id}?created=1`)
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function NewProduct() {
  const { t } = useTranslation()
  const { nav, canModel } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>{t('market.console.new')}</h1>
      <MarketNav links={nav} />
      <ProductForm
        values={failure?.values ?? { l_derivation: 'on' }}
        canModel={canModel}
        failure={failure}
        submitLabel={t('market.console.create')}
      />
    </section>
  )
}
