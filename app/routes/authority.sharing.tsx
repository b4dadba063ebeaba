import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, pick, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { FormError } from '~/components/form'
import { overdueSharingRequests, recordCoordination } from '~/services/sharing/coordination.server'
import { coordinationInput } from '~/services/sharing/schemas'
import { formFailure, formNotice, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// C4 (Art. 22): the data authority's view of sharing requests whose reply or delivery is overdue,
// and the coordination it records on each.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'coordinate:sharing-request:any')
  const t = await getT(request)
  return pageGuard(t, () => overdueSharingRequests(user))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'coordinate:sharing-request:any')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, coordinationInput, t.locale)
    values = form.values
    const { requestId, note } = form.parse()
    await recordCoordination(user, requestId, note)
    return formNotice(t('sharing.coordination.recorded'))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function AuthoritySharing() {
  const { t } = useTranslation()
  const lang = useLang()
  const { items, orgNames } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>{t('sharing.coordination.title')}</h1>
      <p className="muted">{t('sharing.coordination.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError ?? result?.fieldErrors?.note?.join(' ')} />
      {items.length === 0 ? (
        <p className="muted">{t('sharing.coordination.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('sharing.entry')}</th>
              <th>{t('sharing.source')}</th>
              <th>{t('sharing.requester')}</th>
              <th>{t('sharing.coordination.clock')}</th>
              <th>{t('sharing.coordination.dueAt')}</th>
              <th>{t('sharing.coordination.record')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/sharing/requests/${r.id}`}>{pick(r.title, lang)}</Link>
                  {r.coordinations ? (
                    <span className="badge">
                      {' '}
                      {t('sharing.coordination.count', { count: r.coordinations })}
                    </span>
                  ) : null}
                </td>
                <td>{pick(orgNames[r.sourceOrgId], lang)}</td>
                <td>{pick(orgNames[r.requesterOrgId], lang)}</td>
                <td>{t(`sharing.coordination.clocks.${r.clock}`)}</td>
                <td>
                  <DateTime iso={r.dueAt} />
                </td>
                <td>
                  <Form method="post" style={{ display: 'flex', gap: '0.5rem' }}>
                    <input type="hidden" name="requestId" value={r.id} />
                    <input
                      name="note"
                      required
                      minLength={4}
                      aria-label={t('sharing.coordination.note')}
                      placeholder={t('sharing.coordination.note')}
                    />
                    <button type="submit">{t('sharing.coordination.record')}</button>
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
