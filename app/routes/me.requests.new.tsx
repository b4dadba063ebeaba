import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import type { MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { fileRecordRequest, recordForRequest } from '~/services/subjects/record-requests.server'
import { recordRequestSchema } from '~/services/subjects/schemas'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { RECORD_REQUEST_KINDS } from '~/vocab/subjects'

export const meta: MetaFunction = () => [{ title: '异议和更正 · Object or correct' }]

// C10 (Art. 42): the person objects to one of her records, or asks to correct or delete it.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'request:record-change:own')
  const t = await getT(request)
  const url = new URL(request.url)
  return pageGuard(t, async () => ({
    record: await recordForRequest(
      user,
      url.searchParams.get('dataset') ?? '',
      Number(url.searchParams.get('row') ?? ''),
    ),
  }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'request:record-change:own')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, recordRequestSchema, t.locale)
    values = form.values
    await fileRecordRequest(user, form.parse())
    return redirect('/me?request=filed#requests')
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function NewRecordRequest() {
  const { t } = useTranslation()
  const lang = useLang()
  const { record } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const v = result?.values ?? {}
  const errors = result?.fieldErrors ?? {}
  const fieldError = (name: string) =>
    errors[name] ? <span className="field-error">{errors[name].join(' ')}</span> : null
  return (
    <section className="card">
      <p>
        <Link to="/me">← {t('home.subject.title')}</Link>
      </p>
      <h1>{t('home.subject.requestTitle')}</h1>
      <p className="muted">{t('home.subject.requestsIntro')}</p>
      <h2>
        {pick(record.title, lang)} · {t('home.subject.row', { row: record.row })}
      </h2>
      <p className="muted">
        {t('home.subject.source')}: {pick(record.org, lang)}
      </p>
      <table aria-label={t('home.subject.requestRecord')}>
        <thead>
          <tr>
            <th>{t('home.subject.field')}</th>
            <th>{t('home.subject.value')}</th>
          </tr>
        </thead>
        <tbody>
          {record.fields.map((f) => (
            <tr key={f.name} data-field={f.name}>
              <td>{pick(f.label, lang)}</td>
              <td>{f.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Form method="post" className="stack">
        <FormError message={result?.formError} />
        <input type="hidden" name="datasetId" value={record.datasetId} />
        <input type="hidden" name="row" value={record.row} />
        <fieldset>
          <legend>{t('home.subject.requestKind')}</legend>
          {RECORD_REQUEST_KINDS.map((k) => (
            <label key={k} className="check">
              <input
                type="radio"
                name="kind"
                value={k}
                defaultChecked={String(v.kind ?? 'correction') === k}
              />
              <span>{t(`home.subject.requestKinds.${k}`)}</span>
            </label>
          ))}
          {fieldError('kind')}
        </fieldset>
        <label>
          {t('home.subject.requestField')}
          <select name="field" defaultValue={String(v.field ?? '')}>
            {record.fields
              .filter((f) => f.correctable)
              .map((f) => (
                <option key={f.name} value={f.name}>
                  {pick(f.label, lang)}
                </option>
              ))}
          </select>
          {fieldError('field')}
        </label>
        <label>
          {t('home.subject.requestProposed')}
          <input name="proposed" maxLength={500} defaultValue={String(v.proposed ?? '')} />
          {fieldError('proposed')}
        </label>
        <label>
          {t('home.subject.requestReasons')}
          <textarea
            name="reasons"
            rows={4}
            required
            minLength={10}
            maxLength={2000}
            defaultValue={String(v.reasons ?? '')}
          />
          {fieldError('reasons')}
        </label>
        <button type="submit" className="primary">
          {t('home.subject.requestSubmit')}
        </button>
      </Form>
    </section>
  )
}
