import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Field, FormError } from '~/components/form'
import { login } from '~/services/identity/auth.server'
import { loginSchema } from '~/services/identity/schemas'
import { clientIpOf, formFailure, safeRedirect } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { getOptionalUser, isCrossSiteWrite } from '~/utils/permissions.server'
import { homeFor } from '~/utils/permissions'
import { parseForm } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request)
  if (user) throw redirect(homeFor(user.roles))
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await getT(request)
  // Login CSRF: another site must not sign a visitor in to an account of its choosing.
  if (isCrossSiteWrite(request)) throw new Response(t('error.csrf'), { status: 403 })
  try {
    const input = await parseForm(request, loginSchema, t.locale)
    const { user, setCookie } = await login(request, { ...input, clientIp: clientIpOf(context) })
    return redirect(safeRedirect(input.redirectTo, homeFor(user.roles)), {
      headers: { 'Set-Cookie': setCookie },
    })
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function Login() {
  const { t } = useTranslation()
  const result = useActionData<typeof action>()
  const [params] = useSearchParams()
  return (
    <section className="card">
      <h1>{t('login.title')}</h1>
      <Form method="post" className="stack">
        <FormError message={result?.formError} />
        <Field
          label={t('login.email')}
          name="email"
          type="email"
          autoComplete="username"
          required
          errors={result?.fieldErrors?.email}
        />
        <Field
          label={t('login.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          errors={result?.fieldErrors?.password}
        />
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
        <button type="submit" className="primary">
          {t('login.submit')}
        </button>
      </Form>
      <p className="muted">
        {t('login.noAccount')} <Link to="/register">{t('nav.register')}</Link>
      </p>
    </section>
  )
}
