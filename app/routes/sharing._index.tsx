import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Paging, pick, SortHeader, useLang } from '~/components/common'
import { DateTime } from '~/components/catalog'
import { sharingListPage } from '~/services/sharing/pages.server'
import { sharingListQuery } from '~/services/sharing/schemas'
import { pageGuard, queryObject } from '~/utils/http.server'
import { getT } from '~/utils/i18n.server'
import { requireAnyPermission } from '~/utils/permissions.server'
import { validate } from '~/utils/validation.server'
import { SHARING_REQUEST_STATUSES } from '~/vocab/sharing'

// C4 (Art. 22–24): the requests an agency's data received as a source department, and the requests
// it made — numbered pages, sorted by date or reply deadline, narrowed by status.
export async function loader({ request }: LoaderFunctionArgs) {
  // Agencies, and enterprises or institutions that data was shared with (Art. 26 ¶1).
  const user = await requireAnyPermission(request, [
    'create:sharing-request:own-org',
    'receive:sharing-grant:own-org',
  ])
  const t = await getT(request)
  return pageGuard(t, () =>
    sharingListPage(user, validate(sharingListQuery, queryObject(request), t.locale)),
  )
}

export default function SharingRequests() {
  const { t } = useTranslation()
  const lang = useLang()
  const { query, items, paging, orgNames } = useLoaderData<typeof loader>()
  const other = query.box === 'inbox' ? 'requesterOrgId' : 'sourceOrgId'
  return (
    <section className="card">
      <h1>{t('sharing.title')}</h1>
      <p className="muted">{t('sharing.intro')}</p>
      <p>
        <Link to="/catalog">{t('sharing.fromCatalog')}</Link>
      </p>
      <nav aria-label={t('sharing.title')} style={{ display: 'flex', gap: '1.5rem' }}>
        {(['inbox', 'mine'] as const).map((box) => (
          <Link
            key={box}
            to={`?box=${box}`}
            aria-current={query.box === box ? 'page' : undefined}
            style={query.box === box ? { fontWeight: 700 } : undefined}
          >
            {t(`sharing.${box}`)}
          </Link>
        ))}
      </nav>
      <Form method="get" className="filters">
        <input type="hidden" name="box" value={query.box} />
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <label>
          {t('common.status')}{' '}
          <select name="status" defaultValue={query.status ?? ''}>
            <option value="">{t('orders.filters.all')}</option>
            {SHARING_REQUEST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`sharing.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="secondary">
          {t('licences.filter')}
        </button>
      </Form>
      {items.length === 0 ? (
        <p className="muted">{t('sharing.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('sharing.entry')}</th>
              <th>{other === 'sourceOrgId' ? t('sharing.source') : t('sharing.requester')}</th>
              <th>{t('sharing.mode')}</th>
              <th>{t('common.status')}</th>
              <SortHeader paging={paging} column="created">
                {t('sharing.createdAt')}
              </SortHeader>
              <SortHeader paging={paging} column="due">
                {t('sharing.replyDue')}
              </SortHeader>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/sharing/requests/${r.id}`}>{pick(r.title, lang)}</Link>
                </td>
                <td>{pick(orgNames[r[other]], lang)}</td>
                <td>{t(`sharing.modes.${r.mode}`)}</td>
                <td>{t(`sharing.status.${r.status}`)}</td>
                <td>
                  <DateTime iso={r.createdAt} />
                </td>
                <td>
                  {r.status === 'pending' && r.replyDueAt ? <DateTime iso={r.replyDueAt} /> : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Paging paging={paging} />
    </section>
  )
}
