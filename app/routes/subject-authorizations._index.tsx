import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime } from '~/components/catalog'
import { pick, useLang } from '~/components/common'
import { orgAuthorizations } from '~/services/subjects/authorizations.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: '个人授权 · Authorizations from persons' }]

// C10 (Art. 41): the authorizations persons gave this organisation — what it may read, for what,
// until when — and the API that reads it.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'use:subject-authorization:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => ({ authorizations: await orgAuthorizations(user) }))
}

export default function OrgAuthorizations() {
  const { t } = useTranslation()
  const lang = useLang()
  const { authorizations } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('authorizations.title')}</h1>
      <p className="muted">{t('authorizations.intro')}</p>
      {authorizations.length === 0 ? <p className="muted">{t('authorizations.none')}</p> : null}
      {authorizations.length ? (
        <table>
          <thead>
            <tr>
              <th>{t('authorizations.person')}</th>
              <th>{t('authorizations.data')}</th>
              <th>{t('authorizations.purpose')}</th>
              <th>{t('authorizations.period')}</th>
              <th>{t('authorizations.api')}</th>
            </tr>
          </thead>
          <tbody>
            {authorizations.map((a) => (
              <tr key={a.id} data-authorization={a.state}>
                <td>{a.person}</td>
                <td>
                  {pick(a.title, lang)}
                  <br />
                  <span className="mono">{a.fields.join(', ')}</span>
                </td>
                <td>{a.purpose}</td>
                <td>
                  <DateTime iso={a.start} /> – <DateTime iso={a.end} />
                  <br />
                  {t(`authorizations.states.${a.state}`)}
                </td>
                <td className="mono">GET /api/v1/subject-authorizations/{a.id}/record</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
