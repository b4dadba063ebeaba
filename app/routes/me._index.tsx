import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LedgerTable } from '~/components/ledger-table'
import { RoleHome } from '~/components/role-home'
import { subjectHome, userView } from '~/services/identity/home.server'
import { requirePermission } from '~/utils/permissions.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:subject-data:own')
  return { user: userView(user), ...(await subjectHome(user)) }
}

export default function SubjectHome() {
  const { t } = useTranslation()
  const { user, residentIdMasked, entries } = useLoaderData<typeof loader>()
  return (
    <RoleHome title={t('home.subject.title')} intro={t('home.subject.intro')} user={user}>
      <section className="card">
        <p>
          <strong>{t('home.subject.residentId')}:</strong>{' '}
          <span className="mono">{residentIdMasked ?? '—'}</span>
        </p>
        <h2>{t('home.subject.accessLog')}</h2>
        <LedgerTable rows={entries} />
      </section>
    </RoleHome>
  )
}
