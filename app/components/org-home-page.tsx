import { useLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { LedgerRowView } from './ledger-table'
import { RoleHome, type HomeUser } from './role-home'

/** The home page of an agency, provider, buyer or research institute member. */
export function OrgHomePage({
  section,
  children,
}: {
  section: 'agency' | 'provider' | 'buyer' | 'research'
  children?: ReactNode
}) {
  const { t } = useTranslation()
  const { user, recent } = useLoaderData<{ user: HomeUser; recent: LedgerRowView[] }>()
  return (
    <RoleHome
      title={t(`home.${section}.title`)}
      intro={t(`home.${section}.intro`)}
      user={user}
      recent={recent}
    >
      {children}
    </RoleHome>
  )
}
