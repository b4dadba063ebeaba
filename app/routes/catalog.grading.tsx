import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { CatalogNav, Notice } from '~/components/catalog'
import { catalogLinks } from '~/services/catalog/pages.server'
import { gradingFormSchema } from '~/services/catalog/schemas'
import { gradeLadder, setGradeLadder } from '~/services/catalog/settings.server'
import catalogCss from '~/styles/catalog.css?url'
import { formFailure, formNotice } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// Art. 9: the authority sets the grading rules — GB/T 43697-2024's core / important / general,
// with the local sub-levels of general data configurable here.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'manage:catalog-rules:any')
  const t = await getT(request)
  return pageGuard(t, async () => ({ nav: catalogLinks(user, t), ladder: await gradeLadder() }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'manage:catalog-rules:any')
  const t = await getT(request)
  try {
    const input = await parseForm(request, gradingFormSchema, t.locale)
    await setGradeLadder({ user, levels: input.ladder })
    return formNotice(t('catalog.grading.saved'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function GradingPage() {
  const { t } = useTranslation()
  const { nav, ladder } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>{t('catalog.grading.title')}</h1>
      <CatalogNav links={nav} />
      <p className="muted">{t('catalog.grading.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError} />
      <table>
        <tbody>
          <tr>
            <td>{t('catalog.gradeTier.core')}</td>
            <td className="muted">{t('catalog.grading.core')}</td>
          </tr>
          <tr>
            <td>{t('catalog.gradeTier.important')}</td>
            <td className="muted">{t('catalog.grading.important')}</td>
          </tr>
          {ladder.map((l) => (
            <tr key={l.level}>
              <td>{t('catalog.gradeGeneral', { level: l.level })}</td>
              <td>
                {l.zh} / {l.en}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Form method="post" className="stack">
        <label>
          {t('catalog.grading.ladder')}
          <span className="hint">{t('catalog.grading.hint')}</span>
          <textarea
            name="ladder"
            rows={6}
            className="mono"
            defaultValue={ladder.map((l) => `${l.level} | ${l.zh} | ${l.en}`).join('\n')}
          />
          {result?.fieldErrors?.ladder ? (
            <p className="field-error">{result.fieldErrors.ladder.join(' ')}</p>
          ) : null}
        </label>
        <button type="submit" className="primary">
          {t('common.save')}
        </button>
      </Form>
    </section>
  )
}
