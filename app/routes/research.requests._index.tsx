import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pager, RequestTable, ResearchNav } from '~/components/research'
import { listOwnRequests, researchLinks } from '~/services/research/pages.server'
import { researchListQuery } from '~/services/research/schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// Art. 26: a research institution's requests for public-interest access, newest first.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:research-request:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = validate(researchListQuery, queryObject(request), t.locale)
    return { nav: researchLinks(user, t), query, ...(await listOwnRequests(user, query)) }
  })
}

export default function MyResearchRequests() {
  const { t } = useTranslation()
  const { nav, items, orgNames, nextAfter, total } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('research.mine.title')}</h1>
      <ResearchNav links={nav} />
      <p className="muted">{t('research.mine.intro')}</p>
      <p>
        <Link to="/market">{t('research.mine.fromMarket')}</Link> ·{' '}
        <Link to="/catalog">{t('research.mine.fromCatalog')}</Link>
      </p>
      {items.length === 0 ? (
        <p className="muted">{t('research.mine.empty')}</p>
      ) : (
        <RequestTable items={items} orgNames={orgNames} party="owner" />
      )}
      <Pager nextAfter={nextAfter} total={total} />
    </section>
  )
}
