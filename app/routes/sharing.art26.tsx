import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { FieldChecklist } from '~/components/research'
import { art26SharingPage } from '~/services/sharing/pages.server'
import { submitArt26Sharing } from '~/services/sharing/requests.server'
import { art26SharingInput, sharingEntryQuery } from '~/services/sharing/schemas'
import { formFailure, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { SHARING_MODES } from '~/vocab/sharing'

// C4 (Art. 26 ¶1): the data authority or the source department shares an entry's data with an
// enterprise or institution for a policy or an emergency, citing the legal basis (?entry=).
const SHARERS = ['coordinate:sharing-request:any', 'decide:sharing-request:own-org'] as const

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAnyPermission(request, [...SHARERS])
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { entry } = validate(sharingEntryQuery, queryObject(request), t.locale)
    return art26SharingPage(user, entry)
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAnyPermission(request, [...SHARERS])
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, art26SharingInput, t.locale)
    values = form.values
    const { requestId } = await submitArt26Sharing(user, form.parse())
    return redirect(`/sharing/requests/${requestId}?submitted=1`)
  } catch (error) {
    return formFailure(error, t, values)
  }
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback)
const list = (v: unknown): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : [])
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10)

export default function Art26Sharing() {
  const { t } = useTranslation()
  const lang = useLang()
  const { entry, recipients } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const v = failure?.values ?? {}
  const fe = failure?.fieldErrors ?? {}
  const input = (name: 'instrument' | 'article' | 'scenario' | 'usingUnit', label: string) => (
    <label>
      {label}
      <input name={name} required defaultValue={str(v[name])} />
      {fe[name] ? <p className="field-error">{fe[name].join(' ')}</p> : null}
    </label>
  )
  return (
    <section className="card">
      <h1>{t('sharing.art26.title')}</h1>
      <p>
        <strong>{pick(entry.title, lang)}</strong>
      </p>
      <p className="muted">{t('sharing.art26.intro')}</p>
      <Form method="post" className="stack">
        <FormError message={failure?.formError} />
        <input type="hidden" name="entryId" value={entry.id} />
        <label>
          {t('sharing.art26.beneficiary')}
          <select name="beneficiaryOrgId" defaultValue={str(v.beneficiaryOrgId)}>
            {recipients.map((o) => (
              <option key={o.id} value={o.id}>
                {pick(o.name, lang)}
              </option>
            ))}
          </select>
          {fe.beneficiaryOrgId ? (
            <p className="field-error">{fe.beneficiaryOrgId.join(' ')}</p>
          ) : null}
        </label>
        <fieldset>
          <legend>{t('sharing.art26.purpose')}</legend>
          {(['policy', 'emergency'] as const).map((p) => (
            <label key={p}>
              <input
                type="radio"
                name="purpose"
                value={p}
                defaultChecked={str(v.purpose, 'policy') === p}
              />{' '}
              {t(`sharing.art26.purposes.${p}`)}
            </label>
          ))}
        </fieldset>
        {input('instrument', t('sharing.art26.instrument'))}
        {input('article', t('sharing.reply.article'))}
        {input('scenario', t('sharing.scenario'))}
        {input('usingUnit', t('sharing.usingUnit'))}
        <FieldChecklist
          name="fields"
          fields={entry.fields}
          checked={list(v.fields)}
          errors={fe.fields}
        />
        <label>
          {t('sharing.mode')}
          <select name="mode" defaultValue={str(v.mode, 'file')}>
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
            defaultValue={str(v.periodEnd, inDays(180))}
          />
          {fe.periodEnd ? <p className="field-error">{fe.periodEnd.join(' ')}</p> : null}
        </label>
        <button type="submit" className="primary">
          {t('sharing.art26.submit')}
        </button>
      </Form>
    </section>
  )
}
