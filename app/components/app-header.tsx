import { Form, Link, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { RootData } from '~/root'

export function AppHeader({ data }: { data: RootData | undefined }) {
  const { t, i18n } = useTranslation()
  const location = useLocation()
  const user = data?.user
  const locale = data?.locale ?? 'zh'
  const orgName = user?.org ? (locale === 'zh' ? user.org.name.zh : user.org.name.en) : null
  return (
    <header className="app-header">
      <Link to={user?.home ?? '/'} className="brand">
        <span className="brand-mark" aria-hidden>
          粤
        </span>
        <span>{t('app.name')}</span>
      </Link>
      <nav aria-label="main">
        {user ? (
          <>
            <Link to={user.home}>{t('nav.home')}</Link>
            <Link to="/market">{t('market.nav.browse')}</Link>
            {user.canReadCatalog ? <Link to="/catalog">{t('catalog.nav')}</Link> : null}
            {user.canRequestSharing ? <Link to="/sharing">{t('sharing.nav')}</Link> : null}
            {user.canVerify ? <Link to="/verification">{t('verification.nav')}</Link> : null}
            <Link to="/open">{t('openData.nav')}</Link>
            {user.canManageOpenCatalog ? (
              <Link to="/authority/open-data">{t('openData.admin.title')}</Link>
            ) : null}
            {user.canReadLicences ? <Link to="/licences">{t('licences.title')}</Link> : null}
            {user.canTraceLeaks ? (
              <Link to="/regulator/fingerprint">{t('licences.lookupTitle')}</Link>
            ) : null}
            {user.canReadSupervision ? (
              <Link to="/supervision/reports">{t('supervision.title')}</Link>
            ) : null}
            {user.canManageKeys ? <Link to="/settings/api-keys">{t('nav.apiKeys')}</Link> : null}
            <Link to="/notifications">
              {t('notifications.nav')}
              {user.unreadNotices > 0 ? (
                <span className="badge warn count"> {user.unreadNotices}</span>
              ) : null}
            </Link>
            {user.canAdminQueues ? <a href="/admin/queues">{t('nav.queues')}</a> : null}
            <span className="who">
              {user.displayName}
              {orgName ? ` · ${orgName}` : ''}
            </span>
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">
                {t('nav.logout')}
              </button>
            </Form>
          </>
        ) : (
          <>
            <Link to="/open">{t('openData.nav')}</Link>
            <Link to="/market">{t('market.nav.browse')}</Link>
            <Link to="/login">{t('nav.login')}</Link>
            <Link to="/register">{t('nav.register')}</Link>
          </>
        )}
        <Form method="post" action="/set-locale" reloadDocument>
          <input type="hidden" name="locale" value={locale === 'zh' ? 'en' : 'zh'} />
          <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
          <button type="submit" className="link-button" lang={i18n.language === 'zh' ? 'en' : 'zh'}>
            {t('nav.switchTo')}
          </button>
        </Form>
      </nav>
    </header>
  )
}
