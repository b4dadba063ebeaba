import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { CatalogNav, DiffTable } from '~/components/catalog'
import { getEntryDetailsForUser } from '~/services/catalog/entries.server'
import { catalogLinks } from '~/services/catalog/pages.server'
import { diffVersions } from '~/services/catalog/versions.server'
import catalogCss from '~/styles/catalog.css?url'
import { DomainError } from '~/utils/errors'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

const diffQuery = z.strictObject({
  from: z.coerce.number().int().min(1).max(100_000),
  to: z.coerce.number().int().min(1).max(100_000),
})

// The diff view between two approved versions of an entry.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:catalog-entry:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { entry } = await getEntryDetailsForUser(user, params.entryId ?? '')
    const fallback = {
      from: String(Math.max(1, entry.publishedVersion - 1)),
      to: String(Math.max(1, entry.publishedVersion)),
    }
    const { from, to } = validate(diffQuery, { ...fallback, ...queryObject(request) }, t.locale)
    if (from > entry.publishedVersion || to > entry.publishedVersion)
      throw new DomainError('not_found', 'error.notFound', 404)
    return {
      nav: catalogLinks(user, t),
      entry: { id: entry.id, code: entry.code, publishedVersion: entry.publishedVersion },
      diff: await diffVersions(entry.id, from, to),
    }
  })
}

export default function DiffPage() {
  const { t } = useTranslation()
  const { nav, entry, diff } = useLoaderData<typeof loader>()
  const versions = Array.from({ length: entry.publishedVersion }, (_, i) => i + 1)
  return (
    <section className="card">
      <h1>{t('catalog.entry.diffTitle', { from: diff.from, to: diff.to })}</h1>
      <CatalogNav links={nav} />
      <p>
        <Link to={`/catalog/${entry.id}`} className="mono">
          {entry.code}
        </Link>
      </p>
      <Form method="get" className="inline-form">
        <select name="from" defaultValue={String(diff.from)} aria-label={t('catalog.entry.before')}>
          {versions.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </select>
        →
        <select name="to" defaultValue={String(diff.to)} aria-label={t('catalog.entry.after')}>
          {versions.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </select>
        <button type="submit" className="secondary">
          {t('catalog.entry.diff')}
        </button>
      </Form>
      <DiffTable changes={diff.changes} />
    </section>
  )
}
