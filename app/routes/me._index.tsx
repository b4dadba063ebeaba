import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { pick, useLang } from '~/components/common'
import { LedgerTable } from '~/components/ledger-table'
import { RoleHome } from '~/components/role-home'
import { subjectHome, userView } from '~/services/identity/home.server'
import { requirePermission } from '~/utils/permissions.server'

// C10 (Art. 39, 42): a data subject's home — where the public data holds a record about them,
// with their own values, and the log entries naming their account.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:subject-data:own')
  return { user: userView(user), ...(await subjectHome(user)) }
}

export default function SubjectHome() {
  const { t } = useTranslation()
  const lang = useLang()
  const { user, residentIdMasked, holdings, entries } = useLoaderData<typeof loader>()
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
      <section className="card">
        <h2>{t('home.subject.accessLog')}</h2>
        <LedgerTable rows={entries} />
      </section>
    </RoleHome>
  )
}
