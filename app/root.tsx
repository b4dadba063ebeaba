import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AppHeader } from './components/app-header'
import { getLocale } from './utils/i18n.server'
import { getOptionalUser } from './utils/permissions.server'
import { homeFor } from './utils/permissions'
import stylesHref from './styles/app.css?url'
import { useNonce } from './utils/nonce'
import { unreadCount } from './services/notifications/inbox.server'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesHref },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction = () => [
  { title: '广东省公共数据交易平台 · Guangdong Public Data Exchange' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const [locale, user] = await Promise.all([getLocale(request), getOptionalUser(request)])
  return {
    locale,
    user: user && {
      // The header's count of unread notices (the notification centre).
      unreadNotices: await unreadCount(user),
      displayName: user.displayName,
      roles: user.roles,
      home: homeFor(user.roles),
      org: user.org ? { name: user.org.name, type: user.org.type } : null,
      canAdminQueues: user.permissions.has('admin:queues:any'),
      canManageKeys: user.permissions.has('manage:api-key:own'),
      canReadCatalog: user.permissions.has('read:catalog-entry:any'),
      canRequestSharing:
        user.permissions.has('create:sharing-request:own-org') ||
        user.permissions.has('receive:sharing-grant:own-org'),
      canVerify: user.permissions.has('verify:record:own-org'),
      canManageOpenCatalog: user.permissions.has('manage:open-catalog:any'),
      canReadLicences:
        user.permissions.has('read:licence:own-org') || user.permissions.has('read:licence:any'),
      canTraceLeaks: user.permissions.has('lookup:fingerprint:any'),
      canReadSupervision: user.permissions.has('read:supervision-report:any'),
    },
  }
}

export type RootData = Awaited<ReturnType<typeof loader>>

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<RootData>('root')
  const locale = data?.locale ?? 'zh'
  const nonce = useNonce()
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <AppHeader data={data} />
        <main className="page">{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  if (isRouteErrorResponse(error)) {
    const message =
      error.status === 404
        ? t('error.notFound')
        : typeof error.data === 'string' && error.data
          ? error.data
          : t('error.title')
    return (
      <section className="card error-page" role="alert">
        <h1>
          {error.status} ·{' '}
          {error.status === 404
            ? t('error.notFound')
            : error.status === 403
              ? t('error.accessDenied')
              : t('error.title')}
        </h1>
        {error.status === 404 ? null : <p>{message}</p>}
      </section>
    )
  }
  return (
    <section className="card error-page" role="alert">
      <h1>{t('error.title')}</h1>
    </section>
  )
}
