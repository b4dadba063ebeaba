import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pager, RequestTable, ResearchNav } from '~/components/research'
import { listInbox, researchLinks } from '~/services/research/pages.server'
import { researchListQuery } from '~/services/research/schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requirePermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'

// Art. 26 with Art. 23: the owner's inbox of research requests on its products or catalog entries
// (the authority sees every one); each reply is due within 5 working days, overdue ones are marked.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'decide:research-request:own-org')
  const t = await getT(request)
  return pageGuard(t, async () => {
    const query = validate(researchListQuery, queryObject(request), t.locale)
    return { nav: researchLinks(user, t), query, ...(await listInbox(user, query)) }
  })
}

export default function ResearchInbox() {
  const { t } = useTranslation()
  const { nav, query, items, orgNames, nextAfter, total } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <h1>{t('research.inbox.title')}</h1>
      <ResearchNav links={nav} />
      <p className="muted">{t('research.inbox.intro')}</p>
      <form method="get" className="inline-form">
        <label>
          {t('research.statusLabel')}
          <select name="status" defaultValue={query.status ?? ''}>
            <option value="">{t('research.all')}</option>
            {(['pending', 'approved', 'refused'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`research.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="secondary">
          {t('research.filter')}
        </button>
      </form>
      {items.length === 0 ? (
        <p className="muted">{t('research.inbox.empty')}</p>
      ) : (
        <RequestTable items={items} orgNames={orgNames} party="requester" />
      )}
      <Pager nextAfter={nextAfter} total={total} />
    </section>
  )
}
