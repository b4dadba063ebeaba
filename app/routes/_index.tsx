import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getOptionalUser } from '~/utils/permissions.server'
import { homeFor } from '~/utils/permissions'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request)
  if (user) throw redirect(homeFor(user.roles))
  return null
}

export default function Landing() {
  const { t } = useTranslation()
  return (
    <section className="card">
      <h1>{t('app.name')}</h1>
      <p className="muted">{t('app.tagline')}</p>
      <p>{t('landing.intro')}</p>
      <p>
        <Link className="button" to="/login">
          {t('nav.login')}
        </Link>{' '}
        <Link to="/register">{t('nav.register')}</Link>
      </p>
    </section>
  )
}
