import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice, pick, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { FormError } from '~/components/form'
import {
  commentOnFiling,
  filingsInbox,
  overdueSharingRequests,
  recordCoordination,
} from '~/services/sharing/coordination.server'
import { authoritySharingInput } from '~/services/sharing/schemas'
import { formFailure, formNotice, readForm, type PostedValues } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// C4 (Art. 22, 25): the data authority's view of sharing requests whose reply or delivery is
// overdue, with the coordination it records on each, and of the cross-level or cross-region
// requests filed with it, on which it may comment.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'coordinate:sharing-request:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const [overdue, filings] = await Promise.all([overdueSharingRequests(user), filingsInbox(user)])
    return {
      items: overdue.items,
      filings: filings.items,
      orgNames: { ...overdue.orgNames, ...filings.orgNames },
    }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'coordinate:sharing-request:any')
  const t = await getT(request)
  let values: PostedValues = {}
  try {
    const form = await readForm(request, authoritySharingInput, t.locale)
    values = form.values
    const input = form.parse()
    if ('intent' in input) {
      await commentOnFiling(user, input.requestId, input.note)
      return formNotice(t('sharing.filings.commented'))
    }
    await recordCoordination(user, input.requestId, input.note)
    return formNotice(t('sharing.coordination.recorded'))
  } catch (error) {
    return formFailure(error, t, values)
  }
}

export default function AuthoritySharing() {
  const { t } = useTranslation()
  const lang = useLang()
  const { items, filings, orgNames } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
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
      <section className="card">
        <h2>{t('sharing.filings.title')}</h2>
        <p className="muted">{t('sharing.filings.intro')}</p>
        {filings.length === 0 ? (
          <p className="muted">{t('sharing.filings.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('sharing.entry')}</th>
                <th>{t('sharing.requester')}</th>
                <th>{t('sharing.source')}</th>
                <th>{t('sharing.filings.relation')}</th>
                <th>{t('sharing.createdAt')}</th>
                <th>{t('sharing.filings.comment')}</th>
              </tr>
            </thead>
            <tbody>
              {filings.map((f) => (
                <tr key={f.id}>
                  <td>
                    <Link to={`/sharing/requests/${f.id}`}>{pick(f.title, lang)}</Link>{' '}
                    <span className="badge">{t(`sharing.status.${f.status}`)}</span>
                  </td>
                  <td>{pick(orgNames[f.requesterOrgId], lang)}</td>
                  <td>{pick(orgNames[f.sourceOrgId], lang)}</td>
                  <td>{t(`sharing.filings.relations.${f.relation}`)}</td>
                  <td>
                    <DateTime iso={f.createdAt} />
                  </td>
                  <td>
                    <Form method="post" style={{ display: 'flex', gap: '0.5rem' }}>
                      <input type="hidden" name="intent" value="comment" />
                      <input type="hidden" name="requestId" value={f.id} />
                      <input
                        name="note"
                        required
                        minLength={4}
                        aria-label={t('sharing.filings.comment')}
                        placeholder={t('sharing.filings.comment')}
                      />
                      <button type="submit">{t('sharing.filings.send')}</button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
