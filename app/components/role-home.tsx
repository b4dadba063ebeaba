import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { LedgerTable, type LedgerRowView } from './ledger-table'

export interface HomeUser {
  displayName: string
  roles: string[]
  org: { name: { zh: string; en: string }; type: string } | null
}

export function RoleHome({
  title,
  intro,
  user,
  recent,
  children,
}: {
  title: string
  intro?: string
  user: HomeUser
  recent?: LedgerRowView[]
  children?: ReactNode
}) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language === 'en' ? 'en' : 'zh'
  return (
    <>
      <section className="card">
        <h1>{title}</h1>
        <p>{t('home.welcome', { name: user.displayName })}</p>
        {intro ? <p className="muted">{intro}</p> : null}
        <p>
          {user.org ? (
            <>
              <strong>{t('home.org')}:</strong> {user.org.name[lang]} ·{' '}
            </>
          ) : null}
          <strong>{t('home.role')}:</strong> {user.roles.map((r) => t(`roles.${r}`)).join(', ')}
        </p>
      </section>
      {children}
      {recent ? (
        <section className="card">
          <h2>{t('home.recentLog')}</h2>
          <LedgerTable rows={recent} />
        </section>
      ) : null}
    </>
  )
}
