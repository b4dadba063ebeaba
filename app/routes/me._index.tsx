import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { Notice, pick, useLang } from '~/components/common'
import { FormError } from '~/components/form'
import { LedgerTable } from '~/components/ledger-table'
import { RoleHome } from '~/components/role-home'
import { subjectHome, userView } from '~/services/identity/home.server'
import { confirmIdentity } from '~/services/identity/subjects.server'
import { subjectFormSchema } from '~/services/identity/schemas'
import { myComplaints } from '~/services/subjects/complaints.server'
import { requestSubjectCopy, subjectCopies } from '~/services/subjects/copies.server'
import { myRecordRequests } from '~/services/subjects/record-requests.server'
import { myAuthorizations, revokeAuthorization } from '~/services/subjects/authorizations.server'
import { formDone, formFailure, formNotice } from '~/utils/forms.server'
import { parseForm } from '~/utils/validation.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// While a copy is being made the page reloads itself (no JavaScript needed).
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: '我的数据 · My data' },
  ...(data?.copies.some((c) => c.status === 'queued')
    ? [{ httpEquiv: 'refresh', content: '3' } as const]
    : []),
]

// C10 (Art. 39, 42): a data subject's home — where the public data holds a record about them,
// with their own values, copies of it, and the log entries naming their account.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:subject-data:own')
  return {
    user: userView(user),
    ...(await subjectHome(user)),
    copies: await subjectCopies(user),
    complaints: await myComplaints(user),
    requests: await myRecordRequests(user),
    authorizations: await myAuthorizations(user),
  }
}

// Art. 39: the subject confirms her identity with the desk's code; Art. 42: she asks for a copy.
export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'read:subject-data:own')
  const t = await getT(request)
  try {
    const form = await parseForm(request, subjectFormSchema, t.locale)
    if (form.intent === 'confirm') {
      await confirmIdentity(user, form.code)
      return formDone({ confirmed: true }, t('home.subject.confirmed'))
    }
    if (form.intent === 'revoke') {
      await revokeAuthorization(user, form.authorizationId)
      return formDone({ revoked: true }, t('home.subject.authorizationRevoked'))
    }
    const copy = await requestSubjectCopy(user)
    return formNotice(t(copy.repeated ? 'home.subject.copyRepeated' : 'home.subject.copyAsked'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function SubjectHome() {
  const { t } = useTranslation()
  const lang = useLang()
  const {
    user,
    residentIdMasked,
    identityConfirmed,
    holdings,
    uses,
    entries,
    copies,
    complaints,
    requests,
    authorizations,
  } = useLoaderData<typeof loader>()
  const [search] = useSearchParams()
  const result = useActionData<typeof action>()
  if (!identityConfirmed)
    return (
      <RoleHome title={t('home.subject.title')} intro={t('home.subject.intro')} user={user}>
        <section className="card" id="confirm">
          <p>
            <strong>{t('home.subject.residentId')}:</strong>{' '}
            <span className="mono">{residentIdMasked ?? '—'}</span>
          </p>
          <h2>{t('home.subject.confirmTitle')}</h2>
          <p className="muted">{t('home.subject.confirmIntro')}</p>
          <Form method="post" className="stack">
            <FormError message={result?.formError ?? result?.fieldErrors?.code?.join(' ')} />
            <input type="hidden" name="intent" value="confirm" />
            <label>
              {t('home.subject.code')}
              <input
                name="code"
                required
                inputMode="numeric"
                pattern="[0-9]{6}"
                maxLength={6}
                autoComplete="one-time-code"
              />
            </label>
            <button type="submit" className="primary">
              {t('home.subject.confirm')}
            </button>
          </Form>
        </section>
      </RoleHome>
    )
  return (
    <RoleHome title={t('home.subject.title')} intro={t('home.subject.intro')} user={user}>
      <section className="card">
        <p>
          <strong>{t('home.subject.residentId')}:</strong>{' '}
          <span className="mono">{residentIdMasked ?? '—'}</span>
        </p>
        {result?.done ? <Notice>{result.notice}</Notice> : null}
        <h2>{t('home.subject.holdings')}</h2>
        {holdings.length === 0 ? (
          <p className="muted">{t('home.subject.none')}</p>
        ) : (
          <>
            <p className="muted">{t('home.subject.holdingsIntro')}</p>
            {holdings.map((h) => (
              <article
                key={h.datasetId}
                data-holding={h.entryId ?? h.datasetId}
                data-source={h.source}
                className="stack"
              >
                <h3>{pick(h.title, lang)}</h3>
                <p className="muted">
                  {t(`home.subject.holdingSource.${h.source}`)}: {pick(h.orgName, lang)} ·{' '}
                  {t('home.subject.storedAt')}: <DateTime iso={h.storedAt} />
                </p>
                {h.records.map((r) => (
                  <div key={r.row} className="stack">
                    <table
                      aria-label={`${pick(h.title, lang)} ${t('home.subject.row', { row: r.row })}`}
                    >
                      <thead>
                        <tr>
                          <th>{t('home.subject.field')}</th>
                          <th>{t('home.subject.value')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.fields.map((f) => (
                          <tr key={f.name} data-field={f.name}>
                            <td>{pick(f.label, lang)}</td>
                            <td>{f.value}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                    {h.source === 'entry-dataset' ? (
                      <p>
                        <Link to={`/me/requests/new?dataset=${h.datasetId}&row=${r.row}`}>
                          {t('home.subject.requestAsk')} →
                        </Link>{' '}
                        ·{' '}
                        <Link to={`/me/authorizations/new?entry=${h.entryId}`}>
                          {t('home.subject.authorizeAsk')} →
                        </Link>
                      </p>
                    ) : null}
                  </div>
                ))}
              </article>
            ))}
          </>
        )}
      </section>
      <section className="card" id="uses">
        <h2>{t('home.subject.uses')}</h2>
        {uses.total === 0 ? (
          <p className="muted">{t('home.subject.usesNone')}</p>
        ) : (
          <>
            <p className="muted">{t('home.subject.usesIntro', { count: uses.total })}</p>
            <table>
              <thead>
                <tr>
                  <th>{t('home.subject.useWhen')}</th>
                  <th>{t('home.subject.useWho')}</th>
                  <th>{t('home.subject.usePurpose')}</th>
                  <th>{t('home.subject.useBasis')}</th>
                </tr>
              </thead>
              <tbody>
                {uses.items.map((u) => (
                  <tr key={u.id} data-use={u.kind}>
                    <td>
                      <DateTime iso={u.at} />
                    </td>
                    <td>
                      {pick(u.org, lang)}
                      <br />
                      <span className="muted">{t(`home.subject.useKinds.${u.kind}`)}</span>
                    </td>
                    <td>{u.purpose}</td>
                    <td>{u.basis}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section className="card" id="requests">
        <h2>{t('home.subject.requests')}</h2>
        <p className="muted">{t('home.subject.requestsIntro')}</p>
        {search.get('request') === 'filed' ? (
          <Notice>{t('home.subject.requestFiled')}</Notice>
        ) : null}
        {requests.length === 0 ? (
          <p className="muted">{t('home.subject.requestNone')}</p>
        ) : (
          <table>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id} data-request={r.status}>
                  <td>
                    <DateTime iso={r.submittedAt} />
                    <br />
                    {pick(r.title, lang)} · {pick(r.org, lang)}
                  </td>
                  <td>
                    {t(`home.subject.requestKinds.${r.kind}`)}
                    {r.fieldLabel ? ` · ${pick(r.fieldLabel, lang)} → ${r.proposed ?? ''}` : null}
                  </td>
                  <td>
                    {t(`home.subject.requestStatus.${r.status}`)}
                    {r.appliedAt ? ` · ${t('home.subject.requestApplied')}` : null}
                    {r.overdue ? ` · ${t('home.subject.overdue')}` : null}
                    {r.status === 'pending' ? (
                      <>
                        <br />
                        <span className="muted">
                          {t('home.subject.dueBy')}: <DateTime iso={r.dueAt} />
                        </span>
                      </>
                    ) : null}
                    {r.note ? (
                      <>
                        <br />
                        <span className="muted">{r.note}</span>
                      </>
                    ) : null}
                    {r.priorCopies.length ? (
                      <>
                        <br />
                        {t('home.subject.requestPriorCopies')}:{' '}
                        {r.priorCopies.map((c) => pick(c.org, lang)).join('、')}
                      </>
                    ) : null}
                    {r.status === 'refused' || r.overdue ? (
                      <>
                        <br />
                        <Link to={`/me/complaints/new?respondent=${r.orgId}`}>
                          {t('home.subject.requestEscalate')} →
                        </Link>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" id="authorizations">
        <h2>{t('home.subject.authorizations')}</h2>
        <p className="muted">{t('home.subject.authorizationsIntro')}</p>
        {search.get('authorization') === 'granted' ? (
          <Notice>{t('home.subject.authorizationGranted')}</Notice>
        ) : null}
        {authorizations.length === 0 ? (
          <p className="muted">{t('home.subject.authorizationNone')}</p>
        ) : (
          <table>
            <tbody>
              {authorizations.map((a) => (
                <tr key={a.id} data-authorization={a.state}>
                  <td>
                    {pick(a.org, lang)}
                    <br />
                    <span className="muted">{pick(a.title, lang)}</span>
                  </td>
                  <td>
                    <span className="mono">{a.fields.join(', ')}</span>
                    <br />
                    {a.purpose}
                  </td>
                  <td>
                    <DateTime iso={a.start} /> – <DateTime iso={a.end} />
                    <br />
                    {t(`authorizations.states.${a.state}`)}
                  </td>
                  <td>
                    {a.state === 'active' ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="authorizationId" value={a.id} />
                        <button type="submit" className="secondary">
                          {t('home.subject.authorizationRevoke')}
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" id="complaints">
        <h2>{t('home.subject.complaints')}</h2>
        <p className="muted">{t('home.subject.complaintsIntro')}</p>
        {search.get('complaint') === 'filed' ? (
          <Notice>{t('home.subject.complaintFiled')}</Notice>
        ) : null}
        <p>
          <Link to="/me/complaints/new">{t('home.subject.complaintNew')} →</Link>
        </p>
        {complaints.length === 0 ? (
          <p className="muted">{t('home.subject.complaintNone')}</p>
        ) : (
          <table>
            <tbody>
              {complaints.map((c) => (
                <tr key={c.id} data-complaint={c.status}>
                  <td>
                    <DateTime iso={c.submittedAt} />
                    <br />
                    {pick(c.respondent, lang)}
                  </td>
                  <td>
                    {t(`home.subject.complaintStatus.${c.status}`)}
                    {c.outcome ? ` · ${t(`home.subject.complaintOutcome.${c.outcome}`)}` : null}
                    {c.overdue ? ` · ${t('home.subject.overdue')}` : null}
                    {c.note ? (
                      <>
                        <br />
                        <span className="muted">{c.note}</span>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" id="copies">
        <h2>{t('home.subject.copies')}</h2>
        <p className="muted">{t('home.subject.copiesIntro')}</p>
        {result?.notice && !result.done ? <Notice>{result.notice}</Notice> : null}
        <FormError message={result?.formError} />
        <Form method="post">
          <input type="hidden" name="intent" value="copy" />
          <button type="submit" className="primary">
            {t('home.subject.copyAsk')}
          </button>
        </Form>
        {copies.length ? (
          <table>
            <tbody>
              {copies.map((c) => (
                <tr key={c.id} data-copy={c.status}>
                  <td>
                    {t('home.subject.copyAt')}: <DateTime iso={c.requestedAt} />
                  </td>
                  <td>
                    {c.status === 'done' ? (
                      <>
                        {t('home.subject.copyDone', { records: c.records ?? 0 })} ·{' '}
                        <a href={`/me/copies/${c.id}/csv`}>CSV</a> ·{' '}
                        <a href={`/me/copies/${c.id}/json`}>JSON</a>
                      </>
                    ) : (
                      t('home.subject.copyQueued')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="card">
        <h2>{t('home.subject.accessLog')}</h2>
        <LedgerTable rows={entries} />
      </section>
    </RoleHome>
  )
}
