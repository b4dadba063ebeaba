import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { ResearchAccessLink } from '~/components/research'
import {
  GradeBadge,
  LicenceTerms,
  MarketNav,
  Notice,
  pick,
  PricePlans,
  StateBadge,
  useLang,
  formatBytes,
} from '~/components/market'
import { optionalViewer } from '~/services/open-data/viewer.server'
import { requestModelRun } from '~/services/products/model-runs.server'
import { productPageData } from '~/services/products/pages.server'
import { modelRunFormSchema } from '~/services/products/schemas'
import marketCss from '~/styles/market.css?url'
import { formFailure } from '~/utils/forms.server'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: marketCss }]

// C7: a product — versions, sample, price plans, licence terms in plain words, and (models,
// Art. 36) inputs, outputs, documentation and a form to run it. Public for listed products.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const t = await getT(request)
  return pageGuard(t, async () =>
    productPageData(await optionalViewer(request), params.productId ?? '', t),
  )
}

// Art. 36: run this model on data the caller holds a licence for (the job does the work).
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'run:model:own-org')
  const t = await getT(request)
  try {
    const input = await parseForm(request, modelRunFormSchema, t.locale)
    const { runId } = await requestModelRun(user, params.productId ?? '', input)
    return redirect(`/market/runs?run=${runId}`)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function ProductPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, product, versions, owner, orgNames, canRun, runnable, signedIn } =
    useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const latest = versions.find((v) => v.state === 'published')
  return (
    <>
      <section className="card">
        <h1>{pick(product.title, lang)}</h1>
        <MarketNav links={nav} />
        <div className="product-meta">
          <span className="badge">{t(`market.kind.${product.kind}`)}</span>
          <GradeBadge grade={product.grade} />
          <span>
            {t('market.product.provider')}: {pick(orgNames[product.ownerOrgId], lang)}
          </span>
          <span>
            {t(`catalog.category.${product.category}`, { defaultValue: product.category })}
          </span>
          {product.tags.map((tag) => (
            <span key={tag} className="badge">
              {tag}
            </span>
          ))}
        </div>
        {product.visibility === 'private' ? (
          <Notice tone="warn">{t('market.product.privateNotice')}</Notice>
        ) : null}
        {owner ? (
          <p>
            <Link to={`/provider/products/${product.id}`}>{t('market.product.manage')}</Link>
          </p>
        ) : null}
        <p style={{ whiteSpace: 'pre-line' }}>{pick(product.description, lang)}</p>
        {latest ? (
          <p>
            <Link to={`/market/${product.id}/v/${latest.number}`} className="button">
              {t('market.product.provenanceOf', { n: latest.number })}
            </Link>
          </p>
        ) : null}
      </section>

      <div className="two-col">
        <section className="card">
          <h2>{t('market.product.versions')}</h2>
          {versions.length === 0 ? (
            <p className="muted">{t('market.product.noVersions')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('market.product.version')}</th>
                  <th>{t('market.product.note')}</th>
                  <th>{t('market.product.files')}</th>
                  <th>{t('market.product.publishedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id}>
                    <td className="nowrap">
                      <Link to={`/market/${product.id}/v/${v.number}`}>v{v.number}</Link>{' '}
                      {v.state !== 'published' ? <StateBadge state={v.state} /> : null}
                    </td>
                    <td>{pick(v.note, lang)}</td>
                    <td>
                      {v.distributions.map((d) => (
                        <div key={d.key}>
                          {d.format} · {d.kind === 'api' ? d.endpoint : formatBytes(d.sizeBytes)}
                        </div>
                      ))}
                    </td>
                    <td className="nowrap">
                      {v.publishedAt ? formatDateTime(v.publishedAt, lang) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {product.sample ? (
            <>
              <h2>
                {product.kind === 'model'
                  ? t('market.product.documentation')
                  : t('market.product.sample')}
              </h2>
              <pre className="sample" tabIndex={0}>
                {product.sample}
              </pre>
            </>
          ) : null}
          {product.model ? (
            <>
              <h2>{t('market.product.modelSpec')}</h2>
              <table className="details">
                <tbody>
                  <tr>
                    <th>{t('market.product.inputs')}</th>
                    <td>
                      {product.model.inputs.map((p) => (
                        <div key={p.name}>
                          <code>{p.name}</code> — {pick(p.description, lang)}
                        </div>
                      ))}
                    </td>
                  </tr>
                  <tr>
                    <th>{t('market.product.outputs')}</th>
                    <td>
                      {product.model.outputs.map((p) => (
                        <div key={p.name}>
                          <code>{p.name}</code> — {pick(p.description, lang)}
                        </div>
                      ))}
                    </td>
                  </tr>
                </tbody>
              </table>
            </>
          ) : null}
        </section>

        <aside>
          <section className="card">
            <h2>{t('market.product.pricePlans')}</h2>
            <PricePlans plans={product.pricePlans} />
            {product.listed && product.visibility === 'market' && product.pricePlans.length > 0 ? (
              <p>
                <Link
                  to={`/market/${product.id}/order`}
                  className="button primary"
                  id="buy-product"
                >
                  {t('orders.buy')}
                </Link>
              </p>
            ) : (
              <p className="muted">{t('market.product.buyLater')}</p>
            )}
          </section>
          <section className="card">
            <h2>{t('market.product.licence')}</h2>
            <LicenceTerms terms={product.licenceTemplate} />
          </section>
          {product.visibility === 'market' ? <ResearchAccessLink product={product.id} /> : null}
          {product.kind === 'model' ? (
            <section className="card">
              <h2>{t('market.runs.runTitle')}</h2>
              {!signedIn ? (
                <p>
                  <Link to={`/login?redirectTo=/market/${product.id}`}>
                    {t('market.runs.signInToRun')}
                  </Link>
                </p>
              ) : !canRun ? (
                <p className="muted">{t('market.runs.cannotRun')}</p>
              ) : runnable.length === 0 ? (
                <p className="muted">{t('market.runs.noInputs')}</p>
              ) : (
                <Form method="post" className="stack">
                  <input type="hidden" name="intent" value="run" />
                  <FormError message={failure?.formError} />
                  <label>
                    {t('market.runs.inputVersion')}
                    <select name="inputVersionId" required>
                      {runnable.map((r) => (
                        <option key={r.versionId} value={r.versionId}>
                          {pick(r.title, lang)} v{r.number}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    {t('market.runs.parameters')}
                    <span className="hint">{t('market.runs.parametersHint')}</span>
                    <input name="parameters" defaultValue='{"unit":"ha"}' className="mono" />
                  </label>
                  <button type="submit" className="primary">
                    {t('market.runs.run')}
                  </button>
                </Form>
              )}
            </section>
          ) : null}
        </aside>
      </div>
    </>
  )
}
