import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import {
  decideRecordRequest,
  departmentRecordRequests,
} from '~/services/subjects/record-requests.server'
import { recordRequestDecisionSchema } from '~/services/subjects/schemas'
import { formFailure, formNotice } from '~/utils/forms.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

export const meta: MetaFunction = () => [{ title: '数据主体请求 · Data subjects’ requests' }]

// C10 (Art. 42): the source department decides, with reasons, the objections, corrections and
// deletions data subjects ask about records it holds.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'decide:record-change:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({ requests: await departmentRecordRequests(user) }))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'decide:record-change:own-org')
  const t = await getT(request)
  try {
    await decideRecordRequest(user, await parseForm(request, recordRequestDecisionSchema, t.locale))
    return formNotice(t('recordRequestsDesk.decided'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function RecordRequestsDesk() {
  const { t } = useTranslation()
  const lang = useLang()
  const { requests } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="card">
      <h1>{t('recordRequestsDesk.title')}</h1>
      <p className="muted">{t('recordRequestsDesk.intro')}</p>
      {result?.notice ? <Notice>{result.notice}</Notice> : null}
      <FormError message={result?.formError ?? result?.fieldErrors?.note?.join(' ')} />
      {requests.length === 0 ? <p className="muted">{t('recordRequestsDesk.none')}</p> : null}
      {requests.map((r) => (
        <article key={r.id} className="stack card" data-request={r.status}>
          <h2>
            {t(`home.subject.requestKinds.${r.kind}`)} · {pick(r.title, lang)} ·{' '}
            {t(`home.subject.requestStatus.${r.status}`)}
            {r.overdue ? <span className="badge bad"> {t('home.subject.overdue')}</span> : null}
          </h2>
          <p className="muted">
            <DateTime iso={r.submittedAt} /> · {t('home.subject.dueBy')}: <DateTime iso={r.dueAt} />
          </p>
          {r.record.length ? (
            <table aria-label={t('recordRequestsDesk.record')}>
              <tbody>
                {r.record.map((f) => (
                  <tr key={f.name} data-field={f.name}>
                    <th scope="row">{pick(f.label, lang)}</th>
                    <td>{f.value}</td>
                    <td>
                      {f.name === r.field ? (
                        <strong>
                          {t('recordRequestsDesk.proposed')}: {r.proposed}
                        </strong>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p>
            <strong>{t('home.subject.requestReasons')}:</strong> {r.reasons}
          </p>
          {r.note ? (
            <p>
              <strong>{t('complaintsDesk.note')}:</strong> {r.note}
            </p>
          ) : null}
          {r.status === 'pending' ? (
            <Form method="post" className="stack">
              <input type="hidden" name="requestId" value={r.id} />
              <label>
                {t('recordRequestsDesk.note')}
                <textarea name="note" rows={2} required minLength={10} maxLength={4000} />
              </label>
              <div className="inline-form">
                <button type="submit" name="decision" value="granted" className="primary">
                  {t('recordRequestsDesk.grant')}
                </button>
                <button type="submit" name="decision" value="refused" className="secondary">
                  {t('recordRequestsDesk.refuse')}
                </button>
              </div>
            </Form>
          ) : null}
        </article>
      ))}
    </section>
  )
}
