import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { minKFormSchema } from '~/services/desensitize/schemas'
import { gradeKeys, minKByGrade, setMinKByGrade } from '~/services/desensitize/settings.server'
import { formFailure, formNotice } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

export const meta: MetaFunction = () => [{ title: '最低 k 值 · Minimum k' }]

// Art. 32 (GB/T 37964): the authority sets the minimum k of k-anonymity per security grade;
// every scan uses the values in force when it runs.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'manage:catalog-rules:any')
  return { grades: await gradeKeys(), table: await minKByGrade() }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'manage:catalog-rules:any')
  const t = await getT(request)
  try {
    const table = await parseForm(request, minKFormSchema, t.locale)
    await setMinKByGrade({ user, table })
    return formNotice(t('scan.settings.saved'))
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function DesensitizeSettingsPage() {
  const { t } = useTranslation()
  const { grades, table } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const label = (grade: string) =>
    grade.startsWith('general-')
      ? t('scan.settings.general', { level: grade.slice('general-'.length) })
      : t(`scan.settings.${grade}`)
  return (
    <section className="card">
      <h1>{t('scan.settings.title')}</h1>
      <p className="muted">{t('scan.settings.intro')}</p>
      {result?.notice ? (
        <p className="notice" role="status">
          {result.notice}
        </p>
      ) : null}
      <FormError message={result?.formError} />
      <Form method="post" className="stack">
        {grades.map((grade) => (
          <label key={grade}>
            {label(grade)}
            <input
              type="number"
              name={`k_${grade}`}
              min={2}
              max={1000}
              step={1}
              required={grade === 'default'}
              defaultValue={table[grade] ?? ''}
              placeholder={
                grade === 'default' ? '' : t('scan.settings.useDefault', { k: table.default })
              }
            />
            {result?.fieldErrors?.[`k_${grade}`] ? (
              <span className="field-error">{result.fieldErrors[`k_${grade}`]!.join(' ')}</span>
            ) : null}
          </label>
        ))}
        <button type="submit" className="primary">
          {t('common.save')}
        </button>
      </Form>
    </section>
  )
}
