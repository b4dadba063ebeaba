import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Field, FormError } from '~/components/form'
import { registerSubject } from '~/services/identity/subjects.server'
import { subjectRegistrationSchema } from '~/services/identity/schemas'
import { clientIpOf, formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { isCrossSiteWrite } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

// C10 (Art. 39): a natural person registers with her resident ID; she confirms her identity at the
// authority's desk before the portal shows any data about her. The answer is the same whether or
// not the e-mail or the ID already has an account.
export async function action({ request, context }: ActionFunctionArgs) {
  const t = await getT(request)
  if (isCrossSiteWrite(request)) throw new Response(t('error.csrf'), { status: 403 })
  try {
    const input = await parseForm(request, subjectRegistrationSchema, t.locale)
    await registerSubject(input, { clientIp: clientIpOf(context) })
    return redirect('/register/subject?done=1')
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function RegisterSubject() {
  const { t } = useTranslation()
  const result = useActionData<typeof action>()
  const [params] = useSearchParams()
  const errors = result?.fieldErrors ?? {}
  if (params.get('done'))
    return (
      <section className="card">
        <h1>{t('register.subject.title')}</h1>
        <p className="notice" role="status">
          {t('register.subject.done')}
        </p>
        <p>
          <Link to="/login">{t('register.subject.login')}</Link>
        </p>
      </section>
    )
  return (
    <section className="card">
      <h1>{t('register.subject.title')}</h1>
      <p className="muted">{t('register.subject.intro')}</p>
      <Form method="post" className="stack">
        <FormError message={result?.formError} />
        <Field
          label={t('register.displayName')}
          name="displayName"
          required
          errors={errors.displayName}
        />
        <Field
          label={t('register.subject.residentId')}
          hint={t('register.subject.residentIdHint')}
          name="residentId"
          required
          maxLength={18}
          autoComplete="off"
          errors={errors.residentId}
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
