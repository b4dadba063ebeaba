import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Field, FormError } from '~/components/form'
import {
  API_KEY_DAYS,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from '~/services/identity/auth.server'
import { apiKeyFormSchema } from '~/services/identity/schemas'
import { formatDateTime } from '~/utils/format'
import { formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'manage:api-key:own')
  const keys = await listApiKeys(user)
  return {
    keys: keys.map((k) => ({
      id: k._id,
      name: k.name,
      createdAt: k.createdAt.toISOString(),
      expiresAt: (
        k.expiresAt ?? new Date(k.createdAt.getTime() + API_KEY_DAYS * 86_400_000)
      ).toISOString(),
      revoked: Boolean(k.revokedAt),
    })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'manage:api-key:own')
  const t = await getT(request)
  try {
    const input = await parseForm(request, apiKeyFormSchema, t.locale)
    if (input.intent === 'create') {
      const { key } = await createApiKey(user, input.name)
      return { newKey: key, formError: undefined, fieldErrors: undefined }
    }
    await revokeApiKey(user, input.id)
    return { newKey: undefined, formError: undefined, fieldErrors: undefined }
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function ApiKeys() {
  const { t, i18n } = useTranslation()
  const { keys } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const lang = i18n.language === 'en' ? 'en' : 'zh'
  return (
    <section className="card">
      <h1>{t('apiKeys.title')}</h1>
      <p className="muted">{t('apiKeys.intro')}</p>
      {result && 'newKey' in result && result.newKey ? (
        <div className="notice" role="status">
          <p>{t('apiKeys.created')}</p>
          <p className="secret mono">{result.newKey}</p>
        </div>
      ) : null}
      <Form method="post" className="stack">
        <FormError message={result?.formError} />
        <input type="hidden" name="intent" value="create" />
        <Field
          label={t('apiKeys.name')}
          name="name"
          required
          maxLength={80}
          errors={result?.fieldErrors?.name}
        />
        <button type="submit" className="primary">
          {t('apiKeys.create')}
        </button>
      </Form>
      {keys.length === 0 ? (
        <p className="muted">{t('apiKeys.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('apiKeys.name')}</th>
              <th>ID</th>
              <th>{t('common.createdAt')}</th>
              <th>{t('apiKeys.expiresAt')}</th>
              <th>{t('common.status')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td className="mono">{key.id}</td>
                <td>{formatDateTime(key.createdAt, lang)}</td>
                <td>{formatDateTime(key.expiresAt, lang)}</td>
                <td>
                  {key.revoked ? (
                    <span className="badge bad">{t('apiKeys.revoked')}</span>
                  ) : (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="id" value={key.id} />
                      <button type="submit" className="secondary">
                        {t('apiKeys.revoke')}
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
