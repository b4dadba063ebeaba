import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { verificationFormInput } from '~/services/verification/schemas'
import { verificationOffers, verifyRecord } from '~/services/verification/verify.server'
import { formDone, formFailure, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// C5 (Art. 23 ¶3): an agency verifies a record it holds against an entry that offers verification
// — per field match / mismatch / not found, never a stored value.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'verify:record:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({ entries: await verificationOffers() }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'verify:record:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, verificationFormInput, t.locale)
    values = form.values
    const { entryId, ...fields } = form.parse()
    const record = Object.fromEntries(
      Object.entries(fields)
        .filter(([k, v]) => k.startsWith('f_') && typeof v === 'string' && v.trim() !== '')
        .map(([k, v]) => [k.slice(2), v as string]),
    )
    return formDone(await verifyRecord(user, { entryId, record }))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function VerificationPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { entries } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [search] = useSearchParams()
  const chosen = entries.find((e) => e.entryId === search.get('entry')) ?? entries[0]
  const v = result?.values ?? {}
  const answer = result?.done
  return (
    <section className="card">
      <h1>{t('verification.title')}</h1>
      <p className="muted">{t('verification.intro')}</p>
      <p>
        <Link to="/verification/batches">{t('verification.batch.nav')} →</Link>
      </p>
      <Form method="get" className="inline-form">
        <label>
          {t('verification.entry')}{' '}
          <select name="entry" defaultValue={chosen?.entryId}>
            {entries.map((e) => (
              <option key={e.entryId} value={e.entryId}>
                {pick(e.title, lang)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="secondary">
          {t('common.choose')}
        </button>
      </Form>
      {chosen ? (
        <Form method="post" className="stack" key={chosen.entryId}>
          <input type="hidden" name="entryId" value={chosen.entryId} />
          <FormError message={result?.formError} />
          {!chosen.ready ? <p className="muted">{t('verification.notReady')}</p> : null}
          <fieldset>
            <legend>{t('verification.keyFields')}</legend>
            {chosen.keyFields.map((f) => (
              <label key={f.name}>
                {pick(f.label, lang)}
                <input
                  name={`f_${f.name}`}
                  required
                  autoComplete="off"
                  defaultValue={
                    typeof v[`f_${f.name}`] === 'string' ? String(v[`f_${f.name}`]) : ''
                  }
                />
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('verification.checkFields')}</legend>
            {chosen.checkFields.map((f) => (
              <label key={f.name}>
                {pick(f.label, lang)}
                <input
                  name={`f_${f.name}`}
                  autoComplete="off"
                  defaultValue={
                    typeof v[`f_${f.name}`] === 'string' ? String(v[`f_${f.name}`]) : ''
                  }
                />
              </label>
            ))}
          </fieldset>
          <button type="submit" className="primary">
            {t('verification.submit')}
          </button>
        </Form>
      ) : null}
      {answer && chosen ? (
        <div role="status" className="stack">
          <h2>{t('verification.result')}</h2>
          <p>
            <strong>{answer.found ? t('verification.found') : t('verification.notFound')}</strong>
          </p>
          <table>
            <tbody>
              {Object.entries(answer.fields).map(([name, outcome]) => {
                const f = [...chosen.keyFields, ...chosen.checkFields].find((x) => x.name === name)
                return (
                  <tr key={name} data-field={name}>
                    <td>{f ? pick(f.label, lang) : name}</td>
                    <td>
                      <span
                        className={`badge ${outcome === 'match' ? 'ok' : outcome === 'mismatch' ? 'bad' : 'warn'}`}
                      >
                        {t(`verification.answers.${outcome}`)}
                      </span>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}
