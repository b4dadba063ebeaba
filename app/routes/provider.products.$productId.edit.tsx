import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { MarketNav, pick, useLang } from '~/components/market'
import { ProductForm } from '~/components/product-form'
import { productFormValues } from '~/services/products/console.server'
import { marketLinks } from '~/services/products/pages.server'
import { loadOwnProduct, productView, updateProduct } from '~/services/products/products.server'
import { productFormSchema } from '~/services/products/schemas'
import marketCss from '~/styles/market.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const product = productView(await loadOwnProduct(user, params.productId ?? ''))
    return {
      nav: marketLinks(user, t),
      product,
      values: productFormValues(product),
      canModel: user.org?.type === 'authority',
    }
  })
}

// C7: edit a product (kind fixed once versioned; grade fixed once published).
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, productFormSchema, t.locale)
    values = form.values
    await updateProduct(user, params.productId ?? '', form.parse())
    return redirect(`/provider/products/${params.productId}?saved=1`)
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function EditProduct() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, product, values, canModel } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>
        {t('market.console.edit')} · {pick(product.title, lang)}
      </h1>
      <MarketNav links={nav} />
      <p>
        <Link to={`/provider/products/${product.id}`}>← {t('market.console.back')}</Link>
      </p>
      <ProductForm
        values={failure?.values ?? values}
        canModel={canModel}
        failure={failure}
        submitLabel={t('common.save')}
      />
    </section>
  )
}
