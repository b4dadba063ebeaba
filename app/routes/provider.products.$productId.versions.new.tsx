import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { FieldErrors, MarketNav, pick, useLang } from '~/components/market'
import { inputCandidates } from '~/services/products/console.server'
import { marketLinks } from '~/services/products/pages.server'
import { loadOwnProduct, productView } from '~/services/products/products.server'
import { versionFormSchema } from '~/services/products/schemas'
import { createDraftVersion } from '~/services/products/versions.server'
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
    return { nav: marketLinks(user, t), product, candidates: await inputCandidates(user) }
  })
}

// Art. 35, 37, 38: a new version states its inputs and transformation (its provenance); an input
// the provider holds no right to is refused here, naming the right that is missing.
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:product:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, versionFormSchema, t.locale)
    values = form.values
    const input = form.parse()
    const { number } = await createDraftVersion(user, params.productId ?? '', input)
    return redirect(`/provider/products/${params.productId}/versions/${number}`)
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function NewVersion() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, product, candidates } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const values = failure?.values ?? {}
  const chosen = new Set(
    Array.isArray(values.input)
      ? (values.input as string[])
      : typeof values.input === 'string'
        ? [values.input]
        : [],
  )
  const v = (name: string, fallback = '') =>
    typeof values[name] === 'string' ? (values[name] as string) : fallback
  return (
    <section className="card">
      <h1>
        {t('market.console.newVersion')} · {pick(product.title, lang)}
      </h1>
      <MarketNav links={nav} />
      <p>
        <Link to={`/provider/products/${product.id}`}>← {t('market.console.back')}</Link>
      </p>
      <Form method="post" className="product-form stack">
        <FormError message={failure?.formError} />
        <FieldErrors errors={failure?.fieldErrors} />
        <fieldset>
          <legend>{t('market.versionForm.inputs')}</legend>
          <p className="hint">{t('market.versionForm.inputsHint')}</p>
          <div className="inputs-list">
            {candidates.map((c) => (
              <label key={c.ref} className="check">
                <input
                  type="checkbox"
                  name="input"
                  value={c.ref}
                  defaultChecked={chosen.has(c.ref)}
                />
                <span>
                  {t(`market.inputKind.${c.kind}`)}: {pick(c.title, lang)}{' '}
                  <span className="muted">{c.detail}</span> —{' '}
                  <span className={c.ok ? 'badge ok' : 'badge bad'}>
                    {c.ok ? t(`market.basis.${c.right}`) : t(`market.rightShort.${c.right}`)}
                  </span>
                </span>
              </label>
            ))}
          </div>
          <label>
            {t('market.versionForm.moreInputs')}
            <span className="hint">{t('market.versionForm.moreInputsHint')}</span>
            <textarea name="moreInputs" rows={2} className="mono" defaultValue={v('moreInputs')} />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('market.versionForm.activity')}</legend>
          <div className="row">
            <label>
              {t('market.versionForm.activityZh')}
              <input name="activityZh" required defaultValue={v('activityZh', '汇总加工')} />
            </label>
            <label>
              {t('market.versionForm.activityEn')}
              <input name="activityEn" defaultValue={v('activityEn', 'Aggregation')} />
            </label>
          </div>
          <label>
            {t('market.versionForm.activityDescription')}
            <textarea name="activityDescription" rows={2} defaultValue={v('activityDescription')} />
          </label>
          <label>
            {t('market.versionForm.parameters')}
            <input name="parameters" className="mono" defaultValue={v('parameters', '{}')} />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('market.versionForm.about')}</legend>
          <div className="row">
            <label>
              {t('market.versionForm.noteZh')}
              <input name="noteZh" defaultValue={v('noteZh')} />
            </label>
            <label>
              {t('market.versionForm.noteEn')}
              <input name="noteEn" defaultValue={v('noteEn')} />
            </label>
          </div>
          <label>
            {t('market.versionForm.schema')}
            <span className="hint">{t('market.versionForm.schemaHint')}</span>
            <textarea
              name="schemaLines"
              rows={4}
              className="mono"
              defaultValue={v('schemaLines')}
            />
          </label>
          {product.kind === 'api' ? (
            <label>
              {t('market.versionForm.apiEndpoint')}
              <input name="apiEndpoint" type="url" defaultValue={v('apiEndpoint')} />
            </label>
          ) : null}
        </fieldset>
        <button type="submit" className="primary">
          {t('market.versionForm.create')}
        </button>
      </Form>
    </section>
  )
}
