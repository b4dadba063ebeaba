import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { Notice, pick, useLang } from '~/components/common'
import { LedgerTable } from '~/components/ledger-table'
import { RoleHome } from '~/components/role-home'
import { subjectHome, userView } from '~/services/identity/home.server'
import { requestSubjectCopy, subjectCopies } from '~/services/subjects/copies.server'
import { formFailure, formNotice } from '~/utils/forms.server'
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
  }
}

// Art. 42: the subject asks for a copy (the only form on the page).
export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'read:subject-data:own')
  const t = await getT(request)
  try {
    const copy = await requestSubjectCopy(user)
    return formNotice(t(copy.repeated ? 'home.subject.copyRepeated' : 'home.subject.copyAsked'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function SubjectHome() {
  const { t } = useTranslation()
  const lang = useLang()
  const { user, residentIdMasked, holdings, uses, entries, copies } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <RoleHome title={t('home.subject.title')} intro={t('home.subject.intro')} user={user}>
      <section className="card">
        <p>
          <strong>{t('home.subject.residentId')}:</strong>{' '}
          <span className="mono">{residentIdMasked ?? '—'}</span>
        </p>
        <h2>{t('home.subject.holdings')}</h2>
        {holdings.length === 0 ? (
          <p className="muted">{t('home.subject.none')}</p>
        ) : (
          <>
            <p className="muted">{t('home.subject.holdingsIntro')}</p>
            {holdings.map((h) => (
              <article key={h.entryId} data-holding={h.entryId} className="stack">
                <h3>{pick(h.title, lang)}</h3>
                <p className="muted">
                  {t('home.subject.source')}: {pick(h.orgName, lang)} · {t('home.subject.storedAt')}
                  : <DateTime iso={h.storedAt} />
                </p>
                {h.records.map((r) => (
                  <table
                    key={r.row}
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
      <section className="card" id="copies">
        <h2>{t('home.subject.copies')}</h2>
        <p className="muted">{t('home.subject.copiesIntro')}</p>
        {result?.notice ? <Notice>{result.notice}</Notice> : null}
        <Form method="post">
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
