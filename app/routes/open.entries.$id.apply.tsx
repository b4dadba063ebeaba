import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/catalog'
import { FormError } from '~/components/form'
import { OpenNav } from '~/components/open-data'
import { applyForConditionalData } from '~/services/open-data/applications.server'
import { openRecord } from '~/services/open-data/portal.server'
import { applicationFormSchema } from '~/services/open-data/schemas'
import openCss from '~/styles/open-data.css?url'
import { formFailure, formDone } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { pageGuard } from '~/utils/http.server'
import { requireUser } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: openCss }]

// Art. 32: a signed-in organization applies for conditionally open data.
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request)
  const t = await getT(request)
  return pageGuard(t, async () => {
    const record = await openRecord(params.id ?? '')
    return { id: record.id, title: record.content.title, conditions: record.content.openConditions }
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const t = await getT(request)
  try {
    const form = await parseForm(request, applicationFormSchema, t.locale)
    await applyForConditionalData({
      user,
      entryId: params.id ?? '',
      purpose: form.purpose,
      conditionsStatement: form.conditions,
    })
    return formDone(true)
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function ApplyPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { id, title, conditions } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <OpenNav />
      <h1>{t('openData.apply.title')}</h1>
      <p>
        <Link to={`/open/entries/${id}`}>{pick(title, lang)}</Link>
      </p>
      <div className="conditions">
        <p>{t('openData.conditional.intro')}</p>
        <blockquote>{conditions || '—'}</blockquote>
      </div>
      {result?.done ? (
        <p className="notice" role="status">
          {t('openData.apply.done')}
        </p>
      ) : (
        <Form method="post" className="stack">
          <FormError message={result?.formError} />
          <label>
            {t('openData.apply.purpose')}
            <textarea
              name="purpose"
              required
              maxLength={2000}
              aria-invalid={result?.fieldErrors?.purpose ? true : undefined}
            />
            {result?.fieldErrors?.purpose ? (
              <span className="field-error">{result.fieldErrors.purpose.join(' ')}</span>
            ) : null}
          </label>
          <label>
            {t('openData.apply.conditions')}
            <textarea
              name="conditions"
              required
              maxLength={4000}
              aria-invalid={result?.fieldErrors?.conditions ? true : undefined}
            />
            {result?.fieldErrors?.conditions ? (
              <span className="field-error">{result.fieldErrors.conditions.join(' ')}</span>
            ) : null}
          </label>
          <button type="submit" className="primary">
            {t('openData.apply.submit')}
          </button>
        </Form>
      )}
    </section>
  )
}
