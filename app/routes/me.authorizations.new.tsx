import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import type { MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import {
  authorizableEntries,
  authorizeOrganisation,
} from '~/services/subjects/authorizations.server'
import { authorizationSchema } from '~/services/subjects/schemas'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: '授权第三方 · Authorize an organisation' }]

// C10 (Art. 41): the person authorizes an organisation to use named fields of one entry's data
// about her, for a purpose, until a day. The entry is chosen first (a link per entry), then fields.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'authorize:subject-data:own')
  const t = await getT(request)
  const entryId = new URL(request.url).searchParams.get('entry') ?? ''
  return pageGuard(t, async () => {
    const entries = await authorizableEntries(user)
    return { entries, entry: entries.find((e) => e.entryId === entryId) ?? null }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'authorize:subject-data:own')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, authorizationSchema, t.locale)
    values = form.values
    await authorizeOrganisation(user, form.parse())
    return redirect('/me?authorization=granted#authorizations')
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function NewAuthorization() {
  const { t } = useTranslation()
  const lang = useLang()
  const { entries, entry } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const v = result?.values ?? {}
  const errors = result?.fieldErrors ?? {}
  const ticked = new Set([v.fields ?? []].flat().map(String))
  const fieldError = (name: string) =>
    errors[name] ? <span className="field-error">{errors[name].join(' ')}</span> : null
  return (
    <section className="card">
      <p>
        <Link to="/me#authorizations">← {t('home.subject.title')}</Link>
      </p>
      <h1>{t('home.subject.authorizeTitle')}</h1>
      <p className="muted">{t('home.subject.authorizationsIntro')}</p>
      {!entry ? (
        <ul>
          {entries.map((e) => (
            <li key={e.entryId}>
              <Link to={`?entry=${e.entryId}`}>
                {pick(e.title, lang)} · {pick(e.org, lang)}
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <Form method="post" className="stack">
          <FormError message={result?.formError} />
          <input type="hidden" name="entryId" value={entry.entryId} />
          <h2>{pick(entry.title, lang)}</h2>
          <label>
            {t('home.subject.authorizeUscc')}
            <input
              name="uscc"
              required
              maxLength={18}
              className="mono"
              defaultValue={String(v.uscc ?? '')}
            />
            {fieldError('uscc')}
          </label>
          <fieldset>
            <legend>{t('home.subject.authorizeFields')}</legend>
            {entry.fields.map((f) => (
              <label key={f.name} className="check">
                <input
                  type="checkbox"
                  name="fields"
                  value={f.name}
                  defaultChecked={ticked.has(f.name)}
                />
                <span>{pick(f.label, lang)}</span>
              </label>
            ))}
            {fieldError('fields')}
          </fieldset>
          <label>
            {t('home.subject.authorizePurpose')}
            <textarea
              name="purpose"
              rows={3}
              required
              minLength={5}
              maxLength={1000}
              defaultValue={String(v.purpose ?? '')}
            />
            {fieldError('purpose')}
          </label>
          <label>
            {t('home.subject.authorizeEnd')}
            <input name="end" type="date" required defaultValue={String(v.end ?? '')} />
            {fieldError('end')}
          </label>
          <button type="submit" className="primary">
            {t('home.subject.authorizeSubmit')}
          </button>
        </Form>
      )}
    </section>
  )
}
