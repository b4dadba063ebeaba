import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { FieldChecklist } from '~/components/research'
import { newSharingRequestPage } from '~/services/sharing/pages.server'
import { submitSharingRequest } from '~/services/sharing/requests.server'
import { sharingEntryQuery, sharingRequestInput } from '~/services/sharing/schemas'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { SHARING_MODES } from '~/vocab/sharing'

// C4 (Art. 22–24): an agency asks a source department for an entry's data — scenario, using unit,
// the duty it serves, the fields, mode and end (?entry=).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:sharing-request:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { entry } = validate(sharingEntryQuery, queryObject(request), t.locale)
    return newSharingRequestPage(user, entry)
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'create:sharing-request:own-org')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, sharingRequestInput, t.locale)
    values = form.values
    const { requestId } = await submitSharingRequest(user, form.parse())
    return redirect(`/sharing/requests/${requestId}?submitted=1`)
  } catch (error) {
    return formFailure(error, t, values)
  }
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback)
const list = (v: unknown): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : [])
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10)

export default function NewSharingRequest() {
  const { t } = useTranslation()
  const lang = useLang()
  const { entry, isAgency, ownEntry } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const v = failure?.values ?? {}
  const fe = failure?.fieldErrors ?? {}
  const text = (name: 'scenario' | 'usingUnit' | 'duty', rows = 0) => (
    <label>
      {t(`sharing.${name}`)}
      <span className="hint">{t(`sharing.hint.${name}`)}</span>
      {rows ? (
        <textarea name={name} rows={rows} required defaultValue={str(v[name])} />
      ) : (
        <input name={name} required defaultValue={str(v[name])} />
      )}
      {fe[name] ? <p className="field-error">{fe[name].join(' ')}</p> : null}
    </label>
  )
  return (
    <section className="card">
      <h1>{t('sharing.new.title')}</h1>
      <p>
        <strong>{pick(entry.title, lang)}</strong>
        <br />
        <span className="muted">
          {t('sharing.source')}: {pick(entry.source, lang)} ·{' '}
          {t(`catalog.sharingType.${entry.sharingType}`)}
        </span>
      </p>
      <p className="muted">
        {entry.sharingType === 'unconditional'
          ? t('sharing.new.unconditional')
          : t('sharing.new.conditional')}
      </p>
      {!isAgency ? <Notice tone="warn">{t('error.sharing.notAgency')}</Notice> : null}
      {ownEntry ? <Notice tone="warn">{t('error.sharing.ownEntry')}</Notice> : null}
      <Form method="post" className="stack">
        <FormError message={failure?.formError} />
        <input type="hidden" name="entryId" value={entry.id} />
        {text('scenario', 3)}
        {text('usingUnit')}
        {text('duty', 3)}
        <div>
          <strong>{t('sharing.fields')}</strong>
          <p className="hint muted">{t('sharing.hint.fields')}</p>
          <FieldChecklist
            name="fields"
            fields={entry.fields}
            checked={list(v.fields)}
            errors={fe.fields}
          />
        </div>
        <label>
          {t('sharing.mode')}
          <select name="mode" defaultValue={str(v.mode, 'api')}>
            {SHARING_MODES.map((m) => (
              <option key={m} value={m}>
                {t(`sharing.modes.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('sharing.periodEnd')}
          <input
            type="date"
            name="periodEnd"
            required
            defaultValue={str(v.periodEnd, inDays(365))}
          />
          {fe.periodEnd ? <p className="field-error">{fe.periodEnd.join(' ')}</p> : null}
        </label>
        <p className="muted">{t('sharing.noPassOn')}</p>
        <button type="submit" className="primary">
          {t('sharing.new.submit')}
        </button>
      </Form>
    </section>
  )
}
