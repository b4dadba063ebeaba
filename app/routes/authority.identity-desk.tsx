import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { FormError } from '~/components/form'
import { issueDeskCode, pendingSubjects } from '~/services/identity/subjects.server'
import { deskCodeSchema } from '~/services/identity/schemas'
import { formDone, formFailure } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

// C10 (Art. 39): the authority's identity desk — an officer checks a registered person's ID card in
// person, enters the number read from it, and reads out the one-time code it gives.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'confirm:subject-identity:any')
  const t = await getT(request)
  return pageGuard(t, async () => ({ pending: await pendingSubjects(user) }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'confirm:subject-identity:any')
  const t = await getT(request)
  try {
    const input = await parseForm(request, deskCodeSchema, t.locale)
    const issued = await issueDeskCode(user, input.userId, input.residentId)
    return formDone({ userId: input.userId, ...issued })
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function IdentityDesk() {
  const { t } = useTranslation()
  const { pending } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>{t('identityDesk.title')}</h1>
      <p className="muted">{t('identityDesk.intro')}</p>
      <FormError message={result?.formError ?? result?.fieldErrors?.residentId?.join(' ')} />
      {result?.done ? (
        <p className="notice" role="status" data-code={result.done.code}>
          {t('identityDesk.code', { code: result.done.code })} (
          <DateTime iso={result.done.expiresAt} />)
        </p>
      ) : null}
      {pending.length === 0 ? (
        <p className="muted">{t('identityDesk.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('identityDesk.person')}</th>
              <th>{t('identityDesk.registeredAt')}</th>
              <th>{t('identityDesk.check')}</th>
            </tr>
          </thead>
          <tbody>
            {pending.map((p) => (
              <tr key={p.id} data-subject={p.email}>
                <td>
                  {p.displayName} · {p.email}
                  <br />
                  <span className="mono">{p.residentIdMasked}</span>
                </td>
                <td>
                  <DateTime iso={p.registeredAt} />
                </td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="userId" value={p.id} />
                    <label>
                      {t('identityDesk.onCard')}{' '}
                      <input name="residentId" required maxLength={18} autoComplete="off" />
                    </label>
                    <button type="submit" className="primary">
                      {t('identityDesk.issue')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
