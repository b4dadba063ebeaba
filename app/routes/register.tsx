import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Field, FormError } from '~/components/form'
import { registerOrganization } from '~/services/identity/auth.server'
import { registrationSchema } from '~/services/identity/schemas'
import { clientIpOf, formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { isCrossSiteWrite } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await getT(request)
  if (isCrossSiteWrite(request)) throw new Response(t('error.csrf'), { status: 403 })
  try {
    const input = await parseForm(request, registrationSchema, t.locale)
    await registerOrganization(input, { clientIp: clientIpOf(context) })
    return redirect('/register?done=1')
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function Register() {
  const { t } = useTranslation()
  const result = useActionData<typeof action>()
  const [params] = useSearchParams()
  const errors = result?.fieldErrors ?? {}
  if (params.get('done')) {
    return (
      <section className="card">
        <h1>{t('register.title')}</h1>
        <p className="notice" role="status">
          {t('register.done')}
        </p>
      </section>
    )
  }
  return (
    <section className="card">
      <h1>{t('register.title')}</h1>
      <p className="muted">{t('register.intro')}</p>
      <p>
        <Link to="/register/subject">{t('register.forPersons')} →</Link>
      </p>
      <Form method="post" className="stack">
        <FormError message={result?.formError} />
        <label>
          {t('register.orgType')}
          <select name="orgType" defaultValue="provider">
            <option value="provider">{t('orgTypes.provider')}</option>
            <option value="buyer">{t('orgTypes.buyer')}</option>
          </select>
        </label>
        <Field label={t('register.orgNameZh')} name="nameZh" required errors={errors.nameZh} />
        <Field label={t('register.orgNameEn')} name="nameEn" required errors={errors.nameEn} />
        <Field
          label={t('register.uscc')}
          hint={t('register.usccHint')}
          name="uscc"
          required
          maxLength={18}
          errors={errors.uscc}
        />
        <Field
          label={t('register.displayName')}
          name="displayName"
          required
          errors={errors.displayName}
        />
        <Field
          label={t('register.email')}
          name="email"
          type="email"
          required
          errors={errors.email}
        />
        <Field
          label={t('register.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          errors={errors.password}
        />
        <button type="submit" className="primary">
          {t('register.submit')}
        </button>
      </Form>
    </section>
  )
}
