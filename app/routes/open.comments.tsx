import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { OpenNav } from '~/components/open-data'
import { submitPublicComment } from '~/services/open-data/comments.server'
import { COMMENT_TOPICS, commentFormSchema } from '~/services/open-data/schemas'
import { optionalViewer } from '~/services/open-data/viewer.server'
import openCss from '~/styles/open-data.css?url'
import { clientIpOf, formFailure } from '~/utils/forms.server'
import { getT } from '~/utils/i18n.server'
import { isCrossSiteWrite } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { isObjectId } from '~/utils/schemas'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: openCss }]

// Art. 34, public (no login): comment on the open-data priorities.
export function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const year = Number(url.searchParams.get('year'))
  const current = new Date().getFullYear()
  const entryId = url.searchParams.get('entry') ?? ''
  return {
    year: Number.isInteger(year) && year >= 2020 && year <= current + 1 ? year : current,
    years: [current + 1, current, current - 1],
    entryId: isObjectId(entryId) ? entryId : '',
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await getT(request)
  try {
    if (isCrossSiteWrite(request)) return new Response(t('error.csrf'), { status: 403 })
    const viewer = await optionalViewer(request).catch(() => undefined)
    const form = await parseForm(request, commentFormSchema, t.locale)
    await submitPublicComment({
      ...form,
      clientKey: clientIpOf(context) ?? 'unknown',
      user: viewer,
    })
    return { done: true as const }
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function CommentPage() {
  const { t } = useTranslation()
  const { year, years, entryId } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const err = (name: string) => result?.fieldErrors?.[name]
  return (
    <section className="card">
      <h1>{t('openData.comments.title')}</h1>
      <OpenNav />
      <p className="muted">{t('openData.comments.intro')}</p>
      {result?.done ? (
        <p className="notice" role="status">
          {t('openData.comments.thanks')}
        </p>
      ) : (
        <Form method="post" className="stack">
          <FormError message={result?.formError} />
          <input type="hidden" name="entryId" value={entryId} />
          <label>
            {t('openData.comments.year')}
            <select name="year" defaultValue={year}>
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('openData.comments.topic')}
            <select name="topic" defaultValue="priority">
              {COMMENT_TOPICS.map((topic) => (
                <option key={topic} value={topic}>
                  {t(`openData.comments.topics.${topic}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('openData.comments.body')}
            <textarea
              name="body"
              required
              minLength={5}
              maxLength={4000}
              aria-invalid={err('body') ? true : undefined}
            />
            {err('body') ? <span className="field-error">{err('body')!.join(' ')}</span> : null}
          </label>
          <label>
            {t('openData.comments.name')}
            <input name="name" maxLength={100} autoComplete="name" />
          </label>
          <label>
            {t('openData.comments.contact')}
            <input name="contact" maxLength={200} autoComplete="email" />
          </label>
          <button type="submit" className="primary">
            {t('openData.comments.submit')}
          </button>
        </Form>
      )}
    </section>
  )
}
