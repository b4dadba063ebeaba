// Issue 8 / 15 regulator console: every product, searchable by title or id, each leading to its
// trail of trades (GET forms: works without JavaScript).
import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pager, pick, useLang } from '~/components/common'
import { regulatorProducts } from '~/services/supervision/queries.server'
import { productListSchema } from '~/services/supervision/report-schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'read:ledger:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = validate(productListSchema, queryObject(request), t.locale)
    if (query.productId) throw redirect(`/regulator/products/${query.productId}`)
    return regulatorProducts(query)
  })
}

export default function RegulatorProducts() {
  const { t } = useTranslation()
  const lang = useLang()
  const { q, total, products, nextAfter } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <p>
        <Link to="/regulator">← {t('nav.home')}</Link>
      </p>
      <h1>{t('supervision.product.lookup')}</h1>
      <Form method="get" className="filters">
        <label>
          {t('supervision.product.search')} <input name="q" defaultValue={q} maxLength={100} />
        </label>
        <button type="submit" className="primary">
          {t('common.search')}
        </button>
      </Form>
      <p className="muted">{t('supervision.product.count', { count: total })}</p>
      {products.length === 0 ? (
        <p className="muted">{t('supervision.product.noneFound')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('common.name')}</th>
              <th>{t('supervision.product.owner')}</th>
              <th>{t('common.type')}</th>
              <th>ID</th>
            </tr>
          </thead>
          <tbody>
            {products.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/regulator/products/${p.id}`}>{pick(p.title, lang)}</Link>
                  {p.visibility === 'private' ? (
                    <span className="badge"> {t('supervision.product.private')}</span>
                  ) : null}
                </td>
                <td>{pick(p.owner, lang)}</td>
                <td>{t(`market.kind.${p.kind}`)}</td>
                <td className="mono">{p.id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextAfter={nextAfter} />
    </section>
  )
}
