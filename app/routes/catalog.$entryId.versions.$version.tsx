import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CatalogNav, ContentDetails, DateTime, pick, useLang } from '~/components/catalog'
import { getEntryDetailsForUser, orgNames } from '~/services/catalog/entries.server'
import { catalogLinks } from '~/services/catalog/pages.server'
import { getVersion } from '~/services/catalog/versions.server'
import catalogCss from '~/styles/catalog.css?url'
import { DomainError } from '~/utils/errors'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// Art. 10–11: an older approved version stays readable.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:catalog-entry:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const { entry } = await getEntryDetailsForUser(user, params.entryId ?? '')
    const n = Number(params.version)
    if (!Number.isInteger(n) || n < 1 || n > entry.publishedVersion)
      throw new DomainError('not_found', 'error.notFound', 404)
    const version = await getVersion(entry.id, n)
    const d = version.content.departments
    return {
      nav: catalogLinks(user, t),
      entry: { id: entry.id, code: entry.code, publishedVersion: entry.publishedVersion },
      version,
      orgNames: await orgNames([entry.orgId, d.collecting, d.verifying, d.providing]),
    }
  })
}

export default function VersionPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, entry, version, orgNames } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>
        {pick(version.content.title, lang)} · {t('catalog.versionN', { n: version.version })}
      </h1>
      <CatalogNav links={nav} />
      <p className="muted">
        <Link to={`/catalog/${entry.id}`} className="mono">
          {entry.code}
        </Link>{' '}
        · <DateTime iso={version.approvedAt} />
        {version.version < entry.publishedVersion ? (
          <>
            {' '}
            ·{' '}
            <Link
              to={`/catalog/${entry.id}/diff?from=${version.version}&to=${entry.publishedVersion}`}
            >
              {t('catalog.entry.diff')} v{version.version} → v{entry.publishedVersion}
            </Link>
          </>
        ) : null}
      </p>
      {version.filedAt ? <p className="badge ok">{t('catalog.entry.filed')}</p> : null}
      <ContentDetails content={version.content} orgNames={orgNames} />
    </section>
  )
}
