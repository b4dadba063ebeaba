import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/common'
import { listLicences } from '~/services/licences/pages.server'
import { formatDateTime } from '~/utils/format'
import { requirePermission, requireUser } from '~/utils/permissions.server'

export const meta: MetaFunction = () => [{ title: 'Licences' }]

// C8: my organization's licences, as licensee and as licensor; the authority and regulators see all.
export async function loader({ request }: LoaderFunctionArgs) {
  const signedIn = await requireUser(request)
  const user = await requirePermission(request, signedIn.permissions.has('read:licence:any') ? 'read:licence:any' : 'read:licence:own-org')
  return { any: user.permissions.has('read:licence:any'), licences: await listLicences(user) }
}

export default function Licences() {
  const { t } = useTranslation()
  const lang = useLang()
  const { any, licences } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('licences.title')}</h1>
      <p className="muted">{t(any ? 'licences.listIntroAny' : 'licences.listIntro')}</p>
      {licences.length === 0 ? (
        <p className="muted">{t('licences.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('licences.subject')}</th>
              {any ? null : <th>{t('licences.ourSide')}</th>}
              <th>{t('licences.licensee')}</th>
              <th>{t('licences.licensor')}</th>
              <th>{t('licences.deliveriesTitle')}</th>
              <th>{t('licences.until')}</th>
              <th>{t('licences.standingLabel')}</th>
            </tr>
          </thead>
          <tbody>
            {licences.map((l) => (
              <tr key={l.id}>
                <td>
                  <Link to={`/licences/${l.id}`}>{pick(l.subject, lang)}</Link>
                </td>
                {any ? null : <td>{t(`licences.side.${l.side}`)}</td>}
                <td>{pick(l.licensee, lang)}</td>
                <td>{pick(l.licensor, lang)}</td>
                <td>
                  {t(`licences.mode.${l.deliveryMode}`)} ·{' '}
                  {l.deliveries ? t('licences.deliveredCount', { done: l.delivered, all: l.deliveries }) : t('licences.status.claimed')}
                </td>
                <td>{formatDateTime(l.end, lang)}</td>
                <td>
                  <span className={`badge${l.standing === 'active' ? ' ok' : ' bad'}`} style={{ whiteSpace: 'nowrap' }}>{t(`licences.standing.${l.standing}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
