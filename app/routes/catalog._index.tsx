import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CatalogNav, gradeLabel, Pager, pick, useLang } from '~/components/catalog'
import { listAgencies, listPublishedEntries } from '~/services/catalog/entries.server'
import { catalogLinks, cursorOf } from '~/services/catalog/pages.server'
import { objectIdField } from '~/services/catalog/schemas'
import catalogCss from '~/styles/catalog.css?url'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { pageGuard } from '~/utils/http.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogCss }]

// The approved catalog as every organization's staff browses it (Art. 10), paged by `_id`.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'read:catalog-entry:any')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const cursor = cursorOf(request, t)
    const orgParam = new URL(request.url).searchParams.get('org') ?? ''
    const org = orgParam && objectIdField.safeParse(orgParam).success ? orgParam : undefined
    const page = await listPublishedEntries(user, { ...cursor, orgId: org })
    return { nav: catalogLinks(user, t), agencies: await listAgencies(), org: org ?? '', ...page }
  })
}

export default function CatalogIndex() {
  const { t } = useTranslation()
  const lang = useLang()
  const { nav, items, nextAfter, total, orgNames, agencies, org } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('catalog.title')}</h1>
      <CatalogNav links={nav} />
      <p className="muted">{t('catalog.intro')}</p>
      <Form method="get" className="inline-form">
        <label>
          {t('catalog.filterOrg')}{' '}
          <select name="org" defaultValue={org}>
            <option value="">{t('catalog.allOrgs')}</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {pick(a.name, lang)}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="submit" className="secondary">
          {t('catalog.filter')}
        </button>
      </Form>
      {items.length === 0 ? (
        <p className="muted">{t('catalog.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('catalog.entryTitle')}</th>
              <th>{t('catalog.org')}</th>
              <th>{t('catalog.form.sharingType')}</th>
              <th>{t('catalog.form.openAttribute')}</th>
              <th>{t('catalog.form.grade')}</th>
              <th>{t('catalog.form.updateFrequency')}</th>
              <th>{t('catalog.version')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>
                  <Link to={`/catalog/${e.id}`}>{pick(e.content.title, lang)}</Link>
                  <div className="muted mono">{e.code}</div>
                </td>
                <td>{pick(orgNames[e.orgId], lang)}</td>
                <td>{t(`catalog.sharingType.${e.content.sharingType}`)}</td>
                <td>{t(`catalog.openAttribute.${e.content.openAttribute}`)}</td>
                <td>{gradeLabel(t, e.content.grade)}</td>
                <td>{t(`catalog.updateFrequency.${e.content.updateFrequency}`)}</td>
                <td>v{e.publishedVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextAfter={nextAfter} total={total} />
    </section>
  )
}
