// Issue 8 regulator console: the "follow a product's trades" look-up form (GET, works without
// JavaScript) sends the reader on to that product's trail.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { consoleGuard } from '~/services/supervision/queries.server'
import { productLookupSchema } from '~/services/supervision/report-schemas'
import { queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'read:ledger:any')
  const t = await getT(request)
  const query = queryObject(request)
  if (query.productId === undefined) return null
  return consoleGuard(t, async () => {
    const { productId } = validate(productLookupSchema, query, t.locale)
    return redirect(`/regulator/products/${productId}`)
  })
}

export default function ProductLookup() {
  const { t } = useTranslation()
  return (
    <section className="card">
      <p>
        <Link to="/regulator">← {t('nav.home')}</Link>
      </p>
      <h1>{t('supervision.product.lookup')}</h1>
      <Form method="get" className="filters">
        <label>
          {t('supervision.product.lookupHint')} <input name="productId" required pattern="[0-9a-f]{24}" className="mono" />
        </label>
        <button type="submit" className="primary">
          {t('supervision.product.follow')}
        </button>
      </Form>
    </section>
  )
}
