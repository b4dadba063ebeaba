import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/form'
import { useLang } from '~/components/catalog'
import { listPublicComments } from '~/services/open-data/comments.server'
import { publishEditionSchema } from '~/services/open-data/schemas'
import { listEditions, publishOpenCatalogEdition } from '~/services/open-data/yearly-catalog.server'
import { catalogIndexStatus } from '~/services/search/catalog-index.server'
import openCss from '~/styles/open-data.css?url'
import { formFailure, formDone } from '~/utils/forms.server'
import { formatDateTime } from '~/utils/format'
import { getT } from '~/utils/i18n.server'
import { pageGuard } from '~/utils/http.server'
import { requirePermission } from '~/utils/permissions.server'
import { parseForm } from '~/utils/validation.server'
import { isObjectId } from '~/utils/schemas'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: openCss }]

// Art. 34, the authority: publish the yearly open-data catalog and read the public's comments.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'manage:open-catalog:any')
  const t = await getT(request)
  const before = new URL(request.url).searchParams.get('before') ?? undefined
  if (before !== undefined && !isObjectId(before))
    throw new Response(t('error.dcat.badCursor'), { status: 400 })
  return pageGuard(t, async () => {
    const [editions, comments] = await Promise.all([
      listEditions(),
      listPublicComments(user, { before, limit: 20 }),
    ])
    return {
      year: new Date().getFullYear(),
      index: catalogIndexStatus(),
      editions: editions.map((e) => ({
        id: e._id,
        year: e.year,
        revision: e.revision,
        entryCount: e.entryCount,
        publishedAt: e.publishedAt.toISOString(),
      })),
      comments: comments.items.map((c) => ({
        id: String(c._id),
        topic: c.topic,
        year: c.year,
        body: c.body,
        name: c.name ?? '',
        contact: c.contact ?? '',
        entryId: c.entryId ?? null,
        createdAt: c.createdAt.toISOString(),
      })),
      nextBefore: comments.nextBefore,
    }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'manage:open-catalog:any')
  const t = await getT(request)
  try {
    const form = await parseForm(request, publishEditionSchema, t.locale)
    const published = await publishOpenCatalogEdition({
      user,
      year: form.year,
      priorities: { zh: form.prioritiesZh, en: form.prioritiesEn },
    })
    return formDone({ year: form.year, revision: published.revision, count: published.entryCount })
  } catch (error) {
    return formFailure(error, t)
  }
}

export default function OpenDataAdmin() {
  const { t } = useTranslation()
  const lang = useLang()
  const location = useLocation()
  const { year, index, editions, comments, nextBefore } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
      <section className="card">
        <h1>{t('openData.admin.title')}</h1>
        <p className="muted">{t('openData.admin.intro')}</p>
        <p className="muted">
          {t('openData.admin.index')}:{' '}
          {t('openData.admin.indexStatus', {
            documents: index.documents,
            loadedAt: index.loadedAt ? formatDateTime(index.loadedAt, lang) : '—',
            ms: index.loadMs,
          })}
        </p>
        <h2>{t('openData.admin.publish')}</h2>
        {result?.done ? (
          <p className="notice">{t('openData.admin.published', result.done)}</p>
        ) : null}
        <Form method="post" className="stack">
          <FormError message={result?.formError} />
          <input type="hidden" name="intent" value="publish" />
          <label>
            {t('openData.admin.year')}
            <input type="number" name="year" defaultValue={year} min={2020} max={2100} required />
          </label>
          <label>
            {t('openData.admin.prioritiesZh')}
            <textarea name="prioritiesZh" required maxLength={4000} />
          </label>
          <label>
            {t('openData.admin.prioritiesEn')}
            <textarea name="prioritiesEn" maxLength={6000} />
          </label>
          <button type="submit" className="primary">
            {t('openData.admin.publish')}
          </button>
        </Form>
      </section>
      <section className="card">
        <h2>{t('openData.admin.editions')}</h2>
        <ul>
          {editions.map((e) => (
            <li key={e.id}>
              <Link to={`/open/catalog/${e.year}`}>
                {t('openData.yearly.edition', { year: e.year, revision: e.revision })}
              </Link>{' '}
              · {t('openData.yearly.entries', { count: e.entryCount })} ·{' '}
              {formatDateTime(e.publishedAt, lang)}
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{t('openData.admin.comments')}</h2>
        {comments.length === 0 ? <p className="muted">{t('openData.admin.noComments')}</p> : null}
        <table>
          <thead>
            <tr>
              <th>{t('ledger.at')}</th>
              <th>{t('openData.comments.year')}</th>
              <th>{t('openData.comments.topic')}</th>
              <th>{t('openData.comments.body')}</th>
              <th>{t('openData.comments.name')}</th>
            </tr>
          </thead>
          <tbody>
            {comments.map((c) => (
              <tr key={c.id}>
                <td className="nowrap">{formatDateTime(c.createdAt, lang)}</td>
                <td>{c.year}</td>
                <td>{t(`openData.comments.topics.${c.topic}`)}</td>
                <td>
                  {c.body}
                  {c.entryId ? (
                    <>
                      {' '}
                      <Link to={`/open/entries/${c.entryId}`}>↗</Link>
                    </>
                  ) : null}
                </td>
                <td>
                  {c.name}
                  {c.contact ? <div className="muted">{c.contact}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {nextBefore ? (
          <p>
            <Link to={`${location.pathname}?before=${nextBefore}`}>
              {t('openData.admin.older')} →
            </Link>
          </p>
        ) : null}
      </section>
    </>
  )
}
