import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, pick, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { FormError } from '~/components/form'
import { verificationSettingInput } from '~/services/verification/schemas'
import { setVerification, verificationSettingsPage } from '~/services/verification/verify.server'
import { formFailure, formNotice, readForm } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// C5 (Art. 23 ¶3): the source department offers verification on its entry — the key fields that
// find a record and the fields compared — and sees the state of the index built from its data.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'decide:sharing-request:own-org')
  const t = await getT(request)
  return pageGuard(t, () => verificationSettingsPage(user, params.entryId ?? ''))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'decide:sharing-request:own-org')
  const t = await getT(request)
  try {
    const input = (await readForm(request, verificationSettingInput, t.locale)).parse()
    await setVerification(user, params.entryId ?? '', input)
    return formNotice(t('verification.settings.saved'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function EntryVerificationSettings() {
  const { t } = useTranslation()
  const lang = useLang()
  const { entry, setting } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const keys = new Set(setting?.keyFields ?? [])
  const checks = new Set(setting?.checkFields ?? [])
  return (
    <section className="card">
      <p>
        <Link to={`/catalog/${entry.id}`}>← {pick(entry.title, lang)}</Link>
      </p>
      <h1>{t('verification.settings.title')}</h1>
      <p className="muted">{t('verification.settings.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError ?? result?.fieldErrors?.keyFields?.join(' ')} />
      <p>
        {setting?.records != null ? (
          <>
            {t('verification.settings.ready', { records: setting.records })}{' '}
            <DateTime iso={setting.builtAt} />
          </>
        ) : (
          t('verification.settings.building')
        )}
      </p>
      <Form method="post" className="stack">
        <table>
          <thead>
            <tr>
              <th>{t('verification.entry')}</th>
              <th>{t('verification.keyFields')}</th>
              <th>{t('verification.checkFields')}</th>
            </tr>
          </thead>
          <tbody>
            {entry.fields.map((f) => (
              <tr key={f.name}>
                <td>
                  {pick(f.label, lang)} <span className="mono">{f.name}</span>
                </td>
                <td>
                  <input
                    type="checkbox"
                    name="keyFields"
                    value={f.name}
                    defaultChecked={keys.has(f.name)}
                    aria-label={`${t('verification.keyFields')}: ${pick(f.label, lang)}`}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    name="checkFields"
                    value={f.name}
                    defaultChecked={checks.has(f.name)}
                    aria-label={`${t('verification.checkFields')}: ${pick(f.label, lang)}`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label>
          <input type="checkbox" name="enabled" defaultChecked={setting?.enabled ?? true} />{' '}
          {t('verification.settings.enabled')}
        </label>
        <button type="submit" className="primary">
          {t('verification.settings.save')}
        </button>
      </Form>
    </section>
  )
}
