import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { complaintRespondents, fileComplaint } from '~/services/subjects/complaints.server'
import { complaintSchema } from '~/services/subjects/schemas'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// C10 (Art. 43): a data subject complains about a public body to the authority at its level.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'file:complaint:own')
  const t = await getT(request)
  // A refused or overdue record request links here with the department already chosen.
  const respondent = new URL(request.url).searchParams.get('respondent') ?? ''
  return pageGuard(t, async () => ({ respondents: await complaintRespondents(), respondent }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'file:complaint:own')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, complaintSchema, t.locale)
    values = form.values
    await fileComplaint(user, form.parse())
    return redirect('/me?complaint=filed#complaints')
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function NewComplaint() {
  const { t } = useTranslation()
  const lang = useLang()
  const { respondents, respondent } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const v = result?.values ?? {}
  const errors = result?.fieldErrors ?? {}
  return (
    <section className="card">
      <p>
        <Link to="/me#complaints">← {t('home.subject.complaints')}</Link>
      </p>
      <h1>{t('home.subject.complaintNew')}</h1>
      <p className="muted">{t('home.subject.complaintsIntro')}</p>
      <Form method="post" className="stack">
        <FormError message={result?.formError} />
        <label>
          {t('home.subject.respondent')}
          <select
            name="respondentOrgId"
            defaultValue={String(v.respondentOrgId ?? respondent)}
            required
          >
            {respondents.map((o) => (
              <option key={o.id} value={o.id}>
                {pick(o.name, lang)}
              </option>
            ))}
          </select>
          {errors.respondentOrgId ? (
            <span className="field-error">{errors.respondentOrgId.join(' ')}</span>
          ) : null}
        </label>
        <label>
          {t('home.subject.facts')}
          <textarea
            name="facts"
            rows={6}
            required
            minLength={20}
            maxLength={4000}
            defaultValue={String(v.facts ?? '')}
          />
          {errors.facts ? <span className="field-error">{errors.facts.join(' ')}</span> : null}
        </label>
        <label>
          {t('home.subject.remedy')}
          <textarea
            name="remedy"
            rows={3}
            required
            minLength={5}
            maxLength={2000}
            defaultValue={String(v.remedy ?? '')}
          />
          {errors.remedy ? <span className="field-error">{errors.remedy.join(' ')}</span> : null}
        </label>
        <button type="submit" className="primary">
          {t('home.subject.submitComplaint')}
        </button>
      </Form>
    </section>
  )
}
