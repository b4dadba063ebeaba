import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { pick, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { sharingListPage } from '~/services/sharing/pages.server'
import { pageGuard } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'

// C4 (Art. 22–24): an agency's sharing requests, and the requests its data received as a source
// department, newest first.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:sharing-request:own-org')
  const t = await getT(request)
  return pageGuard(t, () => sharingListPage(user))
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['mine'][number]

function Requests({ rows, other }: { rows: Row[]; other: 'sourceOrgId' | 'requesterOrgId' }) {
  const { t } = useTranslation()
  const lang = useLang()
  const { orgNames } = useLoaderData<typeof loader>()
  if (rows.length === 0) return <p className="muted">{t('sharing.none')}</p>
  return (
    <table>
      <thead>
        <tr>
          <th>{t('sharing.entry')}</th>
          <th>{other === 'sourceOrgId' ? t('sharing.source') : t('sharing.requester')}</th>
          <th>{t('sharing.mode')}</th>
          <th>{t('common.status')}</th>
          <th>{t('sharing.replyDue')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              <Link to={`/sharing/requests/${r.id}`}>{pick(r.title, lang)}</Link>
            </td>
            <td>{pick(orgNames[r[other]], lang)}</td>
            <td>{t(`sharing.modes.${r.mode}`)}</td>
            <td>{t(`sharing.status.${r.status}`)}</td>
            <td>
              {r.status === 'pending' && r.replyDueAt ? <DateTime iso={r.replyDueAt} /> : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export default function SharingRequests() {
  const { t } = useTranslation()
  const { mine, inbox } = useLoaderData<typeof loader>()
  return (
    <>
      <section className="card">
        <h1>{t('sharing.title')}</h1>
        <p className="muted">{t('sharing.intro')}</p>
        <p>
          <Link to="/catalog">{t('sharing.fromCatalog')}</Link>
        </p>
        <h2>{t('sharing.inbox')}</h2>
        <Requests rows={inbox} other="requesterOrgId" />
      </section>
      <section className="card">
        <h2>{t('sharing.mine')}</h2>
        <Requests rows={mine} other="sourceOrgId" />
      </section>
    </>
  )
}
